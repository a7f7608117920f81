// Builds every action (and the CLI) into dist/<name>/ with ncc: unminified, source maps, licenses.
// Usage: node scripts/package.mjs [name...]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceHash } from './source-hash.mjs';

export const ACTIONS = ['meta', 'build', 'test', 'deploy', 'verify', 'rollback'];
const ENTRIES = [
  ...ACTIONS.map((name) => ({ name, entry: `actions/${name}/index.ts` })),
  { name: 'cli', entry: 'src/cli/index.ts' },
];

const root = new URL('..', import.meta.url).pathname;
const wanted = process.argv.slice(2);
const ncc = join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js');

for (const { name, entry } of ENTRIES) {
  if (wanted.length && !wanted.includes(name)) continue;
  if (!existsSync(join(root, entry))) continue;
  const out = join(root, 'dist', name);
  rmSync(out, { recursive: true, force: true });
  const started = Date.now();
  execFileSync(
    process.execPath,
    [
      ncc,
      'build',
      entry,
      '-o',
      out,
      '--source-map',
      '--license',
      'licenses.txt',
      '--quiet',
      '--target',
      'es2022',
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  deferSourceMapRegister(join(out, 'index.js'));
  console.log(`dist/${name}/index.js  ${(Date.now() - started) / 1000}s`);
}
if (!wanted.length) writeFileSync(join(root, 'dist', 'SOURCE_HASH'), `${sourceHash(root)}\n`);

// ncc's first line loads source-map-support on every start, which costs more than the rest of a
// bundle's start-up together. The stack is only mapped when an unexpected error is reported, so
// src/github/runtime.ts imports the register then (prepareStackTrace runs lazily, on first use).
function deferSourceMapRegister(file) {
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/^(#!.*\n)?import '\.\/sourcemap-register\.cjs';/, '$1'));
}
