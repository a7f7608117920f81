/**
 * A deploy run over all its hosts, the same from the action and the CLI: refuse a poller on
 * several hosts before any connection, tell the chat it starts, create the GitHub deployment,
 * deploy host by host (in batches) through the engine, write the summary and the plan file, set
 * the deployment's status, tell the chat how it ended.
 */
import type { DeployConfig } from '../deploy/config.js';
import { canaryLine, deploy, DeployError, type DeployReport } from '../deploy/engine.js';
import type { Gate } from '../deploy/gates.js';
import { createDeployment, type GithubDeployment } from '../deploy/github-deployment.js';
import { hostPrimitives, type LockHolder, type TrafficProxy } from '../deploy/ports.js';
import { refuseManyPollers } from '../deploy/rules.js';
import { summaryMarkdown, type HostOutcome } from '../deploy/summary.js';
import { verifyGates, withWebhookWatch, type DeployVerifyOptions } from '../deploy/verify-gates.js';
import { DEPLOY_SCHEMA } from '../inputs/entries.js';
import { defaultOf } from '../inputs/schema.js';
import { errorMessage } from '../errors.js';
import type { GitHubApi } from '../github/api.js';
import type { NotifyEventName, RunLinks } from '../notify/message.js';
import { notify, type NotifyTargets } from '../notify/send.js';
import { formatTarget } from '../ssh/target.js';
import { onHosts, telegramApi, writePlans, type HostsRequest, type RunDeps } from './hosts.js';
import {
  abortPartial,
  hostReleases,
  hostsMarkdown,
  partialHosts,
  rollBackPartial,
  whoRunsWhat,
  type PartialRollback,
} from './partial.js';

export interface DeployRequest extends HostsRequest {
  config: DeployConfig;
  proxy?: TrafficProxy;
  releaseId: string;
  holder: Omit<LockHolder, 'startedAt'>;
  verify?: DeployVerifyOptions;
  notify?: { targets: NotifyTargets; environment: string; links: RunLinks };
  github?: {
    api: GitHubApi;
    repository: string;
    ref: string;
    environment: string;
    environmentUrl?: string;
    transient: boolean;
    logUrl?: string;
  };
}

export interface DeployRun {
  outcomes: HostOutcome<DeployReport>[];
  /** Why the run failed (the first failed host, and the hosts not reached). */
  failure?: string;
  outputs: Record<string, string | number | undefined>;
}

/** The version a notification names: the tag, else the short digest. */
export function versionOf(config: DeployConfig): string {
  const { tag, digest } = config.image;
  if (tag) return tag;
  if (digest) return digest.slice(0, 19);
  return config.image.raw;
}

/**
 * rollback: every failed host was put back by its undo steps; failure: something else (no
 * connection, a busy lock, an undo that failed, a cancel).
 */
export function outcomeEvent(outcomes: readonly HostOutcome[]): NotifyEventName {
  const failed = outcomes.filter((o) => o.error);
  const rolledBack = failed.every(
    (o) =>
      o.report?.result &&
      !o.report.result.ok &&
      !o.report.result.cancelled &&
      !o.report.result.records.some((r) => r.status === 'undo-failed' || r.status === 'kept'),
  );
  return failed.length && rolledBack ? 'rollback' : 'failure';
}

export async function runDeploy(request: DeployRequest, deps: RunDeps): Promise<DeployRun> {
  const { config, releaseId } = request;
  const { log, clock } = deps;
  refuseManyPollers(config.botMode, request.targets.length);
  const fetchFn = deps.fetch;
  // the deploy's own Bot API calls (setWebhook, deleteWebhook): the token only in their URL
  if (config.webhook?.secret) log.secret(config.webhook.secret);
  const telegram = telegramApi(config.telegram, { log, fetch: fetchFn });
  const verifyOptions = withWebhookWatch(request.verify, config, {
    pauseSeconds: Number(defaultOf(DEPLOY_SCHEMA, 'verify-pause')),
  });
  const tell = async (event: NotifyEventName, details?: string): Promise<void> => {
    const n = request.notify;
    if (config.dryRun || !n || (!n.targets.telegram && !n.targets.webhook)) return;
    // notify() never throws; the catch is for anything around it: a notice never fails a deploy.
    await notify(
      {
        event,
        app: config.app,
        version: versionOf(config),
        environment: n.environment,
        runUrl: n.links.runUrl,
        commitUrl: n.links.commitUrl,
        details,
      },
      n.targets,
      { fetch: fetchFn, clock, log },
    ).catch((error: unknown) => log.warn(`notify: ${errorMessage(error)}`));
  };
  await tell('start', `release ${releaseId} to ${request.targets.map(formatTarget).join(', ')}`);
  let told = false;
  try {
    let deployment: GithubDeployment | undefined;
    const gh = request.github;
    if (gh && !config.dryRun) {
      deployment = await createDeployment(gh.api, {
        repository: gh.repository,
        ref: gh.ref,
        environment: gh.environment,
        environmentUrl: gh.environmentUrl,
        transient: gh.transient,
        description: `${config.app} ${config.image.raw}`,
        logUrl: gh.logUrl,
      });
      await deployment.status('in_progress', `deploying ${config.app} release ${releaseId}`);
    }
    let outcomes: HostOutcome<DeployReport>[] = [];
    let rollbacks: PartialRollback[] = [];
    let kept: HostOutcome<DeployReport>[] = [];
    const hostNames = request.targets.map(formatTarget);
    const released = { id: releaseId, image: config.image.raw };
    try {
      outcomes = await onHosts<DeployReport>(
        request,
        deps,
        (session, host) => {
          const extraGates: Gate[] = verifyOptions
            ? verifyGates(verifyOptions, { fetch: fetchFn, clock })
            : [];
          return log.group(`${config.dryRun ? 'plan for' : 'deploy to'} ${host}`, () =>
            deploy(config, {
              exec: session,
              host: deps.host ?? hostPrimitives,
              proxy: request.proxy,
              clock,
              log,
              releaseId,
              extraGates,
              verifyPauseSeconds: verifyOptions?.pauseSeconds,
              holder: request.holder,
              signal: deps.signal,
              telegram,
            }),
          );
        },
        (error) =>
          error instanceof DeployError
            ? { report: error.report as DeployReport, gate: error.gate }
            : {},
      );
      // A host failed after others took the release: those go back (rollback-on-partial), or
      // are kept, and either way the outcome says which host runs what.
      const took = config.dryRun ? [] : partialHosts(outcomes, request.targets.length);
      const failedHost = outcomes.find((o) => o.error)?.host ?? 'a cancel';
      if (took.length && config.rollbackOnPartial) {
        log.error(
          `rollback-on-partial: ${failedHost} failed; rolling back ${took.map((o) => o.host).join(', ')}`,
        );
        // a held canary is aborted (a hold refuses a rollback); a release is rolled back
        const back =
          config.canaryHold !== undefined
            ? abortPartial(request, took, deps)
            : rollBackPartial(request, took, failedHost, deps);
        rollbacks = await back.catch((error: unknown) =>
          took.map((o) => ({ host: o.host, error: errorMessage(error) })),
        );
        for (const r of rollbacks.filter((x) => x.error))
          log.error(
            `rollback-on-partial FAILED on ${r.host}: it still runs ${releaseId} while the failed host does not: ${r.error}`,
          );
      } else if (took.length) {
        kept = took;
        log.warn(
          `rollback-on-partial: false: ${took.map((o) => o.host).join(', ')} keep ${releaseId} while ${failedHost} failed`,
        );
      }
    } finally {
      const hosts = hostReleases(hostNames, outcomes, rollbacks, released, config.dryRun);
      const deployed = summaryMarkdown(config.app, outcomes, config.dryRun, {
        hosts: hostNames.length,
      });
      const table =
        hostNames.length > 1 && !config.dryRun
          ? hostsMarkdown(
              hosts,
              rollbacks.filter((r) => !r.error).map((r) => r.host),
            )
          : '';
      // After rollback-on-partial or with hosts split, what each host runs comes first: the
      // deploy's own headline speaks of the deploy alone.
      deps.writeSummary?.(
        !table
          ? deployed
          : rollbacks.length || kept.length
            ? `${table}\n\n${deployed}`
            : `${deployed}\n\n${table}\n`,
      );
    }
    const hosts = hostReleases(hostNames, outcomes, rollbacks, released, config.dryRun);
    const planFile = writePlans('deploy', outcomes, deps);
    const first = outcomes.find((o) => o.report)?.report;
    const canary = canaryPlan(outcomes)?.canary;
    const outputs = {
      image: config.image.raw,
      'previous-image': first?.plan.current?.image ?? '',
      color: first?.plan.color,
      'release-id': canary ? canary.held.id : releaseId,
      ...canaryOutputs(outcomes, config.dryRun),
      'gap-ms': first?.facts.gapMs,
      'freed-bytes': freedBytes(outcomes),
      'plan-file': planFile,
      hosts: JSON.stringify(hosts),
    };
    const failed = outcomes.find((o) => o.error);
    const skipped = request.targets.length - outcomes.length;
    const failureHead = failed
      ? `${failed.host}: ${failed.error}${skipped ? ` (${skipped} host(s) not deployed: stopped at the first failure)` : ''}`
      : skipped
        ? `cancelled: ${skipped} host(s) not deployed`
        : undefined;
    const rollbackFailed = rollbacks.filter((r) => r.error);
    // Several hosts and a failure: the text says which host runs what (loudly when split).
    const failure =
      failureHead && hostNames.length > 1
        ? [
            failureHead,
            rollbackFailed.length
              ? `ROLLBACK-ON-PARTIAL FAILED on ${rollbackFailed.map((r) => r.host).join(', ')}: the hosts run DIFFERENT releases`
              : rollbacks.length
                ? `rolled back ${rollbacks.map((r) => r.host).join(', ')} (rollback-on-partial)`
                : kept.length
                  ? `rollback-on-partial is false: ${kept.map((o) => o.host).join(', ')} keep ${releaseId}`
                  : undefined,
            `which host runs what:\n${whoRunsWhat(hosts)}`,
          ]
            .filter(Boolean)
            .join('\n')
        : failureHead;
    // The chat hears "rolled back" only when every host is back where it was.
    const event =
      outcomeEvent(outcomes) === 'rollback' && !rollbackFailed.length && !kept.length
        ? 'rollback'
        : 'failure';
    if (deployment)
      await deployment
        .status(
          failure ? 'failure' : 'success',
          !failure
            ? canary
              ? canaryLine(canaryPlan(outcomes)!)
              : `release ${releaseId} is live`
            : event === 'rollback'
              ? 'deploy failed, rolled back'
              : 'deploy failed',
        )
        .catch((error: unknown) =>
          log.warn(`GitHub deployment status not set: ${errorMessage(error)}`),
        );
    told = true;
    if (!failure)
      await tell(
        'success',
        canary
          ? `${canaryLine(canaryPlan(outcomes)!)} on ${outcomes.length} host(s)`
          : `release ${releaseId} is live on ${outcomes.length} host(s)`,
      );
    else await tell(event, failure);
    return { outcomes, failure, outputs };
  } catch (error) {
    if (!told) await tell('failure', errorMessage(error));
    throw error;
  }
}

/**
 * held and canary-weight: whether the canary is held now on every host this run reached, and the
 * share of traffic it has there (a hold: its weight; promoted: 100; aborted or failed: 0). Empty
 * for a run without canary-hold or resume.
 */
/** The plan of the first host whose run held, promoted or aborted a canary. */
const canaryPlan = (outcomes: readonly HostOutcome<DeployReport>[]) =>
  outcomes.find((o) => o.report?.plan.canary)?.report?.plan;

export function canaryOutputs(
  outcomes: readonly HostOutcome<DeployReport>[],
  dryRun: boolean,
): Record<'held' | 'canary-weight', string | number | undefined> {
  const plan = canaryPlan(outcomes);
  if (!plan?.canary || dryRun) return { held: undefined, 'canary-weight': undefined };
  const ok = outcomes.length > 0 && outcomes.every((o) => !o.error && o.report);
  const { phase, weight } = plan.canary;
  const held = ok && phase === 'hold';
  // a failed promote's undos route back to the hold; a failed hold or abort ends at 0 or held
  const failedWeight = phase === 'hold' ? 0 : weight;
  return {
    held: String(held || (!ok && phase !== 'hold')),
    'canary-weight': !ok ? failedWeight : phase === 'hold' ? weight : phase === 'promote' ? 100 : 0,
  };
}

/** Bytes the image prunes freed on all hosts; undefined when no host pruned an image. */
function freedBytes(outcomes: HostOutcome<DeployReport>[]): number | undefined {
  const freed = outcomes
    .map((o) => o.report?.facts.freedBytes)
    .filter((n): n is number => n !== undefined);
  return freed.length ? freed.reduce((a, b) => a + b, 0) : undefined;
}
