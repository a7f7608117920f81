import { code, humanDuration } from '../markdown.js';
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

/** A check's name (often a URL or user@host) as code in a cell: never a link; pipes escaped. */
const codeCell = (text: string) => code(text).replace(/\|/g, '\\|');

/** The reason, its leading check name (`logs app@deploy@host: ...`) as code: never a mailto link. */
function why(verdict: Verdict): string {
  const name = verdict.failedCheck;
  if (name && verdict.reason.startsWith(`${name}: `))
    return `${code(name)}: ${cell(verdict.reason.slice(name.length + 2))}`;
  return cell(verdict.reason);
}

/** The job summary: the verdict, why, and each check's last probe results. */
export function verdictMarkdown(
  verdict: Verdict,
  options: { title?: string; onInconclusive?: 'fail' | 'pass' } = {},
): string {
  const took = humanDuration(verdict.decidedAt - verdict.startedAt);
  const lines = [
    `### ${options.title ?? 'Verification'}: ${ICON[verdict.outcome]} ${verdict.outcome}${verdict.accepted ? '' : ' (not accepted)'}`,
    '',
    `**Why:** ${why(verdict)}`,
    '',
    `${verdict.rounds} round(s) of probes in ${took}.` +
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
      `| ${codeCell(e.name)} | ${ICON[e.outcome]} ${e.outcome}: ${cell(e.reason)} | ${e.counts.pass} | ${e.counts.fail} | ${e.counts.inconclusive} | ${last} |`,
    );
  }
  return lines.join('\n');
}
