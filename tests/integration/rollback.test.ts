/**
 * Automatic and manual rollback, for real: the sandbox's dockerd and registry, the webbot images,
 * a private nginx + HAProxy (tests/helpers/proxy-stack.ts), and continuous load from a second
 * process, fresh-connection AND keep-alive, through nginx -> HAProxy -> the colors.
 *
 *  1. blue-green v1 -> a v2 that passes its start gate (/health 200) but answers 500 on every
 *     webhook (ERROR_RATE=100): the post-switch window's extra gate (an HTTP check on the public
 *     URL, src/health, through windowGate) fails, the engine routes back to v1 (still running
 *     during the window), stops and removes v2; the audit names the check; every response after
 *     it is v1; the app's own 500s are counted and reported apart from connection errors (0).
 *  2. the rollback action's engine (src/rollback): back to `previous` under load, 0 failures.
 *  3. back to a NAMED release that is not the previous one, under load, 0 failures; state and
 *     audit record it; a refusal (the current release) changes nothing.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { systemClock } from '../../src/clock.js';
import { buildConfig, type RawDeployInputs } from '../../src/deploy/config.js';
import { deploy, DeployError } from '../../src/deploy/engine.js';
import { hostPrimitives } from '../../src/deploy/ports.js';
import { localExecutor } from '../../src/exec.js';
import { httpCheck } from '../../src/health/http.js';
import { readAudit } from '../../src/host/state.js';
import { recordingLog } from '../../src/log.js';
import { createProxy, type RemovableProxy } from '../../src/proxy/index.js';
import { rollback } from '../../src/deploy/engine.js';
import type { RollbackSettings } from '../../src/deploy/rollback-plan.js';
import { windowGate } from '../../src/deploy/window.js';
import { describe as describeLoad, startLoad, window, type LoadReport } from '../helpers/load.js';
import {
  asUser,
  startHaproxy,
  startNginx,
  type Haproxy,
  type Nginx,
} from '../helpers/proxy-stack.js';
import { sandboxEnv } from '../helpers/sandbox.js';

jest.setTimeout(400_000);
const PORTS = {
  blue: 22001,
  green: 22002,
  frontend: 22010,
  nginx: 22020,
  haproxyHealth: 22021,
  handBlue: 22003,
  handGreen: 22004,
};
const RATE = 40; // per mode: the busybox bot forks a shell per request on a shared 2-core machine
const env = sandboxEnv();
const exec = asUser('tgdeploy', localExecutor({ env: { DOCKER_HOST: env.DOCKER_HOST } }));
const app = `rollback-${process.pid}`;
const paths = hostPrimitives.appPaths(env.SANDBOX_STATE_BASE!, app);
let nginx: Nginx;
let haproxy: Haproxy;
let proxy: RemovableProxy;
let url: string;

function inputs(image: string, extra: Partial<RawDeployInputs> = {}): RawDeployInputs {
  return {
    app,
    image,
    'bot-mode': 'webhook',
    'health-path': '/health',
    'host-ports': `${PORTS.blue},${PORTS.green}`,
    proxy: 'haproxy',
    registry: env.SANDBOX_REGISTRY,
    'registry-username': env.SANDBOX_REGISTRY_USER,
    'registry-password': env.SANDBOX_REGISTRY_PASSWORD,
    'state-dir': env.SANDBOX_STATE_BASE,
    'gate-window': '5',
    'drain-seconds': '3',
    'stop-grace': '5',
    'health-timeout': '15',
    'lock-timeout': '30',
    ...extra,
  };
}

const holder = { runId: `${process.pid}`, actor: 'rollback-test' };
const deps = (extra: Partial<Parameters<typeof deploy>[1]> = {}) => ({
  exec,
  host: hostPrimitives,
  proxy,
  clock: systemClock,
  log: recordingLog(),
  holder,
  ...extra,
});

const settings = (extra: Partial<RollbackSettings> = {}): RollbackSettings => ({
  app,
  stateBase: env.SANDBOX_STATE_BASE!,
  force: false,
  dryRun: false,
  healthPath: '/health',
  stopGraceSeconds: 5,
  healthTimeoutSeconds: 15,
  drainSeconds: 3,
  gateWindowSeconds: 2,
  lockTimeoutSeconds: 30,
  ...extra,
});

async function containers(): Promise<string[]> {
  const out = await exec.run([
    'docker',
    'ps',
    '-a',
    '--filter',
    `label=tg-devops.app=${app}`,
    '--format',
    '{{.Names}} {{.State}}',
  ]);
  return out.stdout.split('\n').filter(Boolean).sort();
}

async function underLoad<T>(body: () => Promise<T>) {
  const loads = (['fresh', 'keepalive'] as const).map((mode) =>
    startLoad({ url, rate: RATE, mode, connections: 4, maxDurationMs: 180_000 }),
  );
  await Promise.all(loads.map((l) => l.ready));
  await new Promise((r) => setTimeout(r, 1000));
  let outcome: T | unknown;
  try {
    outcome = await body();
  } catch (error) {
    outcome = error;
  }
  const endedAt = Date.now();
  await new Promise((r) => setTimeout(r, 1500));
  const reports = await Promise.all(loads.map((l) => l.stop()));
  for (const r of reports) console.log(describeLoad(r));
  return { outcome, endedAt, reports };
}

/** The app's own answers (HTTP 500 from the bot) apart from what the path lost. */
function split(r: LoadReport): { appErrors: number; connectionErrors: Record<string, number> } {
  const connectionErrors = { ...r.errors };
  const appErrors = connectionErrors['HTTP 500'] ?? 0;
  delete connectionErrors['HTTP 500'];
  return { appErrors, connectionErrors };
}

beforeAll(async () => {
  nginx = await startNginx(PORTS.nginx, 'tg-rollbacktest-nginx-');
  haproxy = await startHaproxy(PORTS.haproxyHealth, 'tg-rollbacktest-haproxy-');
  proxy = createProxy({
    kind: 'haproxy',
    app,
    nginx: {
      confDir: nginx.confDir,
      testCommand: nginx.testCommand,
      reloadCommand: nginx.reloadCommand,
    },
    haproxy: {
      socket: haproxy.socket,
      configFile: haproxy.configFile,
      reloadCommand: haproxy.reloadCommand,
      frontendPort: PORTS.frontend,
    },
  });
  const first = await deploy(
    buildConfig(inputs(env.SANDBOX_IMAGE_WEB_V1!)),
    deps({ releaseId: '20260201-000001' }),
  );
  expect(first.result?.ok).toBe(true);
  await nginx.addLocation(
    exec,
    `tg-${app}`,
    `location /${app}/ {\n    proxy_pass http://tg_${app}/;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n}\n`,
  );
  url = `${nginx.url}/${app}/webhook`;
});

afterAll(async () => {
  for (const line of await containers().catch(() => []))
    await exec.run(['docker', 'rm', '-f', line.split(' ')[0]!], { allowFailure: true });
  await exec.run(['rm', '-rf', paths.dir], { allowFailure: true });
  await nginx?.stop();
  await haproxy?.stop();
});

test('blue-green v1 -> v2 failing in the window: automatic rollback, v1 serves again, the failed requests are reported', async () => {
  // The check a verify step would run: the public URL answers 200. /health of v2 stays 200,
  // so v2 passes its start gate and fails only once it takes traffic.
  const check = httpCheck(
    { name: 'webhook-200', url: `${nginx.url}/${app}/`, status: ['200'], timeoutMs: 3000 },
    { fetch, clock: systemClock },
  );
  let failedAt: number | undefined;
  const gate = windowGate(check, {
    onVerdict: (r, at) => {
      if (!r.ok) failedAt ??= at;
    },
  });
  const { outcome, endedAt, reports } = await underLoad(() =>
    deploy(
      buildConfig(inputs(env.SANDBOX_IMAGE_WEB_V2!, { env: 'ERROR_RATE=100\n' })),
      deps({ releaseId: '20260201-000002', extraGates: [gate] }),
    ),
  );
  expect(outcome).toBeInstanceOf(DeployError);
  const error = outcome as DeployError;
  expect(error.gate).toBe('webhook-200');
  expect(error.message).toMatch(
    /watch .* after the switch.*gate webhook-200 failed: fail: HTTP .*500.*; rolled back to 20260201-000001/,
  );
  expect(failedAt).toBeDefined();
  const undone = error.report.result!.records.filter((r) => r.status === 'undone').map((r) => r.id);
  expect(undone).toEqual(['undo-route-100', 'undo-start', 'undo-create']);

  let appErrors = 0;
  for (const r of reports) {
    const s = split(r);
    appErrors += s.appErrors;
    console.log(
      `${r.mode}: v2 answered ${s.appErrors} request(s) with its own 500 during the window; connection errors ${JSON.stringify(s.connectionErrors)}`,
    );
    expect(s.connectionErrors).toEqual({});
    expect(r.versions.v1).toBeGreaterThan(0);
    // from the failed verdict on, within the undo, traffic goes back; after the deploy returned,
    // every answer is v1 and none failed
    const after = window(r, endedAt, Number.MAX_SAFE_INTEGER);
    expect(after.sent).toBeGreaterThan(0);
    expect({ versions: Object.keys(after.versions), failed: after.failed }).toEqual({
      versions: ['v1'],
      failed: 0,
    });
  }
  console.log(`automatic rollback: ${appErrors} failed request(s) in total (the app's own 500s)`);
  expect(appErrors).toBeGreaterThan(0); // v2 really took traffic and failed it: the case is real

  expect(await containers()).toEqual([`${app}-20260201-000001 running`]);
  expect((await proxy.current(exec)).filter((b) => b.weight > 0)).toEqual([
    { color: 'blue', port: PORTS.blue, weight: 100 },
  ]);
  const state = await hostPrimitives.readState(exec, paths);
  expect(state.current?.id).toBe('20260201-000001');
  const audit = await readAudit(exec, paths);
  expect(audit.at(-1)).toMatchObject({
    action: 'deploy blue-green',
    release: '20260201-000002',
    result: 'rolled-back',
    actor: 'rollback-test',
  });
  expect(audit.at(-1)!.detail).toMatch(/gate webhook-200 failed/);
});

test('rollback to the previous release under load: 0 failed requests, then only the old version', async () => {
  for (const [id, extra] of [
    ['20260201-000003', {}],
    ['20260201-000004', { env: 'APP_VERSION=v3\n' }],
  ] as const) {
    const r = await deploy(
      buildConfig(inputs(env.SANDBOX_IMAGE_WEB_V2!, extra)),
      deps({ releaseId: id }),
    );
    expect(r.result?.ok).toBe(true);
  }
  expect(await containers()).toEqual([
    `${app}-20260201-000001 exited`,
    `${app}-20260201-000003 exited`,
    `${app}-20260201-000004 running`,
  ]);
  const log = recordingLog();
  const { outcome, endedAt, reports } = await underLoad(() =>
    rollback(settings({ reason: 'manual rollback by rollback-test' }), { ...deps(), log }),
  );
  expect(outcome).not.toBeInstanceOf(Error);
  expect(outcome).toMatchObject({ mode: 'proxy', plan: { to: { id: '20260201-000003' } } });
  for (const r of reports) {
    expect({ mode: r.mode, failed: r.failed, errors: r.errors }).toEqual({
      mode: r.mode,
      failed: 0,
      errors: {},
    });
    expect(r.versions.v3).toBeGreaterThan(0);
    expect(Object.keys(window(r, endedAt, Number.MAX_SAFE_INTEGER).versions)).toEqual(['v2']);
  }
  expect(await containers()).toEqual([
    `${app}-20260201-000001 exited`,
    `${app}-20260201-000003 running`,
    `${app}-20260201-000004 exited`,
  ]);
  const state = await hostPrimitives.readState(exec, paths);
  expect([state.current?.id, state.previous?.id]).toEqual(['20260201-000003', '20260201-000004']);
});

test('rollback to a named release (not the previous one) under load; refusals change nothing', async () => {
  const { outcome, endedAt, reports } = await underLoad(() =>
    rollback(settings({ to: '20260201-000001' }), deps()),
  );
  expect(outcome).not.toBeInstanceOf(Error);
  for (const r of reports) {
    expect({ mode: r.mode, failed: r.failed, errors: r.errors }).toEqual({
      mode: r.mode,
      failed: 0,
      errors: {},
    });
    expect(Object.keys(window(r, endedAt, Number.MAX_SAFE_INTEGER).versions)).toEqual(['v1']);
  }
  const state = await hostPrimitives.readState(exec, paths);
  expect([state.current?.id, state.previous?.id]).toEqual(['20260201-000001', '20260201-000003']);
  const audit = (await readAudit(exec, paths)).filter((e) => e.action === 'rollback');
  expect(audit.map((e) => [e.release, e.result, e.detail])).toEqual([
    ['20260201-000003', 'success', 'from 20260201-000004; manual rollback by rollback-test'],
    ['20260201-000001', 'success', 'from 20260201-000003'],
  ]);

  // refused before any change: the current release, and an id the host does not know
  const entries = (await readAudit(exec, paths)).length;
  await expect(rollback(settings({ to: '20260201-000001' }), deps())).rejects.toThrow(
    /is the current release already/,
  );
  await expect(rollback(settings({ to: '20260201-000002' }), deps())).rejects.toThrow(
    /release 20260201-000002 is not in the host's history/,
  );
  expect(await containers()).toEqual([
    `${app}-20260201-000001 running`,
    `${app}-20260201-000003 exited`,
    `${app}-20260201-000004 exited`,
  ]);
  expect(await readAudit(exec, paths)).toHaveLength(entries); // nothing new
});

test('canary failing at its first step: everything goes back to the old color (the canary weight 0), the canary is removed', async () => {
  const check = httpCheck(
    {
      name: 'canary-200',
      url: `http://127.0.0.1:${PORTS.green}/`,
      status: ['200'],
      timeoutMs: 3000,
    },
    { fetch, clock: systemClock },
  );
  const { outcome, endedAt, reports } = await underLoad(() =>
    deploy(
      buildConfig(
        inputs(env.SANDBOX_IMAGE_WEB_V2!, {
          strategy: 'canary',
          'canary-steps': '10,50,100',
          'step-interval': '1',
          env: 'ERROR_RATE=100\n',
        }),
      ),
      deps({ releaseId: '20260201-000005', extraGates: [windowGate(check)] }),
    ),
  );
  expect(outcome).toBeInstanceOf(DeployError);
  expect((outcome as DeployError).gate).toBe('canary-200');
  expect((outcome as Error).message).toMatch(/hold 10% .*gate canary-200 failed/);
  for (const r of reports) {
    expect(split(r).connectionErrors).toEqual({});
    const after = window(r, endedAt, Number.MAX_SAFE_INTEGER);
    expect({ versions: Object.keys(after.versions), failed: after.failed }).toEqual({
      versions: ['v1'],
      failed: 0,
    });
  }
  const routed = await proxy.current(exec);
  expect(routed.filter((b) => b.weight > 0)).toEqual([
    { color: 'blue', port: PORTS.blue, weight: 100 },
  ]);
  expect(routed.filter((b) => b.color === 'green').every((b) => b.weight === 0)).toBe(true);
  expect((await containers()).filter((c) => c.includes('000005'))).toEqual([]);
});

test('handover failing in its window: the new container is stopped before the old one starts again', async () => {
  const happ = `${app}-h`;
  const hpaths = hostPrimitives.appPaths(env.SANDBOX_STATE_BASE!, happ);
  const hports = `${PORTS.handBlue},${PORTS.handGreen}`;
  const cfg = (image: string, extra: Partial<RawDeployInputs> = {}) =>
    buildConfig(
      inputs(image, {
        app: happ,
        strategy: 'handover',
        proxy: 'none',
        'host-ports': hports,
        ...extra,
      }),
    );
  try {
    const first = await deploy(
      cfg(env.SANDBOX_IMAGE_WEB_V1!),
      deps({ releaseId: '20260201-000011' }),
    );
    expect(first.result?.ok).toBe(true);
    const check = httpCheck(
      {
        name: 'v2-200',
        url: `http://127.0.0.1:${PORTS.handGreen}/`,
        status: ['200'],
        timeoutMs: 3000,
      },
      { fetch, clock: systemClock },
    );
    const error = await deploy(
      cfg(env.SANDBOX_IMAGE_WEB_V2!, { env: 'ERROR_RATE=100\n' }),
      deps({ releaseId: '20260201-000012', extraGates: [windowGate(check)] }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployError);
    expect((error as DeployError).gate).toBe('v2-200');
    const undone = (error as DeployError).report
      .result!.records.filter((r) => r.status === 'undone')
      .map((r) => r.id);
    expect(undone).toEqual(['undo-start', 'undo-stop-old', 'undo-create']);
    const answer = await fetch(`http://127.0.0.1:${PORTS.handBlue}/`);
    expect([answer.status, (await answer.text()).trim()]).toEqual([200, 'webbot v1']);
    const audit = await readAudit(exec, hpaths);
    expect(audit.at(-1)).toMatchObject({ release: '20260201-000012', result: 'rolled-back' });
    expect(audit.at(-1)!.detail).toMatch(/gate v2-200 failed/);
  } finally {
    const ids = (
      await exec.run(['docker', 'ps', '-aq', '--filter', `label=tg-devops.app=${happ}`])
    ).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length) await exec.run(['docker', 'rm', '-f', ...ids], { allowFailure: true });
    await exec.run(['rm', '-rf', hpaths.dir], { allowFailure: true });
  }
});
