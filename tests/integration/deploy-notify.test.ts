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
import { createServer, type Server } from 'node:http';
import { runEntry } from '../helpers/action-entry.js';
import {
  audit,
  env,
  hostExec,
  registryInputs,
  removeApp,
  sshInputs,
} from '../helpers/deploy-host.js';
import {
  startFakeTelegramApi,
  listenInRange,
  type FakeTelegramApi,
} from '../helpers/fake-telegram-api.js';

jest.setTimeout(240_000);
const app = `deploy-notify-${process.pid}`;
const OPS_TOKEN = '515151:ops-notify-token-deploy';
const CHAT = '-100777';
let api: FakeTelegramApi;
let check: { server: Server; url: string; status: number; hits: number };

beforeAll(async () => {
  api = await startFakeTelegramApi({ tokens: [OPS_TOKEN], chats: [CHAT], ports: [22310, 22329] });
  const server = createServer((_req, res) => {
    check.hits++;
    res.writeHead(check.status, { 'content-type': 'text/plain' });
    res.end(check.status === 200 ? 'ok' : 'broken');
  });
  const port = await listenInRange(server, 22330, 22349);
  check = { server, url: `http://127.0.0.1:${port}/ready`, status: 200, hits: 0 };
});

afterAll(async () => {
  await removeApp(app);
  await api.close();
  await new Promise<void>((r) => check.server.close(() => r()));
});

/** The action's entry as the runner starts it (tests/helpers/action-entry.ts); asynchronously, so
 * the stand-ins in this process keep answering. */
function runAction(image: string) {
  return runEntry(
    'deploy',
    {
      ...sshInputs(),
      ...registryInputs(),
      app,
      image,
      'bot-mode': 'worker',
      'health-path': '/health',
      'host-ports': '22350,22351',
      'stop-grace': '3',
      'health-timeout': '20',
      'verify-http-url': check.url,
      'verify-window': '2',
      'on-inconclusive': 'pause',
      'telegram-api-url': api.url,
      'notify-telegram-token': OPS_TOKEN,
      'notify-chat-id': CHAT,
      environment: 'staging',
    },
    {
      env: {
        GITHUB_REPOSITORY: 'org/bot',
        GITHUB_SHA: 'feedc0de',
        GITHUB_RUN_ID: '888',
        GITHUB_ACTOR: 'octocat',
      },
    },
  );
}

const events = () => api.sent.map((m) => /^\S+ (Deploy \w+( \w+)?)/u.exec(m.entitiesText)?.[1]);

async function runningImages(): Promise<string[]> {
  const out = await hostExec.run([
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
  const first = await runAction(env.SANDBOX_IMAGE_WEB_V1!);
  expect({ status: first.status, out: first.status ? first.log : '' }).toEqual({
    status: 0,
    out: '',
  });
  expect(check.hits).toBeGreaterThanOrEqual(3); // once a second for 2 s
  expect(events()).toEqual(['Deploy started', 'Deploy succeeded']);
  expect(api.sent[1]!.text).toContain('→ <b>staging</b>');
  expect(api.sent[1]!.text).toContain('href="https://github.com/org/bot/actions/runs/888"');
  expect(api.sent[1]!.text).toContain('href="https://github.com/org/bot/commit/feedc0de"');
  // the token reaches the log only in the runner's add-mask command
  expect(first.log).toContain(`::add-mask::${OPS_TOKEN}`);
  expect(
    first.log.split('\n').filter((l) => l.includes(OPS_TOKEN) && !l.startsWith('::add-mask::')),
  ).toEqual([]);

  api.sent.length = 0;
  check.status = 503;
  const second = await runAction(env.SANDBOX_IMAGE_WEB_V2!);
  expect(second.status).toBe(1);
  expect(second.log).toMatch(
    new RegExp(
      `::error::.*gate http ${check.url.replace(/[.?*+^$()[\]\\/]/g, '\\$&')} failed: fail:.*rolled back to \\d{8}-\\d{6}`,
    ),
  );
  expect(events()).toEqual(['Deploy started', 'Deploy rolled back']);
  expect(api.sent[1]!.entitiesText).toContain(`http ${check.url}`);
  expect(await runningImages()).toEqual([env.SANDBOX_IMAGE_WEB_V1]);
  const entries = audit(app);
  expect(entries.map((e) => e.result)).toEqual(['success', 'rolled-back']);
  expect(entries[1]!.detail).toContain(`gate http ${check.url} failed`);
  expect(second.summary).toContain(`failed (gate http ${check.url})`);
});
