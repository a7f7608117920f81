import type { RollbackReport, RunReport } from './engine.js';
import { formatBytes } from './disk.js';
import { planMarkdown } from './print.js';

/** One host's outcome of a deploy or a rollback. */
export interface HostOutcome<R extends RunReport = RunReport> {
  host: string;
  report?: R;
  error?: string;
  gate?: string;
  ssh?: { connectionsOpened: number; commands: number; retries: number };
}

const ms = (n: number | undefined) =>
  n === undefined ? '' : n < 10_000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function details(lines: string[], o: HostOutcome): void {
  if (o.error) lines.push('', `**${o.host}**: ${cell(o.error)}`);
  const r = o.report;
  if (!r) return;
  if (r.facts.freedBytes !== undefined)
    lines.push('', `**${o.host}**: images pruned, ${formatBytes(r.facts.freedBytes)} freed`);
  lines.push(
    '',
    `<details><summary>${o.host}: plan</summary>`,
    '',
    planMarkdown(r.plan),
    '',
    '</details>',
  );
  if (r.result)
    lines.push(
      '',
      '| step | status | time |',
      '| --- | --- | --- |',
      ...r.result.records.map((s) => `| ${cell(s.title)} | ${s.status} | ${ms(s.ms)} |`),
    );
}

/** The table head, one row per host, then each host's plan and steps. */
function summary<R extends RunReport>(
  title: string,
  columns: string[],
  outcomes: HostOutcome<R>[],
  row: (o: HostOutcome<R>) => string[],
  extra: (lines: string[], o: HostOutcome<R>) => void = () => undefined,
): string {
  const lines = [
    title,
    '',
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => ' --- |').join('')}`,
    ...outcomes.map((o) => `| ${row(o).join(' | ')} |`),
  ];
  for (const o of outcomes) {
    extra(lines, o);
    details(lines, o);
  }
  return lines.join('\n');
}

const resultOf = (o: HostOutcome, dryRun: boolean, done: string, failed: string) =>
  dryRun ? 'planned' : !o.error ? done : o.report?.result?.cancelled ? 'cancelled' : failed;

/** The deploy's job summary: per host the result, gap and timings, then the plan and its steps. */
export function summaryMarkdown(app: string, outcomes: HostOutcome[], dryRun: boolean): string {
  return summary(
    `### tg-devops deploy: ${app}${dryRun ? ' (dry-run: nothing changed)' : ''}`,
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
        o.host,
        resultOf(o, dryRun, 'deployed', `failed${o.gate ? ` (gate ${o.gate})` : ''}`),
        r?.plan.releaseId ?? '',
        r?.plan.strategy ?? '',
        ms(r?.facts.gapMs),
        ms(r?.totalMs),
        ms(r?.facts.waitMs),
        o.ssh ? `${o.ssh.connectionsOpened} / ${o.ssh.commands}` : '',
      ];
    },
  );
}

/** The rollback's job summary: per host from/to, how, how long; then the plan and its steps. */
export function rollbackSummary(
  app: string,
  outcomes: HostOutcome<RollbackReport>[],
  dryRun: boolean,
): string {
  return summary(
    `### tg-devops rollback: ${app}${dryRun ? ' (dry-run: nothing changed)' : ''}`,
    ['host', 'result', 'from', 'to', 'image', 'how', 'to serving', 'total'],
    outcomes,
    (o) => {
      const r = o.report;
      return [
        o.host,
        resultOf(o, dryRun, 'rolled back', 'failed'),
        r?.choice.from.id ?? '',
        r?.choice.to.id ?? '',
        r ? `\`${cell(r.choice.to.image)}\`` : '',
        r?.plan.strategy ?? '',
        ms(r?.switchMs),
        ms(r?.totalMs),
      ];
    },
    (lines, o) => {
      if (o.report?.choice.forced)
        lines.push(
          '',
          `> **forced** past the irreversible migration of ${o.report.choice.irreversible.map((x) => `\`${x.id}\``).join(', ')}`,
        );
    },
  );
}
