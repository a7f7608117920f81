// Cold start of every bundle, as a ratio to `node -e 0` measured in the same run, and its size.
// Each bundle runs with no inputs: it loads, reaches its input validation and exits, which is the
// fixed cost every step pays before doing any work. Runs are interleaved so machine noise hits
// the baseline and the bundles alike.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
// BENCH_DIST: bundles built elsewhere (ncc into a temp dir), to measure a change before dist/ has it.
const dist = process.env.BENCH_DIST ?? join(root, 'dist');
const bundles = readdirSync(dist)
  .filter((name) => existsSync(join(dist, name, 'index.js')))
  .sort();

const targets: { name: string; args: string[] }[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  ...bundles.map((name) => ({ name, args: [join(dist, name, 'index.js')] })),
];
const samples = new Map<string, number[]>(targets.map((t) => [t.name, []]));

for (let round = 0; round < rounds; round++) {
  for (const target of targets) {
    const started = process.hrtime.bigint();
    spawnSync(process.execPath, target.args, {
      env: { PATH: process.env.PATH ?? '' },
      stdio: 'ignore',
    });
    samples.get(target.name)!.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const baseline = median(samples.get('node -e 0')!);
const rows = targets.map((t) => {
  const ms = median(samples.get(t.name)!);
  const size = t.name === 'node -e 0' ? '' : `${(statSync(t.args[0]!).size / 1024).toFixed(0)} KiB`;
  return [t.name, ms.toFixed(1), (ms / baseline).toFixed(2), size];
});
console.log(`node ${process.version}, ${rounds} interleaved rounds, medians`);
printTable(['bundle', 'start ms', 'ratio to node -e 0', 'index.js size'], rows);
const worst = Math.max(...rows.slice(1).map((r) => Number(r[2])));
console.log(`worst ratio ${worst.toFixed(2)} (reported, not targeted: docs/adr/0008)`);

function printTable(head: string[], body: string[][]) {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log([line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n'));
}
