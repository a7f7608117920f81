import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/repo.js';

function lint(...files: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts/lint-workflows.mjs'), ...files], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}

describe('workflow files', () => {
  it('pass actionlint and GitHub’s workflow parser', () => {
    const result = lint();
    expect(result.stdout).toMatch(/workflow files checked, 0 problems/);
    expect(result.status).toBe(0);
  });

  it('the check catches an untrusted value in run: and a parser error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-'));
    const bad = join(dir, 'bad.yml');
    writeFileSync(
      bad,
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n    bogus-key: 1\n',
    );
    try {
      const result = lint(bad);
      expect(result.stdout).toMatch(/potentially untrusted/);
      expect(result.stdout).toMatch(/\[workflow-parser\]/);
      expect(result.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
