/**
 * The workflows that docs/fork-prs.md and test/README.md tell users to copy must work as written:
 * each full workflow passes actionlint and GitHub's parser, every step that uses the test action
 * passes only inputs it declares, and third-party actions use the SHAs we pin.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, readAction } from '../helpers/repo.js';

// Each document and how many steps in it use the test action.
const DOCS: Array<[string, number]> = [
  ['docs/fork-prs.md', 2],
  ['test/README.md', 1],
];

function yamlBlocks(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

const pinned = new Map(
  [
    ...readFileSync(join(ROOT, 'docs/pinned-actions.md'), 'utf8').matchAll(
      /^\|\s*([\w.-]+\/[\w.-]+)\s*\|\s*`([0-9a-f]{40})`\s*\|\s*(v[\w.-]+)\s*\|/gm,
    ),
  ].map((m) => [m[1]!, `${m[2]}@${m[3]}`]),
);

describe.each(DOCS)('examples in %s', (file, expectedCalls) => {
  const blocks = yamlBlocks(file);

  it('has workflow examples', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it('steps pass only declared inputs to the test action and pin third-party actions', () => {
    const declared = new Set(Object.keys(readAction('test').inputs ?? {}));
    const problems: string[] = [];
    let calls = 0;
    for (const block of blocks) {
      for (const m of block.matchAll(/uses:\s*([^\s#]+)(?:\s*#\s*(\S+))?/g)) {
        const [name, ref] = m[1]!.split('@') as [string, string];
        if (name.startsWith('org/tg-devops/')) continue;
        if (pinned.get(name) !== `${ref}@${m[2]}`) problems.push(`${m[0]} is not a pinned SHA`);
      }
      const doc = parse(block) as unknown;
      const steps: unknown[] = Array.isArray(doc)
        ? doc
        : Object.values(
            (doc as { jobs?: Record<string, { steps?: unknown[] }> })?.jobs ?? {},
          ).flatMap((job) => job.steps ?? []);
      for (const step of steps as { uses?: string; with?: Record<string, unknown> }[]) {
        if (step?.uses !== 'org/tg-devops/test@v1') continue;
        calls++;
        for (const key of Object.keys(step.with ?? {})) {
          if (!declared.has(key)) problems.push(`with.${key} is not an input of test/action.yml`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(calls).toBe(expectedCalls);
  });
});

it('the full workflows in those documents pass actionlint and the workflow parser', () => {
  const full = DOCS.flatMap(([file]) => yamlBlocks(file)).filter(
    (b) => /^on:/m.test(b) && /^jobs:/m.test(b),
  );
  expect(full.length).toBe(3);
  const dir = mkdtempSync(join(tmpdir(), 'coverage-docs-'));
  try {
    const paths = full.map((block, i) => {
      const path = join(dir, `example-${i}.yml`);
      writeFileSync(path, block);
      return path;
    });
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts/lint-workflows.mjs'), ...paths],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(result.stdout).toContain(`${full.length} workflow files checked, 0 problems`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
