/**
 * A webhook bot's public side end to end (issue 13), through the deploy ACTION as a runner runs
 * it, against the sandbox's sshd, dockerd, registry and shared nginx (as the deploy user), with a
 * Bot API stand-in that records and checks every request and delivers updates like Telegram
 * (HTTPS with the chain verified, the secret header, kept-alive connections):
 *
 *  1. the first deploy writes the app's server block (TLS with a certificate the test made with
 *     openssl, nginx -t, reload) and calls setWebhook once; curl verifies the chain; a POST
 *     without the secret header gets 403 and the bot never sees it; N updates sent, N handled;
 *  2. the same registration again: blue-green under webhook load, 0 failed deliveries, and no
 *     setWebhook at all;
 *  3. the secret changes (under load: the block accepts both until setWebhook took the new one,
 *     0 failed deliveries), then the URL changes: one setWebhook each;
 *  4. a deploy whose window sees a Telegram delivery error (last_error_date) rolls back, and the
 *     earlier registration (url and secret) is set back, the block too;
 *  5. the rollback action (under load) sets the previous release's registration and block back,
 *     the live secret kept: one setWebhook, 0 failed deliveries;
 *  6. a polling bot deployed over a token that still has a webhook: deleteWebhook first, 0
 *     getUpdates conflicts;
 *  7. removed with the app: the block and the upstream go, the port answers no more.
 *
 * The webhook listens on 127.0.0.1:8443 (webhook-listen): Telegram's port 8443 needs no
 * privilege, and the sandbox nginx is shared with other tests' blocks on that address.
 * App names whk-*, ports 22955-22969.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { splitCommand } from '../../src/command-line.js';
import { secretSha256 } from '../../src/deploy/webhook-registration.js';
import { readText, writeText } from '../../src/proxy/files.js';
import { nginxProxy, upstreamFile, webhookServerFile } from '../../src/proxy/nginx.js';
import { runEntry, type EntryResult } from '../helpers/action-entry.js';
import {
  commandInput,
  env,
  hostExec,
  hostState,
  registryInputs,
  removeApp,
  running,
  sshInputs,
} from '../helpers/deploy-host.js';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';
import {
  startFakeTelegramApi,
  type DeliveryReport,
  type FakeTelegramApi,
} from '../helpers/fake-telegram-api.js';

jest.setTimeout(600_000);
const app = `whk-${process.pid}`;
const pollApp = `whk-poll-${process.pid}`;
const HOST = 'bot.whk.test';
const HOST2 = 'hook2.whk.test';
const URL1 = `https://${HOST}:8443/webhook`;
const URL2 = `https://${HOST2}:8443/webhook`;
const TOKEN = '727272:whk-webhook-token-aaaaaaaaaaaaaaaaaaaaaaaa';
const POLL_TOKEN = '737373:whk-polling-token-bbbbbbbbbbbbbbbbbbbbbbbb';
const SECRET1 = 'whk_Secret-one';
const SECRET2 = 'whk_Secret-two';
const dir = `/tmp/whk-webhook-${process.pid}`;
const confDir = env.SANDBOX_NGINX_CONF_DIR!;
const nginxSettings = {
  confDir,
  testCommand: splitCommand(env.SANDBOX_NGINX_TEST!, 'nginx-test-command'),
  reloadCommand: splitCommand(env.SANDBOX_NGINX_RELOAD!, 'nginx-reload-command'),
};
let api: FakeTelegramApi;
let poller: FakeTelegram;
let ca: string;

const deploy = (image: string, extra: Record<string, string> = {}) =>
  runEntry('deploy', {
    ...sshInputs(),
    ...registryInputs(),
    app,
    image,
    'bot-mode': 'webhook',
    'health-path': '/health',
    'host-ports': '22961,22962',
    'nginx-conf-dir': confDir,
    'nginx-test-command': commandInput(nginxSettings.testCommand),
    'nginx-reload-command': commandInput(nginxSettings.reloadCommand),
    'webhook-url': URL1,
    'tls-certificate': `${dir}/server.pem`,
    'tls-key': `${dir}/server.key`,
    'webhook-listen': '127.0.0.1',
    'webhook-secret': SECRET1,
    'telegram-bot-token': TOKEN,
    'telegram-api-url': api.url,
    'gate-window': '3',
    'drain-seconds': '10',
    'stop-grace': '3',
    'lock-timeout': '60',
    'verify-pause': '5',
    ...extra,
  });

const ok = (run: EntryResult) => ({ status: run.status, errors: run.errors });
/** What a reader of the log sees: everything but the runner's ::add-mask:: commands. */
const shown = (run: EntryResult) =>
  `${run.stdout}${run.stderr}`
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
const calls = (method: string) => api.requests.filter((r) => r.method === method);

/** curl as a stranger calls the public URL: the chain verified with the test's CA. */
function curl(host: string, headers: string[] = []): Promise<{ code: string; exit: number }> {
  return new Promise((resolve) =>
    execFile(
      'curl',
      [
        '-sS',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '--max-time',
        '10',
        '--cacert',
        `${dir}/ca.pem`,
        '--resolve',
        `${host}:8443:127.0.0.1`,
        '-X',
        'POST',
        '-H',
        'Content-Type: application/json',
        ...headers.flatMap((h) => ['-H', h]),
        '--data',
        '{"update_id":1}',
        `https://${host}:8443/webhook`,
      ],
      (error, stdout) =>
        resolve({
          code: stdout.trim(),
          exit: error ? Number((error as { code?: number }).code ?? -1) : 0,
        }),
    ),
  );
}

/** update_ids the app's containers logged as handled (the sample bot logs each one). */
async function handled(): Promise<Set<number>> {
  const names = (
    await hostExec.run(['docker', 'ps', '-aq', '--filter', `label=tg-devops.app=${app}`])
  ).stdout
    .split('\n')
    .filter(Boolean);
  const ids = new Set<number>();
  for (const name of names) {
    const out = await hostExec.run(['docker', 'logs', name], { allowFailure: true });
    for (const m of `${out.stdout}${out.stderr}`.matchAll(/webhook: update (\d+) handled/g))
      ids.add(Number(m[1]));
  }
  return ids;
}

/** Delivers updates as Telegram does while `run` runs; then the report. */
async function underLoad<T>(run: () => Promise<T>): Promise<[T, DeliveryReport]> {
  let done = false;
  const load = api.deliver(TOKEN, {
    ca,
    address: '127.0.0.1',
    until: () => done,
    connections: 4,
    pauseMs: 100,
  });
  try {
    return [await run(), await ((done = true), load)];
  } finally {
    done = true;
  }
}

/** What getWebhookInfo says unless told otherwise: what setWebhook registered. */
const registered = () => {
  const w = api.webhook(TOKEN);
  return {
    url: w?.url ?? '',
    pending_update_count: 0,
    max_connections: w?.maxConnections ?? 40,
  };
};

beforeAll(async () => {
  api = await startFakeTelegramApi({ tokens: [TOKEN], ports: [22965, 22969] });
  poller = await startFakeTelegram({
    port: 22958,
    token: POLL_TOKEN,
    maxPollSeconds: 2,
    webhookUrl: 'https://old.whk.test/hook',
  });
  const openssl = (...args: string[]) => hostExec.run(['openssl', ...args]);
  await hostExec.run(['mkdir', '-p', dir]);
  await openssl(
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=whk test CA',
    '-keyout', `${dir}/ca.key`, '-out', `${dir}/ca.pem`,
  ); // prettier-ignore
  await openssl(
    'req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${HOST}`,
    '-keyout', `${dir}/server.key`, '-out', `${dir}/server.csr`,
  ); // prettier-ignore
  await writeText(
    hostExec,
    `${dir}/san.ext`,
    `subjectAltName=DNS:${HOST},DNS:${HOST2},DNS:localhost,IP:127.0.0.1\n`,
  );
  await openssl(
    'x509', '-req', '-in', `${dir}/server.csr`, '-CA', `${dir}/ca.pem`, '-CAkey', `${dir}/ca.key`,
    '-CAcreateserial', '-days', '2', '-extfile', `${dir}/san.ext`, '-out', `${dir}/server.pem`,
  ); // prettier-ignore
  ca = readFileSync(`${dir}/ca.pem`, 'utf8');
});

afterAll(async () => {
  await nginxProxy(app, nginxSettings)
    .remove(hostExec)
    .catch(() => undefined);
  await removeApp(app);
  await removeApp(pollApp);
  await hostExec.run(['rm', '-rf', dir], { allowFailure: true });
  await api?.close();
  await poller?.close();
});

test('first deploy: the block with TLS and the secret check, setWebhook once; N sent, N handled', async () => {
  const run = await deploy(env.SANDBOX_IMAGE_WEB_V1!);
  expect(ok(run)).toEqual({ status: 0, errors: [] });
  // one setWebhook with the url and the secret; drop_pending_updates never sent unasked
  expect(calls('setWebhook')).toHaveLength(1);
  expect(calls('setWebhook')[0]!.params).toEqual({ url: URL1, secret_token: SECRET1 });
  expect(api.webhook(TOKEN)).toMatchObject({ url: URL1, secret: SECRET1 });
  // getWebhookInfo confirmed it, and the window watched it
  const setAt = api.requests.indexOf(calls('setWebhook')[0]!);
  expect(api.requests.slice(setAt + 1).filter((r) => r.method === 'getWebhookInfo').length).toBe(
    api.requests.slice(setAt + 1).length,
  );
  expect(api.requests.slice(setAt + 1).length).toBeGreaterThanOrEqual(2);
  // the state keeps the secret's hash, never the secret
  const state = JSON.parse(readFileSync(`${env.SANDBOX_STATE_BASE}/${app}/state.json`, 'utf8')) as {
    current: { webhook: { url: string; secretSha256: string } };
  };
  expect(state.current.webhook).toMatchObject({ url: URL1, secretSha256: secretSha256(SECRET1) });
  expect(JSON.stringify(state)).not.toContain(SECRET1);
  // the token only reached the Bot API URL: not the log, the summary or the outputs
  expect(run.stdout).toContain(`::add-mask::${TOKEN}`);
  for (const text of [shown(run), run.summary, JSON.stringify(run.outputs)]) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SECRET1);
  }
  expect(run.summary).toContain('webhook registered: setWebhook');
  expect(await readText(hostExec, webhookServerFile(confDir, app))).toContain(
    `server_name ${HOST};`,
  );

  // the chain verifies with the test's CA; without the secret: 403, and the bot never sees it
  for (let i = 0; i < 50 && (await curl(HOST)).code !== '403'; i++)
    await new Promise((r) => setTimeout(r, 200));
  const before = await handled();
  expect(await curl(HOST)).toEqual({ code: '403', exit: 0 });
  expect(await curl(HOST, ['X-Telegram-Bot-Api-Secret-Token: wrong'])).toEqual({
    code: '403',
    exit: 0,
  });
  const logs = await hostExec.run(['docker', 'logs', (await running(app))[0]!]);
  expect(`${logs.stdout}${logs.stderr}`).not.toMatch(/update 1 handled|rejected/);

  // the stand-in delivers to the registered URL, with the secret header, through TLS
  const report = await api.deliver(TOKEN, { ca, address: '127.0.0.1', count: 40 });
  expect({ sent: report.sent, ok: report.ok, failed: report.failed }).toEqual({
    sent: 40,
    ok: 40,
    failed: 0,
  });
  const after = await handled();
  expect(report.delivered.filter((id) => after.has(id))).toHaveLength(40);
  expect(after.size - before.size).toBe(40);
});

test('the same registration again: blue-green under webhook load, 0 failed deliveries, no setWebhook', async () => {
  const sets = calls('setWebhook').length;
  const first = hostState(app).current!.id;
  const [run, load] = await underLoad(() => deploy(env.SANDBOX_IMAGE_WEB_V2!));
  expect(ok(run)).toEqual({ status: 0, errors: [] });
  expect(hostState(app).current!.id).not.toBe(first);
  expect(calls('setWebhook')).toHaveLength(sets);
  expect(run.stdout).toContain('webhook registration unchanged');
  expect(run.summary).toContain('webhook registration unchanged');
  console.log(
    `blue-green under webhook load: ${load.sent} sent, ${load.ok} delivered, ${load.failed} failed, ${load.retried} retried once (${JSON.stringify(load.codes)})`,
  );
  expect(load.sent).toBeGreaterThan(20);
  expect(load.failed).toBe(0);
  // N sent, N handled, across both releases
  const seen = await handled();
  expect(load.delivered.filter((id) => !seen.has(id))).toEqual([]);
  expect(load.delivered).toHaveLength(load.sent);
});

test('the secret changes under load (both accepted until setWebhook), then the URL: one setWebhook each', async () => {
  const sets = calls('setWebhook').length;
  const [run, load] = await underLoad(() =>
    deploy(env.SANDBOX_IMAGE_WEB_V1!, { 'webhook-secret': SECRET2 }),
  );
  expect(ok(run)).toEqual({ status: 0, errors: [] });
  expect(calls('setWebhook')).toHaveLength(sets + 1);
  expect(calls('setWebhook').at(-1)!.params).toEqual({ url: URL1, secret_token: SECRET2 });
  console.log(
    `secret rotation under webhook load: ${load.sent} sent, ${load.ok} delivered, ${load.failed} failed, ${load.retried} retried once (${JSON.stringify(load.codes)})`,
  );
  expect({ failed: load.failed, codes: load.codes }).toEqual({
    failed: 0,
    codes: { '200': load.sent },
  });
  // the earlier secret is refused now, the new one passes
  expect((await curl(HOST, [`X-Telegram-Bot-Api-Secret-Token: ${SECRET1}`])).code).toBe('403');
  expect((await curl(HOST, [`X-Telegram-Bot-Api-Secret-Token: ${SECRET2}`])).code).toBe('200');
  expect(hostState(app).current).toMatchObject({
    webhook: { url: URL1, secretSha256: secretSha256(SECRET2) },
  });

  // the URL moves under load too: the old server answers until setWebhook moved the deliveries
  const [moved, during] = await underLoad(() =>
    deploy(env.SANDBOX_IMAGE_WEB_V2!, { 'webhook-secret': SECRET2, 'webhook-url': URL2 }),
  );
  expect(ok(moved)).toEqual({ status: 0, errors: [] });
  console.log(
    `URL move under webhook load: ${during.sent} sent, ${during.ok} delivered, ${during.failed} failed (${JSON.stringify(during.codes)})`,
  );
  expect({ failed: during.failed, codes: during.codes }).toEqual({
    failed: 0,
    codes: { '200': during.sent },
  });
  expect(calls('setWebhook')).toHaveLength(sets + 2);
  expect(calls('setWebhook').at(-1)!.params).toEqual({ url: URL2, secret_token: SECRET2 });
  const report = await api.deliver(TOKEN, { ca, address: '127.0.0.1', count: 10 });
  expect(report.ok).toBe(10);
});

test('a Telegram delivery error in the window rolls back: the earlier registration and block are set back', async () => {
  const sets = calls('setWebhook').length;
  const current = hostState(app).current!.id;
  const block = await readText(hostExec, webhookServerFile(confDir, app));
  const URL3 = `https://${HOST}:8443/webhook`;
  // Telegram cannot reach the new URL: getWebhookInfo reports a delivery error once it is set
  api.setWebhookInfo(TOKEN, () =>
    api.webhook(TOKEN)?.url === URL3
      ? {
          ...registered(),
          last_error_date: Math.floor(Date.now() / 1000),
          last_error_message: 'Connection timed out',
        }
      : registered(),
  );
  try {
    const run = await deploy(env.SANDBOX_IMAGE_WEB_V1!, {
      'webhook-secret': SECRET1,
      'webhook-url': URL3,
    });
    expect(run.status).toBe(1);
    expect(run.errors.join('\n')).toMatch(/delivery error/);
  } finally {
    api.setWebhookInfo(TOKEN, registered);
  }
  // set once, then back: the earlier url with the earlier secret
  expect(
    calls('setWebhook')
      .slice(sets)
      .map((r) => r.params),
  ).toEqual([
    { url: URL3, secret_token: SECRET1 },
    // what getWebhookInfo showed before (its max_connections too), with the secret the block had
    { url: URL2, secret_token: SECRET2, max_connections: 40 },
  ]);
  expect(api.webhook(TOKEN)).toMatchObject({ url: URL2, secret: SECRET2 });
  expect(await readText(hostExec, webhookServerFile(confDir, app))).toBe(block);
  expect(hostState(app).current!.id).toBe(current);
  const report = await api.deliver(TOKEN, { ca, address: '127.0.0.1', count: 10 });
  expect(report.ok).toBe(10);
});

test("a manual rollback sets the target release's registration and block back (the live secret kept)", async () => {
  const sets = calls('setWebhook').length;
  const before = hostState(app) as { current?: { id: string }; previous?: { id: string } };
  const [back, load] = await underLoad(() =>
    runEntry('rollback', {
      ...sshInputs(),
      app,
      to: 'previous',
      'health-path': '/health',
      'nginx-conf-dir': confDir,
      'nginx-test-command': commandInput(nginxSettings.testCommand),
      'nginx-reload-command': commandInput(nginxSettings.reloadCommand),
      'telegram-bot-token': TOKEN,
      'telegram-api-url': api.url,
      'drain-seconds': '10',
      'stop-grace': '3',
      'lock-timeout': '60',
    }),
  );
  expect(ok(back)).toEqual({ status: 0, errors: [] });
  expect(hostState(app).current!.id).toBe(before.previous!.id);
  // the previous release was deployed with URL1 (and SECRET2): one setWebhook, the secret kept
  expect(
    calls('setWebhook')
      .slice(sets)
      .map((r) => r.params),
  ).toEqual([{ url: URL1, secret_token: SECRET2 }]);
  expect(await readText(hostExec, webhookServerFile(confDir, app))).toContain(
    `server_name ${HOST};`,
  );
  console.log(
    `manual rollback under webhook load: ${load.sent} sent, ${load.ok} delivered, ${load.failed} failed, ${load.retried} retried once (${JSON.stringify(load.codes)})`,
  );
  expect({ failed: load.failed, codes: load.codes }).toEqual({
    failed: 0,
    codes: { '200': load.sent },
  });
  expect(shown(back)).not.toContain(TOKEN);
  const report = await api.deliver(TOKEN, { ca, address: '127.0.0.1', count: 10 });
  expect(report.ok).toBe(10);
});

test('a polling bot over a token that still has a webhook: deleteWebhook first, 0 conflicts', async () => {
  const run = await runEntry('deploy', {
    ...sshInputs(),
    ...registryInputs(),
    app: pollApp,
    image: env.SANDBOX_IMAGE_POLL_V1!,
    'bot-mode': 'polling',
    network: 'host',
    env: `BOT_TOKEN=${POLL_TOKEN}\nTELEGRAM_API_URL=${poller.url}\nPOLL_TIMEOUT=2\n`,
    'telegram-bot-token': POLL_TOKEN,
    'telegram-api-url': poller.url,
    'gate-window': '4',
    'stop-grace': '3',
    'lock-timeout': '60',
  });
  expect(ok(run)).toEqual({ status: 0, errors: [] });
  expect(run.stdout).toMatch(
    /deleteWebhook: the token still has a webhook \(https:\/\/old\.whk\.test\/hook\)/,
  );
  expect(poller.webhookUrl).toBe('');
  const methods = poller.requests.map((r) => r.method);
  const deleted = methods.indexOf('deleteWebhook');
  expect(deleted).toBeGreaterThanOrEqual(0);
  expect(methods.indexOf('getUpdates')).toBeGreaterThan(deleted);
  expect(methods.filter((m) => m === 'getUpdates').length).toBeGreaterThan(0);
  expect(poller.conflicts()).toBe(0);
  expect(run.summary).toContain('deleteWebhook');
  expect(`${shown(run)}${run.summary}`).not.toContain(POLL_TOKEN);
});

test('removed with the app: the server block and the upstream go, the port answers no more', async () => {
  await nginxProxy(app, nginxSettings).remove(hostExec);
  expect(await readText(hostExec, webhookServerFile(confDir, app))).toBeUndefined();
  expect(await readText(hostExec, upstreamFile(confDir, app))).toBeUndefined();
  for (let i = 0; i < 50 && (await curl(HOST)).code !== '000'; i++)
    await new Promise((r) => setTimeout(r, 200));
  expect((await curl(HOST)).code).toBe('000');
});
