import { posix } from 'node:path';
import type { LineHits } from './model.js';

/** Where the report was made, to turn its paths into repository paths. */
export interface PathContext {
  /** Absolute path of the repository checkout (GITHUB_WORKSPACE). */
  repoRoot: string;
  /** The test command's directory, relative to the repository root ('' for the root). */
  workingDirectory: string;
  /** Source roots the report names (Cobertura <sources>), absolute or relative. */
  sources: readonly string[];
  /** Whether a repository-relative path exists (the checkout); candidates that exist win. */
  exists?: (repoPath: string) => boolean;
}

export interface MappedCoverage {
  files: Map<string, LineHits>;
  /** Report paths that lie outside the repository: matched to changed files by suffix only. */
  outside: string[];
  /** Repository paths that exist in the checkout: matched exactly, never by suffix. */
  verified: Set<string>;
}

const slash = (p: string) => p.replace(/\\/g, '/');
const isAbsolute = (p: string) => p.startsWith('/') || /^[A-Za-z]:\//.test(p);

function relativeToRoot(path: string, root: string): string | undefined {
  const normalized = posix.normalize(path);
  if (normalized === root) return '';
  return normalized.startsWith(`${root}/`) ? normalized.slice(root.length + 1) : undefined;
}

/** The repository paths a report path may stand for, most likely first. */
export function candidates(reportPath: string, context: PathContext): string[] {
  return candidateFinder(context)(reportPath);
}

/** candidates() with the context's roots prepared once, for reports with many files. */
function candidateFinder(context: PathContext): (reportPath: string) => string[] {
  const root = posix.normalize(slash(context.repoRoot)).replace(/\/+$/, '');
  const wd = posix.normalize(slash(context.workingDirectory) || '.');
  // Each source root, as a repository-relative prefix (or undefined when outside the checkout).
  const prefixes = context.sources.map(slash).map((source) => {
    const prefix = isAbsolute(source)
      ? relativeToRoot(source, root)
      : posix.join(wd, source).replace(/^\.$/, '');
    return prefix === undefined || prefix.startsWith('..') ? undefined : prefix;
  });
  const wdPrefix = wd === '.' ? '' : wd;
  return (reportPath) => {
    const path = slash(reportPath);
    const found: string[] = [];
    const add = (candidate: string | undefined) => {
      if (candidate === undefined) return;
      const clean = candidate.replace(/^\.\//, '');
      if (!clean.startsWith('..') && !isAbsolute(clean) && !found.includes(clean)) found.push(clean);
    };
    if (isAbsolute(path)) {
      add(relativeToRoot(path, root));
      return found;
    }
    const simple = !path.includes('./') && !path.startsWith('.');
    const under = (prefix: string) =>
      simple ? (prefix ? `${prefix}/${path}` : path) : posix.join(prefix || '.', path);
    for (const prefix of prefixes) if (prefix !== undefined) add(under(prefix));
    add(under(wdPrefix));
    return found;
  };
}

/** Re-keys a report's files by repository path (see candidates). */
export function mapToRepo(files: Map<string, LineHits>, context: PathContext): MappedCoverage {
  const mapped = new Map<string, LineHits>();
  const outside: string[] = [];
  const verified = new Set<string>();
  const find = candidateFinder(context);
  for (const [reportPath, hits] of files) {
    const options = find(reportPath);
    const existing = options.find((c) => context.exists?.(c));
    if (existing !== undefined) verified.add(existing);
    const chosen = existing ?? options[0];
    if (chosen === undefined) {
      outside.push(slash(reportPath));
      mapped.set(slash(reportPath), hits);
    } else {
      const existing = mapped.get(chosen);
      if (existing) for (const [line, count] of hits) existing.set(line, Math.max(count, existing.get(line) ?? 0));
      else mapped.set(chosen, hits);
    }
  }
  return { files: mapped, outside, verified };
}

/**
 * Finds the report entry for a changed file: exact repository path first, then the most
 * trailing path segments in common (a whole-path suffix, or a directory and the file name) (a report made in another checkout, a container's /app, or with
 * paths relative to a source root the report did not name). Ambiguous suffixes match nothing.
 */
export function suffixIndex(
  paths: Iterable<string>,
  exactOnly: ReadonlySet<string> = new Set(),
): (repoPath: string) => string | undefined {
  const exact = new Set<string>();
  const byBase = new Map<string, string[]>();
  for (const path of paths) {
    exact.add(path);
    if (exactOnly.has(path)) continue; // a file known to exist in the checkout is itself, only
    const base = posix.basename(path);
    const list = byBase.get(base);
    if (list) list.push(path);
    else byBase.set(base, [path]);
  }
  return (repoPath) => {
    if (exact.has(repoPath)) return repoPath;
    const list = byBase.get(posix.basename(repoPath));
    if (!list) return undefined;
    let best: string | undefined;
    let bestLength = 0;
    let tie = false;
    const wanted = repoPath.split('/');
    for (const path of list) {
      const segments = path.replace(/^\/+/, '').split('/');
      let common = 0;
      while (
        common < wanted.length &&
        common < segments.length &&
        wanted[wanted.length - 1 - common] === segments[segments.length - 1 - common]
      ) {
        common++;
      }
      // One path wholly a suffix of the other, or at least a directory and the file name alike.
      const whole = common === wanted.length || common === segments.length;
      if (!whole && common < 2) continue;
      if (common > bestLength) {
        best = path;
        bestLength = common;
        tie = false;
      } else if (common === bestLength) tie = true;
    }
    return tie ? undefined : best;
  };
}
