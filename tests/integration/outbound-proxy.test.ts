/**
 * Issue 11's proxy and retry acceptance: the deploy, verify and test actions as the runner starts
 * them (actions/<name>/index.ts with INPUT_* variables) on a self-hosted runner behind a proxy:
 * HTTPS_PROXY and HTTP_PROXY name a local forward proxy (tests/helpers/forward-proxy.ts) and
 * NO_PROXY names this machine.
 *
 * The stand-ins for GitHub and the Bot API speak HTTPS (a throwaway certificate the children trust
 * through NODE_EXTRA_CA_CERTS), the bot's health endpoint HTTP; all three live behind names only
 * the proxy resolves (`*.proxied.test`), so a call that skipped the proxy could not reach them.
 * The webhook stand-in sits on this machine's own name, listed in NO_PROXY: it must be called
 * directly, and the proxy must never see it. (Loopback literals are always direct, as in
 * @actions/http-client; the sandbox's services stay on 127.0.0.1.)
 *
 * Retry: the GitHub stand-in answers the deploy's createDeployment 502 twice, then 201: exactly
 * one deployment exists, and the deploy goes on (statuses, the release, the notifications).
 *
 * The CLI behind the same proxy: its deploy's verify check reaches the bot's proxied name.
 *
 * Ports: any free ones for the stand-ins; host ports 23760-23761 for the bot, 23762-23763 for the
 * CLI's; app names per process.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { lookup } from 'node:dns/promises';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEntry, type EntryName, type EntryResult } from '../helpers/action-entry.js';
import { cliWorkDir, runCliAsync, writeCliConfig } from '../helpers/cli-sandbox.js';
import { env, registryInputs, removeApp, sshInputs } from '../helpers/deploy-host.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import {
  selfSignedCertificate,
  serve,
  startForwardProxy,
  type Certificate,
  type ForwardProxy,
  type StandInAnswer,
} from '../helpers/forward-proxy.js';

jest.setTimeout(300_000);
const app = `proxy-acc-${process.pid}`;
const cliApp = `tdy-proxy-cli-${process.pid}`;
const OWNER = 'org';
const REPO = 'proxy-bot';
const TOKEN = 'ghs_proxy_acceptance';
const BOT_TOKEN = '424242:proxy-acceptance-bot-token-abcdefghijkl';
const CHAT = '-100424242';
const HEAD = 'a'.repeat(40);

type Server = Awaited<ReturnType<typeof serve>>;
let proxy: ForwardProxy;
let cert: Certificate;
let github: Server;
let telegram: Server;
let bot: Server;
let webhook: Server;
let fakeGitHub: FakeGitHub;
let names: { github: string; telegram: string; bot: string; webhook: string };
let work: string;

/** What the GitHub stand-in saw of deployments, beside the PR endpoints FakeGitHub answers. */
const deployments = { attempts: 0, created: [] as number[], statuses: [] as string[] };
const telegramCalls: { method: string; chatId?: string; text?: string }[] = [];
const webhookPosts: unknown[] = [];
const healthHits: string[] = [];

beforeAll(async () => {
  cert = selfSignedCertificate(['github.proxied.test', 'telegram.proxied.test']);
  proxy = await startForwardProxy();
  fakeGitHub = new FakeGitHub({ owner: OWNER, repo: REPO, writeTokens: [TOKEN] });
  fakeGitHub.pulls.set(7, {
    headSha: HEAD,
    files: [{ filename: 'bot/handlers.py', status: 'added', patch: '@@ -0,0 +1,2 @@\n+a\n+b' }],
  });
  github = await serve(
    async (method, url, headers, body) => {
      const base = `/repos/${OWNER}/${REPO}/deployments`;
      if (method === 'POST' && url.pathname === base) {
        // 502 twice, then created: the retry acceptance.
        if (++deployments.attempts <= 2) return { status: 502, body: 'Bad Gateway' };
        deployments.created.push(501);
        return { status: 201, body: { id: 501, ref: (JSON.parse(body) as { ref: string }).ref } };
      }
      if (method === 'POST' && url.pathname === `${base}/501/statuses`) {
        deployments.statuses.push((JSON.parse(body) as { state: string }).state);
        return { status: 201, body: { id: deployments.statuses.length } };
      }
      const answer = await fakeGitHub.fetch(url.href, {
        method,
        headers: { authorization: String(headers.authorization ?? '') },
        body: body || undefined,
      });
      const link = answer.headers.get('link');
      return {
        status: answer.status,
        body: await answer.text(),
        headers: link ? { link } : undefined,
      } satisfies StandInAnswer;
    },
    { tls: cert },
  );
  telegram = await serve(
    (method, url, _headers, body) => {
      const m = url.pathname.match(/^\/bot([^/]+)\/(\w+)$/);
      if (!m || m[1] !== BOT_TOKEN) return { status: 404, body: { ok: false, error_code: 404 } };
      const params = (body ? JSON.parse(body) : {}) as { chat_id?: string; text?: string };
      telegramCalls.push({ method: m[2]!, chatId: params.chat_id, text: params.text });
      if (m[2] === 'getWebhookInfo')
        return {
          status: 200,
          body: {
            ok: true,
            result: { url: 'https://bot.example.net/hook', pending_update_count: 0 },
          },
        };
      return { status: 200, body: { ok: true, result: { message_id: telegramCalls.length } } };
    },
    { tls: cert },
  );
  bot = await serve((method, url) => {
    healthHits.push(url.pathname);
    return url.pathname === '/health'
      ? { status: 200, body: { ok: true } }
      : { status: 503, body: { ok: false } };
  });
  // This machine's own name: resolves without the proxy, and is no loopback literal.
  const own = hostname();
  const { address } = await lookup(own, { family: 4 });
  webhook = await serve(
    (_method, _url, _headers, body) => {
      webhookPosts.push(JSON.parse(body) as unknown);
      return { status: 204 };
    },
    { host: address },
  );
  names = {
    github: `github.proxied.test:${github.port}`,
    telegram: `telegram.proxied.test:${telegram.port}`,
    bot: `bot.proxied.test:${bot.port}`,
    webhook: `${own}:${webhook.port}`,
  };
  work = mkdtempSync(join(tmpdir(), 'outbound-proxy-'));
});

afterAll(async () => {
  await removeApp(app);
  await removeApp(cliApp);
  for (const server of [github, telegram, bot, webhook]) await server?.close();
  await proxy?.close();
  rmSync(work, { recursive: true, force: true });
});

/** actions/<name>/index.ts as a runner starts it (tests/helpers/action-entry.ts), behind the proxy. */
function runBehindProxy(
  name: EntryName,
  given: Record<string, string>,
  extraEnv: Record<string, string> = {},
): Promise<EntryResult> {
  return runEntry(name, given, {
    env: {
      GITHUB_RUN_ID: '4242',
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_SHA: HEAD,
      GITHUB_API_URL: `https://${names.github}`,
      // The runner's proxy settings, as a self-hosted runner's .env sets them.
      HTTPS_PROXY: proxy.url,
      HTTP_PROXY: proxy.url,
      NO_PROXY: names.webhook.split(':')[0]!,
      NODE_EXTRA_CA_CERTS: cert.certFile,
      ...extraEnv,
    },
  });
}

/** The proxied targets since `from`, without repeats. */
const proxiedSince = (from: number) => [...new Set(proxy.targets().slice(from))].sort();

test('deploy: the GitHub deployment (502 twice, then one created), the verify check and the Telegram notices go through the proxy; the NO_PROXY webhook does not', async () => {
  const from = proxy.requests.length;
  const result = await runBehindProxy('deploy', {
    ...sshInputs(),
    ...registryInputs(),
    app,
    image: env.SANDBOX_IMAGE_WEB_V1!,
    'bot-mode': 'worker',
    'health-path': '/health',
    'host-ports': '23760,23761',
    'stop-grace': '3',
    'health-timeout': '20',
    'github-token': TOKEN,
    environment: 'staging',
    'verify-http-url': `http://${names.bot}/health`,
    'verify-window': '2',
    'telegram-api-url': `https://${names.telegram}`,
    'notify-telegram-token': BOT_TOKEN,
    'notify-chat-id': CHAT,
    'notify-webhook-url': `http://${names.webhook}/hook`,
  });
  expect({ status: result.status, log: result.status === 0 ? '' : result.log }).toEqual({
    status: 0,
    log: '',
  });
  // Retry: three tries, one deployment, and the deploy went on to its statuses.
  expect(deployments.attempts).toBe(3);
  expect(deployments.created).toEqual([501]);
  expect(deployments.statuses).toEqual(['in_progress', 'success']);
  expect(result.outputs['release-id']).toMatch(/^\d{8}-\d{6}$/);
  expect(healthHits.filter((p) => p === '/health').length).toBeGreaterThanOrEqual(2);
  expect(telegramCalls.map((c) => c.method)).toEqual(['sendMessage', 'sendMessage']);
  expect(telegramCalls.every((c) => c.chatId === CHAT)).toBe(true);
  expect(webhookPosts.length).toBeGreaterThanOrEqual(2); // start and success, directly
  expect(proxiedSince(from)).toEqual([names.bot, names.github, names.telegram].sort());
  expect(proxy.targets()).not.toContain(names.webhook);
});

test('verify: the HTTP check, the webhook check and the ops notice go through the proxy; the NO_PROXY webhook does not', async () => {
  const from = proxy.requests.length;
  telegramCalls.length = 0;
  webhookPosts.length = 0;
  const result = await runBehindProxy('verify', {
    'http-url': `http://${names.bot}/broken`,
    'telegram-bot-token': BOT_TOKEN,
    'telegram-api-url': `https://${names.telegram}`,
    'log-patterns': 'none',
    consecutive: '1',
    failures: '1',
    interval: '1s',
    timeout: '20s',
    'notify-telegram-token': BOT_TOKEN,
    'notify-chat-id': CHAT,
    'notify-webhook-url': `http://${names.webhook}/hook`,
    app,
  });
  // The check answers 503: verification fails, and says so everywhere.
  expect(result.status).toBe(1);
  expect(result.outputs.verdict).toBe('fail');
  expect(healthHits).toContain('/broken');
  expect(telegramCalls.map((c) => c.method)).toEqual(
    expect.arrayContaining(['getWebhookInfo', 'sendMessage']),
  );
  expect(webhookPosts).toHaveLength(1);
  expect(proxiedSince(from)).toEqual([names.bot, names.telegram].sort());
  expect(proxy.targets()).not.toContain(names.webhook);
});

test('test action: the PR diff and the coverage comment go through the proxy', async () => {
  const from = proxy.requests.length;
  const workspace = mkdtempSync(join(work, 'workspace-'));
  mkdirSync(join(workspace, 'bot'));
  writeFileSync(join(workspace, 'bot/handlers.py'), 'a = 1\nb = 2\n');
  writeFileSync(
    join(workspace, 'coverage.xml'),
    `<?xml version="1.0" ?>
<coverage line-rate="0.5" branch-rate="0" version="7.4" timestamp="1" lines-valid="2" lines-covered="1">
  <sources><source>${workspace}</source></sources>
  <packages><package name="bot" line-rate="0.5"><classes>
    <class name="handlers.py" filename="bot/handlers.py" line-rate="0.5">
      <lines><line number="1" hits="1"/><line number="2" hits="0"/></lines>
    </class>
  </classes></package></packages>
</coverage>
`,
  );
  writeFileSync(
    join(workspace, 'junit.xml'),
    '<testsuite name="pytest" tests="1" failures="0" errors="0" skipped="0"><testcase classname="t" name="test_a" time="0.01"/></testsuite>\n',
  );
  const result = await runBehindProxy(
    'test',
    {
      'test-command': 'true',
      'github-token': TOKEN,
      'pr-number': '7',
      'head-sha': HEAD,
    },
    { GITHUB_WORKSPACE: workspace },
  );
  expect({ status: result.status, log: result.status === 0 ? '' : result.log }).toEqual({
    status: 0,
    log: '',
  });
  expect(fakeGitHub.comments).toHaveLength(1);
  expect(fakeGitHub.comments[0]!.body).toContain('bot/handlers.py');
  expect(result.outputs['comment-url']).toContain('#issuecomment-');
  expect(fakeGitHub.requests.map((r) => `${r.method} ${r.path}`)).toEqual(
    expect.arrayContaining([
      `GET /repos/${OWNER}/${REPO}/pulls/7/files`,
      `POST /repos/${OWNER}/${REPO}/issues/7/comments`,
    ]),
  );
  expect(proxiedSince(from)).toEqual([names.github]);
});

test("the CLI: its deploy's verify check goes through the proxy (main() hands index.ts's proxyFetch on)", async () => {
  const dir = cliWorkDir('tdy-proxy-cli-');
  try {
    const config = writeCliConfig(dir, 'deploy.yml', {
      app: cliApp,
      image: env.SANDBOX_IMAGE_WEB_V1!,
      ports: '23762,23763',
      extra: [`verify-http-url: http://${names.bot}/health`, 'verify-window: 2'],
    });
    const from = proxy.requests.length;
    const hits = healthHits.length;
    const run = await runCliAsync(dir, ['deploy', '--config', config], {
      HTTPS_PROXY: proxy.url,
      HTTP_PROXY: proxy.url,
      NO_PROXY: names.webhook.split(':')[0]!,
    });
    expect({ code: run.code, err: run.code ? run.err : '' }).toEqual({ code: 0, err: '' });
    // bot.proxied.test resolves only in the proxy: the check could not have passed without it
    expect(healthHits.slice(hits).filter((p) => p === '/health').length).toBeGreaterThanOrEqual(2);
    expect(proxiedSince(from)).toEqual([names.bot]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
