import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, localExecutor, type Executor } from '../../src/exec.js';
import { actionsExecutor } from '../../src/github/exec.js';

type MakeExecutor = (defaults?: {
  env?: Record<string, string | undefined>;
  cwd?: string;
}) => Executor;

/**
 * The local executor with real processes, started either way: node's spawn (the default: tests,
 * scripts, the CLI) and @actions/exec (actionsExecutor: the actions). Both must behave the same.
 */
describe.each([
  ['localExecutor (spawn)', localExecutor as MakeExecutor],
  ['actionsExecutor (@actions/exec)', actionsExecutor as MakeExecutor],
])('%s', (_name, make) => {
  const local = make();

  it('passes hostile arguments as literal argv, with no shell in between', async () => {
    const hostile = ['$(id)', 'a; rm -rf /', 'it\'s "quoted"', 'two\nlines', 'ünï €'];
    const result = await local.run(['printf', '%s|', ...hostile]);
    expect(result.stdout).toBe(hostile.map((h) => `${h}|`).join(''));
  });

  it('writes input to stdin and closes it: a command that reads stdin gets it and ends', async () => {
    expect((await local.run(['cat'], { input: 'secret\n' })).stdout).toBe('secret\n');
    expect((await local.run(['cat'], { input: '' })).stdout).toBe(''); // empty input ends too
    // A command that exits at once without reading stdin (the EPIPE race of closing it).
    for (let i = 0; i < 20; i++) expect((await local.run(['true'])).exitCode).toBe(0);
  });

  it('keeps stdout and stderr apart and reports each line', async () => {
    const lines: string[] = [];
    const result = await local.run(['sh', '-c', 'echo one; echo two >&2; printf three'], {
      onLine: (line, stream) => lines.push(`${stream}:${line}`),
    });
    expect(result).toEqual({ exitCode: 0, stdout: 'one\nthree', stderr: 'two\n' });
    expect(lines.sort()).toEqual(['stderr:two', 'stdout:one', 'stdout:three']);
  });

  it('throws CommandError on a non-zero exit, or returns it with allowFailure', async () => {
    await expect(local.run(['sh', '-c', 'echo broke >&2; exit 3'])).rejects.toThrow(CommandError);
    await expect(local.run(['sh', '-c', 'echo broke >&2; exit 3'])).rejects.toThrow(
      /local: `sh -c .*` exited 3:\nbroke/,
    );
    const result = await local.run(['sh', '-c', 'exit 3'], { allowFailure: true });
    expect(result.exitCode).toBe(3);
  });

  it('names a program that does not exist (ENOENT)', async () => {
    await expect(local.run(['tg-devops-no-such-program'])).rejects.toThrow(
      /^local: cannot run tg-devops-no-such-program: .*ENOENT/,
    );
  });

  it('adds env to the whole environment, and runs in cwd', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'local-exec-')));
    try {
      const withEnv = make({ env: { TG_LOCAL_EXEC: 'from-defaults' }, cwd: dir });
      const result = await withEnv.run([
        'sh',
        '-c',
        'echo "$TG_LOCAL_EXEC $PWD ${PATH:+has-path}"',
      ]);
      expect(result.stdout).toBe(`from-defaults ${dir} has-path\n`);
      const over = await withEnv.run(['sh', '-c', 'echo "$TG_LOCAL_EXEC"'], {
        env: { TG_LOCAL_EXEC: 'from-call' },
      });
      expect(over.stdout).toBe('from-call\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the program on the PATH given in env, as spawn does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-exec-bin-'));
    try {
      writeFileSync(join(dir, 'tg-local-exec-tool'), '#!/bin/sh\necho "tool $1"\n', {
        mode: 0o755,
      });
      const withPath = make({ env: { PATH: `${dir}:${process.env.PATH}` } });
      expect((await withPath.run(['tg-local-exec-tool', 'ran'])).stdout).toBe('tool ran\n');
      await expect(local.run(['tg-local-exec-tool'])).rejects.toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops a command at timeoutMs with timeout(1): exit 124', async () => {
    const result = await local.run(['sleep', '30'], { timeoutMs: 1000, allowFailure: true });
    expect(result.exitCode).toBe(124);
  });
});
