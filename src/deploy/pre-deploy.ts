import { errorMessage } from '../errors.js';
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';
import { listArgv, parseContainerList } from './docker.js';

/**
 * A pre-deploy (a migration) runs in a one-off container. When the SSH connection breaks while
 * it runs, the container goes on running on the host after its run has failed and released the
 * lock. A second migration must never start beside it: the next deploy waits for it (up to
 * lock-timeout, as it would wait for another deploy), and refuses if it is still running.
 */
export async function runningPreDeploys(exec: Executor, app: string): Promise<string[]> {
  const result = await exec.run(listArgv(`${app}-pre`));
  return parseContainerList(result.stdout)
    .filter((c) => c.state === 'running' && c.name.endsWith('-pre'))
    .map((c) => c.name);
}

export async function awaitEarlierPreDeploys(
  ctx: { exec: Executor; log: Log },
  app: string,
  seconds: number,
): Promise<void> {
  for (const name of await runningPreDeploys(ctx.exec, app)) {
    const advice = `refusing to run a second pre-deploy beside it: wait for it, or remove it (docker rm --force ${name}) if it hangs`;
    if (seconds === 0)
      throw new Error(
        `the pre-deploy container ${name} of an earlier run is still running; ${advice}`,
      );
    ctx.log.warn(
      `the pre-deploy container ${name} of an earlier run is still running (its run lost its connection?): waiting up to ${seconds}s for it to finish`,
    );
    const waited = await ctx.exec.run(['docker', 'wait', name], {
      allowFailure: true,
      timeoutMs: seconds * 1000,
    });
    if (waited.exitCode === 124)
      throw new Error(
        `the pre-deploy container ${name} is still running after ${seconds}s; ${advice}`,
      );
    ctx.log.info(
      waited.exitCode === 0
        ? `${name} finished with exit code ${waited.stdout.trim() || '?'}`
        : `${name} is gone (${waited.stderr.trim().split('\n').pop() ?? ''})`,
    );
  }
}

/** After a failed pre-deploy: says so when its container still runs on the host. */
export async function preDeployFailure(
  exec: Executor,
  app: string,
  name: string,
  cause: unknown,
): Promise<Error> {
  const still: string[] = await runningPreDeploys(exec, app).catch(() => []);
  if (!still.includes(name)) return cause instanceof Error ? cause : new Error(errorMessage(cause));
  return new Error(
    `${errorMessage(cause)}; its container ${name} is still running on the host: the next deploy waits for it before another pre-deploy`,
  );
}
