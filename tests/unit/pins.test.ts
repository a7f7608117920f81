/**
 * Every third-party action in every workflow, caller template and example is pinned by a full
 * commit SHA that docs/pinned-actions.md lists, with that list's version in a trailing comment.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/repo.js';

interface Pin {
  sha: string;
  version: string;
}

/** The table in docs/pinned-actions.md: `| owner/repo | \`sha\` | version |`. */
function readPins(markdown: string): Map<string, Pin> {
  const pins = new Map<string, Pin>();
  for (const m of markdown.matchAll(
    /^\|\s*([\w.-]+\/[\w.-]+)\s*\|\s*`([0-9a-f]{40})`\s*\|\s*(v[\w.-]+)\s*\|/gm,
  ))
    pins.set(m[1]!, { sha: m[2]!, version: m[3]! });
  return pins;
}

function workflowFiles(): string[] {
  const yml = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .map((f) => join(dir, f))
      : [];
  const examples = join(ROOT, 'examples');
  const exampleDirs = existsSync(examples)
    ? readdirSync(examples)
        .map((d) => join(examples, d))
        .filter((d) => statSync(d).isDirectory())
    : [];
  return [
    ...yml(join(ROOT, '.github/workflows')),
    ...yml(join(ROOT, 'workflows')),
    ...exampleDirs.flatMap((d) => yml(join(d, '.github/workflows'))),
  ];
}

const isOurs = (uses: string) => /^org\/tg-devops\//i.test(uses);

function usesInDoc(doc: unknown): string[] {
  const jobs = Object.values((doc as { jobs?: Record<string, unknown> })?.jobs ?? {});
  return jobs.flatMap((job) => {
    const j = (job ?? {}) as { uses?: unknown; steps?: { uses?: unknown }[] };
    return [j.uses, ...(j.steps ?? []).map((s) => s?.uses)].filter(
      (u): u is string => typeof u === 'string',
    );
  });
}

/** Problems in one workflow's text. Reads the raw lines (for the comments) and the parse (for flow style). */
function checkPins(name: string, text: string, pins: Map<string, Pin>): string[] {
  const problems: string[] = [];
  const lines: string[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    const m = line.match(/^\s*(?:-\s+)?uses:\s*(['"]?)([^'"\s#]+)\1\s*(?:#\s*(\S+))?\s*$/);
    if (!m) continue;
    const uses = m[2]!;
    lines.push(uses);
    if (isOurs(uses)) continue;
    const at = `${name}:${i + 1}: ${uses}`;
    const ref = uses.match(/^([\w.-]+\/[\w.-]+)(?:\/[^@]*)?@(.+)$/);
    if (!ref) {
      problems.push(`${at}: not owner/repo@ref`);
      continue;
    }
    const pin = pins.get(ref[1]!);
    if (!/^[0-9a-f]{40}$/.test(ref[2]!)) problems.push(`${at}: not pinned by a full commit SHA`);
    else if (!pin) problems.push(`${at}: ${ref[1]} is not in docs/pinned-actions.md`);
    else if (pin.sha !== ref[2]) problems.push(`${at}: SHA differs from docs/pinned-actions.md`);
    else if (m[3] !== pin.version)
      problems.push(`${at}: version comment ${m[3] ?? '(none)'} should be # ${pin.version}`);
  }
  const parsed = usesInDoc(parse(text));
  const unseen = parsed.filter((u) => !lines.includes(u));
  for (const u of unseen) problems.push(`${name}: ${u}: write uses: on its own line (block style)`);
  return problems;
}

const pins = readPins(readFileSync(join(ROOT, 'docs/pinned-actions.md'), 'utf8'));

describe('third-party actions', () => {
  it('the pin list has the verified pins', () => {
    expect(pins.get('actions/checkout')).toEqual({
      sha: '11bd71901bbe5b1630ceea73d27597364c9af683',
      version: 'v4.2.2',
    });
    expect(pins.size).toBe(6);
  });

  it('are pinned by a listed SHA with its version comment in every workflow', () => {
    const files = workflowFiles();
    expect(files.length).toBeGreaterThanOrEqual(10);
    const problems = files.flatMap((f) =>
      checkPins(relative(ROOT, f), readFileSync(f, 'utf8'), pins),
    );
    expect(problems).toEqual([]);
    const thirdParty = files.flatMap((f) =>
      usesInDoc(parse(readFileSync(f, 'utf8'))).filter((u) => !isOurs(u)),
    );
    expect(thirdParty.length).toBeGreaterThan(0);
  });

  it('the check catches a tag, an unknown SHA, an unlisted action, a wrong comment and flow style', () => {
    const text = [
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/checkout@0000000000000000000000000000000000000000 # v4.2.2',
      '      - uses: someone/thing@1111111111111111111111111111111111111111 # v1',
      '      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.0.0',
      '      - uses: actions/cache@5a3ec84eff668545956fd18022155c47e93e2684',
      '      - { uses: actions/upload-artifact@v4 }',
      '      - uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0',
      '      - uses: org/tg-devops/deploy@v1',
    ].join('\n');
    expect(checkPins('x.yml', text, pins)).toEqual([
      'x.yml:5: actions/checkout@v4: not pinned by a full commit SHA',
      'x.yml:6: actions/checkout@0000000000000000000000000000000000000000: SHA differs from docs/pinned-actions.md',
      'x.yml:7: someone/thing@1111111111111111111111111111111111111111: someone/thing is not in docs/pinned-actions.md',
      'x.yml:8: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af: version comment v4.0.0 should be # v4.1.0',
      'x.yml:9: actions/cache@5a3ec84eff668545956fd18022155c47e93e2684: version comment (none) should be # v4.2.3',
      'x.yml: actions/upload-artifact@v4: write uses: on its own line (block style)',
    ]);
  });
});
