import { StepError } from '../errors.js';
import type { AppState, Release } from '../host/state.js';

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
  const irreversible = over.filter((r) => r.irreversibleMigration === true);
  if (irreversible.length && !options.force)
    fail(
      `${state.app}: refusing to roll back to ${target_.id}: ${irreversible
        .map((r) => `release ${r.id} (${r.image})`)
        .join(
          ', ',
        )} declared an irreversible migration, so ${target_.id}'s code would run against a schema it does not know. ` +
        `Restore the database first (a pre-deploy backup), or set force: true to roll back anyway.`,
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
