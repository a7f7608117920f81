/**
 * The engine through a real SSH session as the deploy user (tgdeploy@127.0.0.1:2222, host key
 * verified, one ControlMaster), against the sandbox's dockerd:
 *
 *  - a blue-green deploy of a worker over SSH, with the session's connection and command counts
 *  6. two deploys at once: one gets the lock, the other fails clearly naming the holder; the host
 *     state stays that of the winner, with exactly one release running
 *  (a deploy cut off mid-way: tests/integration/deploy-killed.test.ts kills the real connection;
 *  how the next run converges is decided on the plan, tests/unit/plans-converge.test.ts)
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { systemClock } from '../../src/clock.js';
import { buildConfig, type RawDeployInputs } from '../../src/deploy/config.js';
import { deploy } from '../../src/deploy/engine.js';
import { hostPrimitives } from '../../src/deploy/ports.js';
import type { Executor } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import { removeSshMaterial, writeSshMaterial, type SshMaterial } from '../../src/ssh/secrets.js';
import { openSession, type SshSession } from '../../src/ssh/session.js';
import { parseHost } from '../../src/ssh/target.js';
import { sandboxEnv } from '../helpers/sandbox.js';

jest.setTimeout(300_000);
const env = sandboxEnv();
const target = parseHost(`${env.SANDBOX_SSH_USER}@${env.SANDBOX_SSH_HOST}:${env.SANDBOX_SSH_PORT}`);
const app = `deploy-ssh-${process.pid}`;
const PORTS = '21380,21381';
let material: SshMaterial;
const sessions: SshSession[] = [];

async function session(): Promise<SshSession> {
  const s = await openSession(target, {
    privateKeyFile: material.privateKeyFile,
    knownHostsFile: material.knownHostsFile,
    controlDir: material.controlDir,
  });
  sessions.push(s);
  return s;
}

function inputs(image: string, extra: Partial<RawDeployInputs> = {}): RawDeployInputs {
  return {
    app,
    image,
    'bot-mode': 'worker',
    'health-path': '/health',
    'host-ports': PORTS,
    registry: env.SANDBOX_REGISTRY,
    'registry-username': env.SANDBOX_REGISTRY_USER,
    'registry-password': env.SANDBOX_REGISTRY_PASSWORD,
    'state-dir': env.SANDBOX_STATE_BASE,
    'gate-window': '1',
    'stop-grace': '3',
    'health-timeout': '20',
    'lock-timeout': '0',
    ...extra,
  };
}

const deps = (exec: Executor, releaseId: string, extra: object = {}) => ({
  exec,
  host: hostPrimitives,
  clock: systemClock,
  log: recordingLog(),
  holder: { runId: releaseId, actor: 'deploy-test' },
  releaseId,
  ...extra,
});

async function running(exec: Executor): Promise<string[]> {
  const out = await exec.run([
    'docker',
    'ps',
    '--filter',
    `label=tg-devops.app=${app}`,
    '--format',
    '{{.Names}}',
  ]);
  return out.stdout.split('\n').filter(Boolean).sort();
}

const state = (exec: Executor) =>
  hostPrimitives.readState(exec, hostPrimitives.appPaths(env.SANDBOX_STATE_BASE!, app));

beforeAll(async () => {
  material = await writeSshMaterial({
    privateKey: readFileSync(env.SANDBOX_SSH_KEY!, 'utf8'),
    knownHosts: readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8'),
    targets: [target],
    log: recordingLog(),
  });
});

afterAll(async () => {
  const s = await session();
  const all = await s.run(['docker', 'ps', '-aq', '--filter', `label=tg-devops.app=${app}`]);
  const ids = all.stdout.split('\n').filter(Boolean);
  if (ids.length) await s.run(['docker', 'rm', '-f', ...ids]);
  await s.run(['rm', '-rf', `${env.SANDBOX_STATE_BASE}/${app}`]);
  for (const x of sessions) await x.close();
  removeSshMaterial(material.dir, { controlDir: material.controlDir });
});

test('blue-green over a real SSH session: no new connection per deploy, every command through the one master', async () => {
  const s = await session();
  const first = await deploy(
    buildConfig(inputs(env.SANDBOX_IMAGE_WEB_V1!)),
    deps(s, '20260101-000001'),
  );
  const opened = s.stats.connectionsOpened;
  const before = s.stats.commands;
  const second = await deploy(
    buildConfig(inputs(env.SANDBOX_IMAGE_WEB_V2!)),
    deps(s, '20260101-000002'),
  );
  expect(first.result?.ok && second.result?.ok).toBe(true);
  expect(s.stats.connectionsOpened).toBe(opened);
  console.log(
    `ssh: ${opened} connection(s) opened for the session, ${s.stats.commands - before} remote commands for one blue-green deploy`,
  );
  expect(await running(s)).toEqual([`${app}-20260101-000002`]);
  expect((await state(s)).current).toMatchObject({
    id: '20260101-000002',
    color: 'green',
    port: 21381,
  });
});

test('two deploys at once: with lock-timeout 0 one fails at once naming the lock; the state stays intact (acceptance 6)', async () => {
  const [a, b] = [await session(), await session()];
  const results = await Promise.allSettled([
    deploy(buildConfig(inputs(env.SANDBOX_IMAGE_WEB_V1!)), deps(a, '20260101-000003')),
    deploy(buildConfig(inputs(env.SANDBOX_IMAGE_WEB_V1!)), deps(b, '20260101-000004')),
  ]);
  const won = results.filter((r) => r.status === 'fulfilled');
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(1);
  expect(String(lost[0]!.reason)).toMatch(/lock/i);
  expect(String(lost[0]!.reason)).toMatch(/deploy-test|20260101-00000[34]/);
  const winner = results[0]!.status === 'fulfilled' ? '20260101-000003' : '20260101-000004';
  expect(await running(a)).toEqual([`${app}-${winner}`]);
  const st = await state(a);
  expect(st.current?.id).toBe(winner);
  expect(st.previous?.id).toBe('20260101-000002');
});

test('hostile pre-deploy and env values arrive as literal text over SSH; nothing runs on the host (acceptance 9)', async () => {
  const s = await session();
  const marker = `/tmp/tg-deploy-pwned-${process.pid}`;
  const log = recordingLog();
  const report = await deploy(
    buildConfig(
      inputs(env.SANDBOX_IMAGE_WEB_V2!, {
        'pre-deploy': `echo $(touch ${marker}) ';' "\`id\`" 'a|b' $HOME`,
        env: `HOSTILE=$(touch ${marker}); \`id\` 'q' "d"\n`,
      }),
    ),
    { ...deps(s, '20260101-000021'), log },
  );
  expect(report.result?.ok).toBe(true);
  expect(log.text()).toContain(`pre-deploy | $(touch ${marker}) ; \`id\` a|b $HOME`);
  const inspected = await s.run([
    'docker',
    'inspect',
    '--format',
    '{{json .Config.Env}}',
    `${app}-20260101-000021`,
  ]);
  expect(JSON.parse(inspected.stdout) as string[]).toContain(
    `HOSTILE=$(touch ${marker}); \`id\` 'q' "d"`,
  );
  const exists = await s.run(['test', '-e', marker], { allowFailure: true });
  expect(exists.exitCode).toBe(1);
});
