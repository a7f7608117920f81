#!/usr/bin/env node
/**
 * Releases tg-devops at a version: pins the reusable workflows' own references to that version,
 * commits that on top of the released commit, tags the commit vX.Y.Z and moves the major tag.
 *
 *   node scripts/release.mjs 1.4.0 [--sha <commit>] [--no-move-major] [--push [--remote origin]]
 *
 * Why: GitHub resolves a reusable workflow's `uses: org/tg-devops/deploy@v1` as written, not
 * relative to the ref the caller pinned. A caller who pins `release.yml@v1.4.0` (or its SHA)
 * would still get whatever `deploy@v1` is today. In the released commit every such reference
 * reads `@v1.4.0`, so a pinned workflow runs exactly the actions released with it; `v1` moves
 * to that same commit, so `@v1` callers get the newest release, pinned the same way.
 *
 * The release commit lives only under its tags: main keeps `@v1` (tests/unit/workflow-calls.test.ts
 * holds that). Used by .github/workflows/release-self.yml; tested on a temporary clone by
 * tests/unit/workflow-release-script.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const SELF = 'org/tg-devops';
/** Only the reusable workflows (and this repo's own) call the actions from inside tg-devops. */
export const WORKFLOW_DIR = '.github/workflows';
const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Pure: every `uses: <self>/<path>@<from>` line of a workflow text, rewritten to `@<to>`; the
 * rest of the text is left byte for byte. Returns the text and how many references changed.
 */
export function pinSelfReferences(text, { self = SELF, from, to }) {
  const pattern = new RegExp(
    `^(\\s*(?:-\\s+)?uses:\\s*['"]?)(${escape(self)}/[^@\\s'"#]+)@${escape(from)}(?=['"]?(\\s+#.*)?\\s*$)`,
    'gim',
  );
  let count = 0;
  const out = text.replace(pattern, (_m, head, path) => {
    count++;
    return `${head}${path}@${to}`;
  });
  return { text: out, count };
}

/** Pure: the self references of a text that are NOT at `ref` (the release must not ship them). */
export function strayReferences(text, { self = SELF, ref }) {
  const pattern = new RegExp(`uses:\\s*['"]?(${escape(self)}/[^@\\s'"#]+@[^\\s'"#]+)`, 'gi');
  return [...text.matchAll(pattern)].map((m) => m[1]).filter((u) => !u.endsWith(`@${ref}`));
}

function git(cwd, ...args) {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/**
 * Pins, commits, tags. `cwd` is a clean checkout; `sha` the commit to release (default HEAD).
 * Returns the release commit and the files it changed.
 */
export function release({
  cwd,
  version,
  sha = 'HEAD',
  moveMajor = true,
  push = false,
  remote = 'origin',
  self = SELF,
}) {
  if (!VERSION.test(version)) throw new Error(`version must be X.Y.Z, got '${version}'`);
  const tag = `v${version}`;
  const major = `v${version.split('.')[0]}`;
  if (git(cwd, 'status', '--porcelain')) throw new Error('the working tree is not clean');
  if (git(cwd, 'tag', '--list', tag)) throw new Error(`tag ${tag} exists already`);
  git(cwd, 'checkout', '-q', '--detach', sha);

  const dir = join(cwd, WORKFLOW_DIR);
  const changed = [];
  let pinned = 0;
  for (const name of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const file = join(dir, name);
    const before = readFileSync(file, 'utf8');
    const stray = strayReferences(before, { self, ref: major });
    if (stray.length)
      throw new Error(`${WORKFLOW_DIR}/${name}: references not at @${major}: ${stray.join(', ')}`);
    const { text, count } = pinSelfReferences(before, { self, from: major, to: tag });
    if (count) {
      writeFileSync(file, text);
      changed.push(`${WORKFLOW_DIR}/${name}`);
      pinned += count;
    }
  }
  if (changed.length) {
    git(cwd, 'add', '--', ...changed);
    git(
      cwd,
      'commit',
      '-q',
      '-m',
      `release ${tag}: the reusable workflows call the actions at @${tag}`,
    );
  }
  const commit = git(cwd, 'rev-parse', 'HEAD');
  git(cwd, 'tag', '-a', tag, '-m', `tg-devops ${tag}`, commit);
  if (moveMajor) git(cwd, 'tag', '-fa', major, '-m', `tg-devops ${major} -> ${tag}`, commit);
  if (push) {
    git(cwd, 'push', '-q', remote, `refs/tags/${tag}`);
    if (moveMajor) git(cwd, 'push', '-q', '--force', remote, `refs/tags/${major}`);
  }
  return { tag, major, commit, changed, pinned };
}

function main(argv) {
  const args = [...argv];
  const flag = (name) => {
    const i = args.indexOf(name);
    if (i < 0) return false;
    args.splice(i, 1);
    return true;
  };
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    if (i < 0) return fallback;
    const value = args[i + 1];
    if (!value) throw new Error(`${name} needs a value`);
    args.splice(i, 2);
    return value;
  };
  const moveMajor = !flag('--no-move-major');
  const push = flag('--push');
  const sha = option('--sha', 'HEAD');
  const remote = option('--remote', 'origin');
  if (args.length !== 1)
    throw new Error('usage: release.mjs X.Y.Z [--sha C] [--no-move-major] [--push [--remote R]]');
  const result = release({ cwd: process.cwd(), version: args[0], sha, moveMajor, push, remote });
  console.log(
    `${result.tag} at ${result.commit}: ${result.pinned} reference(s) pinned in ${result.changed.length} workflow(s)` +
      `${moveMajor ? `; ${result.major} moved to it` : ''}${push ? `; pushed to ${remote}` : ''}`,
  );
  for (const file of result.changed) console.log(`  ${file}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.log(`::error::${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
