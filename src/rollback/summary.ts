import { planMarkdown } from '../deploy/plan.js';
import type { RollbackReport } from './execute.js';

export interface RollbackOutcome {
  host: string;
  report?: RollbackReport;
  error?: string;
}

const ms = (n: number | undefined) =>
  n === undefined ? '' : n < 10_000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The job summary: per host from/to, how, how long; then the plan and its steps. */
export function rollbackSummary(app: string, outcomes: RollbackOutcome[], dryRun: boolean): string {
  const lines = [
    `### tg-devops rollback: ${app}${dryRun ? ' (dry-run: nothing changed)' : ''}`,
    '',
    '| host | result | from | to | image | how | to serving | total |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...outcomes.map((o) => {
      const r = o.report;
      const result = dryRun ? 'planned' : o.error ? 'failed' : 'rolled back';
      return `| ${o.host} | ${result} | ${r?.plan.from.id ?? ''} | ${r?.plan.to.id ?? ''} | ${r ? `\`${cell(r.plan.to.image)}\`` : ''} | ${r ? (r.mode === 'proxy' ? 'proxy switch' : 'handover') : ''} | ${ms(r?.switchMs)} | ${ms(r?.totalMs)} |`;
    }),
  ];
  for (const o of outcomes) {
    if (o.error) lines.push('', `**${o.host}**: ${cell(o.error)}`);
    const r = o.report;
    if (!r) continue;
    if (r.plan.forced)
      lines.push(
        '',
        `> **forced** past the irreversible migration of ${r.plan.irreversible.map((x) => `\`${x.id}\``).join(', ')}`,
      );
    lines.push(
      '',
      `<details><summary>${o.host}: plan</summary>`,
      '',
      planMarkdown(r.steps),
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
  return lines.join('\n');
}
