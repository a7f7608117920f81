// npm run bench [name...]: runs bench/<name>.ts (all of them by default), each in its own process.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('.', import.meta.url).pathname;
const wanted = process.argv.slice(2);
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''));
const names = wanted.length ? wanted : all;
let failed = 0;
for (const name of names) {
  console.log(`\n### bench/${name}`);
  const result = spawnSync(
    process.execPath,
    ['--import', join(dir, '../scripts/ts-register.mjs'), join(dir, `${name}.ts`)],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
