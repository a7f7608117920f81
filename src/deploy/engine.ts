/**
 * The engine on one host, the same for every plan (deploy, rollback; the actions and the CLI):
 * take the host lock, probe under it, plan (data), check the safety rules (refuse a violating
 * plan), execute with undo, say where the traffic is when it failed, append the audit line,
 * release the lock. The lock is refreshed by a timer while steps run; a cancel (SIGINT/SIGTERM
 * through `signal`) ends the current wait, runs the undos, writes `cancelled` and unlocks.
 */
import type { Clock } from '../clock.js';
import { errorMessage, StepError } from '../errors.js';
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';
import type { AppState, AuditEntry, Release } from '../host/state.js';
import type { DeployConfig } from './config.js';
import { imageLabelsArgv, listArgv, parseContainerList, parseMigrationLabel } from './docker.js';
import {
  abortableClock,
  execute,
  newFacts,
  routingLine,
  type ExecuteHooks,
  type ExecuteResult,
  type RunFacts,
  type Secrets,
} from './execute.js';
import type { Gate } from './gates.js';
import { buildPlan, hostBefore } from './plan.js';
import { LockLostError } from '../host/lock.js';
import type { HeldLock, HostPrimitives, LockHolder, TrafficProxy } from './ports.js';
import { planText } from './print.js';
import { probe as probeHost, type Probe, type ProxyChoice } from './probe.js';
import { buildPrunePlan } from './prune-plan.js';
import { describeProxy } from '../proxy/index.js';
import {
  buildRollbackPlan,
  planDowngrade,
  planRollback,
  type DowngradeCrossing,
  type RollbackPlan,
  type RollbackSettings,
} from './rollback-plan.js';
import { buildResumePlan, refuseWhileHeld } from './resume-plan.js';
import { assertSafe } from './rules.js';
import type { BotApi } from './webhook-registration.js';
import type { LockPlan, Plan } from './steps.js';

export interface EngineDeps {
  exec: Executor;
  host: HostPrimitives;
  clock: Clock;
  log: Log;
  /** Who and what for the lock and the audit (GITHUB_ACTOR, the run URL). */
  holder: Omit<LockHolder, 'startedAt'>;
  hooks?: ExecuteHooks;
  /** Overrides the lock TTL derived from the step budgets (tests of a cut-off run). */
  lockTtlSeconds?: number;
  /** Aborted on SIGINT/SIGTERM (reason: the signal's name). */
  signal?: AbortSignal;
  /** Calls f every ms while steps run; returns the stop (default setInterval, unref'd). */
  every?: (ms: number, f: () => void) => () => void;
  /** The Bot API for the webhook steps (telegram-bot-token through the run's fetch). */
  telegram?: BotApi;
}

export interface DeployDeps extends EngineDeps {
  proxy?: TrafficProxy;
  releaseId?: string;
  extraGates?: Gate[];
  /** How long a verify check may hold one gate (on-inconclusive: fail): the budgets grow by it. */
  verifyPauseSeconds?: number;
}

export interface RunReport {
  dryRun: boolean;
  plan: Plan;
  probe: Probe;
  result?: ExecuteResult;
  facts: RunFacts;
  /** Wall time of the whole run (lock to audit). */
  totalMs: number;
  /** After a failure: where the traffic is and what runs, read from the host. */
  afterwards?: string;
}

export type DeployReport = RunReport;

export interface RollbackReport extends RunReport {
  choice: RollbackPlan;
  /** From the first step to the target serving. */
  switchMs?: number;
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

const MAX_TTL = 900;

/** TTL from the longest bounded step (+ a margin), refreshed every quarter of it by a timer. */
export function lockFor(longestStepSeconds: number, override?: number): LockPlan {
  const ttlSeconds =
    override ?? Math.min(MAX_TTL, Math.max(120, Math.ceil(longestStepSeconds) + 60));
  return { ttlSeconds, refreshSeconds: Math.max(1, Math.floor(ttlSeconds / 4)) };
}

/** The longest step a deploy with this config can plan (the same budgets strategies.ts gives). */
export function deployBudget(config: DeployConfig, verifyPauseSeconds = 0): number {
  return (
    Math.max(
      config.healthTimeoutSeconds + config.gateWindowSeconds,
      config.gateWindowSeconds + verifyPauseSeconds,
      config.stepIntervalSeconds + verifyPauseSeconds,
      config.holdWatchSeconds + verifyPauseSeconds,
      config.drainSeconds,
      config.stopGraceSeconds,
      60,
    ) +
    verifyPauseSeconds +
    30
  );
}

export function rollbackBudget(settings: RollbackSettings): number {
  return (
    Math.max(
      settings.healthTimeoutSeconds + settings.gateWindowSeconds,
      settings.drainSeconds,
      settings.stopGraceSeconds,
      60,
    ) + 30
  );
}

interface Job {
  kind: 'deploy' | 'rollback';
  app: string;
  stateBase: string;
  dryRun: boolean;
  lockTimeoutSeconds: number;
  lock: LockPlan;
  /** Probe and plan (read-only). A refusal throws before anything changes. */
  prepare(now: number): Promise<{ probe: Probe; plan: Plan }>;
  secrets: Secrets;
  healthPath?: string;
  extraGates: Gate[];
  audit(
    plan: Plan,
    result: ExecuteResult,
    facts: RunFacts,
    afterwards?: string,
  ): Omit<AuditEntry, 'at' | 'actor' | 'url' | 'runId'>;
}

async function runJob(job: Job, deps: EngineDeps): Promise<RunReport> {
  const { exec, host, log, clock } = deps;
  const started = clock.now();
  const facts = newFacts();
  if (job.dryRun) {
    const { probe, plan } = await job.prepare(started);
    log.info(`dry-run: nothing changes on ${exec.where}\n${planText(plan)}`);
    assertSafe(plan);
    return { dryRun: true, plan, probe, facts, totalMs: clock.now() - started };
  }
  const paths = host.appPaths(job.stateBase, job.app);
  await exec.run(['mkdir', '-p', paths.dir]);
  // the host's history, stamped with this run; a failed write is warned, never fatal
  const audit = (entry: Omit<AuditEntry, 'at' | 'actor' | 'url' | 'runId'>) =>
    host
      .appendAudit(exec, paths, {
        at: new Date(clock.now()).toISOString(),
        actor: deps.holder.actor,
        url: deps.holder.url,
        runId: deps.holder.runId,
        ...entry,
      })
      .catch((error: unknown) => log.warn(`audit entry not written: ${errorMessage(error)}`));
  const lock = await host.acquireLock(
    exec,
    paths.lock,
    { ...deps.holder, startedAt: new Date(started).toISOString() },
    {
      ttlSeconds: job.lock.ttlSeconds,
      timeoutSeconds: job.lockTimeoutSeconds,
      // a cancel ends the wait for a busy lock at once (nothing was changed yet)
      clock: abortableClock(clock, deps.signal),
      log,
    },
  );
  const lost = new AbortController();
  let lockLost = false;
  const stopRefresh = keepAlive(lock, job.lock.refreshSeconds, deps, (error) => {
    lockLost = true;
    log.error(errorMessage(error));
    lost.abort('the deploy lock was lost');
  });
  const signal = deps.signal ? AbortSignal.any([deps.signal, lost.signal]) : lost.signal;
  try {
    const { probe, plan } = await job.prepare(clock.now());
    log.info(planText(plan));
    try {
      assertSafe(plan);
    } catch (refused) {
      // nothing changed, but the host's history says a plan was refused and why
      await audit({
        action: job.kind === 'rollback' ? 'rollback' : `deploy ${plan.strategy}`,
        release: plan.releaseId,
        image: plan.image,
        result: 'refused',
        detail: errorMessage(refused),
      });
      throw refused;
    }
    let lastRefresh = clock.now();
    const result = await execute(
      plan,
      {
        exec,
        clock,
        log,
        host,
        paths,
        proxy: probe.proxy,
        httpTool: probe.httpTool,
        healthPath: job.healthPath,
        extraGates: job.extraGates,
        facts,
        secrets: job.secrets,
        signal,
        telegram: deps.telegram,
      },
      {
        ...deps.hooks,
        lockLost: () => lockLost,
        between: async () => {
          await deps.hooks?.between?.();
          if (clock.now() - lastRefresh >= job.lock.refreshSeconds * 1000) {
            await lock.refresh().catch((error: unknown) => {
              if (!(error instanceof LockLostError)) {
                log.warn(`lock refresh failed, retrying: ${errorMessage(error)}`);
                return;
              }
              lockLost = true;
              lost.abort('the deploy lock was lost');
            });
            lastRefresh = clock.now();
          }
        },
      },
    );
    const afterwards = result.ok ? undefined : await whereTrafficIs(plan, probe, result, exec);
    if (afterwards) log.info(afterwards);
    await audit(job.audit(plan, result, facts, afterwards));
    return {
      dryRun: false,
      plan,
      probe,
      result,
      facts,
      totalMs: clock.now() - started,
      afterwards,
    };
  } finally {
    stopRefresh();
    await lock
      .release()
      .catch((error: unknown) => log.warn(`lock not released: ${errorMessage(error)}`));
  }
}

function keepAlive(
  lock: HeldLock,
  refreshSeconds: number,
  deps: EngineDeps,
  onLost: (error: unknown) => void,
): () => void {
  const every =
    deps.every ??
    ((ms: number, f: () => void) => {
      const timer = setInterval(f, ms);
      timer.unref();
      return () => clearInterval(timer);
    });
  let busy = false;
  let gone = false;
  return every(refreshSeconds * 1000, () => {
    if (busy || gone) return;
    busy = true;
    lock.refresh().then(
      () => (busy = false),
      (error: unknown) => {
        busy = false;
        // taken over: stop; anything else (a connection being re-made): the next tick retries
        if (error instanceof LockLostError) {
          gone = true;
          onLost(error);
        } else deps.log.warn(`lock refresh failed, retrying: ${errorMessage(error)}`);
      },
    );
  });
}

/**
 * After a failed or cancelled run: the routing as the proxy reports it and which of the plan's
 * containers run. With nginx, a reload command that failed leaves what nginx runs unknown: said so.
 */
async function whereTrafficIs(
  plan: Plan,
  probe: Probe,
  result: ExecuteResult,
  exec: Executor,
): Promise<string> {
  const parts: string[] = [];
  if (probe.proxy && plan.steps.some((s) => s.action.kind === 'route')) {
    const routed = await probe.proxy.current(exec).catch(() => undefined);
    parts.push(
      routed
        ? `traffic: ${routingLine(
            plan,
            routed.filter((b) => b.weight > 0),
          )} (as the ${probe.proxy.kind === 'nginx' ? 'nginx upstream file' : 'HAProxy runtime API'} says)`
        : 'traffic: unknown (the proxy did not answer)',
    );
  }
  // a read of the host after a failure (often over the connection that failed) never replaces
  // the failure's own report: what could not be read is said, in brackets
  try {
    const list = await exec.run(listArgv(plan.app), { allowFailure: true });
    const running = parseContainerList(list.stdout)
      .filter((c) => c.state === 'running')
      .map((c) => c.name);
    parts.push(`running: ${running.join(', ') || 'nothing'}`);
  } catch (error) {
    parts.push(`(could not read the host afterwards: ${errorMessage(error)})`);
  }
  if (result.routeUncertain)
    parts.push(
      `a route or its undo reported a failure, so the proxy may still run another routing; kept running: ${result.keptRunning.join(', ') || 'see above'}`,
    );
  return parts.join('; ');
}

/** Some undo step failed or was not run: the host is not back where it was. */
export function undoFailed(result: ExecuteResult): boolean {
  return result.records.some((r) => r.status === 'undo-failed' || r.status === 'kept');
}

function outcome(kind: 'deploy' | 'rollback', result: ExecuteResult): AuditEntry['result'] {
  if (result.ok) return 'success';
  if (result.cancelled) return 'cancelled';
  if (kind === 'deploy' && !undoFailed(result)) return 'rolled-back';
  return 'failure';
}

/**
 * probe → plan → check → execute on one host. Dry-run stops after printing the plan (read-only
 * commands only). Throws DeployError naming the failed step and gate, after the undos ran.
 */
export async function deploy(config: DeployConfig, deps: DeployDeps): Promise<DeployReport> {
  const releaseId = deps.releaseId ?? releaseIdAt(deps.clock.now());
  for (const warning of config.warnings) deps.log.warn(warning);
  const pause = deps.extraGates?.length ? (deps.verifyPauseSeconds ?? 0) : 0;
  const lock = lockFor(deployBudget(config, pause), deps.lockTtlSeconds);
  let crossing: DowngradeCrossing | undefined;
  const report = await runJob(
    {
      kind: 'deploy',
      app: config.app,
      stateBase: config.stateBase,
      dryRun: config.dryRun,
      lockTimeoutSeconds: config.lockTimeoutSeconds,
      lock,
      healthPath: config.healthPath,
      extraGates: deps.extraGates ?? [],
      secrets: {
        envFile: config.envFile,
        registryPassword: config.registry?.password,
        webhookSecret: config.webhook?.secret,
      },
      prepare: async (now) => {
        const probe = await probeHost(deps.exec, config, deps);
        const proxy = deps.proxy ? describeProxy(deps.proxy) : undefined;
        // resume goes on from the held canary; anything else is refused while one is held
        if (config.resume)
          return {
            probe,
            plan: buildResumePlan({
              config,
              probe,
              lock,
              proxy,
              verifyPauseSeconds: pause,
              nginxConfDir: deps.proxy?.nginx?.confDir,
            }),
          };
        refuseWhileHeld(probe.state, 'deploy');
        // A downgrade goes back as a rollback does: the same irreversible-migration rule, refused
        // here, before the plan exists and anything changes.
        if (config.downgrade)
          crossing = planDowngrade(
            await withMigrationLabels(deps.exec, probe.state, deps.log),
            { id: releaseId, image: config.image.raw },
            { force: config.force },
          );
        const plan = buildPlan({
          config,
          probe,
          releaseId,
          now: new Date(now).toISOString(),
          proxy,
          lock,
          verifyPauseSeconds: pause,
          nginxConfDir: deps.proxy?.nginx?.confDir,
          holder: deps.holder,
        });
        if (crossing?.forced) {
          const note = `force: downgrading past the irreversible migration of ${crossing.irreversible.map((r) => r.id).join(', ')}`;
          plan.notes.push(note);
          deps.log.warn(note);
        }
        return { probe, plan };
      },
      audit: (plan, result, facts, afterwards) => ({
        action: config.resume ? `canary ${config.resume}` : `deploy ${config.strategy}`,
        release: plan.releaseId,
        image: plan.image,
        result: result.ok && plan.canary?.phase === 'hold' ? 'held' : outcome('deploy', result),
        detail: [
          result.error
            ? [result.error.message, afterwards].filter(Boolean).join('; ')
            : plan.canary
              ? canaryLine(plan)
              : config.resume
                ? 'nothing held on this host, nothing to abort'
                : `previous ${plan.current?.id ?? 'none'}${facts.gapMs !== undefined ? `, gap ${facts.gapMs} ms` : ''}`,
          crossing?.forced
            ? `downgrade forced past the irreversible migration of ${crossing.irreversible.map((r) => r.id).join(', ')}`
            : undefined,
        ]
          .filter(Boolean)
          .join('; '),
      }),
    },
    deps,
  );
  if (report.result && !report.result.ok)
    throw new DeployError(report.result.error!, report, report.result.failedGate);
  return report;
}

/** What a held, promoted or aborted canary did, in one line (the audit's detail, the CLI). */
export function canaryLine(plan: Plan): string {
  const { phase, weight, held } = plan.canary!;
  const current = plan.current?.id ?? 'the current release';
  if (phase === 'hold') return `${held.id} held at ${weight}%, ${current} serves the rest`;
  if (phase === 'promote')
    return `${held.id} promoted from ${weight}% to 100%, previous ${current}`;
  return `${held.id} aborted at ${weight}%: ${current} serves all traffic again, the canary removed`;
}

export class DeployError extends StepError {
  constructor(
    cause: StepError,
    readonly report: RunReport,
    readonly gate?: string,
  ) {
    const result = report.result!;
    const what = report.plan.kind === 'rollback' ? 'rollback' : 'deploy';
    const canary = report.plan.canary;
    const back =
      report.plan.kind === 'rollback'
        ? `undone: ${report.plan.current?.id ?? 'the current release'} still serves`
        : canary && canary.phase !== 'hold'
          ? `undone: ${canary.held.id} is held at ${canary.weight}% again (resume: promote or abort)`
          : `rolled back to ${report.plan.current?.id ?? 'nothing (first deploy)'}`;
    const failedUndos = result.records.filter(
      (r) => r.status === 'undo-failed' || r.status === 'kept',
    );
    const head = result.cancelled
      ? `${what} cancelled`
      : cause.message.slice(cause.step.length + 2);
    const undone = failedUndos.length
      ? `NOT rolled back: ${failedUndos.length} undo step(s) failed or were not run (${failedUndos.map((r) => r.title).join('; ')}); the next deploy converges the host`
      : back;
    super(
      cause.step,
      `${head}; ${undone}${report.afterwards ? `. Now: ${report.afterwards}` : ''}`,
    );
    this.name = what === 'rollback' ? 'RollbackError' : 'DeployError';
  }
}

/** A failed rollback (its undos ran: the release it left still serves). */
export const RollbackError = DeployError;

/**
 * The image label `org.tg-devops.migration=irreversible` declares a release's migration
 * irreversible even when the deploy did not record it: read for the releases a rollback crosses
 * (docker image inspect, read-only). A release the state already marks keeps its mark.
 */
export async function withMigrationLabels(
  exec: Executor,
  state: AppState,
  log: Log,
): Promise<AppState> {
  const cache = new Map<string, boolean | undefined>();
  const mark = async (r: Release | undefined): Promise<Release | undefined> => {
    if (!r || r.irreversibleMigration !== undefined) return r;
    if (!cache.has(r.image)) {
      const out = await exec.run(imageLabelsArgv(r.image), { allowFailure: true });
      let value: boolean | undefined;
      if (out.exitCode === 0) {
        try {
          const label = parseMigrationLabel(out.stdout);
          value = label === undefined ? undefined : label === 'irreversible';
        } catch {
          log.warn(`labels of ${r.image} not readable: ${out.stdout.slice(0, 100)}`);
        }
      }
      cache.set(r.image, value);
    }
    const value = cache.get(r.image);
    return value === undefined ? r : { ...r, irreversibleMigration: value };
  };
  const history: Release[] = [];
  for (const r of state.history) history.push((await mark(r))!);
  return {
    app: state.app,
    current: await mark(state.current),
    previous: await mark(state.previous),
    history,
  };
}

export interface RollbackDeps extends EngineDeps {
  /** The proxy, or how to pick it from the release being left (proxy: auto). */
  proxy?: ProxyChoice;
}

/**
 * A rollback is a plan of the same engine: the kept container of the target starts again (or is
 * handed over to), gated, routed to, the current one drained by port and stopped; state.json
 * swapped by a record step. Refused before any change: an unknown target, a pruned container,
 * an irreversible migration crossed without force.
 */
export async function rollback(
  settings: RollbackSettings,
  deps: RollbackDeps,
): Promise<RollbackReport> {
  const lock = lockFor(rollbackBudget(settings), deps.lockTtlSeconds);
  let choice: RollbackPlan | undefined;
  const report = await runJob(
    {
      kind: 'rollback',
      app: settings.app,
      stateBase: settings.stateBase,
      dryRun: settings.dryRun,
      lockTimeoutSeconds: settings.lockTimeoutSeconds,
      lock,
      healthPath: settings.healthPath,
      extraGates: [],
      secrets: {},
      prepare: async () => {
        const probe = await probeHost(deps.exec, settings, deps);
        refuseWhileHeld(probe.state, 'rollback');
        const state = await withMigrationLabels(deps.exec, probe.state, deps.log);
        choice = planRollback(state, settings.to, { force: settings.force });
        if (!probe.containers.some((c) => c.name === choice!.to.container))
          throw new StepError(
            'rollback',
            `${deps.exec.where}: the container ${choice.to.container} of release ${choice.to.id} is gone (pruned: keep-releases); deploy its image ${choice.to.image} again instead`,
          );
        const plan = buildRollbackPlan({
          choice,
          settings,
          state: probe.state,
          before: hostBefore(undefined, probe),
          proxy: probe.proxy ? describeProxy(probe.proxy) : undefined,
          lock,
          webhook: { nginxConfDir: probe.proxy?.nginx?.confDir, registers: Boolean(deps.telegram) },
        });
        if (choice.forced) deps.log.warn(plan.notes[1] ?? 'forced');
        return { probe, plan };
      },
      audit: (plan, result, _facts, afterwards) => ({
        action: 'rollback',
        release: plan.release.id,
        image: plan.release.image,
        result: outcome('rollback', result),
        detail: [
          `from ${plan.current?.id}`,
          settings.reason,
          choice?.forced
            ? `forced past the irreversible migration of ${choice.irreversible.map((r) => r.id).join(', ')}`
            : undefined,
          result.error?.message,
          afterwards,
        ]
          .filter(Boolean)
          .join('; '),
      }),
    },
    deps,
  );
  const { servingAt, firstStepAt } = report.facts;
  const full: RollbackReport = {
    ...report,
    choice: choice!,
    switchMs:
      servingAt !== undefined && firstStepAt !== undefined ? servingAt - firstStepAt : undefined,
  };
  if (full.result && !full.result.ok) throw new DeployError(full.result.error!, full);
  return full;
}

/**
 * Prune (`tg-devops prune`): the deploy's prune steps alone, as a plan of this engine: under the
 * lock, checked by the safety rules, audited (`prune`). Without a proxy: nothing is routed.
 */
export async function prune(config: DeployConfig, deps: EngineDeps): Promise<RunReport> {
  const lock = lockFor(60 + 10 * 20);
  return runJob(
    {
      kind: 'deploy',
      app: config.app,
      stateBase: config.stateBase,
      dryRun: config.dryRun,
      lockTimeoutSeconds: config.lockTimeoutSeconds,
      lock,
      extraGates: [],
      secrets: {},
      prepare: async () => {
        const probe = await probeHost(deps.exec, { ...config, healthPath: undefined }, deps);
        return { probe, plan: buildPrunePlan(config, probe, lock) };
      },
      audit: (plan, result, facts) => ({
        action: 'prune',
        release: plan.releaseId,
        result: result.ok ? 'success' : result.cancelled ? 'cancelled' : 'failure',
        detail: result.error
          ? result.error.message
          : `${result.records.filter((r) => r.status === 'ok').length} of ${plan.steps.length} step(s) done${facts.freedBytes !== undefined ? `, ${facts.freedBytes} bytes freed` : ''}`,
      }),
    },
    deps,
  );
}
