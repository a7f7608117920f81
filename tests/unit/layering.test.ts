import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../helpers/repo.js';

/**
 * Data flows one way: actions/ -> orchestration -> engine -> transport -> base. This test reads
 * every import under src/ and actions/ (type-only ones and re-exports too) and fails on an import
 * into a higher layer, on any import cycle (between files, and between the packages of src/), on
 * an @actions/* import outside src/github, and on a file no layer claims.
 */

/** THE layer order, lowest first. A file may import its own layer or a lower one. */
export const LAYERS: readonly { name: string; paths: readonly string[] }[] = [
  {
    name: 'base',
    paths: [
      'src/errors.ts',
      'src/log.ts',
      'src/clock.ts',
      'src/exec.ts',
      'src/redact.ts',
      'src/command-line.ts',
      'src/markdown.ts',
      'src/inputs/',
    ],
  },
  {
    name: 'transport',
    paths: ['src/ssh/', 'src/proxy/', 'src/docker/', 'src/host/', 'src/github/'],
  },
  {
    name: 'engine',
    paths: [
      'src/deploy/',
      'src/rollback/',
      'src/health/',
      'src/notify/',
      'src/meta/',
      'src/testrun/',
      'src/coverage/',
    ],
  },
  { name: 'orchestration', paths: ['src/orchestrate/', 'src/cli/'] },
  { name: 'actions', paths: ['actions/'] },
];

/**
 * Known violations while the engine is being rebuilt (issue 10 item 5). This list must shrink to
 * empty: a violation not listed fails, and a listed one that is gone fails too (delete its line).
 * Each entry: `from -> to` for an upward import, `cycle: a -> b -> ...` for a cycle.
 */
const KNOWN_VIOLATIONS: readonly string[] = [];

const SOURCE = /\.ts$/;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...filesUnder(path));
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

export function layerOf(file: string): number {
  let best = -1;
  let bestLength = -1;
  LAYERS.forEach((layer, index) => {
    for (const path of layer.paths) {
      const hit = path.endsWith('/') ? file.startsWith(path) : file === path;
      if (hit && path.length > bestLength) {
        best = index;
        bestLength = path.length;
      }
    }
  });
  return best;
}

/** The package a file belongs to: its directory under src/ (src/deploy), or the base file itself. */
function packageOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'actions') return `actions/${parts[1]}`;
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : file;
}

interface Edge {
  from: string;
  to: string;
}

/** Every import of a file: relative ones resolved to repository paths, bare ones as given. */
function importsOf(file: string): { local: string[]; bare: string[] } {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const local: string[] = [];
  const bare: string[] = [];
  for (const ref of info.importedFiles) {
    const spec = ref.fileName;
    if (!spec.startsWith('.')) {
      bare.push(spec);
      continue;
    }
    const target = relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts');
    local.push(target);
  }
  return { local, bare };
}

function graph(files: readonly string[]): { edges: Edge[]; bare: Edge[] } {
  const edges: Edge[] = [];
  const bare: Edge[] = [];
  for (const file of files) {
    const { local, bare: external } = importsOf(file);
    for (const to of local) edges.push({ from: file, to });
    for (const to of external) bare.push({ from: file, to });
  }
  return { edges, bare };
}

/** Strongly connected components with more than one node (Tarjan), each as a sorted cycle. */
export function cyclesOf(nodes: readonly string[], edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const n of nodes) next.set(n, []);
  for (const { from, to } of edges) if (from !== to && next.has(to)) next.get(from)?.push(to);
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const n of nodes) if (!indexOf.has(n)) visit(n);
  return out;
}

/** All violations of the layering, as the strings KNOWN_VIOLATIONS lists. */
export function layeringViolations(files: readonly string[]): string[] {
  const { edges } = graph(files);
  const out: string[] = [];
  for (const { from, to } of edges) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (a >= 0 && b > a) out.push(`${from} -> ${to}`);
  }
  for (const cycle of cyclesOf(files, edges)) out.push(`cycle: ${cycle.join(' -> ')}`);
  const packages = [...new Set(files.map(packageOf))];
  const packageEdges = edges
    .map(({ from, to }) => ({ from: packageOf(from), to: packageOf(to) }))
    .filter(({ from, to }) => from !== to);
  for (const cycle of cyclesOf(packages, packageEdges))
    out.push(`package cycle: ${cycle.join(' -> ')}`);
  return out.sort();
}

const files = [...filesUnder('src'), ...filesUnder('actions')];

describe('layering', () => {
  it('every file under src/ and actions/ has a layer', () => {
    expect(files.filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('imports only resolve to files that exist', () => {
    const known = new Set(files);
    const missing = graph(files).edges.filter(({ to }) => !known.has(to));
    expect(missing.map(({ from, to }) => `${from} -> ${to}`)).toEqual([]);
  });

  it('no upward import and no import cycle (the known ones listed above must go)', () => {
    const violations = layeringViolations(files);
    expect({
      new: violations.filter((v) => !KNOWN_VIOLATIONS.includes(v)),
      fixed: KNOWN_VIOLATIONS.filter((v) => !violations.includes(v)),
    }).toEqual({ new: [], fixed: [] });
  });

  it('no file in src/ outside src/github imports @actions/*', () => {
    const offenders = graph(files.filter((f) => f.startsWith('src/')))
      .bare.filter(({ from, to }) => to.startsWith('@actions/') && !from.startsWith('src/github/'))
      .map(({ from, to }) => `${from} -> ${to}`);
    expect(offenders).toEqual([]);
  });
});

describe('the checker itself', () => {
  it('finds a cycle and an upward import in a made-up graph', () => {
    expect(
      cyclesOf(
        ['a', 'b', 'c', 'd'],
        [
          { from: 'a', to: 'b' },
          { from: 'b', to: 'c' },
          { from: 'c', to: 'a' },
          { from: 'c', to: 'd' },
        ],
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(cyclesOf(['a', 'b'], [{ from: 'a', to: 'b' }])).toEqual([]);
    expect(layerOf('src/proxy/index.ts')).toBeLessThan(layerOf('src/deploy/config.ts'));
    expect(layerOf('src/inputs/entries.ts')).toBe(0);
    expect(layerOf('actions/deploy/main.ts')).toBe(LAYERS.length - 1);
    expect(layerOf('src/unknown/x.ts')).toBe(-1);
  });
});
