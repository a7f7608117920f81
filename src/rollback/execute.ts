import type { Clock } from '../clock.js';
import { errorMessage, StepError } from '../errors.js';
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';
import {
  imageLabelsArgv,
  listArgv,
  parseContainerList,
  parseMigrationLabel,
  startArgv,
  stopArgv,
} from '../deploy/docker.js';
import { execute, type ExecuteResult } from '../deploy/execute.js';
import { httpGate, logGate, runningGate, waitReady, type GateContext } from '../deploy/gates.js';
import type { HttpTool } from '../deploy/gates.js';
import { planText, type Plan, type Step, type StepContext } from '../deploy/plan.js';
import type {
  AppState,
  Backend,
  HostPrimitives,
  LockHolder,
  TrafficProxy,
} from '../deploy/ports.js';
import type { Release } from '../host/state.js';
import { planRollback, rollbackSummaryLine, stateAfter, type RollbackPlan } from './plan.js';

/**
 * Executes a rollback on one host, under the host's deploy lock, with the deploy engine's step
 * runner (src/deploy/execute.ts): each step carries its undo, a failure runs the undos in reverse,
 * so a rollback that cannot finish leaves the current release serving as before.
 *
 * - Proxy mode (a webhook or worker release with a color and a port, and a proxy): start the
 *   target's container again (it is kept stopped for this), health-gate it directly on its own
 *   loopback port, route the proxy to it, drain the current color, stop the current container
 *   (kept, so the rollback can itself be rolled back).
 * - Handover mode (polling and MTProto bots, or no proxy): stop the current container with its
 *   grace period, start the target, gate it (running, health, no 409 Conflict /
 *   AUTH_KEY_DUPLICATED in its logs). Two instances never run at once.
 *
 * Then state.json: current and previous swapped; and one audit line (`rollback`).
 */

export interface RollbackSettings {
  app: string;
  stateBase: string;
  /** A release id, or empty / 'previous'. */
  to?: string;
  force: boolean;
  dryRun: boolean;
  healthPath?: string;
  stopGraceSeconds: number;
  healthTimeoutSeconds: number;
  drainSeconds: number;
  /** Seconds the handover target is watched for Telegram conflicts in its logs. */
  gateWindowSeconds: number;
  lockTimeoutSeconds: number;
  /** Why (the audit line): "manual rollback by octocat". */
  reason?: string;
}

/** Picks the proxy from what the host runs (the action's proxy: auto). */
export type ProxyResolver = (current: Release | undefined) => TrafficProxy | undefined;

export interface RollbackDeps {
  exec: Executor;
  host: HostPrimitives;
  proxy?: TrafficProxy | ProxyResolver;
  clock: Clock;
  log: Log;
  holder: Omit<LockHolder, 'startedAt'>;
}

export type RollbackMode = 'proxy' | 'handover';

export interface RollbackReport {
  dryRun: boolean;
  plan: RollbackPlan;
  mode: RollbackMode;
  steps: Plan;
  result?: ExecuteResult;
  totalMs: number;
  /** From the first step to the target serving (route done / handover gate passed). */
  switchMs?: number;
}

export { MIGRATION_LABEL } from '../deploy/docker.js';

/** What the host holds now, read-only. */
interface Seen {
  state: AppState;
  containers: { name: string; state: string }[];
  routed?: Backend[];
  httpTool: HttpTool;
  proxy?: TrafficProxy;
}

async function look(settings: RollbackSettings, deps: RollbackDeps): Promise<Seen> {
  const { exec, host } = deps;
  const paths = host.appPaths(settings.stateBase, settings.app);
  const state = await host.readState(exec, paths);
  const containers = parseContainerList((await exec.run(listArgv(settings.app))).stdout);
  const proxy = typeof deps.proxy === 'function' ? deps.proxy(state.current) : deps.proxy;
  const routed = proxy ? await proxy.current(exec) : undefined;
  let httpTool: HttpTool = 'none';
  if (settings.healthPath) {
    const found = await exec.run(['sh', '-c', 'command -v curl || command -v wget || true'], {
      allowFailure: true,
    });
    const first = found.stdout.trim().split('\n')[0] ?? '';
    httpTool = first.endsWith('/curl') ? 'curl' : first.endsWith('/wget') ? 'wget' : 'none';
  }
  return { state, containers, routed, httpTool, proxy };
}

/**
 * The image label `org.tg-devops.migration=irreversible` declares a release's migration
 * irreversible even when the deploy did not record it: read here for the releases rolled over
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

export function rollbackMode(plan: RollbackPlan, proxy: TrafficProxy | undefined): RollbackMode {
  const { to, from } = plan;
  return proxy && to.color && to.port !== undefined && from.color && to.color !== from.color
    ? 'proxy'
    : 'handover';
}

function gctx(
  ctx: StepContext,
  release: Release,
  settings: RollbackSettings,
  since: string,
): GateContext {
  return {
    exec: ctx.exec,
    clock: ctx.clock,
    log: ctx.log,
    container: release.container,
    port: release.port,
    healthPath: settings.healthPath,
    since,
    httpTool: ctx.httpTool,
  };
}

/** The steps, each with its undo. Pure: a value to print (dry-run) before it runs. */
export function rollbackSteps(
  plan: RollbackPlan,
  mode: RollbackMode,
  settings: RollbackSettings,
  seen: Pick<Seen, 'containers' | 'routed'>,
  marks: { switched?: (at: number) => void } = {},
): Step[] {
  const { to, from } = plan;
  const running = (name: string) =>
    seen.containers.some(
      (c) => c.name === name && (c.state === 'running' || c.state === 'restarting'),
    );
  const grace = settings.stopGraceSeconds;
  const start: Step = {
    id: 'start-target',
    title: `start ${to.container} again (kept stopped for rollback)`,
    argv: startArgv(to.container),
    run: async (ctx) => {
      await ctx.exec.run(startArgv(to.container));
    },
    undo: {
      title: `stop ${to.container}`,
      run: async (ctx) => {
        await ctx.exec.run(stopArgv(to.container, grace), { allowFailure: true });
      },
    },
  };
  const ready: Step = {
    id: 'ready',
    title: `health-gate ${to.container}: running${to.port !== undefined && settings.healthPath ? `, GET 127.0.0.1:${to.port}${settings.healthPath}` : ''} (up to ${settings.healthTimeoutSeconds}s)`,
    run: async (ctx) => {
      await waitReady(
        gctx(ctx, to, settings, new Date(ctx.clock.now()).toISOString()),
        [runningGate, httpGate],
        settings.healthTimeoutSeconds,
      );
    },
  };
  const stopCurrent: Step = {
    id: 'stop-current',
    title: `stop ${from.container} (SIGTERM, up to ${grace}s), keep it`,
    argv: stopArgv(from.container, grace),
    run: async (ctx) => {
      await ctx.exec.run(stopArgv(from.container, grace));
    },
    undo: {
      title: `start ${from.container} again`,
      run: async (ctx) => {
        await ctx.exec.run(startArgv(from.container), { allowFailure: true });
      },
    },
  };
  const steps: Step[] = [];
  if (mode === 'proxy') {
    if (!running(to.container)) steps.push(start);
    steps.push(ready);
    const before = seen.routed ?? [];
    steps.push({
      id: 'route',
      title: `route all traffic to ${to.color} (${to.container}, port ${to.port})`,
      run: async (ctx) => {
        if (!ctx.proxy) throw new Error('no traffic proxy configured');
        await ctx.proxy.route(ctx.exec, [{ color: to.color!, port: to.port!, weight: 100 }]);
        marks.switched?.(ctx.clock.now());
      },
      undo: before.length
        ? {
            title: `route back to ${before.map((b) => `${b.color}:${b.weight}%`).join(', ')}`,
            run: async (ctx) => {
              await ctx.proxy?.route(ctx.exec, before);
            },
          }
        : undefined,
    });
    if (running(from.container)) {
      steps.push({
        id: 'drain',
        title: `drain ${from.color} (${from.container}) for up to ${settings.drainSeconds}s`,
        run: async (ctx) => {
          await ctx.proxy?.drain(ctx.exec, from.color!, settings.drainSeconds, ctx.clock);
        },
      });
      steps.push({ ...stopCurrent, undo: undefined });
    }
  } else {
    if (running(from.container)) steps.push(stopCurrent);
    if (!running(to.container)) steps.push(start);
    steps.push({
      ...ready,
      id: 'gate',
      title: `${ready.title}; no 409/Conflict/AUTH_KEY_DUPLICATED for ${settings.gateWindowSeconds}s`,
      run: async (ctx) => {
        const since = new Date(ctx.clock.now() - 5000).toISOString();
        const g = gctx(ctx, to, settings, since);
        await waitReady(g, [runningGate, httpGate], settings.healthTimeoutSeconds);
        marks.switched?.(ctx.clock.now());
        const end = ctx.clock.now() + settings.gateWindowSeconds * 1000;
        for (;;) {
          for (const gate of [runningGate, logGate()]) {
            const r = await gate(g);
            if (!r.ok) throw new StepError('gate', `gate ${r.name} failed: ${r.evidence}`);
          }
          if (ctx.clock.now() >= end) break;
          await ctx.clock.sleep(1000);
        }
      },
    });
  }
  return steps;
}

/** The engine's plan printout, headed as a rollback. */
export function rollbackText(plan: Plan): string {
  return planText(plan).replace(/^Deploy /, 'Rollback of ');
}

function asPlan(plan: RollbackPlan, mode: RollbackMode, steps: Step[], notes: string[]): Plan {
  return {
    app: plan.app,
    strategy: mode === 'proxy' ? 'proxy switch' : 'handover',
    releaseId: plan.to.id,
    image: plan.to.image,
    color: plan.to.color ?? 'blue',
    container: plan.to.container,
    port: plan.to.port,
    current: plan.from,
    release: plan.to,
    steps,
    cleanup: [],
    notes: [rollbackSummaryLine(plan), ...notes],
  };
}

/**
 * Plans (from the host's state) and executes a rollback on one host. Dry-run reads and prints
 * only. Throws StepError('rollback', ...) when refused (unknown target, pruned container,
 * irreversible migration without force) before anything changes, and a StepError naming the
 * failed step after the undos ran.
 */
export async function rollback(
  settings: RollbackSettings,
  deps: RollbackDeps,
  marks: { switched?: (at: number) => void } = {},
): Promise<RollbackReport> {
  const { exec, host, log, clock } = deps;
  const started = clock.now();
  const paths = host.appPaths(settings.stateBase, settings.app);
  let switchedAt: number | undefined;
  const local = {
    switched: (at: number) => {
      switchedAt = at;
      marks.switched?.(at);
    },
  };

  const prepare = async () => {
    const seen = await look(settings, deps);
    const state = await withMigrationLabels(exec, seen.state, log);
    const plan = planRollback(state, settings.to, { force: settings.force });
    if (!seen.containers.some((c) => c.name === plan.to.container))
      throw new StepError(
        'rollback',
        `${exec.where}: the container ${plan.to.container} of release ${plan.to.id} is gone (pruned: keep-releases); deploy its image ${plan.to.image} again instead`,
      );
    const mode = rollbackMode(plan, seen.proxy);
    const notes: string[] = [];
    if (plan.forced)
      notes.push(
        `force: rolling back past the irreversible migration of ${plan.irreversible.map((r) => r.id).join(', ')}`,
      );
    const steps = rollbackSteps(plan, mode, settings, seen, local);
    return { seen, state, plan, mode, steps: asPlan(plan, mode, steps, notes) };
  };

  if (settings.dryRun) {
    const p = await prepare();
    log.info(`dry-run: nothing changes on ${exec.where}\n${rollbackText(p.steps)}`);
    return {
      dryRun: true,
      plan: p.plan,
      mode: p.mode,
      steps: p.steps,
      totalMs: clock.now() - started,
    };
  }

  await exec.run(['mkdir', '-p', paths.dir]);
  const ttl = Math.max(
    300,
    2 *
      (settings.healthTimeoutSeconds +
        settings.drainSeconds +
        settings.stopGraceSeconds +
        settings.gateWindowSeconds) +
      120,
  );
  const lock = await host.acquireLock(
    exec,
    paths.lock,
    { ...deps.holder, startedAt: new Date(started).toISOString() },
    { ttlSeconds: ttl, timeoutSeconds: settings.lockTimeoutSeconds, clock, log },
  );
  try {
    const p = await prepare();
    log.info(rollbackText(p.steps));
    if (p.plan.forced) log.warn(p.steps.notes[1] ?? 'forced');
    const firstStep = clock.now();
    const result = await execute(p.steps, {
      exec,
      clock,
      log,
      host,
      proxy: p.seen.proxy,
      httpTool: p.seen.httpTool,
      extraGates: [],
      facts: { waitMs: 0 },
    });
    if (result.ok) {
      try {
        await host.writeState(exec, paths, stateAfter(p.state, p.plan));
      } catch (error) {
        // The target serves, but the state says otherwise: say so loudly, the next deploy
        // reconciles from what runs and what the proxy routes.
        log.error(`state.json not updated after the rollback: ${errorMessage(error)}`);
        throw new StepError(
          'state',
          `rolled back, but state.json was not updated: ${errorMessage(error)}`,
        );
      }
    }
    await host
      .appendAudit(exec, paths, {
        at: new Date(clock.now()).toISOString(),
        actor: deps.holder.actor,
        action: 'rollback',
        release: p.plan.to.id,
        image: p.plan.to.image,
        result: result.ok ? 'success' : 'failure',
        detail: [
          `from ${p.plan.from.id}`,
          settings.reason,
          p.plan.forced
            ? `forced past the irreversible migration of ${p.plan.irreversible.map((r) => r.id).join(', ')}`
            : undefined,
          result.error?.message,
        ]
          .filter(Boolean)
          .join('; '),
        url: deps.holder.url,
        runId: deps.holder.runId,
      })
      .catch((error: unknown) => log.warn(`audit entry not written: ${errorMessage(error)}`));
    const report: RollbackReport = {
      dryRun: false,
      plan: p.plan,
      mode: p.mode,
      steps: p.steps,
      result,
      totalMs: clock.now() - started,
      switchMs: switchedAt === undefined ? undefined : switchedAt - firstStep,
    };
    if (!result.ok) throw new RollbackError(result.error!, report);
    return report;
  } finally {
    await lock.release().catch((error: unknown) => log.warn(`lock not released: ${String(error)}`));
  }
}

export class RollbackError extends StepError {
  constructor(
    cause: StepError,
    readonly report: RollbackReport,
  ) {
    super(
      cause.step,
      `${cause.message.slice(cause.step.length + 2)}; undone: ${report.plan.from.id} still serves`,
    );
    this.name = 'RollbackError';
  }
}
