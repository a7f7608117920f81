/**
 * Acceptance 2, 3 and 4 at the engine level, for real: the sandbox's dockerd and registry, the
 * webbot test images, a private nginx + HAProxy (tests/helpers/proxy-stack.ts: the shared ones
 * are reloaded by other engineers' tests), and continuous load from a second process with
 * fresh-connection AND keep-alive clients through nginx -> HAProxy -> the colors.
 *
 *  2. blue-green v1 -> v2 under load: 0 failed requests in both modes; afterwards only v2 answers
 *  4. a broken v2 (its /health answers 500): no switch, v1 keeps serving with 0 failures, and the
 *     deploy fails naming the gate
 *  3. a canary 10/50/100: the split measured at each step is within +-3 points
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { systemClock } from '../../src/clock.js';
import { buildConfig, type RawDeployInputs } from '../../src/deploy/config.js';
import { deploy, DeployError } from '../../src/deploy/engine.js';
import { hostPrimitives } from '../../src/deploy/ports.js';
import { localExecutor } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import { createProxy, type TrafficProxy } from '../../src/proxy/index.js';
import {
  describe as describeLoad,
  runLoad,
  startLoad,
  window,
  type LoadRun,
} from '../helpers/load.js';
import {
  asUser,
  startHaproxy,
  startNginx,
  type Haproxy,
  type Nginx,
} from '../helpers/proxy-stack.js';
import { sandboxEnv } from '../helpers/sandbox.js';

jest.setTimeout(300_000);
const PORTS = { blue: 21340, green: 21341, frontend: 21350, nginx: 21360, haproxyHealth: 21361 };
const RATE = 40; // per mode: the busybox bot forks a shell per request on a shared 2-core machine
const env = sandboxEnv();
const exec = asUser('tgdeploy', localExecutor({ env: { DOCKER_HOST: env.DOCKER_HOST } }));
const app = `deploy-bg-${process.pid}`;
let nginx: Nginx;
let haproxy: Haproxy;
let proxy: TrafficProxy;
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
    'gate-window': '2',
    'drain-seconds': '3',
    'stop-grace': '5',
    'health-timeout': '15',
    'step-interval': '1',
    'lock-timeout': '30',
    ...extra,
  };
}

const deps = (extra: Partial<Parameters<typeof deploy>[1]> = {}) => ({
  exec,
  host: hostPrimitives,
  proxy,
  clock: systemClock,
  log: recordingLog(),
  holder: { runId: `${process.pid}`, actor: 'deploy-test' },
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
  const loads: LoadRun[] = (['fresh', 'keepalive'] as const).map((mode) =>
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

beforeAll(async () => {
  nginx = await startNginx(PORTS.nginx, 'tg-deploytest-nginx-');
  haproxy = await startHaproxy(PORTS.haproxyHealth, 'tg-deploytest-haproxy-');
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
  // acceptance 1 for a webhook bot: the first deploy onto an empty host sets the proxy up
  const first = await deploy(
    buildConfig(inputs(env.SANDBOX_IMAGE_WEB_V1!)),
    deps({ releaseId: '20260101-000001' }),
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
  await exec.run(['rm', '-rf', `${env.SANDBOX_STATE_BASE}/${app}`], { allowFailure: true });
  await nginx?.stop();
  await haproxy?.stop();
});

test('blue-green v1 -> v2 under load: 0 failed requests (fresh and keep-alive), then only v2 (acceptance 2)', async () => {
  const { outcome, endedAt, reports } = await underLoad(() =>
    deploy(buildConfig(inputs(env.SANDBOX_IMAGE_WEB_V2!)), deps({ releaseId: '20260101-000002' })),
  );
  expect(outcome).not.toBeInstanceOf(Error);
  for (const r of reports) {
    expect({ mode: r.mode, failed: r.failed, errors: r.errors }).toEqual({
      mode: r.mode,
      failed: 0,
      errors: {},
    });
    expect(r.sent).toBeGreaterThan(RATE * 3);
    expect(r.versions.v1).toBeGreaterThan(0);
    expect(Object.keys(window(r, endedAt, Number.MAX_SAFE_INTEGER).versions)).toEqual(['v2']);
  }
  expect(await containers()).toEqual([
    `${app}-20260101-000001 exited`,
    `${app}-20260101-000002 running`,
  ]);
  expect((await proxy.current(exec)).filter((b) => b.weight > 0)).toEqual([
    { color: 'green', port: PORTS.green, weight: 100 },
  ]);
});

test('a broken release: no switch, the current one serves with 0 failures, the gate is named (acceptance 4)', async () => {
  const { outcome, reports } = await underLoad(() =>
    deploy(
      buildConfig(inputs(env.SANDBOX_IMAGE_WEB_BROKEN!, { 'health-timeout': '4' })),
      deps({ releaseId: '20260101-000003' }),
    ),
  );
  expect(outcome).toBeInstanceOf(DeployError);
  expect((outcome as DeployError).gate).toBe('http-health');
  expect((outcome as Error).message).toMatch(
    /health-gate .*gate http-health failed: GET http:\/\/127\.0\.0\.1:21340\/health -> 500/,
  );
  for (const r of reports) {
    expect({ mode: r.mode, failed: r.failed }).toEqual({ mode: r.mode, failed: 0 });
    expect(Object.keys(r.versions)).toEqual(['v2']);
  }
  expect(await containers()).toEqual([
    `${app}-20260101-000001 exited`,
    `${app}-20260101-000002 running`,
  ]);
  const state = await hostPrimitives.readState(
    exec,
    hostPrimitives.appPaths(env.SANDBOX_STATE_BASE!, app),
  );
  expect(state.current?.id).toBe('20260101-000002');
});

test('canary 10/50/100: the measured split at each step is within 3 points (acceptance 3)', async () => {
  const measured: Record<number, number> = {};
  const report = await deploy(
    buildConfig(inputs(env.SANDBOX_IMAGE_WEB_V2!, { strategy: 'canary', env: 'APP_VERSION=v3\n' })),
    deps({
      releaseId: '20260101-000004',
      hooks: {
        afterStep: async (step) => {
          const weight = /^route-(\d+)$/.exec(step.id)?.[1];
          if (!weight || weight === '100') return;
          const r = await runLoad({
            url,
            rate: 100,
            mode: 'keepalive',
            connections: 4,
            count: 400,
          });
          expect(r.failed).toBe(0);
          measured[Number(weight)] = (100 * (r.versions.v3 ?? 0)) / r.ok;
        },
      },
    }),
  );
  expect(report.result?.ok).toBe(true);
  console.log(`canary split measured: ${JSON.stringify(measured)}`);
  expect(Object.keys(measured)).toEqual(['10', '50']);
  expect(Math.abs(measured[10]! - 10)).toBeLessThanOrEqual(3);
  expect(Math.abs(measured[50]! - 50)).toBeLessThanOrEqual(3);
  const after = await runLoad({ url, rate: 100, mode: 'fresh', count: 100 });
  expect(after.versions).toEqual({ v3: 100 });
});
