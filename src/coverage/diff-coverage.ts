import type { ChangedFile } from './diff.js';
import { type LineHits, type LineTotals, totalsOf } from './model.js';
import { suffixIndex } from './paths.js';

export interface FileDiffCoverage {
  path: string;
  status: string;
  /** Lines the PR adds or changes in this file. */
  changed: number;
  /** Of those, the lines the report measures (executable). */
  executable: number;
  covered: number;
  /** Executable changed lines that no test ran, ascending. */
  uncovered: number[];
  /** The whole file's line coverage, when the report has the file. */
  file?: LineTotals;
  note?: string;
}

export interface DiffCoverage {
  files: FileDiffCoverage[];
  totals: LineTotals;
  notes: string[];
}

/** Coverage of the lines a PR changed: changed lines that the report measures, and which ran. */
export function diffCoverage(
  coverage: Map<string, LineHits>,
  changed: readonly ChangedFile[],
  verified?: ReadonlySet<string>,
): DiffCoverage {
  const find = suffixIndex(coverage.keys(), verified);
  const files: FileDiffCoverage[] = [];
  const notes: string[] = [];
  let executable = 0;
  let covered = 0;
  for (const change of changed) {
    const key = find(change.path);
    const hits = key === undefined ? undefined : coverage.get(key);
    const entry: FileDiffCoverage = {
      path: change.path,
      status: change.status,
      changed: change.added.length,
      executable: 0,
      covered: 0,
      uncovered: [],
    };
    if (change.note) {
      entry.note = change.note;
      notes.push(`${change.path}: ${change.note}`);
    }
    if (hits) {
      entry.file = totalsOf([hits]);
      for (const line of change.added) {
        const count = hits.get(line);
        if (count === undefined) continue;
        entry.executable++;
        if (count > 0) entry.covered++;
        else entry.uncovered.push(line);
      }
    }
    executable += entry.executable;
    covered += entry.covered;
    files.push(entry);
  }
  return { files, totals: { lines: executable, covered }, notes };
}

/** Groups ascending line numbers into ranges: [3,4,5,9] -> "3-5, 9". */
export function lineRanges(lines: readonly number[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const line of lines) {
    const last = ranges[ranges.length - 1];
    if (last && line === last[1] + 1) last[1] = line;
    else ranges.push([line, line]);
  }
  return ranges;
}

export function formatRanges(lines: readonly number[], separator = ', '): string {
  return lineRanges(lines)
    .map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
    .join(separator);
}
