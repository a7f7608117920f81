import { type CoverageChange, formatDelta } from './baseline.js';
import { type DiffCoverage, formatRanges } from './diff-coverage.js';
import { formatPercent, type LineTotals, percent, type TestResults } from './model.js';
import { code, fence } from '../markdown.js';

/** Everything one run found, ready to publish. */
export interface Outcome {
  tests: TestResults;
  /** The test command's exit code. */
  exitCode: number;
  coverage: LineTotals;
  /** Null when there is no PR diff (a push, or the diff could not be read): see diffNote. */
  diff: DiffCoverage | null;
  diffNote?: string;
  headSha?: string;
  /** Against the base branch's saved coverage (the coverage baseline), when one was found. */
  change?: CoverageChange;
  /** Why there is no comparison (no baseline saved yet, no cache service). */
  changeNote?: string;
}

export interface Thresholds {
  minCoverage: number;
  minDiffCoverage: number;
  /** Fail when the total moves less than this many points against the baseline; null: off. */
  minCoverageChange?: number | null;
}

const points = (value: number) => `${(Math.ceil(value * 100 - 1e-9) / 100).toFixed(2)} points`;

/** Messages for the thresholds that fell short, saying by how much; empty when all hold. */
export function thresholdFailures(outcome: Outcome, thresholds: Thresholds): string[] {
  const failures: string[] = [];
  const total = percent(outcome.coverage);
  if (thresholds.minCoverage > 0 && (total ?? 0) < thresholds.minCoverage) {
    failures.push(
      `coverage ${formatPercent(total ?? 0)} is below min-coverage ${thresholds.minCoverage}% by ${points(thresholds.minCoverage - (total ?? 0))}`,
    );
  }
  const diff = outcome.diff ? percent(outcome.diff.totals) : null;
  if (thresholds.minDiffCoverage > 0 && diff !== null && diff < thresholds.minDiffCoverage) {
    const uncovered = outcome.diff!.totals.lines - outcome.diff!.totals.covered;
    failures.push(
      `diff coverage ${formatPercent(diff)} is below min-diff-coverage ${thresholds.minDiffCoverage}% by ${points(thresholds.minDiffCoverage - diff)} (${uncovered} of ${outcome.diff!.totals.lines} changed lines not covered)`,
    );
  }
  const change = outcome.change?.delta ?? null;
  const min = thresholds.minCoverageChange;
  if (min !== undefined && min !== null && change !== null && change < min - 1e-9) {
    failures.push(
      `coverage change ${formatDelta(change)} against ${outcome.change!.branch} is below min-coverage-change ${formatDelta(min).replace('±', '')}`,
    );
  }
  return failures;
}

/** `84.20% (−0.60 against main)`, or just the percentage without a comparison. */
export function coverageWithChange(outcome: Outcome): string {
  const total = formatPercent(percent(outcome.coverage));
  if (!outcome.change || outcome.change.delta === null) return total;
  return `${total} (${formatDelta(outcome.change.delta)} against ${outcome.change.branch})`;
}

/** The failure message for the tests themselves, or undefined when they passed. */
export function testFailure(outcome: Outcome): string | undefined {
  const { tests, failures, errors, failed } = outcome.tests;
  const bad = failures + errors;
  if (bad > 0) {
    const names = failed.slice(0, 5).map((f) => f.name);
    const more = failed.length > 5 ? ` and ${failed.length - 5} more` : '';
    return `${bad} of ${tests} tests failed: ${names.join(', ')}${more}`;
  }
  if (outcome.exitCode !== 0) {
    return `the test command exited ${outcome.exitCode} although no test failed (a crash, a collection or a coverage error: see the log above)`;
  }
  return undefined;
}

export interface RenderOptions {
  marker: string;
  maxFiles?: number;
  maxFailures?: number;
  thresholdFailures?: string[];
}

/** The job summary and the PR comment: the same markdown, with the hidden marker first. */
export function renderMarkdown(outcome: Outcome, options: RenderOptions): string {
  const { tests, failures, errors, skipped } = outcome.tests;
  const bad = failures + errors;
  const passed = tests - bad - skipped;
  const problems = [...(testFailure(outcome) ? [testFailure(outcome)!] : []), ...(options.thresholdFailures ?? [])];
  const total = percent(outcome.coverage);
  const diff = outcome.diff ? percent(outcome.diff.totals) : null;
  const out: string[] = [options.marker];
  const icon = problems.length ? '❌' : '✅';
  const headline = bad
    ? `${bad} of ${tests} tests failed`
    : outcome.exitCode !== 0
      ? `test command exited ${outcome.exitCode}`
      : `${passed} tests passed`;
  out.push(
    `### ${icon} ${headline} · coverage ${cell(coverageWithChange(outcome))}${outcome.diff ? ` · diff coverage ${formatPercent(diff)}` : ''}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Tests | ${passed} passed, ${failures} failed, ${errors} errors, ${skipped} skipped (${tests} total) |`,
    `| Coverage | ${formatPercent(total)} (${outcome.coverage.covered} of ${outcome.coverage.lines} lines) |`,
  );
  if (outcome.change) {
    const c = outcome.change;
    out.push(
      `| Against ${cell(c.branch)} | ${formatDelta(c.delta)} points (${cell(c.branch)}: ${formatPercent(percent(c.before))}, ${c.before.covered} of ${c.before.lines} lines) |`,
    );
  } else if (outcome.changeNote) {
    out.push(`| Against the base branch | n/a (${cell(outcome.changeNote)}) |`);
  }
  if (outcome.diff) {
    const t = outcome.diff.totals;
    out.push(
      t.lines
        ? `| Diff coverage | ${formatPercent(diff)} (${t.covered} of ${t.lines} changed lines) |`
        : '| Diff coverage | n/a (the PR changes no measured line) |',
    );
  } else if (outcome.diffNote) {
    out.push(`| Diff coverage | n/a (${cell(outcome.diffNote)}) |`);
  }
  if (problems.length) {
    out.push('', '**Failed:**', ...problems.map((p) => `- ${cell(p)}`));
  }
  const maxFailures = options.maxFailures ?? 20;
  if (outcome.tests.failed.length) {
    out.push('', '#### Failures', '');
    for (const failure of outcome.tests.failed.slice(0, maxFailures)) {
      out.push(`**${code(truncate(failure.name, 300))}** (${failure.kind})`, '', fence(truncate(failure.message || '(no message)', 600)), '');
    }
    if (outcome.tests.failed.length > maxFailures) {
      out.push(`…and ${outcome.tests.failed.length - maxFailures} more failures (see the job log).`, '');
    }
  }
  if (outcome.diff) {
    const measured = outcome.diff.files.filter((f) => f.file);
    const others = outcome.diff.files.length - measured.length;
    if (measured.length) {
      measured.sort((a, b) => b.uncovered.length - a.uncovered.length || a.path.localeCompare(b.path));
      const maxFiles = options.maxFiles ?? 50;
      out.push(
        '',
        '#### Changed files',
        '',
        '| File | Coverage | Diff coverage | Uncovered changed lines |',
        '| --- | ---: | ---: | --- |',
      );
      for (const file of measured.slice(0, maxFiles)) {
        const filePercent = formatPercent(percent(file.file!));
        const diffText = file.executable ? `${formatPercent(percent({ lines: file.executable, covered: file.covered }))} (${file.covered}/${file.executable})` : 'n/a';
        const uncovered = file.uncovered.length ? cell(truncate(formatRanges(file.uncovered), 200)) : '';
        out.push(`| ${cell(code(file.path))} | ${filePercent} | ${diffText} | ${uncovered} |`);
      }
      if (measured.length > maxFiles) out.push('', `…and ${measured.length - maxFiles} more measured files.`);
    }
    if (others) out.push('', `${others} changed file${others === 1 ? ' is' : 's are'} not in the coverage report.`);
    for (const note of outcome.diff.notes.slice(0, 10)) out.push('', `> ${cell(note)}`);
  }
  if (outcome.change?.files.length) {
    const c = outcome.change;
    const maxFiles = options.maxFiles ?? 50;
    out.push(
      '',
      `#### Coverage change against ${cell(c.branch)}`,
      '',
      `| File | ${cell(c.branch)} | This run | Change |`,
      '| --- | ---: | ---: | ---: |',
    );
    for (const file of c.files.slice(0, maxFiles)) {
      const change = file.delta !== null ? formatDelta(file.delta) : file.before === null ? 'new' : 'removed';
      out.push(`| ${cell(code(file.path))} | ${formatPercent(file.before)} | ${formatPercent(file.after)} | ${change} |`);
    }
    if (c.files.length > maxFiles) out.push('', `…and ${c.files.length - maxFiles} more files changed coverage.`);
  }
  if (outcome.headSha) out.push('', `<sub>Commit ${outcome.headSha.slice(0, 12)} · tg-devops test</sub>`);
  return limitLength(out.join('\n'), MAX_BODY);
}

/** GitHub refuses comment bodies over 65,536 characters. */
export const MAX_BODY = 65_000;

function limitLength(markdown: string, max: number): string {
  if (markdown.length <= max) return markdown;
  const note = '\n\n…the report was cut here to fit a GitHub comment; the job log has all of it.';
  let cut = markdown.slice(0, max - note.length);
  // Do not leave a code fence open.
  const fences = cut.match(/^`{3,}/gm) ?? [];
  if (fences.length % 2 === 1) cut += `\n${fences[fences.length - 1]}`;
  return cut + note;
}

/** Escapes text for a markdown table cell or a list item: no HTML, no pipes, no line breaks. */
export function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/@/g, '@\u200b')
    .replace(/\r?\n/g, ' ');
}

export { code, fence } from '../markdown.js';

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
