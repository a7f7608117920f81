import type { RollbackReport, RunReport } from './engine.js';
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

/** The deploy's job summary: per host the result, gap and timings, then the plan and its steps. */
export function summaryMarkdown(app: string, outcomes: HostOutcome[], dryRun: boolean): string {
  const lines = [
    `### tg-devops deploy: ${app}${dryRun ? ' (dry-run: nothing changed)' : ''}`,
    '',
    '| host | result | release | strategy | handover gap | total | waiting on the app | ssh connections / commands |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...outcomes.map((o) => {
      const r = o.report;
      const result = dryRun
        ? 'planned'
        : o.error
          ? r?.result?.cancelled
            ? 'cancelled'
            : `failed${o.gate ? ` (gate ${o.gate})` : ''}`
          : 'deployed';
      return `| ${o.host} | ${result} | ${r?.plan.releaseId ?? ''} | ${r?.plan.strategy ?? ''} | ${ms(r?.facts.gapMs)} | ${ms(r?.totalMs)} | ${ms(r?.facts.waitMs)} | ${o.ssh ? `${o.ssh.connectionsOpened} / ${o.ssh.commands}` : ''} |`;
    }),
  ];
  for (const o of outcomes) details(lines, o);
  return lines.join('\n');
}

/** The rollback's job summary: per host from/to, how, how long; then the plan and its steps. */
export function rollbackSummary(
  app: string,
  outcomes: HostOutcome<RollbackReport>[],
  dryRun: boolean,
): string {
  const lines = [
    `### tg-devops rollback: ${app}${dryRun ? ' (dry-run: nothing changed)' : ''}`,
    '',
    '| host | result | from | to | image | how | to serving | total |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...outcomes.map((o) => {
      const r = o.report;
      const result = dryRun
        ? 'planned'
        : o.error
          ? r?.result?.cancelled
            ? 'cancelled'
            : 'failed'
          : 'rolled back';
      return `| ${o.host} | ${result} | ${r?.choice.from.id ?? ''} | ${r?.choice.to.id ?? ''} | ${r ? `\`${cell(r.choice.to.image)}\`` : ''} | ${r?.plan.strategy ?? ''} | ${ms(r?.switchMs)} | ${ms(r?.totalMs)} |`;
    }),
  ];
  for (const o of outcomes) {
    if (o.report?.choice.forced)
      lines.push(
        '',
        `> **forced** past the irreversible migration of ${o.report.choice.irreversible.map((x) => `\`${x.id}\``).join(', ')}`,
      );
    details(lines, o);
  }
  return lines.join('\n');
}
