import type { DeployConfig } from './config.js';
import { StepError } from '../errors.js';
import type { AppState, Release } from '../host/state.js';
import type { ProxyDescription } from '../proxy/types.js';
import type { HostBefore, LockPlan, Plan, RouteTarget, Step } from './steps.js';
import { drainStep, readyGate, refOf, routeStep, startStep, stopStep } from './strategies.js';
import { rollbackWebhookSteps } from './webhook-plan.js';

/**
 * Which release a rollback goes back to, decided from the host's state alone (pure).
 *
 * - `previous` (the default) is the state's `previous` release, else the newest release in the
 *   history that is older than the current one.
 * - A release id names any release the history still holds.
 *
 * Refused with a StepError('rollback', ...) that says why and what to do:
 * - nothing is deployed, or the target is unknown, or it is the current release;
 * - a release between the target (exclusive) and the current one (inclusive) declared an
 *   irreversible migration: the code of the target would run against a schema it does not know.
 *   `force` goes past it, and the plan says so (the audit entry records it too).
 */

export interface RollbackOptions {
  /** Roll back past releases that declared an irreversible migration. */
  force: boolean;
}

export interface RollbackPlan {
  app: string;
  from: Release;
  to: Release;
  /** Releases rolled back over: newer than the target, up to the current one, newest first. */
  over: Release[];
  /** The releases among `over` that declared an irreversible migration (forced past). */
  irreversible: Release[];
  forced: boolean;
  /** Roll forward: the target is newer than the current release (after an earlier rollback). */
  forward: boolean;
}

export const PREVIOUS = 'previous';

/** Newest first, by start time, then by id (release ids sort by time). */
export function byAge(releases: readonly Release[]): Release[] {
  return [...releases].sort(
    (a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id),
  );
}

/** Every release the state knows, once each (current and previous may be missing from history). */
export function knownReleases(state: AppState): Release[] {
  const seen = new Map<string, Release>();
  for (const r of [state.current, state.previous, ...state.history]) {
    if (!r) continue;
    const known = seen.get(r.id);
    // The same release recorded twice: a declared irreversible migration in either copy counts.
    if (!known) seen.set(r.id, r);
    else if (r.irreversibleMigration && !known.irreversibleMigration)
      seen.set(r.id, { ...known, irreversibleMigration: true });
  }
  return byAge([...seen.values()]);
}

const isNewer = (a: Release, b: Release) =>
  a.startedAt !== b.startedAt ? a.startedAt > b.startedAt : a.id > b.id;

export function planRollback(
  state: AppState,
  target: string | undefined,
  options: RollbackOptions,
): RollbackPlan {
  const fail = (problem: string): never => {
    throw new StepError('rollback', problem);
  };
  const current = state.current ?? fail(`${state.app}: nothing is deployed, nothing to roll back`);
  const releases = knownReleases(state);
  const wanted = (target ?? '').trim() || PREVIOUS;
  let to: Release | undefined;
  if (wanted === PREVIOUS) {
    to =
      state.previous && state.previous.id !== current.id
        ? state.previous
        : releases.find((r) => r.id !== current.id && isNewer(current, r));
    if (!to)
      fail(
        `${state.app}: no previous release recorded on the host (current ${current.id}); name one with a release id`,
      );
  } else {
    to = releases.find((r) => r.id === wanted);
    if (!to)
      fail(
        `${state.app}: release ${wanted} is not in the host's history; known: ${releases.map((r) => r.id).join(', ')}`,
      );
  }
  const target_ = to!;
  if (target_.id === current.id)
    fail(`${state.app}: ${target_.id} is the current release already; nothing to do`);

  const forward = isNewer(target_, current);
  const over = forward
    ? []
    : releases.filter((r) => isNewer(r, target_) && !isNewer(r, current) && r.id !== target_.id);
  const irreversible = irreversibleCrossed(
    state.app,
    `roll back to ${target_.id}`,
    target_.id,
    over,
    options,
    'rollback',
  );
  return {
    app: state.app,
    from: current,
    to: target_,
    over,
    irreversible,
    forced: irreversible.length > 0,
    forward,
  };
}

/**
 * THE irreversible-migration rule, for a rollback and for a downgrade deploy alike: going back
 * over a release that declared an irreversible migration runs older code against a schema it
 * does not know. Returns the crossed releases that declared one (forced past), or refuses naming
 * them and the target, unless `force`.
 */
export function irreversibleCrossed(
  app: string,
  what: string,
  target: string,
  over: readonly Release[],
  options: RollbackOptions,
  step: string,
): Release[] {
  const irreversible = over.filter((r) => r.irreversibleMigration === true);
  if (irreversible.length && !options.force)
    throw new StepError(
      step,
      `${app}: refusing to ${what}: ${irreversible
        .map((r) => `release ${r.id} (${r.image})`)
        .join(
          ', ',
        )} declared an irreversible migration, so ${target}'s code would run against a schema it does not know. ` +
        `Restore the database first (a pre-deploy backup), or set force: true to go back anyway.`,
    );
  return irreversible;
}

/** What a downgrade deploy goes back over, and which of those releases it forces past. */
export interface DowngradeCrossing {
  over: Release[];
  irreversible: Release[];
  forced: boolean;
}

/**
 * A downgrade deploy (the release workflow's downgrade: an older tag replaces a newer one) goes
 * back as a rollback does, so it meets the same rule. When the host's history holds the image,
 * the releases newer than that one up to the current are crossed (planRollback's `over`);
 * otherwise the current release is. Nothing deployed: nothing crossed.
 */
export function planDowngrade(
  state: AppState,
  release: { id: string; image: string },
  options: RollbackOptions,
): DowngradeCrossing {
  const current = state.current;
  if (!current) return { over: [], irreversible: [], forced: false };
  const releases = knownReleases(state);
  const same = releases.find((r) => r.image === release.image && r.id !== current.id);
  const over = same
    ? releases.filter((r) => isNewer(r, same) && !isNewer(r, current) && r.id !== same.id)
    : current.image === release.image
      ? []
      : [current];
  const irreversible = irreversibleCrossed(
    state.app,
    `downgrade ${current.id} (${current.image}) to release ${release.id} (${release.image})`,
    `release ${release.id}`,
    over,
    options,
    'downgrade',
  );
  return { over, irreversible, forced: irreversible.length > 0 };
}

/** After the rollback: the target is current, the release it replaced is previous. */
export function stateAfter(state: AppState, plan: RollbackPlan): AppState {
  const history = state.history.some((r) => r.id === plan.to.id)
    ? state.history
    : [plan.to, ...state.history];
  return { app: state.app, current: plan.to, previous: plan.from, history };
}

export function rollbackSummaryLine(plan: RollbackPlan): string {
  return (
    `${plan.forward ? 'roll forward' : 'roll back'} ${plan.app} from ${plan.from.id} (${plan.from.image}) ` +
    `to ${plan.to.id} (${plan.to.image})` +
    (plan.over.length > 1 ? `, over ${plan.over.map((r) => r.id).join(', ')}` : '') +
    (plan.forced
      ? `; FORCED past the irreversible migration of ${plan.irreversible.map((r) => r.id).join(', ')}`
      : '')
  );
}

// ---- the rollback as a plan of the engine ------------------------------------------------------

/** The settings a rollback runs with (the rollback action's inputs, or the CLI's config). */
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
  /** The Bot API token that sets the target's webhook registration back (telegram-bot-token). */
  telegram?: { token: string; apiUrl: string };
}

/** A rollback of a deploy's app with that deploy's settings (the CLI's, rollback-on-partial's). */
export function rollbackSettingsOf(
  config: DeployConfig,
  choice: Pick<RollbackSettings, 'to' | 'force' | 'dryRun' | 'reason' | 'telegram'>,
): RollbackSettings {
  return {
    app: config.app,
    stateBase: config.stateBase,
    healthPath: config.healthPath,
    stopGraceSeconds: config.stopGraceSeconds,
    healthTimeoutSeconds: config.healthTimeoutSeconds,
    drainSeconds: config.drainSeconds,
    gateWindowSeconds: config.gateWindowSeconds,
    lockTimeoutSeconds: config.lockTimeoutSeconds,
    ...choice,
  };
}

export type RollbackMode = 'proxy switch' | 'handover';

/**
 * proxy switch: the target has its own color and port and a proxy routes (start it, gate it
 * directly, route to it with the current line kept at 0, drain the current PORT, stop the current
 * and keep it). handover: a polling/MTProto target, no proxy, or a target on the current color
 * (stop the current, start the target, gate incl. no 409/AUTH_KEY_DUPLICATED; behind a proxy the
 * route then follows the target).
 */
export function rollbackMode(choice: RollbackPlan, proxy: boolean): RollbackMode {
  const { to, from } = choice;
  return proxy && to.color && to.port !== undefined && from.color && to.color !== from.color
    ? 'proxy switch'
    : 'handover';
}

export interface RollbackPlanInput {
  choice: RollbackPlan;
  settings: RollbackSettings;
  state: AppState;
  before: HostBefore;
  proxy?: ProxyDescription;
  lock: LockPlan;
  /** nginx's include directory (the target's server block) and whether a token can register. */
  webhook?: { nginxConfDir?: string; registers: boolean };
}

/** The rollback's steps, data like a deploy's; the last one records the swapped state. */
export function buildRollbackPlan(input: RollbackPlanInput): Plan {
  const { choice, settings, before } = input;
  const { to, from } = choice;
  const proxied = input.proxy !== undefined && to.port !== undefined && to.color !== undefined;
  const mode = rollbackMode(choice, proxied);
  const running = (name: string) => before.running.some((c) => c.name === name);
  const target = refOf(to);
  const current = refOf(from);
  const config = {
    stopGraceSeconds: settings.stopGraceSeconds,
    healthTimeoutSeconds: settings.healthTimeoutSeconds,
    healthPath: settings.healthPath,
  };
  const routeTo = (): RouteTarget[] => {
    const out: RouteTarget[] = [
      { color: to.color!, port: to.port!, weight: 100, container: to.container },
    ];
    // The current line stays at 0 (nginx `down`): requests the old workers still send find it.
    if (from.color && from.port !== undefined && from.color !== to.color && running(from.container))
      out.push({ color: from.color, port: from.port, weight: 0, container: from.container });
    return out;
  };
  const start = startStep(
    target,
    settings.stopGraceSeconds,
    `start ${to.container} again (kept stopped for rollback)`,
  );
  const steps: Step[] = [];
  if (mode === 'proxy switch') {
    if (!running(to.container)) steps.push(start);
    steps.push(readyGate(target, settings.healthTimeoutSeconds, settings.healthPath));
    steps.push(
      routeStep(
        'route',
        `route all traffic to ${to.color} (${to.container}, port ${to.port})`,
        routeTo(),
        before.routed,
        { serving: true, drainSeconds: settings.drainSeconds },
      ),
    );
    if (running(from.container))
      steps.push(
        ...drainStep(current, settings.drainSeconds),
        stopStep(current, config, {
          title: `stop ${from.container} (SIGTERM, up to ${settings.stopGraceSeconds}s), keep it`,
        }),
      );
  } else {
    const currentRouted = before.routed.some((t) => t.container === from.container && t.weight > 0);
    if (running(from.container))
      steps.push(
        stopStep(current, config, {
          gap: currentRouted,
          title: `stop ${from.container} (SIGTERM, up to ${settings.stopGraceSeconds}s), keep it`,
        }),
      );
    if (!running(to.container)) steps.push(start);
    steps.push({
      id: 'gate',
      title: `health-gate ${to.container}: running${to.port !== undefined && settings.healthPath ? `, GET 127.0.0.1:${to.port}${settings.healthPath}` : ''} (up to ${settings.healthTimeoutSeconds}s); no 409/Conflict/AUTH_KEY_DUPLICATED for ${settings.gateWindowSeconds}s`,
      action: {
        kind: 'gate',
        container: target,
        ready: {
          checks: ['container-running', 'http-health'],
          timeoutSeconds: settings.healthTimeoutSeconds,
        },
        watch: {
          checks: ['container-running', 'log-conflicts'],
          seconds: settings.gateWindowSeconds,
        },
      },
      budgetSeconds: settings.healthTimeoutSeconds + settings.gateWindowSeconds + 30,
      serving: !proxied,
    });
    if (proxied)
      steps.push(
        routeStep(
          'route',
          `route to ${to.color} (${to.container}, port ${to.port}): traffic follows the target`,
          routeTo(),
          before.routed,
          { serving: true, drainSeconds: settings.drainSeconds },
        ),
      );
  }
  // the webhook follows the target: right after the route that makes it serve
  const hook = rollbackWebhookSteps(choice.app, from.webhook, to.webhook, {
    nginxConfDir: input.webhook?.nginxConfDir,
    registers: input.webhook?.registers ?? false,
  });
  const serving = steps.findIndex((s) => s.serving && s.action.kind === 'route');
  if (hook.steps.length && serving >= 0) steps.splice(serving + 1, 0, ...hook.steps);
  const after = stateAfter(input.state, choice);
  // what is registered afterwards (the live secret's hash), for the next deploy to compare with
  const next: AppState =
    serving >= 0 && (to.webhook || from.webhook)
      ? { ...after, current: { ...after.current!, webhook: hook.live } }
      : after;
  steps.push({
    id: 'record',
    title: `record ${to.id} as current (previous: ${from.id})`,
    action: { kind: 'record', state: next },
    undo: {
      title: 'restore the previous state file',
      actions: [{ kind: 'record', state: input.state }],
    },
    budgetSeconds: 60,
  });
  const notes = [rollbackSummaryLine(choice)];
  if (choice.forced)
    notes.push(
      `force: rolling back past the irreversible migration of ${choice.irreversible.map((r) => r.id).join(', ')}`,
    );
  if (serving >= 0) notes.push(...hook.notes);
  return {
    kind: 'rollback',
    app: choice.app,
    strategy: mode,
    proxy: input.proxy?.kind ?? 'none',
    releaseId: to.id,
    image: to.image,
    color: to.color,
    port: to.port,
    container: to.container,
    current: from,
    release: to,
    before,
    lock: input.lock,
    steps,
    cleanup: [],
    notes,
  };
}
