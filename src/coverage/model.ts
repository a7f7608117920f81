/** Line hits per file, as the report names the file: line number -> hit count. */
export type LineHits = Map<number, number>;

export type CoverageFormat = 'cobertura' | 'coverage-json' | 'lcov';

export interface CoverageData {
  format: CoverageFormat;
  /** Source roots the report names (Cobertura <sources>), used to map paths to the repository. */
  sources: string[];
  files: Map<string, LineHits>;
}

export interface LineTotals {
  lines: number;
  covered: number;
}

export interface FailedTest {
  name: string;
  message: string;
  kind: 'failure' | 'error';
}

export interface TestResults {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  failed: FailedTest[];
}

/** A problem with a report file: it names the file. */
export class ReportError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'ReportError';
  }
}

export function totalsOf(files: Iterable<LineHits>): LineTotals {
  let lines = 0;
  let covered = 0;
  for (const hits of files) {
    for (const count of hits.values()) {
      lines++;
      if (count > 0) covered++;
    }
  }
  return { lines, covered };
}

/** A percentage of covered lines, or null when there is nothing to measure. */
export function percent(totals: LineTotals): number | null {
  return totals.lines === 0 ? null : (100 * totals.covered) / totals.lines;
}

/** Shows a percentage with two decimals, rounded down: 79.996 never shows as 80.00. */
export function formatPercent(value: number | null): string {
  if (value === null) return 'n/a';
  return `${(Math.floor(value * 100 + 1e-9) / 100).toFixed(2)}%`;
}

/** Adds a hit count to a file's lines, keeping the largest count for a line seen twice. */
export function addHit(hits: LineHits, line: number, count: number): void {
  const previous = hits.get(line);
  if (previous === undefined || count > previous) hits.set(line, count);
}
