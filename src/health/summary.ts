import type { Verdict } from './types.js';

const ICON = { pass: '✅', fail: '❌', inconclusive: '❔' } as const;

/** Markdown for a table cell: no pipes, no newlines, no HTML. */
export function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

/** The job summary: the verdict, why, and each check's last probe results. */
export function verdictMarkdown(
  verdict: Verdict,
  options: { title?: string; onInconclusive?: 'fail' | 'pass' } = {},
): string {
  const seconds = Math.round((verdict.decidedAt - verdict.startedAt) / 1000);
  const lines = [
    `### ${options.title ?? 'Verification'}: ${ICON[verdict.outcome]} ${verdict.outcome}${verdict.accepted ? '' : ' (not accepted)'}`,
    '',
    `**Why:** ${cell(verdict.reason)}`,
    '',
    `${verdict.rounds} round(s) of probes in ${seconds} s.` +
      (verdict.outcome === 'inconclusive'
        ? ` An inconclusive verdict ${verdict.accepted ? 'passes' : 'fails'} (on-inconclusive: ${options.onInconclusive ?? 'fail'}).`
        : ''),
    '',
    '| check | outcome | passes | failures | inconclusive | last probes (oldest first) |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const e of verdict.evidence) {
    const last = e.last
      .map(
        (r) =>
          `${ICON[r.status]} #${r.round} +${Math.round((r.at - verdict.startedAt) / 1000)}s ${cell(r.summary)}`,
      )
      .join('<br>');
    lines.push(
      `| ${cell(e.name)} | ${ICON[e.outcome]} ${e.outcome}: ${cell(e.reason)} | ${e.counts.pass} | ${e.counts.fail} | ${e.counts.inconclusive} | ${last} |`,
    );
  }
  return lines.join('\n');
}
