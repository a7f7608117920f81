// bench/meta: 1,000 tag computations per rule set, measured side by side, reported as ratios.
import { readContext } from '../src/meta/context.js';
import { computeMeta, type MetaInputs } from '../src/meta/meta.js';
import { parseTagRules } from '../src/meta/rules.js';

const N = 1000;
const ROUNDS = 5;
const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
const repo = {
  name: 'bot',
  description: 'A bot',
  html_url: 'https://github.com/org/bot',
  default_branch: 'main',
  license: { spdx_id: 'MIT' },
};
const date = new Date('2024-01-02T03:04:05Z');

const base: MetaInputs = {
  images: ['ghcr.io/org/bot'],
  tags: [],
  flavor: [],
  labels: [],
  annotations: [],
};
const cases: { name: string; ref: string; inputs: MetaInputs }[] = [
  { name: 'default rules, branch push', ref: 'refs/heads/main', inputs: base },
  {
    name: 'semver set + sha, tag push',
    ref: 'refs/tags/v1.2.3',
    inputs: {
      ...base,
      tags: [
        'type=schedule',
        'type=ref,event=branch',
        'type=ref,event=pr',
        'type=semver,pattern={{version}}',
        'type=semver,pattern={{major}}.{{minor}}',
        'type=semver,pattern={{major}}',
        'type=sha',
      ],
    },
  },
  {
    name: 'expressions (date tz, branch, enable), 2 images',
    ref: 'refs/heads/main',
    inputs: {
      ...base,
      images: ['ghcr.io/org/bot', 'name=quay.io/org/bot,enable=true'],
      flavor: ['prefix={{branch}}-,onlatest=true'],
      tags: [
        "type=raw,value={{date 'YYYYMMDD-HHmm' tz='Europe/Berlin'}}",
        'type=edge',
        'type=raw,value=latest,enable={{is_default_branch}}',
        'type=sha,format=long',
      ],
      labels: ['org.opencontainers.image.vendor=Org', 'x.branch={{branch}}'],
    },
  },
  {
    name: 'pep440 + match, tag push',
    ref: 'refs/tags/v1.2.3rc1',
    inputs: {
      ...base,
      tags: ['type=pep440,pattern={{version}}', 'type=match,pattern=v(\\d+)\\.(\\d+),group=1'],
    },
  },
];

function once(c: (typeof cases)[number]): number {
  const context = readContext(
    { GITHUB_EVENT_NAME: 'push', GITHUB_REF: c.ref, GITHUB_SHA: SHA, GITHUB_REPOSITORY: 'org/bot' },
    { repository: { default_branch: 'main' } },
  );
  const start = process.hrtime.bigint();
  let tags = 0;
  for (let i = 0; i < N; i++) {
    tags += computeMeta(c.inputs, { context, repo, date }).tags.length;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (tags === 0) throw new Error(`${c.name}: produced no tags`);
  return ms;
}

// parse-only reference, measured in the same rounds
function parseOnce(): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) parseTagRules(cases[1]!.inputs.tags);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

for (const c of cases) once(c); // warm-up
const times = new Map<string, number[]>();
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cases) times.set(c.name, [...(times.get(c.name) ?? []), once(c)]);
  times.set('parse tag rules only (semver set)', [
    ...(times.get('parse tag rules only (semver set)') ?? []),
    parseOnce(),
  ]);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const baseline = median(times.get(cases[0]!.name)!);
console.log(`${N} computations per case, median of ${ROUNDS} interleaved rounds\n`);
console.log('| case | ms per 1,000 | µs per computation | ratio to default rules |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, xs] of times) {
  const m = median(xs);
  console.log(
    `| ${name} | ${m.toFixed(1)} | ${((m * 1000) / N).toFixed(1)} | ${(m / baseline).toFixed(2)} |`,
  );
}
