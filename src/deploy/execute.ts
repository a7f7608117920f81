/**
 * The one executor: interprets a plan's steps (data, steps.ts) in order. When a step fails, or
 * the run is cancelled, the undos run in reverse (an undo shared by several steps, by key, runs
 * once), the failed step's own undo included when it may have taken effect (a route). The cleanup
 * steps run whatever happened. Never throws for a step failure: the result says what happened.
 */
import type { Clock } from '../clock.js';
import { errorMessage, StepError } from '../errors.js';
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';
import type { AppPaths, AppState, Release } from '../host/state.js';
import type { HostPrimitives } from './ports.js';
import { changedNothing } from '../proxy/route-error.js';
import type { TrafficProxy } from '../proxy/types.js';
import { redact } from '../redact.js';
import { runBackup } from './backup.js';
import { checkSpace, pruneImages } from './disk.js';
import {
  inspectArgv,
  migrationMark,
  MIGRATION_LABEL,
  parseMigrationLabel,
  parseState,
  type MigrationLabel,
} from './docker.js';
import {
  GateError,
  httpGate,
  logGate,
  runningGate,
  waitReady,
  watchWindow,
  type Gate,
  type GateContext,
  type GateResult,
  type HttpTool,
} from './gates.js';
import { awaitEarlierPreDeploys, preDeployFailure } from './pre-deploy.js';
import { mayHaveTakenEffect, undosOnFailure } from './rules.js';
import type { BotApi } from './webhook-registration.js';
import {
  performWebhook,
  performWebhookServer,
  type WebhookMemo,
  type WebhookOutcome,
  type WebhookStepContext,
} from './webhook-steps.js';
import { routeText, stops, type Action, type GateCheck, type Plan, type Step } from './steps.js';

/** Measurements and readings the steps leave for the report (typed; no untyped bag). */
export interface RunFacts {
  gapMs?: number;
  /** The image's org.tg-devops.migration label, read after the pull. */
  migrationLabel?: MigrationLabel;
  gateChecks: number;
  gateResults: string[];
  /** Time spent waiting on the app (gates, holds, drains). */
  waitMs: number;
  /** When the first step started (clock ms). */
  firstStepAt?: number;
  /** When the new release started serving (clock ms). */
  servingAt?: number;
  /** When each container was started by this run (clock ms): logs are judged from then. */
  startedAt: Record<string, number>;
  /** Requests still in flight (and old proxy workers that may send more) when a drain's time was up. */
  undrained?: number;
  /** Bytes of images the prune removed (docker's size of each image that is gone). */
  freedBytes?: number;
  /** A failed gate's container: its last log lines (redacted), read before the undos. */
  failedLogs?: { container: string; lines: string[] };
  /** What the webhook steps did with the registration (no secret). */
  webhook: WebhookOutcome;
}

/** How many of a failing container's log lines the summary shows. */
export const FAILED_LOG_LINES = 20;

/** The last lines of a container's log (stdout and stderr), redacted; none when unreadable. */
async function lastLogLines(
  exec: Executor,
  container: string,
): Promise<{ container: string; lines: string[] }> {
  const result = await exec
    .run(['docker', 'logs', '--tail', String(FAILED_LOG_LINES), '--', container], {
      allowFailure: true,
    })
    .catch(() => undefined);
  const text = result ? `${result.stdout}${result.stderr}` : '';
  const lines = redact(text)
    .split('\n')
    .filter((l) => l.trim())
    .slice(-FAILED_LOG_LINES);
  return { container, lines };
}

export const newFacts = (): RunFacts => ({
  gateChecks: 0,
  gateResults: [],
  waitMs: 0,
  startedAt: {},
  webhook: {},
});

/** What the steps are given: never in the plan itself. */
export interface Secrets {
  registryPassword?: string;
  envFile?: string;
  webhookSecret?: string;
}

export interface StepContext {
  exec: Executor;
  clock: Clock;
  log: Log;
  host: HostPrimitives;
  paths: AppPaths;
  proxy?: TrafficProxy;
  httpTool: HttpTool;
  healthPath?: string;
  /** The verify action's checks, for the `verify` gate check. */
  extraGates: Gate[];
  facts: RunFacts;
  secrets: Secrets;
  /** Aborted on SIGINT/SIGTERM: the current wait ends, the undos run. */
  signal?: AbortSignal;
  /** The Bot API for the webhook steps (telegram-bot-token), through the run's fetch. */
  telegram?: BotApi;
  /** What the webhook steps found before changing anything (for their undos); one per run. */
  webhookMemo?: WebhookMemo;
  /** Cancelled: the runner kills the process ~10 s after its SIGINT, so undo drains are cut short. */
  hurry?: boolean;
}

/** The longest a drain waits while undoing a cancelled run. */
export const HURRIED_DRAIN_SECONDS = 3;

export interface StepRecord {
  id: string;
  title: string;
  status: 'ok' | 'failed' | 'warned' | 'undone' | 'undo-failed' | 'kept' | 'not-run' | 'cancelled';
  ms: number;
  detail?: string;
}

export interface ExecuteResult {
  ok: boolean;
  cancelled: boolean;
  records: StepRecord[];
  /** The step that failed and why (a GateError names its gate). */
  error?: StepError;
  failedGate?: string;
  /** A route, or its undo, failed: what the proxy runs may differ from what it was told. */
  routeUncertain: boolean;
  /** Containers an undo would have stopped but kept running, as traffic may reach them. */
  keptRunning: string[];
}

export interface ExecuteHooks {
  /** Called after each step succeeds (tests measure the canary split here). */
  afterStep?: (step: Step) => Promise<void>;
  /** Called between steps (the engine refreshes the lock here too). */
  between?: () => Promise<void>;
  /** True when the lock was lost: the undos must not run without it. */
  lockLost?: () => boolean;
}

export class CancelledError extends Error {
  constructor(readonly signal: string) {
    super(`cancelled (${signal})`);
    this.name = 'CancelledError';
  }
}

const reasonOf = (signal: AbortSignal): string =>
  typeof signal.reason === 'string' ? signal.reason : 'cancelled';

/** A clock whose sleeps end (rejecting) when the run is cancelled, so a wait stops at once. */
export function abortableClock(clock: Clock, signal: AbortSignal | undefined): Clock {
  if (!signal) return clock;
  return {
    now: () => clock.now(),
    sleep: (ms) =>
      new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(new CancelledError(reasonOf(signal)));
        const onAbort = () => reject(new CancelledError(reasonOf(signal)));
        signal.addEventListener('abort', onAbort, { once: true });
        clock.sleep(ms).then(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, reject);
      }),
  };
}

/** Kinds that only wait or read, or run long: a cancel stops waiting for them at once. */
const INTERRUPTIBLE: ReadonlySet<Action['kind']> = new Set([
  'gate',
  'drain',
  'pull',
  'pre-deploy',
  'backup',
  'measure-gap',
]);

export async function execute(
  plan: Plan,
  ctx: StepContext,
  hooks: ExecuteHooks = {},
): Promise<ExecuteResult> {
  const records: StepRecord[] = [];
  let error: StepError | undefined;
  let failedGate: string | undefined;
  let cancelled = false;
  let stoppedAt = plan.steps.length;
  let failing: Step | undefined;
  // one memo for the steps and their undos (what the webhook steps found before changing it)
  ctx = { ...ctx, webhookMemo: ctx.webhookMemo ?? {} };
  const stepCtx: StepContext = { ...ctx, clock: abortableClock(ctx.clock, ctx.signal) };
  ctx.facts.firstStepAt = ctx.clock.now();
  for (const [index, step] of plan.steps.entries()) {
    if (ctx.signal?.aborted) {
      cancelled = true;
      stoppedAt = index;
      break;
    }
    const started = ctx.clock.now();
    try {
      await ctx.log.group(`${index + 1}/${plan.steps.length} ${step.title}`, () =>
        runStep(step, stepCtx),
      );
    } catch (cause) {
      const message = errorMessage(cause);
      const ms = ctx.clock.now() - started;
      if (
        cause instanceof CancelledError ||
        (ctx.signal?.aborted && INTERRUPTIBLE.has(step.action.kind))
      ) {
        records.push({ id: step.id, title: step.title, status: 'cancelled', ms, detail: message });
        ctx.log.error(`step ${index + 1} (${step.title}): cancelled; undoing`);
        cancelled = true;
        stoppedAt = index;
        failing = mayHaveTakenEffect(step) ? step : undefined;
        break;
      }
      if (step.optional) {
        ctx.log.warn(`${step.title}: ${message} (best effort, continuing)`);
        records.push({ id: step.id, title: step.title, status: 'warned', ms, detail: message });
        continue;
      }
      records.push({ id: step.id, title: step.title, status: 'failed', ms, detail: message });
      if (cause instanceof GateError) failedGate = cause.result.name;
      error = new StepError(`step ${index + 1} (${step.title})`, message);
      ctx.log.error(error.message);
      stoppedAt = index;
      // a route that says it changed nothing (it failed before touching the live config) needs
      // no routing back: the undos are those of the steps before it, as for any failed step
      failing = changedNothing(cause) ? undefined : step;
      if (!failing) ctx.log.info(`${step.title}: nothing changed on the proxy, no route back`);
      break;
    }
    records.push({ id: step.id, title: step.title, status: 'ok', ms: ctx.clock.now() - started });
    if (step.serving) ctx.facts.servingAt = ctx.clock.now();
    try {
      await hooks.afterStep?.(step);
      await hooks.between?.();
    } catch (cause) {
      // between steps (the lock): every step so far is done and is undone
      error = new StepError(`after step ${index + 1} (${step.title})`, errorMessage(cause));
      ctx.log.error(error.message);
      stoppedAt = index + 1;
      break;
    }
  }
  if (cancelled && !error)
    error = new StepError(
      'cancelled',
      `the run was cancelled (${ctx.signal ? reasonOf(ctx.signal) : 'signal'})`,
    );
  for (const rest of plan.steps.slice(records.length))
    records.push({ id: rest.id, title: rest.title, status: 'not-run', ms: 0 });

  let routeUncertain = failing !== undefined && mayHaveTakenEffect(failing);
  const keptRunning: string[] = [];
  if (error) {
    if (hooks.lockLost?.()) {
      ctx.log.error('the deploy lock was lost: another run may act on this host now; no undo runs');
    } else {
      const undoCtx: StepContext = cancelled ? { ...ctx, hurry: true } : ctx;
      const undos = undosOnFailure(
        failing ? plan.steps : plan.steps.slice(0, stoppedAt),
        stoppedAt,
      );
      const routeOf = (s: Step) => (s.action.kind === 'route' ? s.action.to : []);
      const mayServe = new Set(
        plan.steps
          .slice(0, stoppedAt + 1)
          .flatMap(routeOf)
          .filter((t) => t.weight > 0)
          .map((t) => t.container),
      );
      for (const step of undos) {
        const undo = step.undo!;
        const started = ctx.clock.now();
        const keep =
          routeUncertain &&
          undo.actions.some((a) => {
            const name = stops(a);
            return name !== undefined && mayServe.has(name);
          });
        if (keep) {
          const names = undo.actions.map(stops).filter((n): n is string => n !== undefined);
          keptRunning.push(...names);
          ctx.log.error(
            `not undone: ${undo.title}: a route failed, so traffic may still reach ${names.join(', ')}; kept running`,
          );
          records.push({
            id: `undo-${step.id}`,
            title: `undo: ${undo.title}`,
            status: 'kept',
            ms: 0,
          });
          continue;
        }
        try {
          await ctx.log.group(`undo: ${undo.title}`, async () => {
            for (const action of undo.actions) await perform(action, undoCtx, true);
          });
          records.push({
            id: `undo-${step.id}`,
            title: `undo: ${undo.title}`,
            status: 'undone',
            ms: ctx.clock.now() - started,
          });
          if (undo.actions.some((a) => a.kind === 'route')) routeUncertain = false;
        } catch (cause) {
          const detail = errorMessage(cause);
          if (undo.actions.some((a) => a.kind === 'route')) routeUncertain = true;
          ctx.log.error(`undo failed: ${undo.title}: ${detail}`);
          records.push({
            id: `undo-${step.id}`,
            title: `undo: ${undo.title}`,
            status: 'undo-failed',
            ms: ctx.clock.now() - started,
            detail,
          });
        }
      }
    }
  }
  for (const step of plan.cleanup) {
    try {
      await perform(step.action, ctx, false);
    } catch (cause) {
      ctx.log.warn(`${step.title}: ${errorMessage(cause)}`);
    }
  }
  return { ok: !error, cancelled, records, error, failedGate, routeUncertain, keptRunning };
}

/** A step: mutating kinds finish even when cancelled (then the undos run); waits end at once. */
async function runStep(step: Step, ctx: StepContext): Promise<void> {
  const work = perform(step.action, ctx, false);
  const signal = ctx.signal;
  if (!signal || !INTERRUPTIBLE.has(step.action.kind)) return work;
  work.catch(() => undefined);
  await Promise.race([
    work,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(new CancelledError(reasonOf(signal)));
      signal.addEventListener('abort', () => reject(new CancelledError(reasonOf(signal))), {
        once: true,
      });
    }),
  ]);
}

function gatesFor(checks: readonly GateCheck[], ctx: StepContext): Gate[] {
  return checks.flatMap((c): Gate[] => {
    switch (c) {
      case 'container-running':
        return [runningGate];
      case 'http-health':
        return [httpGate];
      case 'log-conflicts':
        return [logGate()];
      case 'verify':
        return ctx.extraGates;
    }
  });
}

/** Does one action. `undoing`: a failure of a container command only warns (it may be gone). */
export async function perform(action: Action, ctx: StepContext, undoing: boolean): Promise<void> {
  const { exec, clock, log, facts } = ctx;
  switch (action.kind) {
    case 'command': {
      const input =
        action.stdin === 'registry-password'
          ? `${ctx.secrets.registryPassword ?? ''}\n`
          : undefined;
      await exec.run(action.argv, input === undefined ? {} : { input });
      return;
    }
    case 'container': {
      const result = await exec.run(action.argv, { allowFailure: undoing });
      if (result.exitCode !== 0)
        log.warn(
          `${action.argv.join(' ')} exited ${result.exitCode}: ${result.stderr.trim().slice(0, 200)}`,
        );
      if (action.op === 'start') facts.startedAt[action.container.name] = clock.now();
      return;
    }
    case 'pull': {
      if (action.space) await checkSpace(exec, log, action.image, action.space);
      await exec.run(action.argv);
      const out = await exec.run(action.labelsArgv, { allowFailure: true });
      try {
        if (out.exitCode !== 0) throw new Error(out.stderr.trim().slice(0, 200));
        facts.migrationLabel = parseMigrationLabel(out.stdout);
        if (facts.migrationLabel)
          log.info(`image label ${MIGRATION_LABEL}=${facts.migrationLabel}`);
      } catch (error) {
        log.warn(
          `labels of ${action.image} not readable (${errorMessage(error)}); a pre-deploy counts as an irreversible migration`,
        );
      }
      return;
    }
    case 'prune-images': {
      const { freedBytes } = await pruneImages(exec, log, action.images, action.keep);
      facts.freedBytes = (facts.freedBytes ?? 0) + freedBytes;
      return;
    }
    case 'pre-deploy': {
      // Never two migrations at once: one left running by a cut-off run is waited for.
      await awaitEarlierPreDeploys(ctx, action.app, action.waitSeconds);
      try {
        await exec.run(action.argv, { onLine: (line) => log.info(`pre-deploy | ${line}`) });
      } catch (error) {
        throw await preDeployFailure(exec, action.app, action.container, error);
      }
      return;
    }
    case 'backup':
      await runBackup(action, ctx, ctx.secrets.envFile ?? '');
      return;
    case 'write-file':
      await ctx.host.writeFileAtomic(exec, action.path, ctx.secrets.envFile ?? '', action.mode);
      return;
    case 'route': {
      if (!ctx.proxy) throw new Error('no traffic proxy configured');
      const backends = action.to.map(({ color, port, weight }) => ({ color, port, weight }));
      await ctx.proxy.route(exec, backends, { force: undoing });
      return;
    }
    case 'drain': {
      if (!ctx.proxy) return;
      const started = clock.now();
      const seconds = ctx.hurry ? Math.min(action.seconds, HURRIED_DRAIN_SECONDS) : action.seconds;
      const left = await ctx.proxy.drain(exec, action.container, seconds, clock);
      facts.waitMs += clock.now() - started;
      if (left) {
        facts.undrained = left;
        log.warn(
          `drain of port ${action.container.port}: ${left} connection(s) (or nginx workers of an older configuration, which may still send to it) still open after ${seconds}s`,
        );
      }
      return;
    }
    case 'gate': {
      const name = action.container.name;
      const started = clock.now();
      const since = facts.startedAt[name] ?? started - 5000;
      const gctx: GateContext = {
        exec,
        clock,
        log,
        container: name,
        port: action.container.port,
        healthPath: ctx.healthPath,
        since: new Date(since - 1000).toISOString(),
        httpTool: ctx.httpTool,
      };
      let results: GateResult[] = [];
      try {
        if (action.ready) {
          results = await waitReady(
            gctx,
            gatesFor(action.ready.checks, ctx),
            action.ready.timeoutSeconds,
          );
          facts.gateChecks++;
        }
        if (action.holdSeconds) await clock.sleep(action.holdSeconds * 1000);
        if (action.watch) {
          const gates = gatesFor(action.watch.checks, ctx);
          if (action.watch.seconds > 0) {
            const window = await watchWindow(gctx, gates, action.watch.seconds);
            facts.gateChecks += window.checks;
            results = window.results;
          } else {
            results = [];
            for (const gate of gates) {
              const result = await gate(gctx);
              results.push(result);
              if (!result.ok) throw new GateError(result);
            }
            facts.gateChecks++;
          }
        }
      } catch (error) {
        // a failed gate waited too ("waiting on the app 0 ms" after a 30 s gate was wrong), and
        // the container's last lines are what on call reads first: kept before the undos remove it
        facts.waitMs += clock.now() - started;
        if (!undoing && !(error instanceof CancelledError))
          facts.failedLogs = await lastLogLines(exec, name);
        throw error;
      }
      if (!undoing) facts.gateResults = results.map((r) => `${r.name}: ${r.evidence}`);
      facts.waitMs += clock.now() - started;
      return;
    }
    case 'measure-gap': {
      const before = parseState((await exec.run(inspectArgv(action.from))).stdout);
      const after = parseState((await exec.run(inspectArgv(action.to))).stdout);
      const gap = Date.parse(after.StartedAt) - Date.parse(before.FinishedAt);
      if (Number.isFinite(gap)) {
        facts.gapMs = gap;
        log.info(`handover gap: ${gap} ms (no instance ran in between; none ran twice)`);
      }
      return;
    }
    case 'webhook-server':
      return performWebhookServer(action, webhookContext(ctx));
    case 'webhook':
      return performWebhook(action, webhookContext(ctx));
    case 'record': {
      const state = action.migrationFromLabel
        ? recordedState(action.state, action.migrationFromLabel.preDeploy, facts.migrationLabel)
        : action.state;
      await ctx.host.writeState(exec, ctx.paths, state);
      return;
    }
  }
}

const webhookContext = (ctx: StepContext): WebhookStepContext => ({
  exec: ctx.exec,
  clock: ctx.clock,
  log: ctx.log,
  nginx: ctx.proxy?.nginx,
  api: ctx.telegram,
  secret: ctx.secrets.webhookSecret,
  memo: ctx.webhookMemo ?? (ctx.webhookMemo = {}),
  outcome: ctx.facts.webhook,
});

/** The new release as recorded: its migration mark follows the label the pull read. */
export function recordedState(
  after: AppState,
  hadPreDeploy: boolean,
  label: MigrationLabel | undefined,
): AppState {
  const mark = migrationMark(hadPreDeploy, label);
  // canary-hold records the new release as the held canary, not as current
  const held = after.hold?.release;
  if (after.hold && held)
    return mark === held.irreversibleMigration
      ? after
      : { ...after, hold: { ...after.hold, release: { ...held, irreversibleMigration: mark } } };
  const current = after.current;
  if (!current) return after;
  if (mark === current.irreversibleMigration) return after;
  const release: Release = { ...current, irreversibleMigration: mark };
  return {
    ...after,
    current: release,
    history: after.history.map((r) => (r.id === release.id ? release : r)),
  };
}

/** One line on where the traffic is, from the proxy itself (for the report after undos). */
export function routingLine(
  plan: Plan,
  routed: { color: string; port: number; weight: number }[],
): string {
  const behind = (port: number) =>
    [plan.release, plan.current].find((r) => r?.port === port)?.container ?? `port ${port}`;
  return routeText(
    routed.map((b) => ({ ...b, color: b.color as 'blue' | 'green', container: behind(b.port) })),
  );
}
