import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The dependency cache of the test action, keyed the way actions/setup-python keys its cache:
 * runner OS, architecture, Python version, package manager and a hash of the dependency files.
 * pip restores the newest cache of the same Python when the files changed (its cache holds
 * wheels, any of them may still serve); uv and poetry take only an exact match, as setup-python.
 */

export const CACHE_MODES = ['auto', 'pip', 'uv', 'poetry', 'none'] as const;
export type CacheMode = (typeof CACHE_MODES)[number];
export type PackageManager = Exclude<CacheMode, 'auto' | 'none'>;

/** The files whose content decides each manager's key, relative to the working directory. */
const DEPENDENCY_FILES: Record<PackageManager, RegExp[]> = {
  pip: [
    /^requirements[^/]*\.txt$/,
    /^requirements\/[^/]+\.txt$/,
    /^constraints[^/]*\.txt$/,
    /^pyproject\.toml$/,
    /^setup\.(cfg|py)$/,
  ],
  uv: [/^uv\.lock$/, /^pyproject\.toml$/, /^requirements[^/]*\.txt$/],
  poetry: [/^poetry\.lock$/, /^pyproject\.toml$/],
};

/** The files of the working directory and its requirements/ folder, relative, sorted. */
export function listCandidateFiles(dir: string): string[] {
  const files: string[] = [];
  const add = (relative: string) => {
    try {
      if (statSync(join(dir, relative)).isFile()) files.push(relative);
    } catch {
      // vanished or unreadable: not a dependency file
    }
  };
  if (!existsSync(dir)) return [];
  for (const name of readdirSync(dir)) add(name);
  if (existsSync(join(dir, 'requirements'))) {
    for (const name of readdirSync(join(dir, 'requirements'))) add(`requirements/${name}`);
  }
  return files.sort();
}

/** auto: uv.lock means uv, poetry.lock poetry, any requirements or pyproject file pip. */
export function chooseManager(
  mode: CacheMode,
  files: readonly string[],
): PackageManager | undefined {
  if (mode === 'none') return undefined;
  if (mode !== 'auto') return mode;
  if (files.includes('uv.lock')) return 'uv';
  if (files.includes('poetry.lock')) return 'poetry';
  if (dependencyFiles('pip', files).length) return 'pip';
  return undefined;
}

export function dependencyFiles(manager: PackageManager, files: readonly string[]): string[] {
  return files.filter((f) => DEPENDENCY_FILES[manager].some((re) => re.test(f)));
}

/** sha256 over each file's sha256, in path order (as @actions/glob's hashFiles). */
export function hashContents(contents: readonly Buffer[]): string {
  const result = createHash('sha256');
  for (const content of contents) result.update(createHash('sha256').update(content).digest());
  return result.digest('hex');
}

export function hashDependencyFiles(dir: string, files: readonly string[]): string {
  return hashContents(files.map((f) => readFileSync(join(dir, f))));
}

export interface KeyParts {
  manager: PackageManager;
  runnerOs: string;
  arch: string;
  pythonVersion: string;
  hash: string;
}

export function dependencyKeys(parts: KeyParts): { key: string; restoreKeys: string[] } {
  const base = `tg-devops-test-${parts.runnerOs}-${parts.arch}-python-${parts.pythonVersion}-${parts.manager}`;
  const key = `${base}-${parts.hash}`;
  return { key, restoreKeys: parts.manager === 'pip' ? [`${base}-`] : [] };
}

/** The command that prints each manager's cache directory, and where it is by default. */
export function cacheDirQuery(manager: PackageManager, python: string): readonly string[] {
  switch (manager) {
    case 'pip':
      return [python, '-m', 'pip', 'cache', 'dir'];
    case 'uv':
      return ['uv', 'cache', 'dir'];
    case 'poetry':
      return ['poetry', 'config', 'cache-dir'];
  }
}

export function defaultCacheDir(
  manager: PackageManager,
  env: Record<string, string | undefined>,
): string {
  const home = env.HOME || homedir();
  switch (manager) {
    case 'pip':
      return env.PIP_CACHE_DIR || join(home, '.cache', 'pip');
    case 'uv':
      return env.UV_CACHE_DIR || join(home, '.cache', 'uv');
    case 'poetry':
      return env.POETRY_CACHE_DIR || join(home, '.cache', 'pypoetry');
  }
}

/** `poetry config cache-dir` prints a quoted path; pip and uv print it bare. */
export function parseCacheDir(stdout: string): string | undefined {
  const line = stdout
    .trim()
    .split(/\r?\n/)
    .pop()
    ?.trim()
    .replace(/^"(.*)"$/, '$1');
  return line && line.startsWith('/') ? line : undefined;
}

/** The Python the test command runs: its first word when that is a python, else `python`. */
export function pythonOf(testCommand: readonly string[]): string {
  const first = testCommand[0] ?? '';
  return /(^|\/)python[\d.]*$/.test(first) ? first : 'python';
}

export const PYTHON_VERSION_ARGS = ['-c', 'import platform; print(platform.python_version())'];

export function parsePythonVersion(stdout: string): string | undefined {
  return stdout.trim().match(/^\d+\.\d+(\.\d+)?\S*$/)?.[0];
}
