import { type LineHits, type LineTotals, percent, totalsOf } from './model.js';

/**
 * Coverage against a baseline: the report the default branch saved (the test action's coverage
 * baseline), compared file by file with this run's. Pure.
 */

export interface FileChange {
  path: string;
  /** Percent on the base branch; null when the file is new. */
  before: number | null;
  /** Percent now; null when the file left the report. */
  after: number | null;
  /** after - before in points; null when one side is missing. */
  delta: number | null;
}

export interface CoverageChange {
  /** The branch the baseline came from (main). */
  branch: string;
  before: LineTotals;
  after: LineTotals;
  /** Total percent now minus on the branch, in points; null when either has no line. */
  delta: number | null;
  /** Files whose coverage moved, appeared or left, largest move first. */
  files: FileChange[];
}

/** Moves smaller than this (in points) are noise from rounding, not a change. */
const EPSILON = 0.005;

export function compareCoverage(
  current: Map<string, LineHits>,
  baseline: Map<string, LineHits>,
  branch: string,
): CoverageChange {
  const before = totalsOf(baseline.values());
  const after = totalsOf(current.values());
  const beforePct = percent(before);
  const afterPct = percent(after);
  const files: FileChange[] = [];
  for (const path of new Set([...baseline.keys(), ...current.keys()])) {
    const was = baseline.has(path) ? percent(totalsOf([baseline.get(path)!])) : null;
    const now = current.has(path) ? percent(totalsOf([current.get(path)!])) : null;
    const delta = was !== null && now !== null ? now - was : null;
    if (delta !== null && Math.abs(delta) < EPSILON) continue;
    if (was === null && now === null) continue;
    files.push({ path, before: was, after: now, delta });
  }
  files.sort(
    (a, b) =>
      Math.abs(b.delta ?? 100) - Math.abs(a.delta ?? 100) || a.path.localeCompare(b.path),
  );
  return {
    branch,
    before,
    after,
    delta: beforePct !== null && afterPct !== null ? afterPct - beforePct : null,
    files,
  };
}

/** `+0.40`, `−0.60` (a real minus sign), `±0.00`: points with two decimals, rounded. */
export function formatDelta(delta: number | null): string {
  if (delta === null) return 'n/a';
  const rounded = Math.round(delta * 100) / 100;
  if (Math.abs(rounded) < EPSILON) return '±0.00';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toFixed(2)}`;
}

/**
 * The cache key of a branch's baseline and the prefix a PR restores with: `:` cannot appear in
 * a Git ref, so the prefix of main never matches main-feature's entries.
 */
export function baselineKeys(
  commentId: string,
  branch: string,
  sha: string,
): { key: string; prefix: string } {
  const prefix = `tg-devops-coverage-${commentId}:${branch}:`;
  return { key: `${prefix}${sha}`, prefix };
}
