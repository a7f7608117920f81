// Parses a generated 10,000-file Cobertura report and computes diff coverage for a 500-file PR
// diff. Prints times and peak memory; compares our streaming scanner with fast-xml-parser's tree
// side by side (interleaved runs, each in a fresh process so peak RSS belongs to one parser).
// Usage: npm run bench coverage   (BENCH_FILES / BENCH_LINES / BENCH_RUNS to change the size)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { parseCobertura } from '../src/coverage/cobertura.js';
import { changedFiles, type PullFile } from '../src/coverage/diff.js';
import { diffCoverage } from '../src/coverage/diff-coverage.js';
import { addHit, type LineHits, totalsOf } from '../src/coverage/model.js';
import { mapToRepo } from '../src/coverage/paths.js';

const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const LINES = Number(process.env.BENCH_LINES ?? 60);
const DIFF_FILES = 500;
const RUNS = Math.min(Number(process.env.BENCH_RUNS ?? 3), 5);
const self = fileURLToPath(import.meta.url);
const hook = join(self, '../../scripts/ts-register.mjs');

/** A deterministic pseudo-random sequence, so every run measures the same report. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function generate(dir: string): { xml: string; diff: string } {
  const rand = random(42);
  const parts: string[] = [
    '<?xml version="1.0" ?>\n<coverage version="7.4.0" line-rate="0.8">\n',
    '\t<sources>\n\t\t<source>/home/runner/work/bot/bot/src</source>\n\t</sources>\n\t<packages>\n',
  ];
  for (let f = 0; f < FILES; f++) {
    if (f % 50 === 0) {
      if (f) parts.push('\t\t\t</classes>\n\t\t</package>\n');
      parts.push(`\t\t<package name="pkg${f / 50}" line-rate="0.8">\n\t\t\t<classes>\n`);
    }
    parts.push(
      `\t\t\t\t<class name="m${f}.py" filename="pkg${Math.floor(f / 50)}/m${f}.py" line-rate="0.8">\n\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>\n`,
    );
    for (let line = 1, n = 0; n < LINES; line += 1 + Math.floor(rand() * 2), n++) {
      parts.push(`\t\t\t\t\t\t<line number="${line}" hits="${rand() < 0.8 ? 1 : 0}"/>\n`);
    }
    parts.push('\t\t\t\t\t</lines>\n\t\t\t\t</class>\n');
  }
  parts.push('\t\t\t</classes>\n\t\t</package>\n\t</packages>\n</coverage>\n');
  const xml = join(dir, 'coverage.xml');
  writeFileSync(xml, parts.join(''));

  const files: PullFile[] = [];
  for (let i = 0; i < DIFF_FILES; i++) {
    const f = Math.floor((i * FILES) / DIFF_FILES);
    const start = 1 + Math.floor(rand() * 40);
    const body = Array.from({ length: 30 }, (_, k) => (k % 3 === 0 ? ' context' : '+added'));
    const added = body.filter((l) => l.startsWith('+')).length;
    files.push({
      filename: `src/pkg${Math.floor(f / 50)}/m${f}.py`,
      status: 'modified',
      additions: added,
      patch: `@@ -${start},${30 - added} +${start},30 @@\n${body.join('\n')}`,
    });
  }
  const diff = join(dir, 'files.json');
  writeFileSync(diff, JSON.stringify(files));
  return { xml, diff };
}

/** fast-xml-parser builds the whole tree; then the same maps are filled from it. */
function parseWithTree(xml: string): Map<string, LineHits> {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['package', 'class', 'line', 'source'].includes(name),
  });
  type Line = { number: string; hits: string };
  type Class = { filename: string; lines?: { line?: Line[] } };
  const doc = parser.parse(xml) as {
    coverage: { packages: { package: { classes: { class: Class[] } }[] } };
  };
  const files = new Map<string, LineHits>();
  for (const pkg of doc.coverage.packages.package) {
    for (const cls of pkg.classes.class) {
      const hits: LineHits = files.get(cls.filename) ?? new Map();
      for (const line of cls.lines?.line ?? [])
        addHit(hits, Number(line.number), Number(line.hits));
      files.set(cls.filename, hits);
    }
  }
  return files;
}

interface Measure {
  ms: number;
  rssMB: number;
  lines: number;
  mapMs?: number;
  diffMs?: number;
  diffLines?: number;
}

/** One measurement in this (fresh) process. */
function measure(kind: string, xmlPath: string, diffPath: string): Measure {
  const xml = readFileSync(xmlPath, 'utf8');
  const started = performance.now();
  const files = kind === 'ours' ? parseCobertura(xml, xmlPath).files : parseWithTree(xml);
  const ms = performance.now() - started;
  const lines = totalsOf(files.values()).lines;
  const result: Measure = { ms, rssMB: process.resourceUsage().maxRSS / 1024, lines };
  if (kind === 'ours') {
    let t = performance.now();
    const mapped = mapToRepo(files, {
      repoRoot: '/home/runner/work/bot/bot',
      workingDirectory: '',
      sources: ['/home/runner/work/bot/bot/src'],
    });
    result.mapMs = performance.now() - t;
    t = performance.now();
    const changed = changedFiles(JSON.parse(readFileSync(diffPath, 'utf8')) as PullFile[]);
    const diff = diffCoverage(mapped.files, changed);
    result.diffMs = performance.now() - t;
    result.diffLines = diff.totals.lines;
  }
  return result;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

if (process.argv[2] === '--measure') {
  process.stdout.write(
    JSON.stringify(measure(process.argv[3]!, process.argv[4]!, process.argv[5]!)),
  );
} else {
  const dir = mkdtempSync(join(tmpdir(), 'bench-coverage-'));
  try {
    const { xml, diff } = generate(dir);
    const size = statSync(xml).size;
    const baseline = spawnSync(
      process.execPath,
      ['--import', hook, '-e', 'process.stdout.write(String(process.resourceUsage().maxRSS/1024))'],
      { encoding: 'utf8' },
    );
    const results: Record<'ours' | 'tree', Measure[]> = { ours: [], tree: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const kind of ['ours', 'tree'] as const) {
        const child = spawnSync(
          process.execPath,
          ['--import', hook, self, '--measure', kind, xml, diff],
          {
            encoding: 'utf8',
            maxBuffer: 1 << 20,
          },
        );
        if (child.status !== 0) throw new Error(`${kind}: ${child.stderr}`);
        results[kind].push(JSON.parse(child.stdout) as Measure);
      }
    }
    const [ours, tree] = [results.ours, results.tree];
    if (ours[0]!.lines !== tree[0]!.lines)
      throw new Error('the two parsers disagree on the line count');
    const base = Number(baseline.stdout);
    const cell = (value: number, width: number) => value.toFixed(0).padStart(width);
    const row = (name: string, m: Measure[]) => {
      const rss = median(m.map((x) => x.rssMB));
      return `| ${name.padEnd(34)} | ${cell(median(m.map((x) => x.ms)), 8)} | ${cell(rss, 13)} | ${cell(rss - base, 16)} |`;
    };
    console.log(
      `Cobertura report: ${FILES} files, ${ours[0]!.lines} lines, ${(size / 1e6).toFixed(1)} MB; median of ${RUNS} interleaved runs, each in a fresh process (node alone: ${Number(baseline.stdout).toFixed(0)} MB RSS)\n`,
    );
    console.log(
      `| ${'parse'.padEnd(34)} | ${'time ms'.padStart(8)} | ${'peak RSS MB'.padStart(13)} | ${'above bare node'.padStart(16)} |`,
    );
    console.log(`| ${'-'.repeat(34)} | ${'-'.repeat(8)} | ${'-'.repeat(13)} | ${'-'.repeat(16)} |`);
    console.log(row('src/coverage (streaming scanner)', ours));
    console.log(row('fast-xml-parser (tree, then maps)', tree));
    console.log(
      `\nratio fast-xml-parser / ours: time ${(median(tree.map((x) => x.ms)) / median(ours.map((x) => x.ms))).toFixed(2)}x, peak RSS ${(median(tree.map((x) => x.rssMB)) / median(ours.map((x) => x.rssMB))).toFixed(2)}x, memory above bare node ${((median(tree.map((x) => x.rssMB)) - base) / (median(ours.map((x) => x.rssMB)) - base)).toFixed(2)}x`,
    );
    console.log(
      `\nmap ${FILES} report paths to repository paths: ${median(ours.map((x) => x.mapMs!)).toFixed(1)} ms median` +
        `\ndiff coverage for a ${DIFF_FILES}-file PR diff (parse patches, match files, intersect lines): ${median(ours.map((x) => x.diffMs!)).toFixed(1)} ms median, ${ours[0]!.diffLines} changed measured lines`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
