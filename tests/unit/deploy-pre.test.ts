import { describe, expect, it } from '@jest/globals';
import { awaitEarlierPreDeploys, preDeployFailure } from '../../src/deploy/pre-deploy.js';
import { recordingExecutor, type CommandResult } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';

/** A host where an earlier run's migration container is (or is not) still running. */
function host(orphan: boolean, wait: Partial<CommandResult> = { stdout: '0\n' }) {
  return recordingExecutor((argv) => {
    if (argv[1] === 'ps')
      return {
        stdout: orphan
          ? `${JSON.stringify({ Names: 'mybot-20260101-000001-pre', State: 'running', Labels: 'tg-devops.app=mybot-pre' })}\n${JSON.stringify({ Names: 'mybot-20260101-000000-pre', State: 'exited', Labels: 'tg-devops.app=mybot-pre' })}\n`
          : '',
      };
    if (argv[1] === 'wait') return wait;
    return undefined;
  });
}

describe('pre-deploy: never two migrations at once (a run cut off mid-migration)', () => {
  it('nothing left running: nothing waited for', async () => {
    const exec = host(false);
    await awaitEarlierPreDeploys({ exec, log: recordingLog() }, 'mybot', 300);
    expect(exec.commands.map((c) => c.argv.slice(0, 2).join(' '))).toEqual(['docker ps']);
    expect(exec.commands[0]!.argv).toContain('label=tg-devops.app=mybot-pre');
  });

  it('one still running: waited for (bounded by lock-timeout on the host), then the deploy goes on', async () => {
    const exec = host(true);
    const log = recordingLog();
    await awaitEarlierPreDeploys({ exec, log }, 'mybot', 120);
    const wait = exec.commands.find((c) => c.argv[1] === 'wait')!;
    expect(wait.argv).toEqual(['docker', 'wait', 'mybot-20260101-000001-pre']);
    expect(wait.options.timeoutMs).toBe(120_000);
    expect(log.text()).toContain('mybot-20260101-000001-pre finished with exit code 0');
  });

  it('still running after lock-timeout, or lock-timeout 0: refused, naming the container', async () => {
    const slow = host(true, { exitCode: 124 });
    await expect(
      awaitEarlierPreDeploys({ exec: slow, log: recordingLog() }, 'mybot', 30),
    ).rejects.toThrow(
      /mybot-20260101-000001-pre is still running after 30s; refusing to run a second pre-deploy beside it/,
    );
    const now = host(true);
    await expect(
      awaitEarlierPreDeploys({ exec: now, log: recordingLog() }, 'mybot', 0),
    ).rejects.toThrow(/of an earlier run is still running; refusing/);
    expect(now.commands.some((c) => c.argv[1] === 'wait')).toBe(false);
  });

  it('a failed pre-deploy whose container still runs says so; one that ended keeps its own error', async () => {
    const cause = new Error('the SSH connection broke');
    const still = await preDeployFailure(host(true), 'mybot', 'mybot-20260101-000001-pre', cause);
    expect(still.message).toBe(
      'the SSH connection broke; its container mybot-20260101-000001-pre is still running on the host: the next deploy waits for it before another pre-deploy',
    );
    expect(await preDeployFailure(host(false), 'mybot', 'mybot-20260101-000001-pre', cause)).toBe(
      cause,
    );
  });
});
