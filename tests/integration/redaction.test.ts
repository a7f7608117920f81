/**
 * Issue 12's acceptance, through the deploy action's entry as a runner starts it
 * (actions/deploy/index.ts with INPUT_* and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files), over
 * the sandbox's real sshd, dockerd and registry:
 *
 * 1. A polling bot that logs its request URLs with the token at INFO, as python-telegram-bot 20+
 *    does through httpx (`HTTP Request: POST https://api.telegram.org/bot<TOKEN>/getUpdates
 *    "HTTP/1.1 409 Conflict"`), meets a stray poller of the same token. The deploy fails and names
 *    the conflict; the bare token appears nowhere: step log, annotations, job summary, outputs,
 *    the Telegram and webhook notifications (local stand-ins that record them), the host's audit.
 * 2. A failing pre-deploy prints the DATABASE_URL with its password, and a line that would be a
 *    workflow command: the password appears nowhere, and the host's line never acts as a command.
 *
 * The only lines allowed to carry a secret are the `::add-mask::` commands that tell the runner
 * to hide it (that is what they are for; the runner never shows them).
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { inputEnv } from '../../scripts/demo/run-action.js';
import { localExecutor } from '../../src/exec.js';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { ROOT } from '../helpers/repo.js';
import { sandboxEnv } from '../helpers/sandbox.js';

jest.setTimeout(300_000);
const env = sandboxEnv();
const docker = localExecutor({ env: { DOCKER_HOST: env.DOCKER_HOST } });
const apps = { token: `h5-redact-tok-${process.pid}`, db: `h5-redact-db-${process.pid}` };
const stray = `h5-redact-stray-${process.pid}`;
// A token of the real shape: bot id, colon, 35 URL-safe characters.
const TOKEN = '7123456789:AAHk3-xQ_zP9sLmN0vR2tY5uW8aB1cD4eFg';
const TOKEN_SECRET = TOKEN.split(':')[1]!;
const NOTIFY_TOKEN = '6000000001:AAFnotify-h5-0123456789abcdefghijklm';
const CHAT = '-100777';
const DB_PASSWORD = 'pgS3cret-h5-pw';
const DATABASE_URL = `postgresql://bot:${DB_PASSWORD}@127.0.0.1:5432/bot`;
const CACHE_PASSWORD = 'redis-h5-pw-77';
const image = `${env.SANDBOX_REGISTRY}/tg-test/h5-httpxbot:${process.pid}`;

let dir: string;
let getUpdates: FakeTelegram;
let botApi: FakeTelegramApi;
let webhook: Server;
let webhookUrl: string;
const webhookBodies: string[] = [];

// The httpx-style bot: python-telegram-bot 20+ logs each request URL with the token at INFO.
const HTTPX_BOT = `#!/bin/sh
API=\${TELEGRAM_API_URL%/}
echo "httpxbot starting"
child=
trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 0' TERM INT
while :; do
  timeout 15 wget -q -O /tmp/u "$API/bot$BOT_TOKEN/getUpdates?timeout=\${POLL_TIMEOUT:-3}" 2>/tmp/e &
  child=$!; wait "$child"; rc=$?; child=
  if [ "$rc" -eq 0 ]; then status='HTTP/1.1 200 OK'
  elif grep -q 409 /tmp/e; then status='HTTP/1.1 409 Conflict'
  else status='HTTP/1.1 502 Bad Gateway'; fi
  echo "INFO httpx: HTTP Request: POST $API/bot$BOT_TOKEN/getUpdates \\"$status\\""
  [ "$rc" -eq 0 ] || { sleep 1 & child=$!; wait "$child"; child=; }
done
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'h5-redaction-'));
  getUpdates = await startFakeTelegram({ port: 21395, token: TOKEN, maxPollSeconds: 3 });
  botApi = await startFakeTelegramApi({
    tokens: [NOTIFY_TOKEN],
    chats: [CHAT],
    ports: [21396, 21399],
  });
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      webhookBodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hooks/h5`;

  // The variant image: FROM the sandbox's busybox pollbot, with the httpx-style loop as its CMD.
  const context = join(dir, 'image');
  spawnSync('mkdir', ['-p', context]);
  writeFileSync(join(context, 'httpxbot'), HTTPX_BOT);
  chmodSync(join(context, 'httpxbot'), 0o755);
  writeFileSync(
    join(context, 'Dockerfile'),
    `FROM ${env.SANDBOX_IMAGE_POLL_V1_LOCAL}\nCOPY httpxbot /app/httpxbot\nCMD ["/app/httpxbot"]\n`,
  );
  const dockerEnv = {
    ...process.env,
    DOCKER_HOST: env.DOCKER_HOST,
    DOCKER_CONFIG: env.SANDBOX_DOCKER_CONFIG,
    DOCKER_BUILDKIT: '0', // the classic builder: no buildx plugin here (a Debian-like runner)
  };
  for (const argv of [
    ['build', '-q', '-t', image, context],
    ['push', '-q', image],
  ]) {
    const r = spawnSync('docker', argv, { env: dockerEnv, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`docker ${argv[0]}: ${r.stderr}`);
  }
});

afterAll(async () => {
  for (const app of Object.values(apps)) {
    const ids = (
      await docker.run(['docker', 'ps', '-aq', '--filter', `label=tg-devops.app=${app}`])
    ).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length) await docker.run(['docker', 'rm', '-f', ...ids]);
    await docker.run(['rm', '-rf', `${env.SANDBOX_STATE_BASE}/${app}`]);
  }
  await docker.run(['docker', 'rm', '-f', stray], { allowFailure: true });
  await docker.run(['docker', 'rmi', image], { allowFailure: true });
  await getUpdates?.close();
  await botApi?.close();
  await new Promise<void>((r) => (webhook ? webhook.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: string;
  summary: string;
}

/** The deploy entry as the runner starts it: INPUT_* (with action.yml's defaults) and the files. */
function runDeploy(name: string, inputs: Record<string, string>): Promise<Run> {
  const files = {
    output: join(dir, `${name}.output`),
    state: join(dir, `${name}.state`),
    summary: join(dir, `${name}.md`),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const actionYml = parse(readFileSync(join(ROOT, 'deploy/action.yml'), 'utf8')) as Parameters<
    typeof inputEnv
  >[0];
  const child = spawn(
    process.execPath,
    ['--import', join(ROOT, 'scripts/ts-register.mjs'), join(ROOT, 'actions/deploy/index.ts')],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: files.output,
        GITHUB_STATE: files.state,
        GITHUB_STEP_SUMMARY: files.summary,
        GITHUB_RUN_ID: '1212',
        GITHUB_REPOSITORY: 'org/h5-bot',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_ACTOR: 'octocat',
        ...inputEnv(actionYml, inputs),
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (status) => {
      resolve({
        status,
        stdout,
        stderr,
        outputs: readFileSync(files.output, 'utf8'),
        summary: readFileSync(files.summary, 'utf8'),
      });
    }),
  );
}

function baseInputs(app: string, extra: Record<string, string>): Record<string, string> {
  return {
    hosts: `${env.SANDBOX_SSH_USER}@${env.SANDBOX_SSH_HOST}:${env.SANDBOX_SSH_PORT}`,
    'ssh-key': readFileSync(env.SANDBOX_SSH_KEY!, 'utf8'),
    'known-hosts': readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8'),
    app,
    'bot-mode': 'polling',
    network: 'host',
    'registry-username': env.SANDBOX_REGISTRY_USER!,
    'registry-password': env.SANDBOX_REGISTRY_PASSWORD!,
    'state-dir': env.SANDBOX_STATE_BASE!,
    'gate-window': '6',
    'stop-grace': '5',
    'lock-timeout': '30',
    'telegram-api-url': botApi.url,
    'notify-telegram-token': NOTIFY_TOKEN,
    'notify-chat-id': CHAT,
    'notify-webhook-url': webhookUrl,
    ...extra,
  };
}

/** Everything the run let out, except the add-mask commands (which exist to carry secrets). */
function everythingOut(run: Run, app: string, sentFrom: number, hooksFrom: number): string {
  const stdout = run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  const audit = `${env.SANDBOX_STATE_BASE}/${app}/audit.jsonl`;
  return [
    stdout,
    run.stderr,
    run.outputs,
    run.summary,
    JSON.stringify(botApi.sent.slice(sentFrom)),
    webhookBodies.slice(hooksFrom).join('\n'),
    existsSync(audit) ? readFileSync(audit, 'utf8') : '',
  ].join('\n');
}

const annotations = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('::error') || l.startsWith('::warning'))
    .map((l) => l.replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%25/g, '%'));

const waitFor = async (what: () => boolean, seconds: number) => {
  for (let i = 0; i < seconds * 10 && !what(); i++) await new Promise((r) => setTimeout(r, 100));
  return what();
};

test('the token case: an httpx-logging bot meets a stray poller; the token shows nowhere', async () => {
  // The stray poller: another instance of the bot, outside any deploy.
  await docker.run([
    'docker',
    'run',
    '-d',
    '--name',
    stray,
    '--network',
    'host',
    '-e',
    `BOT_TOKEN=${TOKEN}`,
    '-e',
    `TELEGRAM_API_URL=${getUpdates.url}`,
    '-e',
    'POLL_TIMEOUT=3',
    env.SANDBOX_IMAGE_POLL_V1!,
  ]);
  expect(await waitFor(() => getUpdates.requests.some((r) => r.method === 'getUpdates'), 20)).toBe(
    true,
  );
  const sentFrom = botApi.sent.length;
  const hooksFrom = webhookBodies.length;
  const run = await runDeploy(
    'token',
    baseInputs(apps.token, {
      image,
      env: `BOT_TOKEN=${TOKEN}\nTELEGRAM_API_URL=${getUpdates.url}\nPOLL_TIMEOUT=3\nLOG_LEVEL=INFO\n`,
    }),
  );
  await docker.run(['docker', 'rm', '-f', stray]);

  // The deploy failed and says why: the conflict, with the log line (its token cut out).
  expect(run.status).toBe(1);
  expect(getUpdates.conflicts()).toBeGreaterThan(0);
  const errors = annotations(run.stdout).filter((a) => a.startsWith('::error'));
  expect(errors.join('\n')).toMatch(/409 Conflict/);
  expect(errors.join('\n')).toMatch(/bot\*\*\*\/getUpdates/);
  expect(run.summary).toMatch(/409 Conflict/);

  // Notifications went out (start, then the failure) and name the conflict.
  const sent = botApi.sent.slice(sentFrom);
  expect(sent.length).toBeGreaterThanOrEqual(2);
  expect(sent.map((s) => s.entitiesText).join('\n')).toMatch(/409 Conflict/);
  expect(webhookBodies.slice(hooksFrom).join('\n')).toMatch(/409 Conflict/);
  // The host's audit records the failure.
  const audit = readFileSync(`${env.SANDBOX_STATE_BASE}/${apps.token}/audit.jsonl`, 'utf8');
  expect(audit).toMatch(/409 Conflict/);

  // The bare token: nowhere.
  const out = everythingOut(run, apps.token, sentFrom, hooksFrom);
  expect(out).not.toContain(TOKEN_SECRET);
  expect(out).not.toContain(NOTIFY_TOKEN.split(':')[1]);
  // ... and the masks were registered with the runner (the token on its own, not only its line).
  expect(run.stdout.split('\n')).toContain(`::add-mask::${TOKEN}`);
});

test('credentials in a DATABASE_URL printed by a failing pre-deploy show nowhere; host output is no command', async () => {
  const sentFrom = botApi.sent.length;
  const hooksFrom = webhookBodies.length;
  const run = await runDeploy(
    'db',
    baseInputs(apps.db, {
      image: env.SANDBOX_IMAGE_POLL_V1!,
      env: `BOT_TOKEN=${TOKEN}\nTELEGRAM_API_URL=${getUpdates.url}\nDATABASE_URL=${DATABASE_URL}\n`,
      // Also a URL with credentials that is in no input: the shape rule catches it.
      'pre-deploy': `sh -c 'echo "migrating $DATABASE_URL"; echo "::warning::from the host"; echo "::add-mask::host"; echo "cache at redis://:${CACHE_PASSWORD}@127.0.0.1:6379/0" >&2; echo "connection refused: $DATABASE_URL" >&2; exit 3'`,
    }),
  );
  expect(run.status).toBe(1);
  const errors = annotations(run.stdout).filter((a) => a.startsWith('::error'));
  expect(errors.join('\n')).toMatch(/pre-deploy.*exited 3/);
  // The registered URL goes whole; the unregistered one keeps all but its password.
  expect(errors.join('\n')).toContain('connection refused: ***');
  expect(run.stdout).toContain('pre-deploy | cache at redis://:***@127.0.0.1:6379/0');

  const out = everythingOut(run, apps.db, sentFrom, hooksFrom);
  expect(out).not.toContain(DB_PASSWORD);
  expect(out).not.toContain(CACHE_PASSWORD);
  expect(out).not.toContain(TOKEN_SECRET);
  // The password is masked on its own (and the URL), not only as the whole env line.
  const masks = run.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
  expect(masks).toContain(`::add-mask::${DB_PASSWORD}`);
  expect(masks).toContain(`::add-mask::${DATABASE_URL}`);

  // The host's `::warning::` and `::add-mask::` lines never act as commands: outside a
  // stop-commands block no stdout line is one of them.
  let stopped: string | undefined;
  const live: string[] = [];
  for (const line of run.stdout.split('\n')) {
    if (stopped) {
      if (line === `::${stopped}::`) stopped = undefined;
      continue;
    }
    const stop = line.match(/^::stop-commands::(.+)$/);
    if (stop) stopped = stop[1];
    else if (/^\s*::/.test(line)) live.push(line);
  }
  expect(stopped).toBeUndefined();
  expect(live.length).toBeGreaterThan(0); // our own commands (groups, annotations) are live
  expect(
    live.filter((l) => /^\s*::warning::from the host/.test(l) || l.trim() === '::add-mask::host'),
  ).toEqual([]);
  // The host's lines arrived, as text: prefixed in the step log.
  expect(run.stdout).toContain('pre-deploy | ::warning::from the host');
});
