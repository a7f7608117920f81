/**
 * What each host runs after a deploy over several hosts, and `rollback-on-partial`: when one host
 * fails after others took the release, those go back to the release each ran before through the
 * engine's rollback plan (the same one the rollback action runs), so the hosts agree again. A
 * rollback that fails is said loudly: that host keeps the new release while the others do not.
 */
import type { DeployConfig } from '../deploy/config.js';
import {
  deploy,
  DeployError,
  rollback,
  type DeployReport,
  type RollbackReport,
} from '../deploy/engine.js';
import { rollbackSettingsOf } from '../deploy/rollback-plan.js';
import { hostPrimitives, type LockHolder, type TrafficProxy } from '../deploy/ports.js';
import { code, type HostOutcome } from '../deploy/summary.js';
import type { SshSession } from '../ssh/session.js';
import { formatTarget } from '../ssh/target.js';
import { onHosts, telegramApi, type HostsRequest, type RunDeps } from './hosts.js';

export type HostResult = 'deployed' | 'rolled-back' | 'failed' | 'untouched';

/** One host after the run: the `hosts` output's element. release/image null: not known. */
export interface HostRelease {
  host: string;
  result: HostResult;
  release: string | null;
  image: string | null;
  /** Why, when it is not simply deployed (the error, the rollback that failed). */
  detail?: string;
}

/** The hosts that took the release (deployed, not a dry-run) while the run failed somewhere. */
export function partialHosts(
  outcomes: readonly HostOutcome<DeployReport>[],
  targets: number,
): HostOutcome<DeployReport>[] {
  const failed = outcomes.some((o) => o.error) || outcomes.length < targets;
  if (!failed) return [];
  return outcomes.filter((o) => !o.error && o.report?.result?.ok === true);
}

export interface PartialRollback {
  host: string;
  /** The release it went back to, when the rollback ran through. */
  report?: RollbackReport;
  /** A held canary aborted instead (canary-hold): the release that serves it again. */
  aborted?: { id: string; image: string };
  error?: string;
}

type PartialRequest = HostsRequest & {
  config: DeployConfig;
  proxy?: TrafficProxy;
  holder: Omit<LockHolder, 'startedAt'>;
};

/** What the engine gets on one host of a partial undo (the run's own deps, the host's session). */
function onHostDeps(session: SshSession, request: PartialRequest, deps: RunDeps) {
  return {
    exec: session,
    host: deps.host ?? hostPrimitives,
    proxy: request.proxy,
    clock: deps.clock,
    log: deps.log,
    holder: request.holder,
    signal: deps.signal,
  };
}

/**
 * canary-hold over several hosts, one failed while others held their canary: those abort it
 * (the engine's abort plan, resume: abort), so no host is left held and every host serves the
 * release it served before. A rollback would be refused there (a hold refuses it).
 */
export async function abortPartial(
  request: PartialRequest,
  took: readonly HostOutcome<DeployReport>[],
  deps: RunDeps,
): Promise<PartialRollback[]> {
  const names = new Set(took.map((o) => o.host));
  const targets = request.targets.filter((t) => names.has(formatTarget(t)));
  if (deps.signal?.aborted)
    return targets.map((t) => ({
      host: formatTarget(t),
      error: 'cancelled before the abort started',
    }));
  const config: DeployConfig = {
    ...request.config,
    canaryHold: undefined,
    holdWatchSeconds: 0,
    resume: 'abort',
  };
  const outcomes = await onHosts<DeployReport>(
    { ...request, targets, batchSize: targets.length },
    deps,
    (session, host) =>
      deps.log.group(`rollback-on-partial: abort the held canary on ${host}`, () =>
        deploy(config, onHostDeps(session, request, deps)),
      ),
    (error) => (error instanceof DeployError ? { report: error.report as DeployReport } : {}),
  );
  return outcomes.map((o) => {
    const serving = o.report?.plan.current;
    return {
      host: o.host,
      error: o.error,
      aborted: !o.error && serving ? { id: serving.id, image: serving.image } : undefined,
    };
  });
}

/**
 * Rolls back the hosts that took the release, each to the release its deploy replaced (its plan's
 * current), all of them tried (one batch: a failure on one does not leave the next one split).
 */
export async function rollBackPartial(
  request: PartialRequest,
  took: readonly HostOutcome<DeployReport>[],
  failedHost: string,
  deps: RunDeps,
): Promise<PartialRollback[]> {
  const { config } = request;
  const byHost = new Map(took.map((o) => [o.host, o.report!]));
  const done: PartialRollback[] = [];
  // A first deploy has nothing to go back to: it keeps the release, said as a failed rollback.
  for (const o of took)
    if (!o.report!.plan.current)
      done.push({ host: o.host, error: 'a first deploy: no earlier release to go back to' });
  const targets = request.targets.filter((t) => byHost.get(formatTarget(t))?.plan.current);
  if (!targets.length) return done;
  if (deps.signal?.aborted) {
    for (const t of targets)
      done.push({ host: formatTarget(t), error: 'cancelled before the rollback started' });
    return done;
  }
  const outcomes = await onHosts<RollbackReport>(
    { ...request, targets, batchSize: targets.length },
    deps,
    (session, host) =>
      deps.log.group(`rollback-on-partial: roll back ${host}`, () =>
        rollback(
          rollbackSettingsOf(config, {
            to: byHost.get(host)!.plan.current!.id,
            force: false,
            dryRun: false,
            reason: `rollback-on-partial: ${failedHost} failed`,
          }),
          { ...onHostDeps(session, request, deps), telegram: telegramApi(config.telegram, deps) },
        ),
      ),
    (error) => (error instanceof DeployError ? { report: error.report as RollbackReport } : {}),
  );
  for (const o of outcomes) done.push({ host: o.host, report: o.report, error: o.error });
  return done;
}

/** Each host's result and the release it runs, in the order of the targets. */
export function hostReleases(
  hosts: readonly string[],
  outcomes: readonly HostOutcome<DeployReport>[],
  rollbacks: readonly PartialRollback[],
  released: { id: string; image: string },
  dryRun: boolean,
): HostRelease[] {
  return hosts.map((host): HostRelease => {
    const o = outcomes.find((x) => x.host === host);
    if (!o || dryRun) return { host, result: 'untouched', release: null, image: null };
    const before = o.report?.plan.current;
    if (o.error) {
      const undone =
        o.report?.result &&
        !o.report.result.ok &&
        !o.report.result.cancelled &&
        !o.report.result.records.some((r) => r.status === 'undo-failed' || r.status === 'kept');
      return undone
        ? {
            host,
            result: 'rolled-back',
            release: before?.id ?? null,
            image: before?.image ?? null,
            detail: o.error,
          }
        : { host, result: 'failed', release: null, image: null, detail: o.error };
    }
    const back = rollbacks.find((r) => r.host === host);
    const to = back?.report?.choice.to ?? back?.aborted;
    if (back && !back.error && to)
      return {
        host,
        result: 'rolled-back',
        release: to.id,
        image: to.image,
        detail: back.aborted
          ? `rollback-on-partial: the canary ${released.id} aborted`
          : `rollback-on-partial: back from ${released.id}`,
      };
    if (back)
      return {
        host,
        result: 'failed',
        release: released.id,
        image: released.image,
        detail: `rollback-on-partial FAILED, it still runs ${released.id}: ${back.error}`,
      };
    return { host, result: 'deployed', release: released.id, image: released.image };
  });
}

/** Whether the hosts that answered run different releases (or some runs an unknown one). */
export function split(hosts: readonly HostRelease[]): boolean {
  const known = hosts.filter((h) => h.result !== 'untouched');
  return new Set(known.map((h) => h.release ?? '?')).size > 1;
}

/** One line per host, for the notification: "h1: deployed, runs R (image)". */
export function whoRunsWhat(hosts: readonly HostRelease[]): string {
  return hosts
    .map(
      (h) =>
        `${h.host}: ${h.result}, ${
          h.result === 'untouched'
            ? 'not reached (runs what it ran)'
            : h.release
              ? `runs ${h.release} (${h.image})`
              : 'runs an unknown release'
        }${h.detail && h.result === 'failed' ? ` (${h.detail})` : ''}`,
    )
    .join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * The job summary's "which host runs what" table (hosts, releases and images as code spans, as
 * the deploy summary writes them); `rolledBack` names the hosts rollback-on-partial took back.
 */
export function hostsMarkdown(
  hosts: readonly HostRelease[],
  rolledBack: readonly string[] = [],
): string {
  const head = split(hosts)
    ? '#### 🚨 Which host runs what: the hosts run DIFFERENT releases'
    : rolledBack.length
      ? `#### ↩️ Which host runs what: rollback-on-partial took ${rolledBack.map(code).join(', ')} back`
      : '#### Which host runs what';
  return [
    head,
    '',
    '| host | result | release | image | detail |',
    '| --- | --- | --- | --- | --- |',
    ...hosts.map(
      (h) =>
        `| ${cell(code(h.host))} | ${h.result} | ${h.release ? cell(code(h.release)) : ''} | ${h.image ? cell(code(h.image)) : ''} | ${cell(h.detail ?? '')} |`,
    ),
  ].join('\n');
}
