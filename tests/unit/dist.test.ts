import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
// @ts-expect-error plain ESM helper shared with scripts/package.mjs
import { sourceHash } from '../../scripts/source-hash.mjs';
import { ACTIONS, ROOT } from '../helpers/repo.js';

describe('dist/', () => {
  it('was built from the source beside it (run `npm run package` and commit dist/)', () => {
    const recorded = readFileSync(join(ROOT, 'dist', 'SOURCE_HASH'), 'utf8').trim();
    expect(recorded).toBe(sourceHash(ROOT));
  });

  // A CommonJS build bundles without a warning and crashes at run time: start every bundle for real.
  it.each(ACTIONS)('bundle %s starts as ESM and fails cleanly without inputs', (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-'));
    const output = join(dir, 'output');
    writeFileSync(output, '');
    writeFileSync(join(dir, 'state'), ''); // the runner creates it; @actions/core requires it
    try {
      const result = spawnSync(process.execPath, [join(ROOT, 'dist', name, 'index.js')], {
        env: {
          PATH: process.env.PATH,
          GITHUB_OUTPUT: output,
          GITHUB_STATE: join(dir, 'state'),
          RUNNER_TEMP: dir,
        },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.stderr).not.toMatch(
        /SyntaxError|ReferenceError|ERR_REQUIRE_ESM|Cannot find module/,
      );
      expect(result.stdout).toMatch(/^::error::\S/m);
      expect(result.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // ncc splits lazily loaded code (the test action's @actions/cache) into chunk files that a run
  // without that feature never loads: every chunk a bundle asks for must be in dist/ and load.
  const chunks = [...ACTIONS, 'cli'].flatMap((name) => {
    const bundle = readFileSync(join(ROOT, 'dist', name, 'index.js'), 'utf8');
    const ids = [...bundle.matchAll(/__nccwpck_require__\.e\(\/\* import\(\) \*\/ (\d+)\)/g)];
    return ids.map((match) => join('dist', name, `${match[1]}.index.js`));
  });
  it.each(chunks.length ? chunks : ['(none)'])('chunk %s is there and loads', async (chunk) => {
    if (chunk === '(none)') return;
    const loaded = (await import(pathToFileURL(join(ROOT, chunk)).href)) as Record<string, unknown>;
    expect(Object.keys(loaded.modules as object).length).toBeGreaterThan(0);
  });
});
