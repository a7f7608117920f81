import type { Clock } from '../clock.js';
import { StepError } from '../errors.js';
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';
import type { DeployConfig } from './config.js';
import { execute, type ExecuteHooks, type ExecuteResult } from './execute.js';
import type { Gate } from './gates.js';
import { buildPlan, planText, type DeployFacts, type Plan } from './plan.js';
import { describeProxy } from '../proxy/index.js';
import type { HostPrimitives, LockHolder, TrafficProxy } from './ports.js';
import { probe as probeHost, type Probe } from './probe.js';

export interface DeployDeps {
  exec: Executor;
  host: HostPrimitives;
  proxy?: TrafficProxy;
  clock: Clock;
  log: Log;
  /** Who and what for the lock and the audit (GITHUB_ACTOR, the run URL). */
  holder: Omit<LockHolder, 'startedAt'>;
  releaseId?: string;
  extraGates?: Gate[];
  hooks?: ExecuteHooks;
  /** Overrides the lock TTL computed from the config (tests of a cut-off deploy). */
  lockTtlSeconds?: number;
}

export interface DeployReport {
  dryRun: boolean;
  plan: Plan;
  probe: Probe;
  result?: ExecuteResult;
  facts: DeployFacts;
  /** Wall time of the whole deploy (lock to audit). */
  totalMs: number;
}

/** Who holds the host lock and signs the audit line: the workflow run, or a local run. */
export function runHolder(
  env: Record<string, string | undefined>,
  url?: string,
): Omit<LockHolder, 'startedAt'> {
  return {
    runId: env.GITHUB_RUN_ID ?? `local-${process.pid}`,
    actor: env.GITHUB_ACTOR ?? 'unknown',
    url,
  };
}

/** A release id that sorts by time: 20261130-041503 (UTC). */
export function releaseIdAt(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

/**
 * probe → plan → execute on one host. Dry-run stops after printing the plan (read-only commands
 * only). Otherwise: take the host lock, probe again under it, plan, execute (undo on failure),
 * append the audit entry, release the lock. Throws a StepError naming the failed step and gate.
 */
export async function deploy(config: DeployConfig, deps: DeployDeps): Promise<DeployReport> {
  const { exec, host, log, clock } = deps;
  const started = clock.now();
  const releaseId = deps.releaseId ?? releaseIdAt(started);
  const facts: DeployFacts = { waitMs: 0 };
  for (const warning of config.warnings) log.warn(warning);

  if (config.dryRun) {
    const probe = await probeHost(exec, config, deps);
    const plan = buildPlan({
      config,
      probe,
      releaseId,
      now: new Date(started).toISOString(),
      proxy: deps.proxy ? describeProxy(deps.proxy) : undefined,
    });
    log.info(`dry-run: nothing changes on ${exec.where}\n${planText(plan)}`);
    return { dryRun: true, plan, probe, facts, totalMs: clock.now() - started };
  }

  const paths = host.appPaths(config.stateBase, config.app);
  await exec.run(['mkdir', '-p', paths.dir]);
  const ttlSeconds = deps.lockTtlSeconds ?? lockTtl(config);
  const lock = await host.acquireLock(
    exec,
    paths.lock,
    { ...deps.holder, startedAt: new Date(started).toISOString() },
    { ttlSeconds, timeoutSeconds: config.lockTimeoutSeconds, clock, log },
  );
  let lastRefresh = clock.now();
  try {
    const probe = await probeHost(exec, config, deps);
    const plan = buildPlan({
      config,
      probe,
      releaseId,
      now: new Date(clock.now()).toISOString(),
      proxy: deps.proxy ? describeProxy(deps.proxy) : undefined,
    });
    log.info(planText(plan));
    const result = await execute(
      plan,
      {
        exec,
        clock,
        log,
        host,
        proxy: deps.proxy,
        httpTool: probe.httpTool,
        extraGates: deps.extraGates ?? [],
        facts,
      },
      {
        ...deps.hooks,
        between: async () => {
          await deps.hooks?.between?.();
          if (clock.now() - lastRefresh > (ttlSeconds * 1000) / 3) {
            await lock.refresh();
            lastRefresh = clock.now();
          }
        },
      },
    );
    await host
      .appendAudit(exec, paths, {
        at: new Date(clock.now()).toISOString(),
        actor: deps.holder.actor,
        action: `deploy ${config.strategy}`,
        release: releaseId,
        image: config.image.raw,
        result: result.ok ? 'success' : undoFailed(result) ? 'failure' : 'rolled-back',
        detail:
          result.error?.message ??
          `previous ${plan.current?.id ?? 'none'}${facts.gapMs !== undefined ? `, gap ${facts.gapMs} ms` : ''}`,
        url: deps.holder.url,
        runId: deps.holder.runId,
      })
      .catch((error: unknown) => log.warn(`audit entry not written: ${String(error)}`));
    const report = { dryRun: false, plan, probe, result, facts, totalMs: clock.now() - started };
    if (!result.ok) throw new DeployError(result.error!, report, result.failedGate);
    return report;
  } finally {
    await lock.release().catch((error: unknown) => log.warn(`lock not released: ${String(error)}`));
  }
}

export class DeployError extends StepError {
  constructor(
    cause: StepError,
    readonly report: DeployReport,
    readonly gate?: string,
  ) {
    const failedUndos = report.result?.records.filter((r) => r.status === 'undo-failed') ?? [];
    super(
      cause.step,
      failedUndos.length
        ? `${cause.message.slice(cause.step.length + 2)}; NOT rolled back: ${failedUndos.length} undo step(s) failed (${failedUndos.map((r) => r.title).join('; ')}); the next deploy converges the host`
        : `${cause.message.slice(cause.step.length + 2)}; rolled back to ${report.plan.current?.id ?? 'nothing (first deploy)'}`,
    );
    this.name = 'DeployError';
  }
}

/** Some undo step failed: the host is not back where it was (the next deploy converges it). */
export function undoFailed(result: ExecuteResult): boolean {
  return result.records.some((r) => r.status === 'undo-failed');
}

/** Long enough for the slowest plan; the engine refreshes it between steps anyway. */
export function lockTtl(config: DeployConfig): number {
  const canary =
    config.strategy === 'canary'
      ? config.canarySteps.length * (config.stepIntervalSeconds + 10)
      : 0;
  return Math.max(
    300,
    2 *
      (config.healthTimeoutSeconds +
        config.gateWindowSeconds +
        config.drainSeconds +
        config.stopGraceSeconds +
        canary) +
      120,
  );
}
