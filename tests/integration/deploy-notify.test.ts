/**
 * Issues 5 and 6 end to end: the deploy action as the runner starts it (actions/deploy/index.ts
 * with INPUT_* variables) over the sandbox's sshd and dockerd, with a verify check in the
 * post-switch window and notifications to a stand-in for the Bot API that records sendMessage.
 *
 *  - v1: the check passes; the ops chat gets start, then success.
 *  - v2: the check answers 503 in the window; the deploy rolls back to v1, fails naming the check,
 *    the host's audit history records the rollback, and the ops chat gets start, then rollback.
 *
 * Ports 22310-22349 (this file's own), app name unique per process, everything removed after.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localExecutor } from '../../src/exec.js';
import {
  startFakeTelegramApi,
  listenInRange,
  type FakeTelegramApi,
} from '../helpers/fake-telegram-api.js';
import { ROOT } from '../helpers/repo.js';
import { sandboxEnv } from '../helpers/sandbox.js';

jest.setTimeout(240_000);
const env = sandboxEnv();
const docker = localExecutor({ env: { DOCKER_HOST: env.DOCKER_HOST } });
const app = `deploy-notify-${process.pid}`;
const OPS_TOKEN = '515151:ops-notify-token-deploy';
const CHAT = '-100777';
let api: FakeTelegramApi;
let check: { server: Server; url: string; status: number; hits: number };
let dir: string;

beforeAll(async () => {
  api = await startFakeTelegramApi({ tokens: [OPS_TOKEN], chats: [CHAT], ports: [22310, 22329] });
  const server = createServer((_req, res) => {
    check.hits++;
    res.writeHead(check.status, { 'content-type': 'text/plain' });
    res.end(check.status === 200 ? 'ok' : 'broken');
  });
  const port = await listenInRange(server, 22330, 22349);
  check = { server, url: `http://127.0.0.1:${port}/ready`, status: 200, hits: 0 };
  dir = mkdtempSync(join(tmpdir(), 'deploy-notify-'));
});

afterAll(async () => {
  const ids = (
    await docker.run(['docker', 'ps', '-aq', '--filter', `label=tg-devops.app=${app}`])
  ).stdout
    .split('\n')
    .filter(Boolean);
  if (ids.length) await docker.run(['docker', 'rm', '-f', ...ids]);
  await docker.run(['rm', '-rf', `${env.SANDBOX_STATE_BASE}/${app}`]);
  await api.close();
  await new Promise<void>((r) => check.server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

/** The action's entry in a child process, asynchronously (the fake servers live in this one). */
function runAction(image: string, step: string) {
  const summary = join(dir, `${step}.md`);
  for (const f of ['output', 'state']) writeFileSync(join(dir, `${step}.${f}`), '');
  writeFileSync(summary, '');
  const inputs: Record<string, string> = {
    hosts: `${env.SANDBOX_SSH_USER}@${env.SANDBOX_SSH_HOST}:${env.SANDBOX_SSH_PORT}`,
    'ssh-key': readFileSync(env.SANDBOX_SSH_KEY!, 'utf8'),
    'known-hosts': readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8'),
    app,
    image,
    'bot-mode': 'worker',
    'health-path': '/health',
    'host-ports': '22350,22351',
    'registry-username': env.SANDBOX_REGISTRY_USER!,
    'registry-password': env.SANDBOX_REGISTRY_PASSWORD!,
    'state-dir': env.SANDBOX_STATE_BASE!,
    'stop-grace': '3',
    'health-timeout': '20',
    'verify-http-url': check.url,
    'verify-window': '2',
    'on-inconclusive': 'pause',
    'telegram-api-url': api.url,
    'notify-telegram-token': OPS_TOKEN,
    'notify-chat-id': CHAT,
    environment: 'staging',
  };
  const child = spawn(
    process.execPath,
    ['--import', join(ROOT, 'scripts/ts-register.mjs'), join(ROOT, 'actions/deploy/index.ts')],
    {
      env: {
        PATH: process.env.PATH,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: join(dir, `${step}.output`),
        GITHUB_STATE: join(dir, `${step}.state`),
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'org/bot',
        GITHUB_SHA: 'feedc0de',
        GITHUB_RUN_ID: '888',
        GITHUB_ACTOR: 'octocat',
        ...Object.fromEntries(
          Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
        ),
      },
    },
  );
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
  return new Promise<{ status: number | null; stdout: string; summary: string }>((resolve) =>
    child.on('close', (status) =>
      resolve({ status, stdout, summary: readFileSync(summary, 'utf8') }),
    ),
  );
}

const events = () => api.sent.map((m) => /^\S+ (Deploy \w+( \w+)?)/u.exec(m.entitiesText)?.[1]);

async function audit(): Promise<{ release: string; result: string; detail: string }[]> {
  const out = await docker.run(['cat', `${env.SANDBOX_STATE_BASE}/${app}/audit.jsonl`]);
  return out.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { release: string; result: string; detail: string });
}

async function runningImages(): Promise<string[]> {
  const out = await docker.run([
    'docker',
    'ps',
    '--filter',
    `label=tg-devops.app=${app}`,
    '--format',
    '{{.Image}}',
  ]);
  return out.stdout.split('\n').filter(Boolean);
}

test('a passing window check: deployed, start then success in the ops chat; a failing one: rolled back, audited, start then rollback', async () => {
  check.status = 200;
  const first = await runAction(env.SANDBOX_IMAGE_WEB_V1!, 'v1');
  expect({ status: first.status, out: first.status ? first.stdout : '' }).toEqual({
    status: 0,
    out: '',
  });
  expect(check.hits).toBeGreaterThanOrEqual(3); // once a second for 2 s
  expect(events()).toEqual(['Deploy started', 'Deploy succeeded']);
  expect(api.sent[1]!.text).toContain('→ <b>staging</b>');
  expect(api.sent[1]!.text).toContain('href="https://github.com/org/bot/actions/runs/888"');
  expect(api.sent[1]!.text).toContain('href="https://github.com/org/bot/commit/feedc0de"');
  // the token reaches the log only in the runner's add-mask command
  expect(first.stdout).toContain(`::add-mask::${OPS_TOKEN}`);
  expect(
    first.stdout.split('\n').filter((l) => l.includes(OPS_TOKEN) && !l.startsWith('::add-mask::')),
  ).toEqual([]);

  api.sent.length = 0;
  check.status = 503;
  const second = await runAction(env.SANDBOX_IMAGE_WEB_V2!, 'v2');
  expect(second.status).toBe(1);
  expect(second.stdout).toMatch(
    new RegExp(
      `::error::.*gate http ${check.url.replace(/[.?*+^$()[\]\\/]/g, '\\$&')} failed: fail:.*rolled back to \\d{8}-\\d{6}`,
    ),
  );
  expect(events()).toEqual(['Deploy started', 'Deploy rolled back']);
  expect(api.sent[1]!.entitiesText).toContain(`http ${check.url}`);
  expect(await runningImages()).toEqual([env.SANDBOX_IMAGE_WEB_V1]);
  const entries = await audit();
  expect(entries.map((e) => e.result)).toEqual(['success', 'rolled-back']);
  expect(entries[1]!.detail).toContain(`gate http ${check.url} failed`);
  expect(second.summary).toContain(`failed (gate http ${check.url})`);
});
