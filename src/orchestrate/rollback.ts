/**
 * A rollback run over its hosts (one at a time), the same from the action and the CLI: the
 * engine's rollback plan on each, the summary and the plan file, then the chat hears of it.
 */
import { DeployError, rollback, type RollbackReport } from '../deploy/engine.js';
import { hostPrimitives, type LockHolder } from '../deploy/ports.js';
import type { ProxyChoice } from '../deploy/probe.js';
import type { RollbackSettings } from '../deploy/rollback-plan.js';
import { rollbackSummary, type HostOutcome } from '../deploy/summary.js';
import type { RunLinks } from '../notify/message.js';
import { notify, type NotifyTargets } from '../notify/send.js';
import { onHosts, telegramApi, writePlans, type HostsRequest, type RunDeps } from './hosts.js';

export interface RollbackRequest extends Omit<HostsRequest, 'batchSize'> {
  settings: RollbackSettings;
  proxy?: ProxyChoice;
  holder: Omit<LockHolder, 'startedAt'>;
  notify?: { targets: NotifyTargets; environment: string; links: RunLinks };
}

export interface RollbackRun {
  outcomes: HostOutcome<RollbackReport>[];
  failure?: string;
  outputs: Record<string, string | number | undefined>;
}

export async function runRollback(request: RollbackRequest, deps: RunDeps): Promise<RollbackRun> {
  const { settings } = request;
  const telegram = telegramApi(settings.telegram, deps);
  let outcomes: HostOutcome<RollbackReport>[] = [];
  try {
    outcomes = await onHosts<RollbackReport>(
      { ...request, batchSize: 1 },
      deps,
      (session, host) =>
        deps.log.group(`${settings.dryRun ? 'plan for' : 'roll back'} ${host}`, () =>
          rollback(settings, {
            exec: session,
            host: hostPrimitives,
            proxy: request.proxy,
            clock: deps.clock,
            log: deps.log,
            holder: request.holder,
            signal: deps.signal,
            telegram,
          }),
        ),
      (error) => (error instanceof DeployError ? { report: error.report as RollbackReport } : {}),
    );
  } finally {
    deps.writeSummary?.(
      rollbackSummary(settings.app, outcomes, settings.dryRun, { hosts: request.targets.length }),
    );
  }
  const planFile = writePlans('rollback', outcomes, deps);
  const first = outcomes.find((o) => o.report)?.report;
  const failed = outcomes.find((o) => o.error);
  const skipped = request.targets.length - outcomes.length;
  const failure = failed
    ? `${failed.host}: ${failed.error}${skipped ? ` (${skipped} host(s) not rolled back: stopped at the first failure)` : ''}`
    : skipped
      ? `cancelled: ${skipped} host(s) not rolled back`
      : undefined;
  if (!settings.dryRun) await tell(request, outcomes, failed, deps);
  return {
    outcomes,
    failure,
    outputs: {
      'release-id': first?.choice.to.id ?? '',
      image: first?.choice.to.image ?? '',
      'rolled-back-from': first?.choice.from.id ?? '',
      'plan-file': planFile,
    },
  };
}

/** The ops chat and the webhook hear about a rollback, done or failed. Never fails the step. */
async function tell(
  request: RollbackRequest,
  outcomes: HostOutcome<RollbackReport>[],
  failed: HostOutcome<RollbackReport> | undefined,
  deps: RunDeps,
): Promise<void> {
  const n = request.notify;
  if (!n || (!n.targets.telegram && !n.targets.webhook)) return;
  const { settings } = request;
  const done = outcomes.filter((o) => o.report && !o.error);
  const choice = (failed ?? done[0])?.report?.choice;
  await notify(
    {
      event: failed ? 'failure' : 'rollback',
      app: settings.app,
      version: choice ? `${choice.to.id} (${choice.to.image})` : (settings.to ?? 'previous'),
      environment: n.environment,
      runUrl: n.links.runUrl,
      commitUrl: n.links.commitUrl,
      details: failed
        ? `rollback failed on ${failed.host}: ${failed.error}`
        : `rolled back from ${choice?.from.id ?? '?'} on ${done.map((o) => o.host).join(', ')}${settings.reason ? `: ${settings.reason}` : ''}${choice?.forced ? ' (forced past an irreversible migration)' : ''}`,
    },
    n.targets,
    { fetch: deps.fetch, clock: deps.clock, log: deps.log },
  ).catch((error: unknown) => deps.log.warn(`notify: ${String(error)}`));
}
