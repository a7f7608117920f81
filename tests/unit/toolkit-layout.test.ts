import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers/repo.js';

/**
 * ADR 8's lines: the toolkit is a dependency, src/github/ is its only importer, and nothing
 * speaks the runner's protocol by hand (output/state/env files, workflow commands).
 */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}
const code = (path: string) =>
  readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');
const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'actions'))];
const rel = (path: string) => relative(ROOT, path);

test('package.json lists the toolkit the design card names', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const name of [
    '@actions/core',
    '@actions/github',
    '@actions/exec',
    '@actions/cache',
    '@actions/http-client',
  ])
    expect(pkg.dependencies).toHaveProperty([name]);
});

test('only src/github/ imports @actions/* or @octokit/*', () => {
  const importers = files.filter((f) => /from '@(actions|octokit)\//.test(code(f)));
  expect(importers.map(rel).filter((f) => !f.startsWith('src/github/'))).toEqual([]);
  expect(importers.map(rel)).toEqual(expect.arrayContaining(['src/github/runtime.ts']));
});

test('no file writes the runner files or workflow commands by hand', () => {
  const byHand = files.filter((f) => {
    const text = code(f);
    return (
      /GITHUB_(OUTPUT|STATE|ENV)\b/.test(text) ||
      /`::\$\{/.test(text) ||
      /['"`]::(add-mask|set-output|save-state|set-env|error|warning|notice|debug|group|endgroup)\b/.test(
        text,
      )
    );
  });
  expect(byHand.map(rel)).toEqual([]);
});

test("the entries hand in the runner's transports: proxyFetch for HTTP, actionsExecutor for processes", () => {
  // Each action's composition root (deploy and rollback share actions/shared/runner.ts). A default
  // deeper down is node's fetch or spawn: an entry that forgets these bypasses the runner's proxy.
  const uses = (file: string, name: string) => code(join(ROOT, file)).includes(name);
  const httpRoots = [
    'actions/build/index.ts',
    'actions/meta/index.ts',
    'actions/verify/deps.ts',
    'actions/shared/runner.ts',
    'src/cli/index.ts',
  ];
  expect(httpRoots.filter((f) => !uses(f, 'proxyFetch'))).toEqual([]);
  const processRoots = [
    'actions/build/index.ts',
    'actions/test/index.ts',
    'actions/verify/deps.ts',
    'actions/shared/runner.ts',
  ];
  expect(processRoots.filter((f) => !uses(f, 'actionsExecutor'))).toEqual([]);
  for (const name of ['deploy', 'rollback'])
    expect(uses(`actions/${name}/index.ts`, 'runnerDeps')).toBe(true);
});
