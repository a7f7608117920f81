/**
 * The webhook server block (src/proxy/webhook-server.ts) in the sandbox's real nginx, as the
 * deploy user: a CA and a server certificate made here with openssl, the block and the app's
 * upstream written, `nginx -t`, reload; then curl against https://bot.h9.test:8443 (resolved to
 * 127.0.0.1) verifies the chain with the CA, a POST without the secret header (or with a wrong
 * one) gets 403 and the bot never sees it, the right header reaches the bot, other paths 404.
 * (Through installWebhookServer, the installer the deploy is to call; the deploy does not yet
 * write this block from its inputs: issue 13.)
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { splitCommand } from '../../src/command-line.js';
import { renderUpstream, upstreamFile } from '../../src/proxy/nginx.js';
import { removeFile, writeText } from '../../src/proxy/files.js';
import {
  installWebhookServer,
  uninstallWebhookServer,
  webhookServerFile,
  type WebhookServer,
} from '../../src/proxy/webhook-server.js';
import { readText } from '../../src/proxy/files.js';
import { env, hostExec } from '../helpers/deploy-host.js';

jest.setTimeout(120_000);
const app = `h9-hook-${process.pid}`;
const HOST = 'bot.h9.test';
const PORT = 8443;
const BOT_PORT = 22933;
const SECRET = 'h9_Secret-token';
const dir = `/tmp/h9-webhook-${process.pid}`;
const confDir = env.SANDBOX_NGINX_CONF_DIR!;
const seen: IncomingHttpHeaders[] = [];
let bot: Server;
const nginxSettings = {
  confDir,
  testCommand: splitCommand(env.SANDBOX_NGINX_TEST!, 'nginx-test-command'),
  reloadCommand: splitCommand(env.SANDBOX_NGINX_RELOAD!, 'nginx-reload-command'),
};
const server: WebhookServer = {
  app,
  host: HOST,
  port: PORT,
  path: '/tg/hook',
  certificate: `${dir}/server.pem`,
  key: `${dir}/server.key`,
  secret: SECRET,
  listenAddress: '127.0.0.1',
};

const nginx = async (what: 'SANDBOX_NGINX_TEST' | 'SANDBOX_NGINX_RELOAD') =>
  hostExec.run(splitCommand(env[what]!, what));

/**
 * curl as Telegram would call the public URL (--cacert: the chain is verified). Asynchronous:
 * the bot answering nginx runs in this process.
 */
function curl(args: string[], path = '/tg/hook'): Promise<{ code: string; exit: number }> {
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
        '--resolve',
        `${HOST}:${PORT}:127.0.0.1`,
        ...args,
        `https://${HOST}:${PORT}${path}`,
      ],
      (error, stdout) =>
        resolve({
          code: stdout.trim(),
          exit: error ? Number((error as { code?: number }).code ?? -1) : 0,
        }),
    ),
  );
}
const post = (headers: string[] = [], path?: string) =>
  curl(
    [
      '--cacert',
      `${dir}/ca.pem`,
      '-X',
      'POST',
      '-H',
      'Content-Type: application/json',
      ...headers.flatMap((h) => ['-H', h]),
      '--data',
      '{"update_id":1}',
    ],
    path,
  );

beforeAll(async () => {
  bot = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => bot.listen(BOT_PORT, '127.0.0.1', resolve));
  const openssl = (...args: string[]) => hostExec.run(['openssl', ...args]);
  await hostExec.run(['mkdir', '-p', dir]);
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=h9 test CA',
    '-keyout',
    `${dir}/ca.key`,
    '-out',
    `${dir}/ca.pem`,
  );
  await openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${HOST}`,
    '-keyout',
    `${dir}/server.key`,
    '-out',
    `${dir}/server.csr`,
  );
  await writeText(hostExec, `${dir}/san.ext`, `subjectAltName=DNS:${HOST}\n`);
  await openssl(
    'x509',
    '-req',
    '-in',
    `${dir}/server.csr`,
    '-CA',
    `${dir}/ca.pem`,
    '-CAkey',
    `${dir}/ca.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${dir}/san.ext`,
    '-out',
    `${dir}/server.pem`,
  );
  await writeText(
    hostExec,
    upstreamFile(confDir, app),
    renderUpstream(app, [{ color: 'blue', port: BOT_PORT, weight: 100 }]),
  );
  // the deploy's installer: write, nginx -t, reload
  expect(await installWebhookServer(hostExec, nginxSettings, server)).toBe(true);
  expect(await installWebhookServer(hostExec, nginxSettings, server)).toBe(false);
  // the reload returns before the new workers serve
  for (
    let i = 0;
    i < 50 && (await post([`X-Telegram-Bot-Api-Secret-Token: ${SECRET}`])).code !== '200';
    i++
  )
    await new Promise((r) => setTimeout(r, 200));
  seen.length = 0;
});

afterAll(async () => {
  await uninstallWebhookServer(hostExec, nginxSettings, app);
  await removeFile(hostExec, upstreamFile(confDir, app));
  await nginx('SANDBOX_NGINX_TEST');
  await nginx('SANDBOX_NGINX_RELOAD');
  await hostExec.run(['rm', '-rf', dir]);
  await new Promise((resolve) => bot.close(resolve));
});

test('curl verifies the chain with the test CA; without it the certificate is refused', async () => {
  expect(await post([`X-Telegram-Bot-Api-Secret-Token: ${SECRET}`])).toEqual({
    code: '200',
    exit: 0,
  });
  // no CA given: curl's own verification fails (exit 60), nothing reaches the bot
  const unverified = await curl(['-X', 'POST', '--data', '{}']);
  expect(unverified.exit).toBe(60);
  expect(seen).toHaveLength(1);
  expect(seen[0]!['x-telegram-bot-api-secret-token']).toBe(SECRET);
  expect(seen[0]!['x-forwarded-proto']).toBe('https');
});

test('a POST without the secret header, or with a wrong one, gets 403 and the bot never sees it', async () => {
  const before = seen.length;
  expect((await post()).code).toBe('403');
  expect((await post(['X-Telegram-Bot-Api-Secret-Token: wrong'])).code).toBe('403');
  expect((await post([`X-Telegram-Bot-Api-Secret-Token: ${SECRET}x`])).code).toBe('403');
  expect(seen).toHaveLength(before);
  for (let i = 0; i < 5; i++)
    expect((await post([`X-Telegram-Bot-Api-Secret-Token: ${SECRET}`])).code).toBe('200');
  expect(seen).toHaveLength(before + 5);
});

test('only the URL path is served: other paths are 404 and never reach the bot', async () => {
  const before = seen.length;
  expect((await post([`X-Telegram-Bot-Api-Secret-Token: ${SECRET}`], '/other')).code).toBe('404');
  expect((await post([`X-Telegram-Bot-Api-Secret-Token: ${SECRET}`], '/tg/hook/x')).code).toBe(
    '404',
  );
  expect(seen).toHaveLength(before);
});

test('a block nginx refuses (a key file that is not there) is never made live: the working one stays', async () => {
  const path = webhookServerFile(confDir, app);
  const live = await readText(hostExec, path);
  await expect(
    installWebhookServer(hostExec, nginxSettings, { ...server, key: `${dir}/missing.key` }),
  ).rejects.toThrow(/config test failed/);
  expect(await readText(hostExec, path)).toBe(live);
  expect((await post([`X-Telegram-Bot-Api-Secret-Token: ${SECRET}`])).code).toBe('200');
});

test('removed with the app: the port answers no more', async () => {
  await uninstallWebhookServer(hostExec, nginxSettings, app);
  expect(await readText(hostExec, webhookServerFile(confDir, app))).toBeUndefined();
  for (let i = 0; i < 50 && (await post()).exit === 0; i++)
    await new Promise((r) => setTimeout(r, 200));
  expect((await post()).exit).toBe(7); // curl: could not connect
});
