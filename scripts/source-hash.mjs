import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A hash of everything that goes into the bundles; the unit suite compares it to catch a stale dist/. */
export function sourceHash(dir) {
  const hash = createHash('sha256');
  const files = [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    ...walk(dir, 'src'),
    ...walk(dir, 'actions'),
  ].sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(dir, file)));
  }
  return hash.digest('hex');
}

function walk(dir, sub) {
  const base = join(dir, sub);
  if (!existsSync(base)) return [];
  return readdirSync(base, { recursive: true })
    .map((p) => join(base, String(p)))
    .filter((p) => statSync(p).isFile() && p.endsWith('.ts'))
    .map((p) => relative(dir, p));
}
