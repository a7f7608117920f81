/**
 * Issue 14's held canary, through the deploy ACTION as a runner runs it (actions/deploy/index.ts,
 * INPUT_* with action.yml's defaults) over the sandbox's sshd, dockerd and registry (webbot
 * images), behind a private nginx front and HAProxy (its runtime API: the zero-loss path; nginx's
 * own reload resets are covered by acceptance.test.ts), under load from fresh-connection AND
 * kept-alive clients:
 *
 *  1. canary-hold: 10 holds v2 at 10%: about 10% of the requests reach v2 (a tolerant band, by
 *     counts) with 0 failed; the hold is in state.json, the lock is free, and a normal deploy and
 *     a rollback meanwhile are refused naming `resume` with nothing changed; then resume: promote
 *     takes v2 to 100% with 0 failed, v1 drained and stopped (kept), the audit says so;
 *  2. a second run: held at 10%, then resume: abort: back to v1 only with 0 failed, the canary
 *     removed, no hold left;
 *  3. a third run: hold-watch with a verify check that starts failing during the hold: the run
 *     aborts on its own (traffic back on v1, the canary removed), 0 failed requests;
 *  4. the same through the CLI: deploy --canary-hold 10, status shows the hold, a plain deploy is
 *     refused naming resume, deploy --resume promote.
 *
 * The held share is counted for each client kind, through the front and straight to the app's
 * HAProxy frontend, one client at a time (countWhileHeld says why). Counts, never milliseconds.
 * Apps cnh-*, ports 23800-23839 (each attempt of a retried test gets its own).
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEntry, type EntryResult } from '../helpers/action-entry.js';
import {
  audit,
  commandInput,
  containers,
  env,
  hostExec,
  hostState,
  lockHeld,
  registryInputs,
  removeApp,
  running,
  sshInputs,
} from '../helpers/deploy-host.js';
import {
  describe as describeLoad,
  startLoad,
  underLoad,
  type AroundOptions,
  type LoadReport,
} from '../helpers/load.js';
import { expectNoFailures as expectNoFailuresOf, expectOnlyAfter } from '../helpers/load-expect.js';
import {
  answerOnceReady,
  appLocation,
  startHaproxy,
  startNginx,
  type Haproxy,
  type Nginx,
} from '../helpers/proxy-stack.js';
import { ROOT } from '../helpers/repo.js';
import { startRuntimeRelay, type RuntimeRelay } from '../helpers/runtime-relay.js';

jest.setTimeout(600_000);
/** Per client kind (fresh and kept-alive): requests/s through the front. */
const RATE = 40;
const TIMEOUT_MS = 30_000;
const PORT = { nginx: 23800, haproxyHealth: 23801 };
const tag = `${process.pid % 100000}`;
let nginx: Nginx;
let haproxy: Haproxy;
let relay: RuntimeRelay;
const apps: string[] = [];
const locations: string[] = [];

beforeAll(async () => {
  nginx = await startNginx(PORT.nginx, 'tg-cnh-nginx-');
  haproxy = await startHaproxy(PORT.haproxyHealth, 'tg-cnh-haproxy-');
  // the deploy user reaches HAProxy's root-owned socket through the relay (no failure armed)
  relay = await startRuntimeRelay(haproxy.socket, join(haproxy.dir, 'relay.sock'));
}, 300_000);

afterAll(async () => {
  for (const location of locations) await removeLocation(location);
  for (const app of apps) await removeApp(app);
  await relay?.close();
  await nginx?.stop();
  await haproxy?.stop();
}, 300_000);

interface App {
  name: string;
  ports: [number, number];
  frontend: number;
  url: string;
}

let attempt = 0;
/** A fresh app and ports for each attempt (integration-retry: a first attempt may hold one). */
function newApp(short: string): App {
  const base = 23803 + 4 * attempt;
  const name = `cnh-${short}-${tag}-${++attempt}`;
  apps.push(name);
  return { name, ports: [base, base + 1], frontend: base + 2, url: `${nginx.url}/${name}/webhook` };
}

function deployInputs(app: App, image: string, extra: Record<string, string> = {}) {
  return {
    ...sshInputs(),
    ...registryInputs(),
    ...proxyInputs(app),
    app: app.name,
    image,
    'bot-mode': 'webhook',
    strategy: 'canary',
    'canary-steps': '5,10,50,100',
    'step-interval': '1',
    'health-path': '/health',
    'host-ports': app.ports.join(','),
    'gate-window': '2',
    'drain-seconds': '3',
    'stop-grace': '5',
    'health-timeout': '30',
    'lock-timeout': '60',
    ...extra,
  };
}

/** The private nginx front and HAProxy (through the relay), as both actions take them. */
function proxyInputs(app: App): Record<string, string> {
  return {
    proxy: 'haproxy',
    'nginx-conf-dir': nginx.confDir,
    'nginx-test-command': commandInput(nginx.testCommand),
    'nginx-reload-command': commandInput(nginx.reloadCommand),
    'haproxy-socket': relay.path,
    'haproxy-config': haproxy.configFile,
    'haproxy-reload-command': commandInput(haproxy.reloadCommand),
    'haproxy-check-command': '/usr/sbin/haproxy -c -q -f {config}',
    'haproxy-frontend-port': String(app.frontend),
  };
}

function ok(run: EntryResult): EntryResult {
  if (run.status !== 0)
    throw new Error(`the action failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run;
}

async function removeLocation(location: string): Promise<void> {
  const file = join(nginx.defaultDir, `${location}.conf`);
  if (existsSync(file)) await nginx.removeLocation(hostExec, location).catch(() => undefined);
}

/** v1 (a canary's first deploy is a blue-green), then the front's location for the app. */
async function firstDeploy(app: App): Promise<string> {
  const first = ok(await runEntry('deploy', deployInputs(app, env.SANDBOX_IMAGE_WEB_V1!)));
  const location = `tg-${app.name}`;
  locations.push(location);
  await nginx
    .addLocation(hostExec, location, appLocation(app.name))
    .catch(async (error: unknown) => {
      await removeLocation(location);
      throw error;
    });
  expect(await answerOnceReady(`${nginx.url}/${app.name}/`, '200 webbot v1')).toBe('200 webbot v1');
  return first.outputs['release-id']!;
}

/** Both client kinds, RATE requests/s each, through the front to the app's webhook. */
function loadOn(app: App): AroundOptions {
  return {
    url: app.url,
    name: app.name,
    rate: RATE,
    timeoutMs: TIMEOUT_MS,
    maxDurationMs: 400_000,
  };
}

/** None failed, and each client kind sent more than 2 s of RATE. */
function expectNoFailures(reports: LoadReport[]): void {
  expectNoFailuresOf(reports, RATE * 2);
}

/** Where and how a client reaches the held app, and what it saw. */
interface Seen {
  where: 'front' | 'HAProxy';
  report: LoadReport;
}

/**
 * While held: `count` requests from each client kind, through the front and straight to the
 * app's HAProxy frontend, ONE CLIENT AT A TIME. HAProxy balances every request, on a kept-alive
 * client connection too (renderBlock), and nginx opens a new connection to the frontend per
 * request: each client alone sees the held share. Clients sending at the same rate side by side
 * would not: roundrobin at 10% gives the canary every 10th request of the backend, and with four
 * clients' requests arriving in turn the 10th, 20th, 30th... fall on turns 2, 0, 2, 0: two
 * clients saw ~20% and two ~0%, their sum exactly 10% (measured: 119 of 1,200 twice; issue 14's
 * "0% for kept-alive clients through the front" was this aliasing, not a pinned connection).
 */
async function countWhileHeld(app: App, count: number): Promise<Seen[]> {
  const seen: Seen[] = [];
  const targets = [
    ['front', app.url],
    ['HAProxy', `http://127.0.0.1:${app.frontend}/webhook`],
  ] as const;
  for (const [where, url] of targets)
    for (const mode of ['fresh', 'keepalive'] as const) {
      const report = await startLoad({ url, rate: RATE, mode, count, timeoutMs: TIMEOUT_MS }).done;
      console.log(`${app.name} held, ${where}: ${describeLoad(report)}`);
      seen.push({ where, report });
    }
  return seen;
}

/** v1, then v2 held at 10% under load (0 failed); returns v1's and v2's release ids. */
async function holdAt10(app: App): Promise<{ v1: string; v2: string }> {
  const v1 = await firstDeploy(app);
  const held = await underLoad(loadOn(app), () =>
    runEntry('deploy', deployInputs(app, env.SANDBOX_IMAGE_WEB_V2!, { 'canary-hold': '10' })),
  );
  const out = ok(held.outcome).outputs;
  expect(out).toMatchObject({ held: 'true', 'canary-weight': '10' });
  expect(held.outcome.summary).toMatch(/held at 10% on 1 host \(canary, .* serves the rest\)/);
  expectNoFailures(held.reports);
  const v2 = out['release-id']!;
  const state = hostState(app.name);
  expect(state.current?.id).toBe(v1);
  expect(state.hold).toMatchObject({ release: { id: v2 }, weight: 10 });
  expect(lockHeld(app.name)).toBe(false); // the hold does not keep the lock
  expect((await running(app.name)).sort()).toEqual(
    [`${app.name}-${v1}`, `${app.name}-${v2}`].sort(),
  );
  expect(audit(app.name).at(-1)).toMatchObject({
    action: 'deploy canary',
    release: v2,
    result: 'held',
  });
  return { v1, v2 };
}

test('held at 10% under load: about 10% reach the canary, other runs refused naming resume; promote: 100%, 0 failed', async () => {
  const app = newApp('promote');
  const { v1, v2 } = await holdAt10(app);

  // while held: ~10% of the requests reach v2 (per release counts, a tolerant band), none fail
  const seen = await countWhileHeld(app, 200);
  expectNoFailures(seen.map((s) => s.report));
  for (const { where, report: r } of seen) {
    const versions = { v1: r.versions.v1 ?? 0, v2: r.versions.v2 ?? 0 };
    expect(versions.v1 + versions.v2).toBe(r.sent); // every answer from v1 or v2
    const share = versions.v2 / r.sent;
    console.log(
      `${app.name}: held at 10%, ${where} ${r.mode}: v1 ${versions.v1}, v2 ${versions.v2}`,
    );
    // the client, its counts and whether they fall in the band, so a failure names all three
    const inBand = share >= 0.03 && share <= 0.25;
    expect({ where, mode: r.mode, versions, inBand }).toEqual({
      where,
      mode: r.mode,
      versions,
      inBand: true,
    });
  }

  // a deploy and a rollback meanwhile: refused naming resume, nothing changed
  const auditLines = audit(app.name).length;
  const other = await runEntry('deploy', deployInputs(app, env.SANDBOX_IMAGE_WEB_V1!));
  expect(other.status).toBe(1);
  expect(other.errors.join('\n')).toMatch(/held at 10%.*resume: promote or resume: abort/s);
  const rollback = await runEntry('rollback', {
    ...sshInputs(),
    ...proxyInputs(app),
    app: app.name,
    'health-path': '/health',
  });
  expect(rollback.status).toBe(1);
  expect(rollback.errors.join('\n')).toMatch(/held at 10%.*resume/s);
  expect(hostState(app.name)).toMatchObject({ current: { id: v1 }, hold: { weight: 10 } });
  expect(audit(app.name).length).toBe(auditLines);
  expect(lockHeld(app.name)).toBe(false);

  // promote: the gates again, 50%, 100%, v1 drained and stopped (kept): 0 failed
  const promoted = await underLoad(loadOn(app), () =>
    runEntry('deploy', deployInputs(app, env.SANDBOX_IMAGE_WEB_V2!, { resume: 'promote' })),
  );
  const out = ok(promoted.outcome).outputs;
  expect(out).toMatchObject({ held: 'false', 'canary-weight': '100', 'release-id': v2 });
  expect(promoted.outcome.summary).toMatch(/serves on 1 host \(canary promoted from 10%/);
  expect(promoted.outcome.stdout).toMatch(/gate .* again before promoting it from 10%/);
  expectNoFailures(promoted.reports);
  expectOnlyAfter(promoted.reports, promoted.endedAt, 'v2');
  expect(await running(app.name)).toEqual([`${app.name}-${v2}`]);
  expect(await containers(app.name)).toContain(`${app.name}-${v1} exited`); // kept for rollback
  const state = hostState(app.name);
  expect(state.current?.id).toBe(v2);
  expect(state.previous?.id).toBe(v1);
  expect(state.hold).toBeUndefined();
  expect(audit(app.name).at(-1)).toMatchObject({
    action: 'canary promote',
    release: v2,
    result: 'success',
  });
  expect(lockHeld(app.name)).toBe(false);
});

test('held at 10%, then abort under load: back to v1 only, 0 failed, the canary removed', async () => {
  const app = newApp('abort');
  const { v1, v2 } = await holdAt10(app);
  const aborted = await underLoad(loadOn(app), () =>
    runEntry('deploy', deployInputs(app, env.SANDBOX_IMAGE_WEB_V2!, { resume: 'abort' })),
  );
  const out = ok(aborted.outcome).outputs;
  expect(out).toMatchObject({ held: 'false', 'canary-weight': '0', 'release-id': v2 });
  expect(aborted.outcome.summary).toMatch(/canary aborted: .* serves all traffic again/);
  expectNoFailures(aborted.reports);
  // it was split when the abort began (in all: side by side, one client may have seen no v2)
  expect(aborted.reports.reduce((n, r) => n + (r.versions.v2 ?? 0), 0)).toBeGreaterThan(0);
  expectOnlyAfter(aborted.reports, aborted.endedAt, 'v1');
  expect(await running(app.name)).toEqual([`${app.name}-${v1}`]);
  expect(await containers(app.name)).toEqual([`${app.name}-${v1} running`]); // the canary removed
  const state = hostState(app.name);
  expect(state.current?.id).toBe(v1);
  expect(state.hold).toBeUndefined();
  expect(audit(app.name).at(-1)).toMatchObject({
    action: 'canary abort',
    release: v2,
    result: 'success',
  });
  expect(lockHeld(app.name)).toBe(false);
});

/** A verify check's target: answers 200 to the first `good` requests, then 503. */
async function turningCheck(
  good: number,
): Promise<{ url: string; seen(): number; close(): Promise<void> }> {
  let seen = 0;
  const server: Server = createServer((_req, res) => {
    seen++;
    res.writeHead(seen <= good ? 200 : 503).end(seen <= good ? 'ok' : 'failing');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/check`,
    seen: () => seen,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

test('hold-watch: a check failing during the hold aborts on its own under load: v1 only, 0 failed', async () => {
  const app = newApp('watch');
  const v1 = await firstDeploy(app);
  // gates at 5% and 10% ask once each, then the hold's watch every second: the 5th ask fails
  const check = await turningCheck(4);
  try {
    const watched = await underLoad(loadOn(app), () =>
      runEntry(
        'deploy',
        deployInputs(app, env.SANDBOX_IMAGE_WEB_V2!, {
          'canary-hold': '10',
          'hold-watch': '5',
          'verify-http-url': check.url,
        }),
      ),
    );
    expect(watched.outcome.status).toBe(1);
    expect(check.seen()).toBeGreaterThanOrEqual(5);
    expect(watched.outcome.errors.join('\n')).toMatch(/hold-watch|watch .* for 300s/);
    expect(watched.outcome.errors.join('\n')).toMatch(new RegExp(`rolled back to ${v1}`));
    expect(watched.outcome.outputs).toMatchObject({ held: 'false', 'canary-weight': '0' });
    expectNoFailures(watched.reports);
    expect(watched.reports.reduce((n, r) => n + (r.versions.v2 ?? 0), 0)).toBeGreaterThan(0);
    expectOnlyAfter(watched.reports, watched.endedAt, 'v1');
  } finally {
    await check.close();
  }
  expect(await running(app.name)).toEqual([`${app.name}-${v1}`]);
  expect(await containers(app.name)).toEqual([`${app.name}-${v1} running`]); // the canary removed
  const state = hostState(app.name);
  expect(state.current?.id).toBe(v1);
  expect(state.hold).toBeUndefined();
  expect(audit(app.name).at(-1)).toMatchObject({ action: 'deploy canary', result: 'rolled-back' });
  expect(lockHeld(app.name)).toBe(false);
});

/**
 * The CLI (src/cli/index.ts) as an operator runs it, with a config file of the same inputs.
 * Asynchronously: the HAProxy relay answers from this process, so it must not block.
 */
function cli(
  dir: string,
  argv: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(
    process.execPath,
    ['--import', join(ROOT, 'scripts/ts-register.mjs'), join(ROOT, 'src/cli/index.ts'), ...argv],
    { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

/** The run must have succeeded; else its output is the error. */
async function cliOk(running: ReturnType<typeof cli>): ReturnType<typeof cli> {
  const run = await running;
  if (run.code !== 0) throw new Error(`tg-devops exited ${run.code}:\n${run.out}\n${run.err}`);
  return run;
}

function cliConfig(dir: string, app: App, image: string): string {
  writeFileSync(join(dir, 'registry-password.txt'), `${env.SANDBOX_REGISTRY_PASSWORD}\n`);
  const { hosts, 'state-dir': stateDir } = sshInputs();
  const inputs = deployInputs(app, image);
  const keys = Object.entries(inputs).filter(
    ([k]) => !['ssh-key', 'known-hosts', 'registry-password', 'hosts', 'state-dir'].includes(k),
  );
  const file = join(dir, 'deploy.yml');
  writeFileSync(
    file,
    [
      `hosts: ${hosts}`,
      `state-dir: ${stateDir}`,
      `ssh-key-file: ${env.SANDBOX_SSH_KEY}`,
      `known-hosts-file: ${env.SANDBOX_SSH_KNOWN_HOSTS}`,
      'registry-password-file: registry-password.txt',
      ...keys.map(([k, v]) => `${k}: ${JSON.stringify(v)}`),
    ].join('\n'),
  );
  return file;
}

test('the CLI: deploy --canary-hold 10, status shows the hold, a plain deploy is refused, deploy --resume promote', async () => {
  const app = newApp('cli');
  const v1 = await firstDeploy(app);
  const dir = mkdtempSync(join(tmpdir(), 'cnh-cli-'));
  try {
    const config = cliConfig(dir, app, env.SANDBOX_IMAGE_WEB_V2!);
    const held = await cliOk(cli(dir, ['deploy', '--config', config, '--canary-hold', '10']));
    expect(held.out).toMatch(/held at 10%, 20\d{6}-\d{6} serves the rest/);
    const v2 = hostState(app.name).hold?.release.id;
    expect(v2).toBeDefined();
    expect((await cli(dir, ['status', '--config', config])).out).toMatch(
      new RegExp(`held +${v2}.* at 10% since .*deploy --resume promote\\|abort`),
    );
    const refused = await cli(dir, ['deploy', '--config', config]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/held at 10%.*resume: promote or resume: abort/s);

    const promoted = await cliOk(cli(dir, ['deploy', '--config', config, '--resume', 'promote']));
    expect(promoted.out).toMatch(new RegExp(`${v2} promoted from 10% to 100%, previous ${v1}`));
    expect(await running(app.name)).toEqual([`${app.name}-${v2}`]);
    expect(hostState(app.name)).toMatchObject({ current: { id: v2 }, previous: { id: v1 } });
    expect(hostState(app.name).hold).toBeUndefined();
    expect(audit(app.name).at(-1)).toMatchObject({ action: 'canary promote', result: 'success' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
