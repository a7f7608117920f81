/**
 * The one redaction point (src/redact.ts) and what goes through it: token shapes bare and inside
 * URLs, URL credentials, secret env values on their own, host output that looks like a workflow
 * command, and the writers that use it (log, notifications, audit, webhook/Telegram texts).
 */
import { consoleLog, recordingLog, redactingLog, type Log } from '../../src/log.js';
import { telegramText, webhookPayload } from '../../src/notify/message.js';
import {
  guardCommands,
  isSecretName,
  redact,
  redactDeep,
  redactShapes,
  registerSecret,
  secretEnvValues,
  secretParts,
  secrets,
  SecretRegistry,
} from '../../src/redact.js';
import { appendAudit, appPaths } from '../../src/host/state.js';
import { redactTokens } from '../../src/health/logs.js';
import type { CommandResult, Executor, RunOptions } from '../../src/exec.js';

// A real-looking token: bot id, colon, 35 URL-safe characters.
const TOKEN = '7123456789:AAHk3-xQ_zP9sLmN0vR2tY5uW8aB1cD4eFg';
const SECRET_PART = TOKEN.split(':')[1]!;

afterEach(() => secrets.clear());

describe('redactShapes', () => {
  it.each([
    [`token ${TOKEN} here`, 'token *** here'],
    [
      `HTTP Request: POST https://api.telegram.org/bot${TOKEN}/getUpdates "HTTP/1.1 409 Conflict"`,
      'HTTP Request: POST https://api.telegram.org/bot***/getUpdates "HTTP/1.1 409 Conflict"',
    ],
    [
      `https://api.telegram.org/file/bot${TOKEN}/photos/1.jpg`,
      'https://api.telegram.org/file/bot***/photos/1.jpg',
    ],
    [`bot${TOKEN.replace(':', '%3A')}/x`, 'bot***/x'],
    [`"token":"${TOKEN}"`, '"token":"***"'],
    // A message cut short (a 200-character excerpt) may end inside the token.
    [
      `POST https://api.telegram.org/bot${TOKEN.slice(0, 20)}`,
      'POST https://api.telegram.org/bot***',
    ],
    [
      'DATABASE_URL=postgresql://bot:s3cr%40t-pw@db:5432/bot',
      'DATABASE_URL=postgresql://bot:***@db:5432/bot',
    ],
    ['redis://:hunter22@redis:6379/0', 'redis://:***@redis:6379/0'],
    ['https://user:pa55@example.net/hook?x=1', 'https://user:***@example.net/hook?x=1'],
  ])('%s', (input, expected) => {
    expect(redactShapes(input)).toBe(expected);
  });

  it.each([
    'ghcr.io/org/bot@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
    'deploy@prod-1.example.net:2222',
    'https://bot.example.net:8443/health',
    'started 2026-12-06T05:00:00.000Z, 12 of 12 requests',
    'ssh://tgdeploy@127.0.0.1:2222',
  ])('leaves %s alone', (input) => {
    expect(redactShapes(input)).toBe(input);
  });

  it('the verify log check uses the same rule: a token inside /bot<id>:<secret>/ goes', () => {
    const line = `POST https://api.telegram.org/bot${TOKEN}/getUpdates "HTTP/1.1 409 Conflict"`;
    expect(redactTokens(line)).not.toContain(SECRET_PART);
  });
});

describe('secret env values', () => {
  const env = [
    '# the bot',
    `BOT_TOKEN=${TOKEN}`,
    'export WEBHOOK_SECRET="quoted secret value"',
    "DB_PASS='single-quoted'",
    'SENTRY_DSN=https://abc123@o1.ingest.sentry.io/42',
    'API_KEY=k-123456',
    'DATABASE_URL=postgresql://bot:pg-pass-99@db:5432/bot',
    'LOG_LEVEL=INFO',
    'PUBLIC_URL=https://bot.example.net',
    'SHORT_TOKEN=abc',
  ].join('\n');

  it('finds each value whose key names a secret, and URLs with credentials, on their own', () => {
    expect(secretEnvValues(env)).toEqual([
      TOKEN,
      'quoted secret value',
      'single-quoted',
      'https://abc123@o1.ingest.sentry.io/42',
      'k-123456',
      'postgresql://bot:pg-pass-99@db:5432/bot',
      'pg-pass-99',
    ]);
  });

  it.each([
    ['BOT_TOKEN', true],
    ['webhook_secret', true],
    ['POSTGRES_PASSWORD', true],
    ['DB_PASS', true],
    ['STRIPE_KEY', true],
    ['SENTRY_DSN', true],
    ['LOG_LEVEL', false],
    ['PUBLIC_URL', false],
  ])('isSecretName(%s) = %s', (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });

  it('secretParts: the whole text, each line and each secret value; never short values', () => {
    const parts = secretParts(env);
    expect(parts).toContain(env);
    expect(parts).toContain(`BOT_TOKEN=${TOKEN}`);
    expect(parts).toContain(TOKEN);
    expect(parts).toContain('pg-pass-99');
    expect(parts).toContain('quoted secret value');
    expect(parts).not.toContain('INFO');
    expect(parts).not.toContain('abc');
    expect(secretParts('  ')).toEqual([]);
  });

  it('a registered env hides every secret value wherever it shows up, not only whole lines', () => {
    const masked = registerSecret(env);
    expect(masked).toContain('k-123456');
    const text = redact(
      'pre-deploy | connecting with k-123456 and "quoted secret value", level INFO',
    );
    expect(text).toBe('pre-deploy | connecting with *** and "***", level INFO');
    // Registering again adds nothing new to mask.
    expect(registerSecret(env)).toEqual([]);
  });

  it('a registry on its own: longest value first, so a value that contains another goes whole', () => {
    const r = new SecretRegistry();
    r.add('abcd');
    r.add('xxabcdxx');
    expect(r.redact('1 xxabcdxx 2 abcd')).toBe('1 *** 2 ***');
    expect(r.has('abcd')).toBe(true);
  });
});

describe('host output never acts as a workflow command', () => {
  it('wraps text with a command-like line in stop-commands with a token not in the text', () => {
    const host = 'migrating\n::set-output name=x::1\n  ::add-mask::oops\n##[error]fake';
    let n = 0;
    const wrapped = guardCommands(host, () => (n++ === 0 ? 'in-text' : 'fresh'));
    const withToken = guardCommands(`${host}\ntg-devops-in-text`, () =>
      n++ === 1 ? 'in-text' : 'fresh',
    );
    expect(wrapped).toBe(`::stop-commands::tg-devops-in-text\n${host}\n::tg-devops-in-text::`);
    expect(withToken.split('\n')[0]).toBe('::stop-commands::tg-devops-fresh');
    expect(withToken.split('\n').at(-1)).toBe('::tg-devops-fresh::');
  });

  it('leaves ordinary text alone', () => {
    expect(guardCommands('a :: b\nc')).toBe('a :: b\nc');
  });

  it('the runner log wrapper guards info lines and redacts everything, annotations too', () => {
    const seen: string[] = [];
    const masks: string[] = [];
    const inner: Log = {
      info: (m) => seen.push(`info ${m}`),
      warn: (m, w) => seen.push(`warn ${m} ${w?.title ?? ''}`),
      error: (m) => seen.push(`error ${m}`),
      secret: (v) => masks.push(v),
      group: async (t, body) => {
        seen.push(`group ${t}`);
        return body();
      },
    };
    const log = redactingLog(inner);
    log.secret('BOT_ENV_LINE=1\nDB_PASSWORD=pw-0815');
    expect(masks).toContain('pw-0815');
    log.info(`pre-deploy | ::warning::${TOKEN}`);
    log.info(`::error::pw-0815`);
    log.warn(`gate: bot${TOKEN}/getUpdates 409 Conflict`, { title: `t ${TOKEN}` });
    log.error('password pw-0815');
    void log.group(`group ${TOKEN}`, async () => undefined);
    const all = seen.join('\n');
    expect(all).not.toContain(SECRET_PART);
    expect(all).not.toContain('pw-0815');
    expect(seen[0]).toBe('info pre-deploy | ::warning::***');
    expect(seen[1]).toMatch(/^info ::stop-commands::(tg-devops-[\w-]+)\n::error::\*\*\*\n::\1::$/);
    expect(seen[2]).toBe('warn gate: bot***/getUpdates 409 Conflict t ***');
  });

  it('the CLI log guards and redacts too (it may run inside a workflow step)', () => {
    const lines: string[] = [];
    const log = consoleLog((l) => lines.push(l));
    log.secret('pw-4711');
    log.warn(`pre-deploy failed:\n::set-env name=X::pw-4711 ${TOKEN}`);
    log.info('a line: ::not a command');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^::stop-commands::(tg-devops-[\w-]+)\nwarning: pre-deploy failed:\n::set-env name=X::\*\*\* \*\*\*\n::\1::$/,
    );
    expect(lines[1]).toBe('a line: ::not a command');
    expect(lines[0]).not.toContain('pw-4711');
    expect(lines[0]).not.toContain(SECRET_PART);
  });

  it('the recording log redacts shapes and secret parts as the others do', () => {
    const log = recordingLog();
    log.secret('DATABASE_URL=postgresql://u:pg-secret@db/x');
    log.info(`url postgresql://u:pg-secret@db/x, token ${TOKEN}, bare pg-secret`);
    expect(log.text()).toBe('url postgresql://u:***@db/x, token ***, bare ***');
  });
});

describe('what leaves through notifications and the audit', () => {
  it('Telegram and webhook texts carry no token or registered secret', () => {
    registerSecret('DATABASE_URL=postgresql://bot:pg-pass-77@db/bot');
    const event = {
      event: 'failure' as const,
      app: 'bot',
      version: '1.2.3',
      environment: 'production',
      details: `handover gate: fatal pattern "409 Conflict" in "POST https://api.telegram.org/bot${TOKEN}/getUpdates" (password pg-pass-77)`,
    };
    const text = telegramText(event) + JSON.stringify(webhookPayload(event));
    expect(text).toContain('409 Conflict');
    expect(text).not.toContain(SECRET_PART);
    expect(text).not.toContain('pg-pass-77');
  });

  it('the audit line on the host is redacted before it is written', async () => {
    registerSecret('WEBHOOK_SECRET=audit-secret-1');
    const written: string[] = [];
    const exec: Executor = {
      where: 'test',
      async run(argv: readonly string[], options?: RunOptions): Promise<CommandResult> {
        written.push([...argv].join(' '), options?.input ?? '');
        return { exitCode: 0, stdout: '', stderr: '' };
      },
    };
    await appendAudit(exec, appPaths('/var/lib/tg-devops', 'bot'), {
      at: '2026-12-06T05:00:00Z',
      actor: 'a',
      action: 'deploy',
      result: 'failure',
      detail: `gate: bot${TOKEN}/getUpdates 409 Conflict; audit-secret-1`,
    });
    const all = written.join('\n');
    expect(all).toContain('409 Conflict');
    expect(all).not.toContain(SECRET_PART);
    expect(all).not.toContain('audit-secret-1');
  });

  it('redactDeep walks objects and arrays and leaves other values', () => {
    expect(redactDeep({ a: [`x ${TOKEN}`, 1, null], b: { c: true } })).toEqual({
      a: ['x ***', 1, null],
      b: { c: true },
    });
  });
});
