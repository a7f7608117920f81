/**
 * scripts/release.mjs, on a temporary clone of this repository: the release commit pins every
 * self-reference of the reusable workflows to the version, changes nothing else, and the tags
 * vX.Y.Z and vX point at it (pushed to a bare remote, release after release).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/repo.js';
import { cloneWithRemote, git, GIT_IDENTITY } from '../helpers/workflow-step.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { pinSelfReferences, strayReferences } from '../../scripts/release.mjs';

const pin = pinSelfReferences as (
  text: string,
  o: { from: string; to: string; self?: string },
) => { text: string; count: number };
const stray = strayReferences as (text: string, o: { ref: string }) => string[];

function releaseScript(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts/release.mjs'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_IDENTITY },
  });
}

// The uses: keys (comment lines that show a caller's usage are not references).
const SELF_USES = /^\s*(?:-\s+)?uses:\s*['"]?org\/tg-devops\/[^@\s'"]+@([^\s'"]+)/gim;
const refsIn = (text: string) => [...text.matchAll(SELF_USES)].map((m) => m[1]);

describe('pinSelfReferences (pure)', () => {
  it('rewrites only our uses: lines at the major, keeping quotes and comments', () => {
    const text = [
      'steps:',
      '  - uses: org/tg-devops/deploy@v1',
      "  - uses: 'org/tg-devops/verify@v1' # verify",
      '    uses: org/tg-devops/.github/workflows/test.yml@v1',
      '  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
      '  - uses: other/tg-devops/deploy@v1',
      '  - uses: org/tg-devops/deploy@v10',
      '    run: echo org/tg-devops/deploy@v1',
      '',
    ].join('\n');
    const { text: out, count } = pin(text, { from: 'v1', to: 'v1.2.3' });
    expect(count).toBe(3);
    expect(out.split('\n')).toEqual([
      'steps:',
      '  - uses: org/tg-devops/deploy@v1.2.3',
      "  - uses: 'org/tg-devops/verify@v1.2.3' # verify",
      '    uses: org/tg-devops/.github/workflows/test.yml@v1.2.3',
      '  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
      '  - uses: other/tg-devops/deploy@v1',
      '  - uses: org/tg-devops/deploy@v10',
      '    run: echo org/tg-devops/deploy@v1',
      '',
    ]);
  });

  it('strayReferences lists self-references at another ref', () => {
    expect(
      stray('- uses: org/tg-devops/deploy@v1\n- uses: org/tg-devops/build@main\n', { ref: 'v1' }),
    ).toEqual(['org/tg-devops/build@main']);
  });
});

describe('scripts/release.mjs on a temporary clone of this repository', () => {
  let dir: string;
  let work: string;
  let remote: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'release-script-'));
    ({ work, remote } = cloneWithRemote(dir));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pins every internal uses: to @v1.2.3, changes nothing else, tags and moves v1', () => {
    const base = git(work, 'rev-parse', 'HEAD');
    const workflows = join(work, '.github/workflows');
    const before = Object.fromEntries(
      readdirSync(workflows).map((f) => [f, readFileSync(join(workflows, f), 'utf8')]),
    );
    const refsBefore = Object.values(before).flatMap(refsIn);
    expect(refsBefore.length).toBeGreaterThanOrEqual(8);
    expect(new Set(refsBefore)).toEqual(new Set(['v1']));

    const r = releaseScript(work, '1.2.3', '--push');
    expect(r.stdout).not.toContain('::error::');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`v1.2.3 at `);

    // Every internal reference of the reusable workflows now names the release.
    const after = Object.fromEntries(
      readdirSync(workflows).map((f) => [f, readFileSync(join(workflows, f), 'utf8')]),
    );
    const refsAfter = Object.values(after).flatMap(refsIn);
    expect(refsAfter).toHaveLength(refsBefore.length);
    expect(new Set(refsAfter)).toEqual(new Set(['v1.2.3']));

    // Nothing else changed: only .github/workflows files, and in them only the @ref of our uses.
    const files = git(work, 'diff', '--name-only', base, 'HEAD').split('\n');
    expect(files.every((f) => f.startsWith('.github/workflows/'))).toBe(true);
    for (const [name, text] of Object.entries(before))
      expect(after[name]).toBe(
        text.replace(/^(\s*(?:-\s+)?uses:\s*org\/tg-devops\/[^@\s'"]+)@v1$/gm, '$1@v1.2.3'),
      );
    const changedLines = git(work, 'diff', '-U0', base, 'HEAD')
      .split('\n')
      .filter((l) => /^[-+]\s/.test(l));
    expect(changedLines.length).toBe(refsBefore.length * 2);
    expect(changedLines.every((l) => /uses: org\/tg-devops\//.test(l))).toBe(true);

    // The tags on the remote: v1.2.3 and v1 on the release commit, whose parent is the base;
    // main is untouched and keeps @v1.
    const release = git(work, 'rev-parse', 'HEAD');
    const peeled = (t: string) => git(remote, 'rev-parse', `refs/tags/${t}^{commit}`);
    expect([peeled('v1.2.3'), peeled('v1')]).toEqual([release, release]);
    expect(git(work, 'rev-parse', `${release}^`)).toBe(base);
    expect(git(remote, 'rev-parse', 'refs/heads/main')).toBe(base);
    expect(git(remote, 'show', 'refs/tags/v1.2.3:.github/workflows/release.yml')).toContain(
      'org/tg-devops/deploy@v1.2.3',
    );
  });

  it('the next release moves v1 again; --no-move-major leaves it; a tag is never reused', () => {
    git(work, 'fetch', '-q', 'origin', 'refs/heads/main');
    git(work, 'checkout', '-q', '--detach', 'FETCH_HEAD');
    const r = releaseScript(work, '1.3.0', '--push');
    expect(r.status).toBe(0);
    const peeled = (t: string) => git(remote, 'rev-parse', `refs/tags/${t}^{commit}`);
    expect(peeled('v1')).toBe(peeled('v1.3.0'));
    expect(git(remote, 'show', 'refs/tags/v1:.github/workflows/release.yml')).toContain(
      'org/tg-devops/deploy@v1.3.0',
    );

    git(work, 'checkout', '-q', '--detach', 'FETCH_HEAD');
    const fix = releaseScript(work, '1.2.4', '--no-move-major', '--push');
    expect(fix.status).toBe(0);
    expect(peeled('v1')).toBe(peeled('v1.3.0'));
    expect(git(remote, 'show', 'refs/tags/v1.2.4:.github/workflows/main.yml')).toContain('@v1.2.4');

    git(work, 'checkout', '-q', '--detach', 'FETCH_HEAD');
    const again = releaseScript(work, '1.3.0', '--push');
    expect(again.status).toBe(1);
    expect(again.stdout).toContain('::error::tag v1.3.0 exists already');
  });

  it.each([
    [['v1.4.0'], "::error::version must be X.Y.Z, got 'v1.4.0'"],
    [['1.4'], "::error::version must be X.Y.Z, got '1.4'"],
    [[], '::error::usage: release.mjs X.Y.Z'],
  ])('refuses %j', (args, message) => {
    const r = releaseScript(work, ...args);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(message);
  });

  it('refuses a tree whose workflows reference another ref', () => {
    const other = join(dir, 'other');
    git(dir, 'clone', '-q', remote, other);
    git(other, 'checkout', '-q', '--detach', 'refs/remotes/origin/main');
    const file = join(other, '.github/workflows/release.yml');
    const text = readFileSync(file, 'utf8').replace(
      'org/tg-devops/deploy@v1',
      'org/tg-devops/deploy@main',
    );
    writeFileSync(file, text);
    git(other, 'commit', '-q', '-am', 'stray ref');
    const r = releaseScript(other, '1.5.0');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      '::error::.github/workflows/release.yml: references not at @v1: org/tg-devops/deploy@main',
    );
    expect(git(other, 'tag', '--list', 'v1.5.0')).toBe('');
  });
});
