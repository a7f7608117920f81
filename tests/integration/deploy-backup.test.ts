/**
 * backup: postgres against the sandbox's real PostgreSQL: a pg_dump before the pre-deploy,
 * checked readable with pg_restore --list, the newest N kept, the password never in argv.
 */
import { afterAll, expect, jest, test } from '@jest/globals';
import { systemClock } from '../../src/clock.js';
import { buildConfig } from '../../src/deploy/config.js';
import { deploy } from '../../src/deploy/engine.js';
import { hostPrimitives } from '../../src/deploy/ports.js';
import { localExecutor, type Executor, type RunOptions } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import { asUser } from '../helpers/proxy-stack.js';
import { sandboxEnv } from '../helpers/sandbox.js';

jest.setTimeout(180_000);
const env = sandboxEnv();
const base = asUser('tgdeploy', localExecutor({ env: { DOCKER_HOST: env.DOCKER_HOST } }));
const seen: { argv: readonly string[]; options?: RunOptions }[] = [];
const exec: Executor = {
  where: base.where,
  run: (argv, options) => (seen.push({ argv, options }), base.run(argv, options)),
};
const app = `deploy-bak-${process.pid}`;
const dir = `${env.SANDBOX_STATE_BASE}/${app}`;

afterAll(async () => {
  const ids = (
    await exec.run(['docker', 'ps', '-aq', '--filter', `label=tg-devops.app=${app}`])
  ).stdout
    .split('\n')
    .filter(Boolean);
  if (ids.length) await exec.run(['docker', 'rm', '-f', ...ids]);
  await exec.run(['rm', '-rf', dir]);
});

test('dumps the database before the pre-deploy, checks it, keeps the newest N', async () => {
  const config = (image: string) =>
    buildConfig({
      app,
      image,
      'bot-mode': 'worker',
      env: `DATABASE_URL=${env.DATABASE_URL}\n`,
      backup: 'postgres',
      'backup-keep': '2',
      'pre-deploy': 'echo migrating',
      registry: env.SANDBOX_REGISTRY,
      'registry-username': env.SANDBOX_REGISTRY_USER,
      'registry-password': env.SANDBOX_REGISTRY_PASSWORD,
      'state-dir': env.SANDBOX_STATE_BASE,
      'gate-window': '1',
      'stop-grace': '3',
    });
  const ids = ['20260101-000001', '20260101-000002', '20260101-000003'];
  for (const [i, id] of ids.entries()) {
    const log = recordingLog();
    const report = await deploy(
      config(i % 2 ? env.SANDBOX_IMAGE_WEB_V2! : env.SANDBOX_IMAGE_WEB_V1!),
      {
        exec,
        host: hostPrimitives,
        clock: systemClock,
        log,
        holder: { runId: id, actor: 'deploy-test' },
        releaseId: id,
      },
    );
    expect(report.result?.ok).toBe(true);
    expect(log.text()).toMatch(
      new RegExp(
        `backup ${dir}/backups/${app}-${id}\\.dump: readable, \\d+ table-of-contents entries`,
      ),
    );
    // the backup ran before the pre-deploy
    const order = report.result!.records.map((r) => r.id);
    expect(order.indexOf('backup')).toBeLessThan(order.indexOf('pre-deploy'));
  }
  const files = (await exec.run(['ls', `${dir}/backups`])).stdout.split('\n').filter(Boolean);
  expect(files).toEqual([`${app}-${ids[1]}.dump`, `${app}-${ids[2]}.dump`]);
  const mode = await exec.run(['stat', '-c', '%a', `${dir}/backups/${files[0]}`]);
  expect(mode.stdout.trim()).toBe('600');
  const password = env.SANDBOX_PG_PASSWORD!;
  expect(seen.flatMap((c) => c.argv).join(' ')).not.toContain(password);
  expect(seen.some((c) => c.options?.input === `${password}\n`)).toBe(true);
});
