/**
 * Issue 10's acceptance: the deploy and rollback ACTIONS as a runner runs them
 * (actions/<name>/index.ts, INPUT_* with action.yml's defaults, GITHUB_* files), over the
 * sandbox's real sshd as the deploy user, real dockerd and registry (webbot images), behind a
 * private nginx and HAProxy (tests/helpers/proxy-stack.ts: other tests reload the sandbox's shared
 * ones), under load from a second process: fresh-connection AND kept-alive clients (Telegram's
 * way), RATE requests/s each (120/s in all), through the front (nginx).
 *
 *  1. a manual rollback behind nginx: 0 failed requests (but the kept-alive resets that nginx's
 *     own reload causes, at most one per reload: expectOnlyReloadResets);
 *  2. behind HAProxy: blue-green v1 -> v2, a broken release (no switch, the gate named), a
 *     canary 10/50/100 to v3, and a manual rollback to v2, each with 0 failed requests;
 *  3. a route step whose nginx reload took effect and then exited 1: the run ends with the traffic
 *     on the old release, that release running, and its error says it rolled back to it;
 *  4. the same with HAProxy's runtime API (a relay applies the switch and reports a failure);
 *  5. a webhook bot handed over behind nginx: the front serves the new release afterwards; requests
 *     fail only between the old container's stop and the first answer of the new one, counted;
 *  6. a deploy cancelled like a runner cancels (SIGINT, SIGTERM 7.5 s later) during its
 *     post-switch watch: the old release serves, the lock is free, the audit says `cancelled`;
 *  7. the automatic rollback: a v2 that fails the deploy's own window check (verify-http-url)
 *     behind HAProxy goes back to v1 with 0 connection errors (v2's own 500s counted apart);
 *  8. a polling (and an MTProto) bot given two hosts is refused before any connection: the error
 *     names `hosts` and `bot-mode`, no getUpdates call is made (a Bot API stand-in records every
 *     request), nothing changes on either host (the same sshd under two names, each with a valid
 *     host key, so only the rule can stop it);
 *  9. a pre-deploy that runs longer than the lock's first TTL: the lock stays the first run's
 *     (refreshed while the step runs) and a second deploy started meanwhile waits, then runs.
 *     Its first TTL is 150 s or more, so the scenario starts in beforeAll and runs beside the
 *     others (tests/helpers/lock-scenario.ts); its test at the end looks at what it saw.
 *
 * Counts, never milliseconds. Each test has its own app and ports (23400-23469) and removes them.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { chownSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEntry, runEntry, type EntryResult } from '../helpers/action-entry.js';
import {
  appDir,
  audit,
  commandInput,
  containers,
  containerTimes,
  env,
  hostExec,
  hostState,
  lockHeld,
  registryInputs,
  removeApp,
  running,
  sshInputs,
  sshTarget,
} from '../helpers/deploy-host.js';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';
import { startLockScenario, type LockScenario } from '../helpers/lock-scenario.js';
import {
  underLoad,
  window,
  type AroundOptions,
  type Loaded,
  type LoadReport,
} from '../helpers/load.js';
import { expectNoFailures as expectNoFailuresOf, expectOnlyAfter } from '../helpers/load-expect.js';
import {
  answer,
  answerOnceReady,
  appLocation,
  startHaproxy,
  startNginx,
  type Haproxy,
  type Nginx,
} from '../helpers/proxy-stack.js';
import { ask, startRuntimeRelay, type RuntimeRelay } from '../helpers/runtime-relay.js';

jest.setTimeout(600_000);
/** Per client kind: 120 requests/s reach the front in all, half on fresh connections. */
const RATE = 60;
// Telegram waits long for a webhook answer; on a busy shared machine the busybox bot drops SYNs
// (1 s, 3 s, 7 s retransmits): a slow answer is late, not lost
const TIMEOUT_MS = 30_000;
const PORT = {
  nginx: 23400,
  haproxyHealth: 23401,
  telegram: 23450,
  lockGate: 23452,
  lockApp: [23460, 23461] as [number, number],
};
const TOKEN = '737373:acceptance-token';
const tag = `${process.pid % 100000}`;
let nginx: Nginx;
let haproxy: Haproxy;
let relay: RuntimeRelay;
let telegram: FakeTelegram;
/** Started first and not awaited: it runs beside the other tests (see 9 above). */
let lock: Promise<LockScenario>;
const apps: string[] = [];
const locations: string[] = [];

beforeAll(async () => {
  lock = startLockScenario({
    app: `acc-lock-${tag}`,
    gatePort: PORT.lockGate,
    appPorts: PORT.lockApp,
  });
  lock.catch(() => undefined); // its own test reports a failed start
  telegram = await startFakeTelegram({ port: PORT.telegram, token: TOKEN, maxPollSeconds: 3 });
  nginx = await startNginx(PORT.nginx, 'tg-accept-nginx-');
  haproxy = await startHaproxy(PORT.haproxyHealth, 'tg-accept-haproxy-');
  relay = await startRuntimeRelay(haproxy.socket, join(haproxy.dir, 'relay.sock'));
}, 300_000);

afterAll(async () => {
  await lock?.then((scenario) => scenario.stop()).catch(() => undefined);
  for (const location of locations) await removeLocation(location);
  for (const app of apps) await removeApp(app);
  await relay?.close();
  await nginx?.stop();
  await haproxy?.stop();
  await telegram?.close();
}, 300_000);

type Kind = 'nginx' | 'haproxy';

interface App {
  name: string;
  kind: Kind;
  ports: [number, number];
  frontend?: number;
  url: string;
}

function newApp(short: string, kind: Kind, base: number): App {
  const name = `acc-${short}-${tag}`;
  apps.push(name);
  return {
    name,
    kind,
    ports: [base, base + 1],
    ...(kind === 'haproxy' ? { frontend: base + 2 } : {}),
    url: `${nginx.url}/${name}/webhook`,
  };
}

/** The proxy inputs of both actions for the private stack (absolute paths: sshd's PATH). */
function proxyInputs(app: App, reload = commandInput(nginx.reloadCommand)): Record<string, string> {
  const common = {
    'nginx-conf-dir': nginx.confDir,
    'nginx-test-command': commandInput(nginx.testCommand),
    'nginx-reload-command': reload,
  };
  if (app.kind === 'nginx') return { proxy: 'nginx', ...common };
  return {
    proxy: 'haproxy',
    ...common,
    'haproxy-socket': relay.path,
    'haproxy-config': haproxy.configFile,
    'haproxy-reload-command': commandInput(haproxy.reloadCommand),
    'haproxy-check-command': '/usr/sbin/haproxy -c -q -f {config}',
    'haproxy-frontend-port': String(app.frontend),
  };
}

function deployInputs(
  app: App,
  image: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...sshInputs(),
    ...registryInputs(),
    ...proxyInputs(app),
    app: app.name,
    image,
    'bot-mode': 'webhook',
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

function rollbackInputs(app: App, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...sshInputs(),
    ...proxyInputs(app),
    proxy: 'auto',
    app: app.name,
    'health-path': '/health',
    'drain-seconds': '3',
    'stop-grace': '5',
    'health-timeout': '30',
    'lock-timeout': '60',
    ...extra,
  };
}

function ok(run: EntryResult): EntryResult {
  if (run.status !== 0)
    throw new Error(`the action failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run;
}

/** First deploy of v1, then the front's location for the app (the user's nginx site). */
async function firstDeploy(app: App, extra: Record<string, string> = {}): Promise<string> {
  const first = ok(await runEntry('deploy', deployInputs(app, env.SANDBOX_IMAGE_WEB_V1!, extra)));
  const location = `tg-${app.name}`;
  locations.push(location);
  await nginx
    .addLocation(hostExec, location, appLocation(app.name))
    .catch(async (error: unknown) => {
      await removeLocation(location); // a refused file must not break the next test's nginx -t
      throw error;
    });
  await frontServes(app, 'v1');
  return first.outputs['release-id']!;
}

async function removeLocation(location: string): Promise<void> {
  const file = join(nginx.defaultDir, `${location}.conf`);
  if (existsSync(file)) await nginx.removeLocation(hostExec, location).catch(() => undefined);
}

/** The front answers `version`, once nginx's new workers serve (a reload returns before). */
async function frontServes(app: App, version: string): Promise<void> {
  const want = `200 webbot ${version}`;
  expect(await answerOnceReady(`${nginx.url}/${app.name}/`, want)).toBe(want);
}

/** Right now, the front answers `version` (no waiting: the run is over). */
async function expectFrontServes(app: App, version: string): Promise<void> {
  expect(await answer(`${nginx.url}/${app.name}/`)).toBe(`200 webbot ${version}`);
}

/** Both client kinds, RATE requests/s each, through the front to the app's webhook. */
function loadOn(app: App): AroundOptions {
  return {
    url: app.url,
    name: app.name,
    rate: RATE,
    timeoutMs: TIMEOUT_MS,
    maxDurationMs: 300_000,
  };
}

/** None failed, and each client kind sent more than 3 s of RATE. */
function expectNoFailures(reports: LoadReport[]): void {
  expectNoFailuresOf(reports, RATE * 3);
}

/**
 * v1, then v2 by blue-green under load, then the manual rollback to the release before under
 * load. Behind HAProxy the deploys must lose nothing either: the blue-green; a broken release
 * (its /health answers 500) that must not take traffic (the deploy fails naming the gate); and a
 * canary 10/50/100 to v3; the rollback then goes from v3 back to v2.
 */
/**
 * Behind nginx: no request fails, but for one thing no deploy can change: a graceful reload's
 * old workers close their idle kept-alive client connections, and a request sent on one at that
 * instant is reset (ECONNRESET, at most about one per reload: DESIGN.md, ADR 0004; HAProxy's
 * runtime API is the zero-loss path). Everything the rollback controls (502 from a stopped or
 * undrained color, refused connections, timeouts) must be 0.
 */
function expectOnlyReloadResets(reports: LoadReport[], reloads: number): void {
  for (const r of reports) {
    expect(r.sent).toBeGreaterThan(RATE * 3);
    const { ECONNRESET: resets = 0, ...rest } = r.errors;
    console.log(
      `${r.mode}: ${resets} kept-alive connection(s) reset by ${reloads} nginx reload(s)`,
    );
    expect({ mode: r.mode, errors: rest }).toEqual({ mode: r.mode, errors: {} });
    expect(resets).toBeLessThanOrEqual(r.mode === 'keepalive' ? reloads : 0);
  }
}

async function manualRollback(app: App): Promise<void> {
  const v1 = await firstDeploy(app);
  const deployed = await underLoad(loadOn(app), () =>
    runEntry('deploy', deployInputs(app, env.SANDBOX_IMAGE_WEB_V2!)),
  );
  const v2 = ok(deployed.outcome).outputs['release-id']!;
  expectOnlyAfter(deployed.reports, deployed.endedAt, 'v2');
  let [from, to] = [
    { id: v2, version: 'v2' },
    { id: v1, version: 'v1' },
  ];
  if (app.kind === 'haproxy') {
    expectNoFailures(deployed.reports);
    const broken = await underLoad(loadOn(app), () =>
      runEntry(
        'deploy',
        deployInputs(app, env.SANDBOX_IMAGE_WEB_BROKEN!, { 'health-timeout': '4' }),
      ),
    );
    expect(broken.outcome.status).toBe(1);
    expect(broken.outcome.errors.join('\n')).toMatch(/gate http-health failed: .*-> 500/);
    expectNoFailures(broken.reports);
    for (const r of broken.reports) expect(Object.keys(r.versions)).toEqual(['v2']);
    expect(hostState(app.name).current?.id).toBe(v2);

    const canary = await underLoad(loadOn(app), () =>
      runEntry(
        'deploy',
        deployInputs(app, env.SANDBOX_IMAGE_WEB_V2!, {
          strategy: 'canary',
          'canary-steps': '10,50,100',
          'step-interval': '1',
          env: 'APP_VERSION=v3\n',
        }),
      ),
    );
    const v3 = ok(canary.outcome).outputs['release-id']!;
    expectNoFailures(canary.reports);
    for (const r of canary.reports) expect(r.versions.v2).toBeGreaterThan(0);
    expectOnlyAfter(canary.reports, canary.endedAt, 'v3');
    [from, to] = [{ id: v3, version: 'v3' }, from];
  }

  const reloadsBefore = nginx.reloads();
  const { outcome, endedAt, reports } = await underLoad(loadOn(app), () =>
    runEntry('rollback', rollbackInputs(app, { reason: 'acceptance: manual rollback' })),
  );
  ok(outcome);
  expect(outcome.outputs).toMatchObject({ 'release-id': to.id, 'rolled-back-from': from.id });
  if (app.kind === 'haproxy') expectNoFailures(reports);
  else expectOnlyReloadResets(reports, nginx.reloads() - reloadsBefore);
  for (const r of reports) expect(r.versions[from.version]).toBeGreaterThan(0); // saw the switch
  expectOnlyAfter(reports, endedAt, to.version);
  expect(await running(app.name)).toEqual([`${app.name}-${to.id}`]);
  expect(hostState(app.name).current?.id).toBe(to.id);
  expect(audit(app.name).at(-1)).toMatchObject({ action: 'rollback', result: 'success' });
  expect(lockHeld(app.name)).toBe(false);
}

test("a manual rollback behind nginx under load: 0 failed requests (kept-alive resets by nginx's own reload counted apart)", async () => {
  await manualRollback(newApp('rbn', 'nginx', 23410));
});

test('behind HAProxy under load: blue-green, a broken release, a canary, a manual rollback: 0 failed requests', async () => {
  await manualRollback(newApp('rbh', 'haproxy', 23413));
});

/** The deploy of v2 fails at a route step that took effect; everything must end on v1. */
async function expectBackOnOld(app: App, v1: string, run: Loaded<EntryResult>): Promise<void> {
  const { outcome, endedAt, reports } = run;
  expect(outcome.status).toBe(1);
  const error = outcome.errors.join('\n');
  // the run says where the traffic is: back on the old release (not "nothing changed")
  expect(error).toMatch(new RegExp(`rolled back to ${v1}`));
  // ... and where the traffic goes now: all of it to the old release's container
  expect(error).toMatch(new RegExp(`traffic: \\w+:100% \\(${app.name}-${v1}\\b`));
  expect(error).not.toMatch(/running config is unchanged|nothing changed/);
  for (const r of reports) {
    const s = r.failed;
    console.log(`${app.name} ${r.mode}: ${s} failed during the failed route and its undo`);
  }
  expectOnlyAfter(reports, endedAt, 'v1');
  await expectFrontServes(app, 'v1');
  expect(await running(app.name)).toEqual([`${app.name}-${v1}`]);
  expect(hostState(app.name).current?.id).toBe(v1);
  expect(audit(app.name).at(-1)).toMatchObject({ result: 'rolled-back' });
  expect(lockHeld(app.name)).toBe(false);
}

test('nginx: a reload that takes effect and then exits 1 ends with the traffic on the old release, still running', async () => {
  const app = newApp('rfn', 'nginx', 23420);
  const v1 = await firstDeploy(app);
  // reloads, then fails once (the mark is the deploy user's: nginx's dir is theirs)
  const mark = join(nginx.dir, `fail-next-reload-${app.name}`);
  writeFileSync(mark, '');
  const { uid, gid } = statSync(nginx.dir);
  chownSync(mark, uid, gid);
  const reload =
    `sh -c "${commandInput(nginx.reloadCommand)} && if [ -e ${mark} ]; then rm -f ${mark}; ` +
    `echo reloaded, then failed >&2; exit 1; fi"`;
  const run = await underLoad(loadOn(app), () =>
    runEntry(
      'deploy',
      deployInputs(app, env.SANDBOX_IMAGE_WEB_V2!, { 'nginx-reload-command': reload }),
    ),
  );
  expect(existsSync(mark)).toBe(false); // the failing reload really ran
  await expectBackOnOld(app, v1, run);
});

test('HAProxy: a runtime switch that takes effect and then fails ends with the traffic on the old release, still running', async () => {
  const app = newApp('rfh', 'haproxy', 23423);
  const v1 = await firstDeploy(app);
  const backend = `be_${app.name}`;
  const known = await ask(haproxy.socket, `show servers state ${backend}`);
  expect(known).toMatch(/^1\n#/); // the relay's backend name is the deploy's
  relay.arm(backend);
  const run = await underLoad(loadOn(app), () =>
    runEntry('deploy', deployInputs(app, env.SANDBOX_IMAGE_WEB_V2!)),
  );
  const injected = relay.injected().filter((i) => i.backend === backend);
  expect(injected).toHaveLength(1); // the switch was applied, and reported failed
  expect(injected[0]!.after).not.toEqual(injected[0]!.before);
  await expectBackOnOld(app, v1, run);
});

test('handover of a webhook bot behind nginx: the front serves the new release; requests fail only in the gap', async () => {
  const app = newApp('hov', 'nginx', 23430);
  const handover = { strategy: 'handover' };
  const v1 = await firstDeploy(app, handover);
  const { outcome, endedAt, reports } = await underLoad(loadOn(app), () =>
    runEntry('deploy', deployInputs(app, env.SANDBOX_IMAGE_WEB_V2!, handover)),
  );
  ok(outcome);
  const v2 = outcome.outputs['release-id']!;
  expect(Number(outcome.outputs['gap-ms'])).toBeGreaterThanOrEqual(0);
  await expectFrontServes(app, 'v2');
  expectOnlyAfter(reports, endedAt, 'v2');
  expect(await running(app.name)).toEqual([`${app.name}-${v2}`]);

  // The gap, on the host's clock: from the old container's stop (SIGTERM: it stops listening at
  // once and exits within a second) to the end of the run (the front serves v2 by then). No
  // request may fail before it or after it; inside it they are counted.
  const old = await containerTimes(`${app.name}-${v1}`);
  const next = await containerTimes(`${app.name}-${v2}`);
  const gapFrom = old.finishedAt - 1000;
  for (const r of reports) {
    const before = window(r, 0, gapFrom);
    const inGap = window(r, gapFrom, endedAt);
    const failedAt = r.timeline.filter((b) => b.failed > 0).map((b) => b.at);
    console.log(
      `handover behind nginx, ${r.mode}: ${inGap.failed} of ${inGap.sent} requests failed in the gap ` +
        `(gap-ms ${outcome.outputs['gap-ms']}; docker: old stopped ${old.finishedAt}, new started ` +
        `${next.startedAt}; failures from ${failedAt[0] ?? '-'} to ${failedAt.at(-1) ?? '-'})`,
    );
    expect({ mode: r.mode, beforeGap: before.failed }).toEqual({ mode: r.mode, beforeGap: 0 });
    expect(before.versions.v1).toBeGreaterThan(0);
  }
});

test('a deploy cancelled with SIGINT during the switch: the old release serves, the lock is free, the audit says cancelled', async () => {
  const app = newApp('cxl', 'nginx', 23440);
  const v1 = await firstDeploy(app);
  const { outcome, endedAt, reports } = await underLoad(loadOn(app), async () => {
    // a long watch after the switch: the cancel lands while v2 has the traffic
    const run = startEntry(
      'deploy',
      deployInputs(app, env.SANDBOX_IMAGE_WEB_V2!, { 'gate-window': '90' }),
    );
    const deadline = Date.now() + 120_000;
    let switched = false;
    while (!switched && Date.now() < deadline && run.child.exitCode === null) {
      const res = await fetch(`${nginx.url}/${app.name}/`).catch(() => undefined);
      switched = (await res?.text())?.trim() === 'webbot v2';
      if (!switched) await new Promise((r) => setTimeout(r, 200));
    }
    expect(switched).toBe(true);
    return run.cancel();
  });
  console.log(`cancelled run: exit ${outcome.status} signal ${outcome.signal}\n${outcome.stdout}`);
  expectOnlyAfter(reports, endedAt, 'v1');
  await expectFrontServes(app, 'v1');
  expect(await running(app.name)).toEqual([`${app.name}-${v1}`]);
  expect(hostState(app.name).current?.id).toBe(v1);
  expect(lockHeld(app.name)).toBe(false);
  expect(existsSync(appDir(app.name))).toBe(true);
  expect(audit(app.name).at(-1)).toMatchObject({ result: 'cancelled' });
  expect(outcome.status).not.toBe(0);
});

test('automatic rollback behind HAProxy under load: a v2 failing its window check goes back to v1 with 0 connection errors', async () => {
  const app = newApp('auto', 'haproxy', 23443);
  const v1 = await firstDeploy(app);
  // v2 passes its start gate (/health 200) and answers 500 to everything else
  const { outcome, endedAt, reports } = await underLoad(loadOn(app), () =>
    runEntry(
      'deploy',
      deployInputs(app, env.SANDBOX_IMAGE_WEB_V2!, {
        env: 'ERROR_RATE=100\n',
        'verify-http-url': `${nginx.url}/${app.name}/`,
        'gate-window': '5',
      }),
    ),
  );
  expect(outcome.status).toBe(1);
  expect(outcome.errors.join('\n')).toMatch(
    new RegExp(`gate http .*${app.name}.* failed.*rolled back to ${v1}`, 's'),
  );
  let appErrors = 0;
  for (const r of reports) {
    const { ['HTTP 500']: own = 0, ...lost } = r.errors;
    appErrors += own;
    console.log(
      `${app.name} ${r.mode}: v2 answered ${own} with its own 500; lost ${JSON.stringify(lost)}`,
    );
    expect({ mode: r.mode, lost }).toEqual({ mode: r.mode, lost: {} });
  }
  expect(appErrors).toBeGreaterThan(0); // v2 really took traffic: the case is real
  expectOnlyAfter(reports, endedAt, 'v1');
  expect(await running(app.name)).toEqual([`${app.name}-${v1}`]);
  expect(hostState(app.name).current?.id).toBe(v1);
  expect(audit(app.name).at(-1)).toMatchObject({ result: 'rolled-back' });
});

test.each(['polling', 'mtproto'])(
  'a %s bot given two hosts is refused: the error names hosts and bot-mode, no getUpdates, nothing changed',
  async (mode) => {
    const app = `acc-two-${mode}-${tag}`;
    apps.push(app);
    // the same sshd under a second name, with a valid host key for it too
    const knownHosts = readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8').trim();
    const aliased = knownHosts.replace(/^\[127\.0\.0\.1\]/gm, '[localhost]');
    const secondTarget = sshTarget.replace('@127.0.0.1:', '@localhost:');
    expect(secondTarget).not.toBe(sshTarget);
    const before = telegram.requests.length;
    const run = await runEntry('deploy', {
      ...sshInputs(),
      ...registryInputs(),
      hosts: `${sshTarget}\n${secondTarget}`,
      'known-hosts': `${knownHosts}\n${aliased}\n`,
      app,
      image: env.SANDBOX_IMAGE_POLL_V1!,
      'bot-mode': mode,
      network: 'host',
      env: `BOT_TOKEN=${TOKEN}\nTELEGRAM_API_URL=${telegram.url}\nPOLL_TIMEOUT=3\n`,
      'gate-window': '2',
      'stop-grace': '5',
    });
    expect(run.status).toBe(1);
    const error = run.errors.join('\n');
    expect(error).toMatch(/\bhosts\b/);
    expect(error).toMatch(/\bbot-mode\b/);
    // refused before any connection: no SSH material was even written
    expect(run.state['ssh-dir']).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2000)); // a poller would have called by now
    expect(telegram.requests.length - before).toBe(0);
    expect({
      dir: existsSync(appDir(app)),
      containers: await containers(app),
      preDeploy: await containers(`${app}-pre`),
    }).toEqual({ dir: false, containers: [], preDeploy: [] });
  },
);

test('a pre-deploy longer than the first lock TTL: the lock holds (refreshed), and a second deploy waits for it', async () => {
  const scenario = await lock;
  const seen = await scenario.finish();
  console.log(
    `lock: first TTL ${seen.ttl}s; expiry ${seen.firstExpiry} -> ${seen.expiryAfterTtl} (host clock); ` +
      `holders ${seen.holders.join(', ')}; the second run said: ${seen.secondWaitLine.trim()}`,
  );
  // past the first expiry, the lock was still the first run's, refreshed while its step ran
  expect(seen.holders).toEqual([scenario.runIds.first]);
  expect(seen.expiryAfterTtl).toBeGreaterThan(seen.firstExpiry);
  expect({ first: seen.firstStillRunning, second: seen.secondStillRunning }).toEqual({
    first: true, // still in its pre-deploy
    second: true, // still waiting
  });
  expect(seen.secondWaitLine).not.toBe('');
  expect({ status: seen.a.status, errors: seen.a.errors }).toEqual({ status: 0, errors: [] });
  expect({ status: seen.b.status, errors: seen.b.errors }).toEqual({ status: 0, errors: [] });
  expect(`${seen.a.stdout}${seen.b.stdout}`).not.toMatch(/took over/i);
  // one after the other: the second run's entry follows the first's, both succeeded
  expect(audit(scenario.app).map((e) => [e.runId, e.result])).toEqual([
    [scenario.runIds.first, 'success'],
    [scenario.runIds.second, 'success'],
  ]);
  expect(await running(scenario.app)).toEqual([`${scenario.app}-${seen.b.outputs['release-id']}`]);
  expect(lockHeld(scenario.app)).toBe(false);
});
