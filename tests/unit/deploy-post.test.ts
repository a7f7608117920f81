import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithPost } from '../../src/github/post.js';

/** The main/post dispatch the deploy and rollback entries share (runs.post in action.yml). */
describe('runWithPost', () => {
  const saved = { ...process.env };
  const dir = mkdtempSync(join(tmpdir(), 'deploy-post-'));
  afterEach(() => {
    process.env = { ...saved };
    process.exitCode = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('main step: saves the post flag, runs main only', async () => {
    const stateFile = join(dir, 'state-main');
    writeFileSync(stateFile, '');
    process.env.GITHUB_STATE = stateFile;
    delete process.env.STATE_isPost;
    const calls: string[] = [];
    runWithPost(
      async () => void calls.push('main'),
      () => void calls.push('post'),
    );
    await settle();
    expect(calls).toEqual(['main']);
    expect(readFileSync(stateFile, 'utf8')).toMatch(/^isPost<<.*\ntrue\n/m);
    expect(process.exitCode).toBeUndefined();
  });

  it('post step: runs post with the saved state, never main', async () => {
    process.env.GITHUB_STATE = join(dir, 'state-post');
    process.env.STATE_isPost = 'true';
    process.env['STATE_ssh-dir'] = '/tmp/tg-ssh-x';
    const calls: string[] = [];
    runWithPost(
      async () => void calls.push('main'),
      (getState) => void calls.push(`post ${getState('ssh-dir')}`),
    );
    await settle();
    expect(calls).toEqual(['post /tmp/tg-ssh-x']);
  });

  it('a failing main fails the step (exit code 1)', async () => {
    // The runner creates the state file before the step (@actions/core refuses a missing one).
    writeFileSync(join(dir, 'state-fail'), '');
    process.env.GITHUB_STATE = join(dir, 'state-fail');
    delete process.env.STATE_isPost;
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as never;
    try {
      runWithPost(
        async () => {
          throw new Error('no hosts reachable');
        },
        () => undefined,
      );
      // runAction reports after loading the stack mapper: give it turns, not milliseconds
      for (let i = 0; i < 200 && process.exitCode === undefined; i++) await settle();
    } finally {
      process.stdout.write = write;
    }
    expect(process.exitCode).toBe(1);
    expect(out.join('')).toContain('::error::no hosts reachable');
  });
});
