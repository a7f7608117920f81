/**
 * Issue 10's acceptance, the host half: the deploy ACTION as a runner runs it
 * (actions/deploy/index.ts, INPUT_* with action.yml's defaults), against the sandbox's real sshd
 * and dockerd, with a getUpdates stand-in that records every request.
 *
 *  1. a polling (and an MTProto) bot given two hosts is refused before any connection: the error
 *     names `hosts` and `bot-mode`, no getUpdates call is made, nothing changes on either host
 *     (the same sshd under two names, both with a valid host key, so only the rule can stop it);
 *  2. a pre-deploy that runs longer than the lock's first TTL: the lock stays the first run's
 *     (refreshed while the step runs), and a second deploy started meanwhile waits for it, then
 *     runs after it.
 *
 * App names and ports (23450-23469) are this file's own; each test removes what it made.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { runEntry, startEntry, type EntryRun } from '../helpers/action-entry.js';
import {
  appDir,
  audit,
  containers,
  env,
  lockHeld,
  lockInfo,
  registryInputs,
  removeApp,
  running,
  sshInputs,
  sshTarget,
} from '../helpers/deploy-host.js';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';

jest.setTimeout(900_000);
const tag = `${process.pid % 100000}`;
const TOKEN = '737373:acceptance-host-token';
const PORT = { telegram: 23450, gate: 23452, app: [23460, 23461] };
const apps: string[] = [];
let telegram: FakeTelegram;

beforeAll(async () => {
  telegram = await startFakeTelegram({ port: PORT.telegram, token: TOKEN, maxPollSeconds: 3 });
});

afterAll(async () => {
  for (const app of apps) await removeApp(app);
  await telegram?.close();
});

const hostHasNothing = async (app: string) => ({
  dir: existsSync(appDir(app)),
  containers: await containers(app),
  preDeploy: await containers(`${app}-pre`),
});

test.each(['polling', 'mtproto'])(
  'a %s bot given two hosts is refused: the error names hosts and bot-mode, no getUpdates, nothing changed',
  async (mode) => {
    const app = `acc-two-${mode}-${tag}`;
    apps.push(app);
    try {
      await twoHostsRefused(app, mode);
    } finally {
      await removeApp(app); // what a wrongly accepted run started would poll on
    }
  },
);

async function twoHostsRefused(app: string, mode: string): Promise<void> {
  // the same sshd under a second name, with a valid host key for it too
  const knownHosts = readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8');
  const second = knownHosts
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^\[127\.0\.0\.1\]/, '[localhost]'))
    .join('\n');
  const secondTarget = sshTarget.replace('@127.0.0.1:', '@localhost:');
  expect(secondTarget).not.toBe(sshTarget);
  const before = telegram.requests.length;
  const run = await runEntry('deploy', {
    ...sshInputs(),
    ...registryInputs(),
    hosts: `${sshTarget}\n${secondTarget}`,
    'known-hosts': `${knownHosts.trim()}\n${second}\n`,
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
  expect(await hostHasNothing(app)).toEqual({ dir: false, containers: [], preDeploy: [] });
}

/** An HTTP switch the pre-deploy waits on: 503 until opened, then 200; counts the asks. */
async function startGate(port: number) {
  let open = false;
  let asked = 0;
  const server = http.createServer((req, res) => {
    asked++;
    res.writeHead(open ? 200 : 503, { 'content-length': '0', connection: 'close' });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    asked: () => asked,
    open: () => {
      open = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until(what: string, check: () => boolean | Promise<boolean>, seconds: number) {
  const end = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${seconds}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('a pre-deploy longer than the first lock TTL: the lock holds, and a second deploy waits for it', async () => {
  const app = `acc-lock-${tag}`;
  apps.push(app);
  const gate = await startGate(PORT.gate);
  const inputs = (image: string, extra: Record<string, string> = {}) => ({
    ...sshInputs(),
    ...registryInputs(),
    app,
    image,
    'bot-mode': 'webhook',
    strategy: 'handover',
    proxy: 'none',
    network: 'host',
    'host-ports': PORT.app.join(','),
    'health-path': '/health',
    'gate-window': '1',
    'stop-grace': '3',
    'health-timeout': '30',
    ...extra,
  });
  const runs: EntryRun[] = [];
  try {
    const first = startEntry(
      'deploy',
      inputs(env.SANDBOX_IMAGE_WEB_V1!, {
        // a migration that runs until the test lets it finish
        'pre-deploy': `sh -c "until timeout 3 wget -q -O /dev/null http://127.0.0.1:${PORT.gate}/go; do sleep 1; done"`,
        'lock-timeout': '60',
      }),
      { env: { GITHUB_RUN_ID: `first-${tag}` }, timeoutMs: 880_000 },
    );
    runs.push(first);
    await until(
      'the pre-deploy runs',
      () => gate.asked() > 0 || first.child.exitCode !== null,
      180,
    );
    expect(first.child.exitCode).toBeNull();
    const taken = lockInfo(app);
    expect(taken?.holder).toMatchObject({ runId: `first-${tag}` });
    const ttl = Number(taken!.holder.ttlSeconds);
    const firstExpiry = taken!.expires;
    console.log(`first lock TTL ${ttl}s, expires at ${firstExpiry} (host clock)`);

    const second = startEntry(
      'deploy',
      inputs(env.SANDBOX_IMAGE_WEB_V2!, { 'lock-timeout': String(ttl * 3 + 120) }),
      { env: { GITHUB_RUN_ID: `second-${tag}` }, timeoutMs: 880_000 },
    );
    runs.push(second);
    await second.waitFor(/wait.*lock|lock.*held by/i, 120_000);

    // past the first expiry, the lock is still the first run's: refreshed while its step runs
    const holders = new Set<string>();
    await until(
      'the first lock TTL has passed',
      () => {
        const info = lockInfo(app);
        holders.add(String(info?.holder.runId ?? 'none'));
        return Date.now() / 1000 > firstExpiry + 3;
      },
      ttl + 60,
    );
    expect([...holders]).toEqual([`first-${tag}`]);
    expect(lockInfo(app)!.expires).toBeGreaterThan(firstExpiry);
    expect(first.child.exitCode).toBeNull(); // still in its pre-deploy
    expect(second.child.exitCode).toBeNull(); // still waiting
    expect(second.log()).not.toMatch(/took over/i);

    gate.open();
    const a = await first.done;
    expect({ status: a.status, errors: a.errors }).toEqual({ status: 0, errors: [] });
    const b = await second.done;
    expect({ status: b.status, errors: b.errors }).toEqual({ status: 0, errors: [] });
    expect(b.stdout).not.toMatch(/took over/i);
    // one after the other: the second run's entry follows the first's, both succeeded
    expect(audit(app).map((e) => [e.runId, e.result])).toEqual([
      [`first-${tag}`, 'success'],
      [`second-${tag}`, 'success'],
    ]);
    expect(await running(app)).toEqual([`${app}-${b.outputs['release-id']}`]);
    expect(lockHeld(app)).toBe(false);
  } finally {
    gate.open();
    // a failed assertion leaves runs going: cancel them as a runner would, then clean up
    await Promise.all(runs.map((r) => r.cancel()));
    await gate.close();
    await removeApp(app);
  }
});
