/**
 * Acceptance 7 for real: the SSH connection is killed mid-deploy (SIGKILL to the session's
 * ControlMaster, at a step recognised in the deploy's own log stream), then the next run
 * converges to one consistent release: one container running, the host state naming it, the lock
 * free, and the audit history showing every run.
 *
 *  1. killed while a remote command is in flight (a slow pre-deploy): the command is lost, the
 *     session reconnects (host key verified again) for the undo steps, the run rolls back and
 *     records itself as rolled back; the next run deploys.
 *  2. killed in the post-switch window with no way back (the key is gone, as when a runner dies):
 *     no undo can run, the new container and the lock stay behind; the next run takes the stale
 *     lock over, removes the stray container and deploys.
 *
 * Real sshd, real dockerd (the sandbox); app names and ports (22300-22309) are this file's own.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { systemClock } from '../../src/clock.js';
import { buildConfig, type RawDeployInputs } from '../../src/deploy/config.js';
import { deploy } from '../../src/deploy/engine.js';
import type { Gate } from '../../src/deploy/gates.js';
import { hostPrimitives } from '../../src/deploy/ports.js';
import type { Executor } from '../../src/exec.js';
import { readAudit } from '../../src/host/state.js';
import { recordingLog } from '../../src/log.js';
import { removeSshMaterial, writeSshMaterial, type SshMaterial } from '../../src/ssh/secrets.js';
import { openSession, type SshSession } from '../../src/ssh/session.js';
import { parseHost } from '../../src/ssh/target.js';
import { sandboxEnv } from '../helpers/sandbox.js';

jest.setTimeout(300_000);
const env = sandboxEnv();
const target = parseHost(`${env.SANDBOX_SSH_USER}@${env.SANDBOX_SSH_HOST}:${env.SANDBOX_SSH_PORT}`);
const base = `deploy-kill-${process.pid}`;
let material: SshMaterial;
const sessions: SshSession[] = [];

async function session(): Promise<SshSession> {
  const s = await openSession(target, {
    privateKeyFile: material.privateKeyFile,
    knownHostsFile: material.knownHostsFile,
    controlDir: material.controlDir,
    log: recordingLog(),
  });
  sessions.push(s);
  return s;
}

function inputs(
  app: string,
  ports: string,
  image: string,
  extra: Partial<RawDeployInputs> = {},
): RawDeployInputs {
  return {
    app,
    image,
    'bot-mode': 'worker',
    'health-path': '/health',
    'host-ports': ports,
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

/** A log that kills the session's ControlMaster (SIGKILL) when a line matches, once. */
function killingLog(s: () => SshSession, when: RegExp) {
  const log = recordingLog();
  const info = log.info.bind(log);
  let killedPid: number | undefined;
  let killedAt = 0;
  log.info = (message: string) => {
    info(message);
    const pid = s().masterPid;
    if (killedPid === undefined && when.test(message) && pid && pid > 0) {
      killedPid = pid;
      killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
    }
  };
  return { log, killed: () => killedPid, sinceKill: () => Date.now() - killedAt };
}

const deps = (exec: Executor, releaseId: string, extra: object = {}) => ({
  exec,
  host: hostPrimitives,
  clock: systemClock,
  log: recordingLog(),
  holder: { runId: releaseId, actor: 'deploy-kill-test' },
  releaseId,
  ...extra,
});

async function running(exec: Executor, app: string): Promise<string[]> {
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

const paths = (app: string) => hostPrimitives.appPaths(env.SANDBOX_STATE_BASE!, app);

async function lockFree(exec: Executor, app: string): Promise<boolean> {
  const r = await exec.run(['test', '-e', paths(app).lock], { allowFailure: true });
  return r.exitCode === 1;
}

beforeAll(async () => {
  material = await writeSshMaterial({
    privateKey: readFileSync(env.SANDBOX_SSH_KEY!, 'utf8'),
    knownHosts: readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8'),
    targets: [target],
    log: recordingLog(),
  });
});

afterAll(async () => {
  if (!existsSync(material.privateKeyFile))
    copyFileSync(env.SANDBOX_SSH_KEY!, material.privateKeyFile);
  const s = await session();
  for (const app of [`${base}-a`, `${base}-b`]) {
    for (const label of [app, `${app}-pre`]) {
      const all = await s.run(['docker', 'ps', '-aq', '--filter', `label=tg-devops.app=${label}`]);
      const ids = all.stdout.split('\n').filter(Boolean);
      if (ids.length) await s.run(['docker', 'rm', '-f', ...ids]);
    }
    await s.run(['rm', '-rf', `${env.SANDBOX_STATE_BASE}/${app}`]);
  }
  for (const x of sessions) await x.close().catch(() => undefined);
  removeSshMaterial(material.dir, { controlDir: material.controlDir });
});

test('killed while a command is in flight: the run reconnects, rolls back and is audited; the next run converges (acceptance 7)', async () => {
  const app = `${base}-a`;
  const ports = '22300,22301';
  const s = await session();
  await deploy(
    buildConfig(inputs(app, ports, env.SANDBOX_IMAGE_WEB_V1!)),
    deps(s, '20260301-000001'),
  );
  expect(await running(s, app)).toEqual([`${app}-20260301-000001`]);

  const opened = s.stats.connectionsOpened;
  const kill = killingLog(() => s, /pre-deploy \| tg-kill-here/);
  const cut = await deploy(
    buildConfig(
      inputs(app, ports, env.SANDBOX_IMAGE_WEB_V2!, {
        'pre-deploy': 'sh -c "echo tg-kill-here; sleep 8; echo migrated"',
      }),
    ),
    { ...deps(s, '20260301-000002'), log: kill.log },
  ).catch((e: unknown) => e);
  expect(kill.killed()).toBeGreaterThan(0);
  console.log(
    `killed master ${kill.killed()} mid pre-deploy; rolled back ${kill.sinceKill()} ms after the kill, ${s.stats.connectionsOpened - opened} new connection(s): ${String(cut)}`,
  );
  // the in-flight command was lost with the connection, not failed by the command itself
  expect(String(cut)).toMatch(/step \d+ \(pre-deploy.*connection/i);
  expect(kill.log.text()).not.toContain('pre-deploy | migrated');
  // the session noticed the dead master and opened a new, verified one for the undo and audit
  expect(s.stats.connectionsOpened).toBeGreaterThan(opened);
  expect(await running(s, app)).toEqual([`${app}-20260301-000001`]);
  expect(await lockFree(s, app)).toBe(true);
  // the one-off migration container outlived its connection: the error says so
  expect(await running(s, `${app}-pre`)).toEqual([`${app}-20260301-000002-pre`]);
  expect(String(cut)).toContain(
    `its container ${app}-20260301-000002-pre is still running on the host: the next deploy waits for it`,
  );

  // the next run never starts a second migration beside it: it waits for it (up to lock-timeout)
  const log = recordingLog();
  const next = await deploy(
    buildConfig(
      inputs(app, ports, env.SANDBOX_IMAGE_WEB_V2!, {
        'pre-deploy': 'echo migrated',
        'lock-timeout': '60',
      }),
    ),
    { ...deps(s, '20260301-000003'), log },
  );
  expect(next.result?.ok).toBe(true);
  expect(log.text()).toContain(
    `the pre-deploy container ${app}-20260301-000002-pre of an earlier run is still running`,
  );
  expect(log.text()).toMatch(/-20260301-000002-pre (finished with exit code 0|is gone)/);
  expect(log.text().indexOf('20260301-000002-pre of an earlier run')).toBeLessThan(
    log.text().indexOf('pre-deploy | migrated'),
  );
  expect(await running(s, `${app}-pre`)).toEqual([]);
  expect(await running(s, app)).toEqual([`${app}-20260301-000003`]);
  const state = await hostPrimitives.readState(s, paths(app));
  expect(state.current).toMatchObject({
    id: '20260301-000003',
    container: `${app}-20260301-000003`,
    image: env.SANDBOX_IMAGE_WEB_V2,
  });
  expect(state.previous?.id).toBe('20260301-000001');
  expect(await lockFree(s, app)).toBe(true);
  const audit = await readAudit(s, paths(app));
  expect(audit.map((a) => [a.release, a.result])).toEqual([
    ['20260301-000001', 'success'],
    ['20260301-000002', 'rolled-back'],
    ['20260301-000003', 'success'],
  ]);
  expect(audit[1]!.detail).toMatch(/connection/i);
});

test('killed in the post-switch window with no way back: the stray container and the lock stay; the next run takes over and converges (acceptance 7)', async () => {
  const app = `${base}-b`;
  const ports = '22302,22303';
  const s = await session();
  await deploy(
    buildConfig(inputs(app, ports, env.SANDBOX_IMAGE_WEB_V1!)),
    deps(s, '20260301-000011'),
  );

  // A slow check in the window (like a large docker logs read): the kill lands while it runs.
  const slowCheck: Gate = async (ctx) => {
    await ctx.exec.run(['sh', '-c', 'echo tg-kill-window; sleep 10'], {
      onLine: (line) => ctx.log.info(`slow check | ${line}`),
    });
    return { name: 'slow-check', ok: true, evidence: 'done' };
  };
  const kill = killingLog(() => s, /slow check \| tg-kill-window/);
  const original = kill.log.info;
  kill.log.info = (message: string) => {
    original(message);
    // as when the runner dies: no new connection can be made after the kill
    if (kill.killed()) rmSync(material.privateKeyFile, { force: true });
  };
  const cut = await deploy(buildConfig(inputs(app, ports, env.SANDBOX_IMAGE_WEB_V2!)), {
    ...deps(s, '20260301-000012'),
    log: kill.log,
    extraGates: [slowCheck],
    lockTtlSeconds: 3,
  }).catch((e: unknown) => e);
  expect(kill.killed()).toBeGreaterThan(0);
  expect(String(cut)).toMatch(/connection|refused|Permission denied|Identity file/i);
  expect(kill.log.text()).toMatch(/undo failed/);
  // it does not claim a rollback it could not do
  expect(String(cut)).toMatch(/NOT rolled back: \d+ undo step\(s\) failed/);
  console.log(
    `killed master ${kill.killed()} in the window, key gone; gave up ${kill.sinceKill()} ms after the kill: ${String(cut)}`,
  );

  copyFileSync(env.SANDBOX_SSH_KEY!, material.privateKeyFile);
  const s2 = await session();
  // what the killed run left: both containers, the lock, the old state
  expect(await running(s2, app)).toEqual([`${app}-20260301-000011`, `${app}-20260301-000012`]);
  expect(await lockFree(s2, app)).toBe(false);
  expect((await hostPrimitives.readState(s2, paths(app))).current?.id).toBe('20260301-000011');

  await new Promise((r) => setTimeout(r, 4000)); // the stale lock's TTL passes
  const log = recordingLog();
  const next = await deploy(
    buildConfig(inputs(app, ports, env.SANDBOX_IMAGE_WEB_V2!, { 'lock-timeout': '10' })),
    { ...deps(s2, '20260301-000013'), log },
  );
  expect(next.result?.ok).toBe(true);
  expect(log.text()).toMatch(/took over a stale deploy lock/);
  expect(await running(s2, app)).toEqual([`${app}-20260301-000013`]);
  const state = await hostPrimitives.readState(s2, paths(app));
  expect(state.current?.id).toBe('20260301-000013');
  expect(await lockFree(s2, app)).toBe(true);
  const audit = await readAudit(s2, paths(app));
  expect(audit.map((a) => a.release)).toEqual(
    expect.arrayContaining(['20260301-000011', '20260301-000013']),
  );
  expect(audit.at(-1)).toMatchObject({ release: '20260301-000013', result: 'success' });
});
