import { createServer, type Server } from 'node:http';
import { fakeClock } from '../../src/clock.js';
import { recordingExecutor } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { post } from '../../actions/verify/deps.js';
import { readInputs, type Inputs } from '../../actions/verify/inputs.js';
import { run, type Deps } from '../../actions/verify/main.js';
import { listenInRange, startFakeTelegramApi } from '../helpers/fake-telegram-api.js';

const saved = { ...process.env };
function setInputs(values: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  for (const [k, v] of Object.entries(values)) process.env[`INPUT_${k.toUpperCase()}`] = v;
}
afterEach(() => {
  process.env = { ...saved };
});

describe('verify inputs', () => {
  it('reads a full configuration with defaults', () => {
    setInputs({
      'http-url': 'http://127.0.0.1:1/health',
      'http-status': '200, 204',
      'prometheus-url': 'http://127.0.0.1:9090',
      'prometheus-selector': 'job="bot"',
      'prometheus-checks': 'none', // the default is all three ready-made checks
      'prometheus-queries': 'queue: max(q) > 100',
      container: 'bot-green',
      since: '2026-11-30T03:00:00Z',
      window: '5m',
    });
    const inputs = readInputs(0);
    expect(inputs.http).toEqual([
      {
        url: 'http://127.0.0.1:1/health',
        status: ['200', '204'],
        bodyContains: undefined,
        jsonPath: undefined,
        latencyBudgetMs: undefined,
      },
    ]);
    expect(inputs.prometheus).toMatchObject({
      readyMade: [],
      range: '5m',
      minSamples: 20,
      custom: [{ name: 'queue', query: 'max(q)', op: '>', threshold: 100 }],
    });
    expect(inputs.container?.logPatterns).toContain('AUTH_KEY_DUPLICATED');
    expect(inputs).toMatchObject({
      hosts: [],
      since: Date.parse('2026-11-30T03:00:00Z'),
      timeoutMs: 120_000,
      windowMs: 300_000,
      intervalMs: 5000,
      consecutive: 3,
      failures: undefined,
      onInconclusive: 'fail',
      telegramApiUrl: 'https://api.telegram.org',
    });
  });

  it.each([
    [{ 'http-url': 'x' }, "Input 'http-url': is not a URL"],
    [{ 'http-url': 'http://a/', 'http-status': 'ok' }, "Input 'http-status'"],
    [{ 'http-url': 'http://a/', 'http-json-path': 'status' }, "Input 'http-json-path'"],
    [
      { 'prometheus-url': 'http://p/', 'prometheus-queries': 'bad: up' },
      "Input 'prometheus-queries'",
    ],
    [
      { 'prometheus-url': 'http://p/', 'prometheus-checks': 'error-rate' },
      "Input 'prometheus-selector'",
    ],
    [{ 'prometheus-url': 'http://p/', 'prometheus-checks': 'cpu' }, "Input 'prometheus-checks'"],
    [{ 'prometheus-queries': 'a: up < 1' }, "Input 'prometheus-url'"],
    [{ hosts: 'deploy@prod-1' }, "Input 'container'"],
    [{ hosts: 'deploy@prod-1', container: 'c' }, "Input 'ssh-key'"],
    [{ hosts: 'prod-1', container: 'c' }, "Input 'hosts'"],
    [{ container: 'c', since: 'yesterday' }, "Input 'since'"],
    [{ 'http-url': 'http://a/', timeout: 'long' }, "Input 'timeout'"],
    [{ 'http-url': 'http://a/', 'on-inconclusive': 'maybe' }, "Input 'on-inconclusive'"],
    [{ 'telegram-webhook-url': 'https://b/' }, "Input 'telegram-bot-token'"],
    [{ 'http-url': 'http://a/', 'notify-telegram-token': 't' }, "Input 'notify-chat-id'"],
    [{}, "Input 'http-url': no checks configured"],
    [
      { 'http-url': 'http://a/', window: '10s', interval: '5s', consecutive: '4' },
      "Input 'consecutive': 4 consecutive passes cannot fit: window 10s with interval 5s allows 3 round(s)",
    ],
  ])('refuses %j before any probe', (values, message) => {
    setInputs(values as Record<string, string>);
    expect(() => readInputs(0)).toThrow(message);
  });
});

function deps(over: Partial<Deps> = {}) {
  const outputs: Record<string, string> = {};
  const summaries: string[] = [];
  const log = recordingLog();
  const d: Deps = {
    log,
    clock: fakeClock(Date.parse('2026-11-30T04:00:00Z')),
    fetch: (url, init) => fetch(url, init),
    env: { GITHUB_REPOSITORY: 'org/shop-bot', GITHUB_RUN_ID: '77', GITHUB_SHA: 'abcdef1234567890' },
    connect: async () => ({ executors: [], close: async () => undefined }),
    outputs: (o) => Object.assign(outputs, o),
    summary: (md) => summaries.push(md),
    ...over,
  };
  return { d, outputs, summaries, log };
}

describe('verify run()', () => {
  let server: Server;
  let port = 0;
  let status = 200;
  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(status).end('webbot v2\n'));
    port = await listenInRange(server, 21750, 21799);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('passes, sets the outputs and writes the evidence table', async () => {
    status = 200;
    setInputs({
      'http-url': `http://127.0.0.1:${port}/`,
      'http-body': 'v2',
      consecutive: '2',
      interval: '1s',
    });
    const { d, outputs, summaries } = deps();
    const verdict = await run(readInputs(0), d);
    expect(verdict).toMatchObject({ outcome: 'pass', rounds: 2 });
    expect(outputs).toMatchObject({ verdict: 'pass', 'failed-check': '', accepted: 'true' });
    expect(JSON.parse(outputs.evidence!)).toEqual([
      expect.objectContaining({ name: `http http://127.0.0.1:${port}/`, outcome: 'pass' }),
    ]);
    expect(summaries[0]).toContain('### Verification: ✅ pass');
  });

  it('fails the step, checks the container and logs through the executor, and tells the ops chat', async () => {
    const token = '5000000000:AAbotTOKENbotTOKENbotTOKENbotTOKEN00';
    const ops = '6000000000:AAopsTOKENopsTOKENopsTOKENopsTOKEN00';
    const api = await startFakeTelegramApi({ tokens: [token, ops], chats: ['-100777'] });
    api.setWebhookInfo(token, { url: 'https://bot.example/webhook', pending_update_count: 0 });
    const exec = recordingExecutor(
      (argv) =>
        argv[1] === 'logs'
          ? { stdout: 'started\n', stderr: 'Traceback (most recent call last):\n' }
          : {
              stdout:
                '{"Status":"running","Running":true,"Restarting":false,"ExitCode":0,"StartedAt":"x","Health":null,"RestartCount":0}',
            },
      'deploy@prod-1:22',
    );
    let closed = 0;
    try {
      setInputs({
        container: 'shop-bot-green',
        since: '1764475200',
        'telegram-bot-token': token,
        'telegram-webhook-url': 'https://bot.example/webhook',
        'telegram-api-url': api.url,
        'notify-telegram-token': ops,
        'notify-chat-id': '-100777',
        version: 'v2.0.0',
      });
      const inputs: Inputs = readInputs(0);
      const { d, outputs, summaries, log } = deps({
        connect: async () => ({ executors: [exec], close: async () => void closed++ }),
      });
      await expect(run(inputs, d)).rejects.toThrow(
        'verify: fail: logs shop-bot-green@deploy@prod-1:22: fatal pattern "Traceback"',
      );
      expect(closed).toBe(1);
      expect(exec.commands.map((c) => c.argv.slice(0, 3))).toEqual([
        ['docker', 'container', 'inspect'],
        ['docker', 'logs', '--timestamps'],
      ]);
      expect(exec.commands[1]!.argv).toEqual([
        'docker',
        'logs',
        '--timestamps',
        '--since',
        '1764475200',
        '--',
        'shop-bot-green',
      ]);
      expect(outputs).toMatchObject({
        verdict: 'fail',
        'failed-check': 'logs shop-bot-green@deploy@prod-1:22',
        accepted: 'false',
      });
      // One round only: the webhook passed once, short of its 3 consecutive passes.
      expect(summaries[0]).toContain(
        '| `telegram webhook` | ❔ inconclusive: 1 of 3 consecutive passes: url "https://bot.example/webhook", 0 pending | 1 | 0 | 0 | ✅ #1 +0s url "https://bot.example/webhook", 0 pending |',
      );
      expect(api.requests.map((r) => [r.token === token ? 'bot' : 'ops', r.method])).toEqual([
        ['bot', 'getWebhookInfo'],
        ['ops', 'sendMessage'],
      ]);
      expect(api.sent).toHaveLength(1);
      expect(api.sent[0]!.chatId).toBe('-100777');
      expect(api.sent[0]!.entitiesText).toContain('Deploy failed: shop-bot');
      expect(api.sent[0]!.entitiesText).toContain('version v2.0.0 → production');
      expect(api.sent[0]!.text).toContain('href="https://github.com/org/shop-bot/actions/runs/77"');
      expect(api.sent[0]!.text).toContain(
        'href="https://github.com/org/shop-bot/commit/abcdef1234567890"',
      );
      expect(log.secrets.has(token) && log.secrets.has(ops)).toBe(true);
      expect(summaries[0]).not.toContain(token);
    } finally {
      await api.close();
    }
  });

  it('masks secrets in the outputs and the summary, which the runner does not mask', async () => {
    status = 200;
    // A health URL that happens to contain the bot token (a token-path webhook route).
    const token = '5100000000:AAmaskMEmaskMEmaskMEmaskMEmaskME00';
    const api = await startFakeTelegramApi({ tokens: [token] });
    try {
      api.setWebhookInfo(token, { url: `https://bot.example/${token}`, pending_update_count: 0 });
      setInputs({
        'http-url': `http://127.0.0.1:${port}/${token}`,
        'telegram-bot-token': token,
        'telegram-api-url': api.url,
        consecutive: '1',
      });
      const { d, outputs, summaries } = deps();
      expect((await run(readInputs(0), d)).outcome).toBe('pass');
      expect(summaries[0]).toContain(`http http://127.0.0.1:${port}/***`);
      expect(summaries[0]).toContain('url "https://bot.example/***"');
      expect(JSON.stringify(outputs)).toContain('***');
      expect(JSON.stringify(outputs) + summaries[0]).not.toContain(token);
    } finally {
      await api.close();
    }
  });

  it('an inconclusive verdict fails by default and passes with on-inconclusive: pass; a dead ops chat only warns', async () => {
    const prom = async (url: string) => {
      expect(url).toBe('http://prom.test/api/v1/query');
      return new Response(
        JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }),
      );
    };
    const fetchFn: Deps['fetch'] = (url, init) =>
      url.startsWith('http://prom.test') ? prom(url) : fetch(url, init);
    const base = {
      'prometheus-url': 'http://prom.test',
      'prometheus-queries': 'errors: sum(rate(x[1m])) > 1',
      'prometheus-checks': 'none',
      timeout: '10s',
      interval: '5s',
      'notify-webhook-url': `http://127.0.0.1:${port}/hook`, // answers 500: retried, then a warning
    };
    status = 500;
    setInputs(base);
    const strict = deps({ fetch: fetchFn });
    await expect(run(readInputs(0), strict.d)).rejects.toThrow(
      'verify: inconclusive (on-inconclusive: fail): no decision in time from prometheus errors: no data',
    );
    expect(strict.outputs.verdict).toBe('inconclusive');
    expect(strict.log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toContain(
      'notify webhook: could not send the failure notification: HTTP 500: webbot v2',
    );
    setInputs({ ...base, 'on-inconclusive': 'pass' });
    const lenient = deps({ fetch: fetchFn });
    expect((await run(readInputs(0), lenient.d)).accepted).toBe(true);
    expect(lenient.outputs).toMatchObject({ verdict: 'inconclusive', accepted: 'true' });
    expect(lenient.summaries[0]).toContain(
      'An inconclusive verdict passes (on-inconclusive: pass).',
    );
  });
});

describe('verify post step', () => {
  it('deletes the SSH material a cancelled run left behind, and only that', () => {
    const base = mkdtempSync(join(tmpdir(), 'verify-post-'));
    try {
      const material = join(base, 'tg-ssh-abc');
      mkdirSync(join(material, 'c'), { recursive: true });
      writeFileSync(join(material, 'id'), 'key');
      const other = join(base, 'not-ours');
      mkdirSync(other);
      post({ sshDir: material, controlDir: join(material, 'c') });
      post({ sshDir: other, controlDir: '' });
      post({ sshDir: '', controlDir: '' });
      expect([existsSync(material), existsSync(other)]).toEqual([false, true]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
