import { systemClock } from '../../src/clock.js';
import { localExecutor } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import { buildConfig, type RawDeployInputs } from '../../src/deploy/config.js';
import { deploy, DeployError } from '../../src/deploy/engine.js';
import { hostPrimitives } from '../../src/deploy/ports.js';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';
import { sandboxEnv } from '../helpers/sandbox.js';

/**
 * Acceptance 1 and 5 against the real sandbox dockerd and registry: a polling bot deployed onto
 * an empty host, then handed over v1 -> v2 with 0 getUpdates conflicts and the gap reported; a
 * control run that starts a second poller on purpose proves the conflict counter counts.
 */
import { jest } from '@jest/globals';
jest.setTimeout(180_000);
const env = sandboxEnv();
const exec = localExecutor({ env: { DOCKER_HOST: env.DOCKER_HOST } });
const app = `deploy-hand-${process.pid}`;
const TOKEN = '123456:deploy-handover-token';
let telegram: FakeTelegram;

function inputs(image: string, extra: Partial<RawDeployInputs> = {}): RawDeployInputs {
  return {
    app,
    image,
    'bot-mode': 'polling',
    network: 'host',
    env: `BOT_TOKEN=${TOKEN}\nTELEGRAM_API_URL=${telegram.url}\nPOLL_TIMEOUT=3\n`,
    registry: env.SANDBOX_REGISTRY,
    'registry-username': env.SANDBOX_REGISTRY_USER,
    'registry-password': env.SANDBOX_REGISTRY_PASSWORD,
    'state-dir': `${env.SANDBOX_STATE_BASE}`,
    'gate-window': '4',
    'stop-grace': '5',
    'lock-timeout': '30',
    ...extra,
  };
}

const deps = (log = recordingLog()) => ({
  exec,
  host: hostPrimitives,
  clock: systemClock,
  log,
  holder: { runId: `${process.pid}`, actor: 'deploy-test' },
});

async function appContainers(): Promise<{ name: string; state: string }[]> {
  const out = await exec.run([
    'docker',
    'ps',
    '-a',
    '--filter',
    `label=tg-devops.app=${app}`,
    '--format',
    '{{.Names}} {{.State}}',
  ]);
  return out.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ name: l.split(' ')[0]!, state: l.split(' ')[1]! }));
}

beforeAll(async () => {
  telegram = await startFakeTelegram({ port: 21310, token: TOKEN, maxPollSeconds: 3 });
});

afterAll(async () => {
  for (const c of await appContainers())
    await exec.run(['docker', 'rm', '-f', c.name], { allowFailure: true });
  await exec.run(['docker', 'rm', '-f', `${app}-overlap`], { allowFailure: true });
  await exec.run(['rm', '-rf', `${env.SANDBOX_STATE_BASE}/${app}`]);
  await telegram.close();
});

const waitFor = async (what: () => boolean, seconds: number) => {
  for (let i = 0; i < seconds * 10 && !what(); i++) await new Promise((r) => setTimeout(r, 100));
  return what();
};

it('deploys a polling bot onto an empty host (acceptance 1)', async () => {
  const log = recordingLog();
  const report = await deploy(buildConfig(inputs(env.SANDBOX_IMAGE_POLL_V1!)), {
    ...deps(log),
    releaseId: '20260101-000001',
  });
  expect(report.result?.ok).toBe(true);
  expect(report.plan.current).toBeUndefined();
  const containers = await appContainers();
  expect(containers).toEqual([{ name: `${app}-20260101-000001`, state: 'running' }]);
  expect(await waitFor(() => telegram.requests.some((r) => r.method === 'getUpdates'), 10)).toBe(
    true,
  );
  const state = await hostPrimitives.readState(
    exec,
    hostPrimitives.appPaths(env.SANDBOX_STATE_BASE!, app),
  );
  expect(state.current?.image).toBe(env.SANDBOX_IMAGE_POLL_V1);
  // the env file holds the token, written 0600
  const mode = await exec.run(['stat', '-c', '%a', `${env.SANDBOX_STATE_BASE}/${app}/app.env`]);
  expect(mode.stdout.trim()).toBe('600');
  expect(log.text()).not.toContain(TOKEN.split(':')[1]);
});

it('hands a polling bot over v1 -> v2 with no conflicts and reports the gap (acceptance 5)', async () => {
  const update = telegram.push('before the handover');
  expect(await waitFor(() => telegram.delivered().includes(update.update_id), 10)).toBe(true);
  const conflictsBefore = telegram.conflicts();
  const from = Date.now();
  const report = await deploy(buildConfig(inputs(env.SANDBOX_IMAGE_POLL_V2!)), {
    ...deps(),
    releaseId: '20260101-000002',
  });
  expect(report.result?.ok).toBe(true);
  expect(report.facts.gapMs).toBeGreaterThanOrEqual(0);
  const after = telegram.push('after the handover');
  expect(await waitFor(() => telegram.delivered().includes(after.update_id), 10)).toBe(true);
  expect(telegram.conflicts() - conflictsBefore).toBe(0);
  // both versions polled during the run, one after the other
  const during = telegram.requests.filter((r) => r.startedAt >= from && r.method === 'getUpdates');
  expect(during.length).toBeGreaterThan(1);
  const containers = await appContainers();
  expect(containers).toEqual(
    expect.arrayContaining([
      { name: `${app}-20260101-000002`, state: 'running' },
      { name: `${app}-20260101-000001`, state: 'exited' },
    ]),
  );
  const logs = await exec.run(['docker', 'logs', `${app}-20260101-000002`]);
  expect(logs.stdout).toContain('pollbot v2');
  console.log(
    `handover gap (docker timestamps): ${report.facts.gapMs} ms; longest poll gap seen by the Bot API: ${telegram.longestGapMs(from)} ms`,
  );
});

it('a deliberate overlap (control run) produces conflicts, and the gate catches it', async () => {
  // A second poller on the same token, outside the deploy: the kind of overlap handover avoids.
  const before = telegram.conflicts();
  await exec.run([
    'docker',
    'run',
    '-d',
    '--name',
    `${app}-overlap`,
    '--network',
    'host',
    '-e',
    `BOT_TOKEN=${TOKEN}`,
    '-e',
    `TELEGRAM_API_URL=${telegram.url}`,
    '-e',
    'POLL_TIMEOUT=3',
    env.SANDBOX_IMAGE_POLL_V1!,
  ]);
  expect(await waitFor(() => telegram.conflicts() - before >= 2, 20)).toBe(true);
  // a deploy now must not pass its gate: the new poller sees 409s in its own logs
  const error = await deploy(buildConfig(inputs(env.SANDBOX_IMAGE_POLL_V1!)), {
    ...deps(),
    releaseId: '20260101-000003',
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DeployError);
  expect((error as DeployError).gate).toBe('log-conflicts');
  expect((error as Error).message).toMatch(/gate log-conflicts failed: log line: .*409/);
  await exec.run(['docker', 'rm', '-f', `${app}-overlap`]);
  // rolled back: v2 runs again, the failed release is gone, the state still names v2
  const containers = await appContainers();
  expect(containers).toEqual(
    expect.arrayContaining([{ name: `${app}-20260101-000002`, state: 'running' }]),
  );
  expect(containers.map((c) => c.name)).not.toContain(`${app}-20260101-000003`);
  const state = await hostPrimitives.readState(
    exec,
    hostPrimitives.appPaths(env.SANDBOX_STATE_BASE!, app),
  );
  expect(state.current?.id).toBe('20260101-000002');
});
