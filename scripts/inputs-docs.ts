/**
 * Writes the `inputs:` section of deploy/, rollback/ and verify/action.yml and the input table of
 * their README.md, and docs/cli.md's key list, from the one input schema (src/inputs/entries.ts). `--check` writes nothing and
 * exits 1 when a file differs (tests/unit/input-schema.test.ts checks the same).
 *
 *   node --import ./scripts/ts-register.mjs scripts/inputs-docs.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withCliKeyList, withInputsSection, withInputTable } from '../src/inputs/docs.js';
import { DEPLOY_SCHEMA, SCHEMAS } from '../src/inputs/entries.js';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
let stale = 0;
for (const schema of SCHEMAS) {
  for (const [file, render] of [
    ['action.yml', withInputsSection],
    ['README.md', withInputTable],
  ] as const) {
    const path = join(root, schema.action, file);
    const before = readFileSync(path, 'utf8');
    const after = render(before, schema);
    if (before === after) continue;
    stale++;
    if (check) console.error(`${schema.action}/${file} differs from the input schema`);
    else {
      writeFileSync(path, after);
      console.log(`wrote ${schema.action}/${file}`);
    }
  }
}
{
  const path = join(root, 'docs', 'cli.md');
  const before = readFileSync(path, 'utf8');
  const after = withCliKeyList(before, DEPLOY_SCHEMA);
  if (before !== after) {
    stale++;
    if (check) console.error('docs/cli.md differs from the input schema');
    else {
      writeFileSync(path, after);
      console.log('wrote docs/cli.md');
    }
  }
}
if (check && stale) {
  console.error('run: node --import ./scripts/ts-register.mjs scripts/inputs-docs.ts');
  process.exit(1);
}
