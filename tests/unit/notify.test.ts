import { createServer } from 'node:http';
import { fakeClock } from '../../src/clock.js';
import { recordingLog } from '../../src/log.js';
import {
  escapeHtml,
  runLinks,
  telegramText,
  webhookPayload,
  type NotifyEvent,
} from '../../src/notify/message.js';
import { createHmac } from 'node:crypto';
import { classifyAnswer, notify, signBody } from '../../src/notify/send.js';
import {
  listenInRange,
  parseTelegramHtml,
  startFakeTelegramApi,
} from '../helpers/fake-telegram-api.js';

const TOKEN = '7000000001:AAE-secretsecretsecretsecretsecret12';
const event: NotifyEvent = {
  event: 'rollback',
  app: 'shop<bot>',
  version: 'v1.2.3',
  environment: 'production',
  runUrl: 'https://github.com/org/bot/actions/runs/42',
  commitUrl: 'https://github.com/org/bot/commit/abc',
  details: 'prometheus error-rate: 0.5 > 0.1 & <rising>',
};

describe('notification text', () => {
  it('builds run and commit links from the runner environment', () => {
    expect(
      runLinks({
        GITHUB_SERVER_URL: 'https://ghe.example/',
        GITHUB_REPOSITORY: 'org/bot',
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_SHA: 'abc123',
      }),
    ).toEqual({
      repository: 'org/bot',
      sha: 'abc123',
      runUrl: 'https://ghe.example/org/bot/actions/runs/42/attempts/2',
      commitUrl: 'https://ghe.example/org/bot/commit/abc123',
    });
    expect(runLinks({})).toEqual({
      repository: undefined,
      sha: undefined,
      runUrl: undefined,
      commitUrl: undefined,
    });
  });

  it('escapes everything that came from outside, and Telegram can parse it', () => {
    const text = telegramText(event);
    expect(text).toBe(
      [
        '↩️ <b>Deploy rolled back</b>: shop&lt;bot&gt;',
        'version <code>v1.2.3</code> → <b>production</b>',
        '<pre>prometheus error-rate: 0.5 &gt; 0.1 &amp; &lt;rising&gt;</pre>',
        '<a href="https://github.com/org/bot/actions/runs/42">run</a> · <a href="https://github.com/org/bot/commit/abc">commit</a>',
      ].join('\n'),
    );
    expect(parseTelegramHtml(text)).not.toHaveProperty('error');
    expect(parseTelegramHtml('a < b')).toHaveProperty('error');
    expect(escapeHtml('&<>')).toBe('&amp;&lt;&gt;');
  });

  it('cuts long details to fit the 4096 limit', () => {
    const text = telegramText({ ...event, details: '<'.repeat(10_000) });
    expect(text.length).toBeLessThanOrEqual(4096);
    const parsed = parseTelegramHtml(text);
    expect(parsed).toHaveProperty('text');
  });

  it('gives the webhook plain JSON fields', () => {
    expect(webhookPayload({ ...event, details: undefined })).toEqual({
      source: 'tg-devops',
      event: 'rollback',
      app: 'shop<bot>',
      version: 'v1.2.3',
      environment: 'production',
      runUrl: event.runUrl,
      commitUrl: event.commitUrl,
      details: null,
      text: 'Deploy rolled back: shop<bot> v1.2.3 → production',
    });
  });

  it('retries 429 and 5xx only', () => {
    expect(
      classifyAnswer(429, '{"ok":false,"parameters":{"retry_after":30}}', 10_000),
    ).toMatchObject({
      retry: true,
      waitMs: 10_000,
    });
    expect(classifyAnswer(502, 'bad gateway', 10_000).retry).toBe(true);
    expect(
      classifyAnswer(400, '{"ok":false,"description":"Bad Request: chat not found"}', 1).retry,
    ).toBe(false);
    expect(classifyAnswer(200, '{"ok":false}', 1).ok).toBe(false);
  });
});

describe('notify()', () => {
  it('sends one HTML sendMessage to the ops chat, token masked in every log line', async () => {
    const api = await startFakeTelegramApi({ tokens: [TOKEN], chats: ['-1001234'] });
    const log = recordingLog();
    try {
      const result = await notify(
        event,
        { telegram: { token: TOKEN, chatId: '-1001234', apiUrl: api.url } },
        { fetch, clock: fakeClock(), log },
      );
      expect(result).toEqual({ delivered: ['telegram'], failed: [] });
      expect(api.requests).toHaveLength(1);
      expect(api.requests[0]).toMatchObject({
        token: TOKEN,
        method: 'sendMessage',
        httpMethod: 'POST',
        contentType: 'application/json',
        params: { chat_id: '-1001234', parse_mode: 'HTML', text: telegramText(event) },
      });
      expect(api.sent[0]!.entitiesText).toContain('Deploy rolled back: shop<bot>');
      expect(api.sent[0]!.entitiesText).toContain('0.5 > 0.1 & <rising>');
      expect(log.secrets.has(TOKEN)).toBe(true);
    } finally {
      await api.close();
    }
  });

  it('retries a 429 after retry_after and a 500, then gives up with a warning, never a throw', async () => {
    const api = await startFakeTelegramApi({ tokens: [TOKEN] });
    const clock = fakeClock();
    const log = recordingLog();
    try {
      api.failNext('sendMessage', 1, {
        status: 429,
        description: 'Too Many Requests: retry after 3',
        retryAfter: 3,
      });
      api.failNext('sendMessage', 1, { status: 500, description: 'Internal Server Error' });
      const ok = await notify(
        event,
        { telegram: { token: TOKEN, chatId: '1', apiUrl: api.url } },
        { fetch, clock, log },
      );
      expect(ok.delivered).toEqual(['telegram']);
      expect(clock.slept).toEqual([3000, 2000]);
      expect(api.requests).toHaveLength(3);

      api.failNext('sendMessage', 5, { status: 502, description: 'Bad Gateway' });
      const failed = await notify(
        event,
        { telegram: { token: TOKEN, chatId: '1', apiUrl: api.url } },
        { fetch, clock, log, attempts: 2 },
      );
      expect(failed).toEqual({
        delivered: [],
        failed: [{ target: 'telegram', reason: 'HTTP 502: Bad Gateway' }],
      });
      expect(api.requests).toHaveLength(5);
      expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
        'notify telegram: could not send the rollback notification: HTTP 502: Bad Gateway',
      ]);
      expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('does not retry a bad chat, and an unreachable API only warns', async () => {
    const api = await startFakeTelegramApi({ tokens: [TOKEN], chats: ['1'] });
    const log = recordingLog();
    try {
      const r = await notify(
        event,
        { telegram: { token: TOKEN, chatId: '2', apiUrl: api.url } },
        { fetch, clock: fakeClock(), log },
      );
      expect(r.failed).toEqual([
        { target: 'telegram', reason: 'HTTP 400: Bad Request: chat not found' },
      ]);
      expect(api.requests).toHaveLength(1);
    } finally {
      await api.close();
    }
    const down = await notify(
      event,
      { telegram: { token: TOKEN, chatId: '1', apiUrl: api.url } },
      { fetch, clock: fakeClock(), log, attempts: 2 },
    );
    expect(down.failed[0]!.reason).toMatch(/fetch failed/);
    expect(log.text()).not.toContain(TOKEN);
  });

  it('posts the generic webhook JSON and hides its URL in logs', async () => {
    const bodies: unknown[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push({
          method: req.method,
          url: req.url,
          type: req.headers['content-type'],
          // What a receiver does: recompute the HMAC over the raw body.
          signed:
            req.headers['x-tg-devops-signature-256'] ===
            `sha256=${createHmac('sha256', 'hook-key').update(body).digest('hex')}`,
          body: JSON.parse(body),
        });
        res.writeHead(204).end();
      });
    });
    const port = await listenInRange(server, 21700, 21799);
    const log = recordingLog();
    try {
      const url = `http://127.0.0.1:${port}/hooks/s3cr3t`;
      const r = await notify(
        { ...event, event: 'success' },
        { webhook: { url, secret: 'hook-key' } },
        { fetch, clock: fakeClock(), log },
      );
      expect(r.delivered).toEqual(['webhook']);
      const unsigned = await notify(
        { ...event, event: 'start' },
        { webhook: { url } },
        { fetch, clock: fakeClock(), log },
      );
      expect(unsigned.delivered).toEqual(['webhook']);
      expect(bodies).toEqual([
        {
          method: 'POST',
          url: '/hooks/s3cr3t',
          type: 'application/json',
          signed: true,
          body: webhookPayload({ ...event, event: 'success' }),
        },
        {
          method: 'POST',
          url: '/hooks/s3cr3t',
          type: 'application/json',
          signed: false,
          body: webhookPayload({ ...event, event: 'start' }),
        },
      ]);
      expect(log.secrets.has(url) && log.secrets.has('hook-key')).toBe(true);
      expect(signBody('{}', 'k')).toBe(
        `sha256=${createHmac('sha256', 'k').update('{}').digest('hex')}`,
      );
    } finally {
      server.close();
    }
  });
});
