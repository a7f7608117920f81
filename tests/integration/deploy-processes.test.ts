/**
 * Processes from one image (issue 13), through the deploy and rollback action entries against the
 * sandbox's dockerd, registry and sshd, in the order the reusable release workflow runs them
 * (.github/workflows/release.yml: the bot, then each of `processes`, then on a failure the
 * rollback action for what already switched):
 *
 *  - one image deploys as the web process (its CMD: busybox httpd answering /health) and as a
 *    worker with its own `command`: two apps, one image id, two different commands;
 *  - the next release: the web process deploys, the worker's command fails its start gate, the
 *    worker's deploy undoes itself (its old release runs on), and the rollback action takes the
 *    web process back: both run the first release again.
 */
import { afterAll, expect, jest, test } from '@jest/globals';
import { runEntry, type EntryResult } from '../helpers/action-entry.js';
import {
  env,
  hostExec,
  hostState,
  registryInputs,
  removeApp,
  running,
  sshInputs,
} from '../helpers/deploy-host.js';

jest.setTimeout(600_000);
const web = `h9-web-${process.pid}`;
const worker = `h9-worker-${process.pid}`;
const WORKER_COMMAND = `sh -c 'echo "worker up: $0"; while :; do sleep 1; done' arq-style`;

const common = () => ({
  ...sshInputs(),
  ...registryInputs(),
  'stop-grace': '3',
  'lock-timeout': '60',
});
const deployWeb = (image: string) =>
  runEntry('deploy', {
    ...common(),
    app: web,
    image,
    'bot-mode': 'worker',
    'health-path': '/health',
    'host-ports': '22923,22924',
    'gate-window': '1',
  });
const deployWorker = (image: string, command: string) =>
  runEntry('deploy', {
    ...common(),
    app: worker,
    image,
    'bot-mode': 'worker',
    command,
    'gate-window': '2',
  });

const inspect = async (container: string, format: string) =>
  (await hostExec.run(['docker', 'inspect', '--format', format, container])).stdout.trim();

const ok = (run: EntryResult) => ({ status: run.status, errors: run.errors });

afterAll(async () => {
  await removeApp(web);
  await removeApp(worker);
});

test('one image as a web process and a worker with its own command; a failing worker rolls both back', async () => {
  const v1 = env.SANDBOX_IMAGE_WEB_V1!;
  const v2 = env.SANDBOX_IMAGE_WEB_V2!;
  expect(ok(await deployWeb(v1))).toEqual({ status: 0, errors: [] });
  expect(ok(await deployWorker(v1, WORKER_COMMAND))).toEqual({ status: 0, errors: [] });
  const [webV1] = await running(web);
  const [workerV1] = await running(worker);
  expect(webV1 && workerV1).toBeTruthy();
  // one image, two processes: the same image id, different commands
  expect(await inspect(webV1!, '{{.Image}}')).toBe(await inspect(workerV1!, '{{.Image}}'));
  expect(await inspect(workerV1!, '{{json .Config.Cmd}}')).toBe(
    JSON.stringify(['sh', '-c', 'echo "worker up: $0"; while :; do sleep 1; done', 'arq-style']),
  );
  expect(await inspect(webV1!, '{{json .Config.Cmd}}')).not.toContain('worker up');
  const logs = await hostExec.run(['docker', 'logs', workerV1!]);
  expect(logs.stdout + logs.stderr).toContain('worker up: arq-style');
  const first = { web: hostState(web).current!.id, worker: hostState(worker).current!.id };

  // the next release: the web process switches, the worker's command dies at once
  expect(ok(await deployWeb(v2))).toEqual({ status: 0, errors: [] });
  expect(hostState(web).current!.id).not.toBe(first.web);
  const failed = await deployWorker(v2, `sh -c 'echo "worker crashed"; exit 3'`);
  expect(failed.status).toBe(1);
  expect(failed.errors.join('\n')).toMatch(/rolled back|undone|not running|exited/i);
  // the worker's deploy undid itself: its first release runs on
  expect(hostState(worker).current!.id).toBe(first.worker);
  expect(await running(worker)).toEqual([workerV1]);
  // the workflow's rollback step for the web process (it had switched)
  const back = await runEntry('rollback', {
    ...sshInputs(),
    app: web,
    to: 'previous',
    'health-path': '/health',
    'stop-grace': '3',
    'lock-timeout': '60',
    reason: `process ${worker} failed`,
  });
  expect(ok(back)).toEqual({ status: 0, errors: [] });
  expect(hostState(web).current!.id).toBe(first.web);
  expect(await running(web)).toEqual([webV1]);
  expect(await inspect(webV1!, '{{.Config.Image}}')).toBe(v1);
});
