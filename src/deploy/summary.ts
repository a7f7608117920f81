import type { DeployReport } from './engine.js';
import { planMarkdown } from './plan.js';

export interface HostOutcome {
  host: string;
  report?: DeployReport;
  error?: string;
  gate?: string;
  ssh?: { connectionsOpened: number; commands: number; retries: number };
}

const ms = (n: number | undefined) =>
  n === undefined ? '' : n < 10_000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`;

/** The job summary: per host the result, gap and timings, then the plan and its steps. */
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
          ? `failed${o.gate ? ` (gate ${o.gate})` : ''}`
          : 'deployed';
      return `| ${o.host} | ${result} | ${r?.plan.releaseId ?? ''} | ${r?.plan.strategy ?? ''} | ${ms(r?.facts.gapMs)} | ${ms(r?.totalMs)} | ${ms(r?.facts.waitMs)} | ${o.ssh ? `${o.ssh.connectionsOpened} / ${o.ssh.commands}` : ''} |`;
    }),
  ];
  for (const o of outcomes) {
    if (o.error) lines.push('', `**${o.host}**: ${o.error.replace(/\n/g, ' ')}`);
    const r = o.report;
    if (!r) continue;
    lines.push(
      '',
      `<details><summary>${o.host}: plan</summary>`,
      '',
      planMarkdown(r.plan),
      '',
      '</details>',
    );
    if (r.result) {
      lines.push(
        '',
        '| step | status | time |',
        '| --- | --- | --- |',
        ...r.result.records.map(
          (s) => `| ${s.title.replace(/\|/g, '\\|')} | ${s.status} | ${ms(s.ms)} |`,
        ),
      );
    }
  }
  return lines.join('\n');
}
