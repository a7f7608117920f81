/**
 * The deploy's and the rollback's job summaries (GitHub-flavoured Markdown), read at a glance:
 * a headline first with the outcome and what serves now, then one row per host, then on failure
 * the failing container's last log lines and the rollback command, then each host's plan and
 * steps folded away. Hosts, releases and images are code spans (GitHub autolinks `deploy@host`
 * as a mail address otherwise); durations read as people say them.
 */
import type { RollbackReport, RunReport } from './engine.js';
import { formatBytes } from './disk.js';
import { planMarkdown } from './print.js';
import type { RunFacts } from './execute.js';
import { code, fence, humanDuration } from '../markdown.js';
import type { Release } from './ports.js';

export { code, humanDuration };

/** One host's outcome of a deploy or a rollback. */
export interface HostOutcome<R extends RunReport = RunReport> {
  host: string;
  report?: R;
  error?: string;
  gate?: string;
  ssh?: { connectionsOpened: number; commands: number; retries: number };
}

/** What the summary cannot see in the outcomes (the caller knows it). */
export interface SummaryContext {
  /** How many hosts the run was for (hosts after a failure are never reached). */
  hosts?: number;
  /** The CLI config the rollback command names (default deploy.yml). */
  configFile?: string;
}

/** In a table cell: pipes escaped (also inside code spans, as GFM wants), one line. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The version people call a release by: its recorded version, the image's tag, or a short digest. */
export function versionOf(release: Pick<Release, 'image' | 'version'> | undefined): string {
  if (!release) return '';
  if (release.version) return release.version;
  const image = release.image;
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const tag = /:([^:/]+)$/.exec(name)?.[1];
  if (tag) return tag;
  if (at >= 0) return image.slice(at + 1, at + 1 + 19);
  return image;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The gate in words: "its health gate (http-health)". */
function gateText(gate: string | undefined): string {
  return gate ? `its health gate (${gate})` : 'its health gate';
}

/** Whether a failed host's undos all ran (the release that served before serves again). */
function undone(o: HostOutcome): boolean {
  const result = o.report?.result;
  return (
    result !== undefined &&
    !result.ok &&
    !result.records.some((r) => r.status === 'undo-failed' || r.status === 'kept')
  );
}

/**
 * Whether a route that sent the new release traffic ran (a canary step, the switch, a window
 * after it): then a failure afterwards was rolled back; before, the release was refused.
 */
export function gotTraffic(report: RunReport): boolean {
  const ran = new Set(
    (report.result?.records ?? [])
      .filter((r) => r.status === 'ok' || r.status === 'undone')
      .map((r) => r.id),
  );
  return report.plan.steps.some(
    (s) =>
      ran.has(s.id) &&
      s.action.kind === 'route' &&
      s.action.to.some((t) => t.container === report.plan.container && t.weight > 0),
  );
}

/** The failed step's title, for a failure that was not a gate. */
function failedStep(o: HostOutcome): string | undefined {
  return o.report?.result?.records.find((r) => r.status === 'failed')?.title;
}

/** The deploy's headline: the outcome and what serves now. */
export function deployHeadline(
  outcomes: readonly HostOutcome[],
  dryRun: boolean,
  context: SummaryContext = {},
): string {
  const first = outcomes.find((o) => o.report)?.report;
  const plan = first?.plan;
  const next = plan ? versionOf(plan.release) : 'the new release';
  const before = plan?.current ? versionOf(plan.current) : undefined;
  const total = context.hosts ?? outcomes.length;
  const how = plan?.strategy;
  if (dryRun)
    return `📝 dry-run: ${next} would ${before ? `replace ${before}` : 'be the first release'} on ${plural(total, 'host')}${how ? ` (${how})` : ''}; nothing changed`;
  const failed = outcomes.filter((o) => o.error);
  const served = outcomes.filter((o) => !o.error && o.report);
  const everywhere = !failed.length && served.length === total && total > 0;
  // a resume may find nothing held on some hosts (an empty plan): the canary's hosts speak
  const canary = outcomes.find((o) => o.report?.plan.canary)?.report?.plan;
  if (everywhere && canary) return canaryHeadline(canary, total);
  if (everywhere && outcomes.every((o) => !o.report?.plan.steps.length))
    return `✅ nothing to do on ${plural(total, 'host')}: ${plan?.notes[0] ?? 'the plan is empty'}`;
  if (everywhere)
    return `✅ ${next} serves on ${plural(total, 'host')} (${[how, before ? `replaced ${before}` : 'first release'].filter(Boolean).join(', ')})`;
  const partly = served.length ? `; ${next} serves on ${served.length} of ${total} hosts` : '';
  if (!failed.length)
    return `⏹️ cancelled: ${next} serves on ${served.length} of ${total} hosts; the others were not reached`;
  const o = failed[0]!;
  const report = o.report;
  const why = o.gate
    ? `${next} failed ${gateText(o.gate)}`
    : failedStep(o)
      ? `${next} failed at ${code(failedStep(o)!)}`
      : `${next} did not reach ${code(o.host)}`;
  const still = before ? `${before} still serves` : 'nothing served before, nothing serves now';
  // a promote or an abort that failed and was undone: back where the hold was
  const resumed = outcomes.find((x) => x.report?.plan.canary)?.report?.plan.canary;
  if (resumed && resumed.phase !== 'hold' && failed.every(undone))
    return `⏸️ ${versionOf(resumed.held)} is held at ${resumed.weight}% again: the ${resumed.phase} failed and was undone; ${why}${partly}`;
  if (report?.result?.cancelled && undone(o)) return `⏹️ cancelled: ${still}${partly}`;
  if (!failed.every(undone)) {
    if (!report) return `❌ deploy failed: ${why}${partly}`;
    return `❌ deploy failed and was not fully undone on ${code(o.host)}: ${why}${report.afterwards ? ` (${report.afterwards})` : ''}${partly}`;
  }
  // the new release got traffic before its gate failed: routed back; else it never served
  return report && gotTraffic(report)
    ? `↩️ rolled back: ${still}; ${why}${partly}`
    : `🛑 refused: ${still}; ${why} and never got traffic${partly}`;
}

/** A canary held, promoted or aborted on every host: where the traffic is now. */
function canaryHeadline(plan: NonNullable<RunReport['plan']>, total: number): string {
  const { phase, weight, held } = plan.canary!;
  const canary = versionOf(held);
  const before = plan.current ? versionOf(plan.current) : 'the current release';
  const hosts = plural(total, 'host');
  if (phase === 'hold')
    return `⏸️ ${canary} held at ${weight}% on ${hosts} (canary, ${before} serves the rest); promote or abort with \`resume\``;
  if (phase === 'promote')
    return `✅ ${canary} serves on ${hosts} (canary promoted from ${weight}%, replaced ${before})`;
  return `↩️ canary aborted: ${before} serves all traffic again on ${hosts}; ${canary} (held at ${weight}%) removed`;
}

/** The rollback's headline: what serves again, or why not. */
export function rollbackHeadline(
  outcomes: readonly HostOutcome<RollbackReport>[],
  dryRun: boolean,
  context: SummaryContext = {},
): string {
  const choice = outcomes.find((o) => o.report)?.report?.choice;
  const to = choice ? versionOf(choice.to) : 'the previous release';
  const from = choice ? versionOf(choice.from) : undefined;
  const total = context.hosts ?? outcomes.length;
  if (dryRun)
    return `📝 dry-run: ${to} would serve again on ${plural(total, 'host')}${from ? ` instead of ${from}` : ''}; nothing changed`;
  const failed = outcomes.filter((o) => o.error);
  if (!failed.length && outcomes.length === total && total > 0)
    return `↩️ ${to} serves again on ${plural(total, 'host')}${from ? ` (rolled back from ${from})` : ''}`;
  const o = failed[0];
  if (!o) return `⏹️ cancelled: ${to} serves again on ${outcomes.length} of ${total} hosts`;
  const step = failedStep(o);
  return `❌ rollback to ${to} failed on ${code(o.host)}${step ? ` at ${code(step)}` : ''}${from && undone(o) ? `; ${from} still serves` : ''}`;
}

/** On failure: what went wrong, the container's last lines, and the command to roll back. */
function failureSection(lines: string[], o: HostOutcome): void {
  if (!o.error) return;
  lines.push('', `#### ${code(o.host)}: failed`, '', fence(o.error));
  const logs = o.report?.facts.failedLogs;
  if (logs) {
    lines.push(
      '',
      `Last ${plural(logs.lines.length, 'log line')} of ${code(logs.container)}:`,
      '',
      fence(logs.lines.join('\n') || '(no output)'),
    );
  }
  if (o.report?.afterwards) lines.push('', `After the undos: ${cell(o.report.afterwards)}`);
}

/**
 * After a failed deploy: the command that puts the previous release back where the new one may
 * still serve (hosts it reached, and hosts whose undos did not all run); none when the undos put
 * the previous release back everywhere (a rollback then would go one release further back).
 */
export function rollbackAdvice(
  outcomes: readonly HostOutcome[],
  context: SummaryContext = {},
): string | undefined {
  const failed = outcomes.filter((o) => o.error);
  if (!failed.length) return undefined;
  const plan = outcomes.find((o) => o.report)?.report?.plan;
  const previous = plan?.current;
  const serving = outcomes.filter((o) => (!o.error && o.report) || (o.error && !undone(o)));
  if (!serving.length)
    return previous
      ? `Nothing to roll back by hand: the undos put ${code(versionOf(previous))} (${code(previous.id)}) back.`
      : 'Nothing to roll back by hand: nothing served before this deploy.';
  if (!previous) return 'No previous release to roll back to: deploy a working image instead.';
  const argv = [
    'tg-devops',
    'rollback',
    '--config',
    context.configFile ?? 'deploy.yml',
    '--to',
    previous.id,
    ...serving.flatMap((o) => ['--host', o.host]),
  ];
  return `To roll back by hand: ${code(argv.join(' '))} (or the \`rollback\` action with \`to: ${previous.id}\`)`;
}

/** The webhook registration's outcome in one line (no secret), or undefined when none ran. */
export function webhookLine(w: RunFacts['webhook'] | undefined): string | undefined {
  switch (w?.registration) {
    case 'set':
      return `webhook registered: setWebhook ${code(w.url ?? '')} (${(w.reasons ?? []).join('; ')}), confirmed by getWebhookInfo`;
    case 'unchanged':
      return `webhook registration unchanged (${code(w.url ?? '')}): no setWebhook`;
    case 'restored':
      return 'webhook registration set back to what it was before this run';
    case 'deleted':
      return 'deleteWebhook: the token had a webhook set, removed before the poller started';
    case 'none-set':
      return 'no webhook set on the token: nothing to delete before the poller started';
    default:
      return undefined;
  }
}

/** Each host's plan and steps, folded away. */
function folded(lines: string[], o: HostOutcome): void {
  const r = o.report;
  if (!r) return;
  if (r.facts.freedBytes !== undefined)
    lines.push('', `${code(o.host)}: images pruned, ${formatBytes(r.facts.freedBytes)} freed`);
  const webhook = webhookLine(r.facts.webhook);
  if (webhook) lines.push('', `${code(o.host)}: ${webhook}`);
  lines.push(
    '',
    `<details><summary><code>${escapeHtml(o.host)}</code>: the plan (${plural(r.plan.steps.length, 'step')})</summary>`,
    '',
    planMarkdown(r.plan),
    '',
    '</details>',
  );
  if (r.result)
    lines.push(
      '',
      `<details><summary><code>${escapeHtml(o.host)}</code>: steps as run (${humanDuration(r.totalMs)})</summary>`,
      '',
      '| step | status | time |',
      '| --- | --- | --- |',
      ...r.result.records.map((s) => `| ${cell(s.title)} | ${s.status} | ${humanDuration(s.ms)} |`),
      '',
      '</details>',
    );
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function summary<R extends RunReport>(
  headline: string,
  subtitle: string,
  columns: string[],
  outcomes: HostOutcome<R>[],
  row: (o: HostOutcome<R>) => string[],
  context: SummaryContext,
  extra: (lines: string[], o: HostOutcome<R>) => void = () => undefined,
  advise: (outcomes: HostOutcome<R>[], context: SummaryContext) => string | undefined = () =>
    undefined,
): string {
  const lines = [
    `### ${headline}`,
    '',
    subtitle,
    '',
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => ' --- |').join('')}`,
    ...outcomes.map((o) => `| ${row(o).join(' | ')} |`),
  ];
  for (const o of outcomes) {
    extra(lines, o);
    failureSection(lines, o);
  }
  const advice = advise(outcomes, context);
  if (advice) lines.push('', advice);
  for (const o of outcomes) folded(lines, o);
  return lines.join('\n');
}

const resultOf = (o: HostOutcome, dryRun: boolean, done: string, failed: string) =>
  dryRun ? 'planned' : !o.error ? done : o.report?.result?.cancelled ? 'cancelled' : failed;

const hostCell = (o: HostOutcome) => cell(code(o.host));

/** The deploy's job summary: the headline, per host the result and timings, then the details. */
export function summaryMarkdown(
  app: string,
  outcomes: HostOutcome[],
  dryRun: boolean,
  context: SummaryContext = {},
): string {
  const plan = outcomes.find((o) => o.report)?.report?.plan;
  return summary(
    deployHeadline(outcomes, dryRun, context),
    `tg-devops deploy of ${code(app)}${plan ? `: release ${code(plan.releaseId)}, image ${code(plan.image)}` : ''}${dryRun ? ' (dry-run: nothing changed)' : ''}`,
    [
      'host',
      'result',
      'release',
      'strategy',
      'handover gap',
      'total',
      'waiting on the app',
      'ssh connections / commands',
    ],
    outcomes,
    (o) => {
      const r = o.report;
      return [
        hostCell(o),
        resultOf(o, dryRun, 'deployed', `failed${o.gate ? ` (gate ${cell(o.gate)})` : ''}`),
        r ? code(r.plan.releaseId) : '',
        r?.plan.strategy ?? '',
        humanDuration(r?.facts.gapMs),
        humanDuration(r?.totalMs),
        humanDuration(r?.facts.waitMs),
        o.ssh ? `${o.ssh.connectionsOpened} / ${o.ssh.commands}` : '',
      ];
    },
    context,
    undefined,
    rollbackAdvice,
  );
}

/** The rollback's job summary: the headline, per host from/to, how, how long; then the details. */
export function rollbackSummary(
  app: string,
  outcomes: HostOutcome<RollbackReport>[],
  dryRun: boolean,
  context: SummaryContext = {},
): string {
  return summary(
    rollbackHeadline(outcomes, dryRun, context),
    `tg-devops rollback of ${code(app)}${dryRun ? ' (dry-run: nothing changed)' : ''}`,
    ['host', 'result', 'from', 'to', 'image', 'how', 'to serving', 'total'],
    outcomes,
    (o) => {
      const r = o.report;
      return [
        hostCell(o),
        resultOf(o, dryRun, 'rolled back', 'failed'),
        r ? code(r.choice.from.id) : '',
        r ? code(r.choice.to.id) : '',
        r ? cell(code(r.choice.to.image)) : '',
        r?.plan.strategy ?? '',
        humanDuration(r?.switchMs),
        humanDuration(r?.totalMs),
      ];
    },
    context,
    (lines, o) => {
      if (o.report?.choice.forced)
        lines.push(
          '',
          `> **forced** past the irreversible migration of ${o.report.choice.irreversible.map((x) => code(x.id)).join(', ')}`,
        );
    },
  );
}
