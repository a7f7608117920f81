/**
 * notify-webhook-format: the Slack and Discord bodies, sent through notify() over real HTTP to
 * local stand-ins that VALIDATE each body the way the services document it (required fields,
 * types, lengths) and answer like them: Slack 200 "ok" or 400 "invalid_blocks"; Discord 204 or
 * 400 {"code":50035,"message":"Invalid Form Body"}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeClock } from '../../src/clock.js';
import { recordingLog } from '../../src/log.js';
import {
  cut,
  discordPayload,
  guessWebhookFormat,
  slackPayload,
  webhookBody,
  type WebhookFormat,
} from '../../src/notify/formats.js';
import {
  webhookPayload,
  type NotifyEvent,
  type NotifyEventName,
} from '../../src/notify/message.js';
import { notify, signBody } from '../../src/notify/send.js';
import { RELEASE_NOTIFY_ENV, runStep as runScript, stepScript } from '../helpers/workflow-step.js';

const KINDS: readonly NotifyEventName[] = ['start', 'success', 'rollback', 'failure'];
const TOKEN = '7000000001:AAE-secretsecretsecretsecretsecret12';

function event(kind: NotifyEventName, details?: string): NotifyEvent {
  return {
    event: kind,
    app: 'shop-bot',
    version: '1.4.0',
    environment: 'production',
    runUrl: 'https://github.com/org/bot/actions/runs/42',
    commitUrl: 'https://github.com/org/bot/commit/abc123',
    details,
  };
}

// ---- the stand-ins' validators (documented shapes and limits) -------------------------------------

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, min: number, max: number) =>
  typeof v === 'string' && v.length >= min && v.length <= max;

const SLACK_KEYS = new Set([
  'text',
  'blocks',
  'attachments',
  'thread_ts',
  'mrkdwn',
  'unfurl_links',
  'unfurl_media',
  'username',
  'icon_emoji',
  'icon_url',
  'channel',
]);

/** Slack incoming webhook + Block Kit: what it refuses with 400. */
export function slackProblems(body: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(body)) return ['the body is not a JSON object'];
  for (const key of Object.keys(body))
    if (!SLACK_KEYS.has(key)) problems.push(`unknown field ${key}`);
  const hasText = typeof body.text === 'string' && body.text.trim() !== '';
  const blocks = body.blocks;
  if (!hasText && !(Array.isArray(blocks) && blocks.length > 0)) problems.push('no_text');
  if (body.text !== undefined && !isText(body.text, 1, 40_000)) problems.push('text: 1..40000');
  if (blocks !== undefined) {
    if (!Array.isArray(blocks)) return [...problems, 'blocks is not an array'];
    if (blocks.length > 50) problems.push(`${blocks.length} blocks (at most 50)`);
    blocks.forEach((block: unknown, i) => {
      if (!isObject(block)) return void problems.push(`blocks[${i}] is not an object`);
      const textObject = (t: unknown, max: number, kinds: string[]) =>
        isObject(t) && kinds.includes(t.type as string) && isText(t.text, 1, max);
      switch (block.type) {
        case 'section':
          if (!textObject(block.text, 3000, ['mrkdwn', 'plain_text']))
            problems.push(`blocks[${i}].text: a text object of 1..3000 characters`);
          break;
        case 'context': {
          const elements = block.elements;
          if (!Array.isArray(elements) || elements.length < 1 || elements.length > 10)
            problems.push(`blocks[${i}].elements: 1..10`);
          else
            elements.forEach((el: unknown, j) => {
              if (!textObject(el, 3000, ['mrkdwn', 'plain_text']))
                problems.push(`blocks[${i}].elements[${j}]: a text object of 1..3000 characters`);
            });
          break;
        }
        case 'header':
          if (!textObject(block.text, 150, ['plain_text']))
            problems.push(`blocks[${i}].text: plain_text of 1..150 characters`);
          break;
        case 'divider':
          break;
        default:
          problems.push(`blocks[${i}]: unknown block type ${String(block.type)}`);
      }
    });
  }
  return problems;
}

const DISCORD_KEYS = new Set([
  'content',
  'username',
  'avatar_url',
  'tts',
  'embeds',
  'allowed_mentions',
  'components',
  'flags',
  'thread_name',
  'applied_tags',
  'attachments',
  'poll',
]);

/** Discord execute-webhook: what it refuses with 50035 Invalid Form Body. */
export function discordProblems(body: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(body)) return ['the body is not a JSON object'];
  for (const key of Object.keys(body))
    if (!DISCORD_KEYS.has(key)) problems.push(`unknown field ${key}`);
  const embeds = body.embeds;
  const hasContent = typeof body.content === 'string' && body.content.trim() !== '';
  if (!hasContent && !(Array.isArray(embeds) && embeds.length > 0))
    problems.push('Cannot send an empty message (content or embeds)');
  if (body.content !== undefined && !isText(body.content, 0, 2000))
    problems.push('content: at most 2000 characters');
  if (embeds !== undefined) {
    if (!Array.isArray(embeds)) return [...problems, 'embeds is not an array'];
    if (embeds.length > 10) problems.push('embeds: at most 10');
    let total = 0;
    embeds.forEach((embed: unknown, i) => {
      if (!isObject(embed)) return void problems.push(`embeds[${i}] is not an object`);
      const limited = (value: unknown, name: string, max: number, min = 0) => {
        if (value === undefined) return;
        if (!isText(value, min, max)) problems.push(`embeds[${i}].${name}: ${min}..${max}`);
        else total += (value as string).length;
      };
      limited(embed.title, 'title', 256);
      limited(embed.description, 'description', 4096);
      if (embed.url !== undefined && !/^https?:\/\/\S+$/.test(String(embed.url)))
        problems.push(`embeds[${i}].url: not a URL`);
      if (
        embed.color !== undefined &&
        !(
          Number.isInteger(embed.color) &&
          (embed.color as number) >= 0 &&
          (embed.color as number) <= 0xffffff
        )
      )
        problems.push(`embeds[${i}].color: 0..16777215`);
      const fields = embed.fields;
      if (fields !== undefined) {
        if (!Array.isArray(fields) || fields.length > 25)
          problems.push(`embeds[${i}].fields: at most 25`);
        else
          fields.forEach((f: unknown, j) => {
            if (!isObject(f))
              return void problems.push(`embeds[${i}].fields[${j}] is not an object`);
            limited(f.name, `fields[${j}].name`, 256, 1);
            limited(f.value, `fields[${j}].value`, 1024, 1);
          });
      }
      if (embed.footer !== undefined)
        limited(isObject(embed.footer) ? embed.footer.text : undefined, 'footer.text', 2048, 1);
      if (embed.author !== undefined)
        limited(isObject(embed.author) ? embed.author.name : undefined, 'author.name', 256, 1);
    });
    if (total > 6000) problems.push(`embeds: ${total} characters in total (at most 6000)`);
  }
  const mentions = body.allowed_mentions;
  if (mentions !== undefined) {
    if (
      !isObject(mentions) ||
      !Array.isArray(mentions.parse) ||
      !mentions.parse.every((p) => ['roles', 'users', 'everyone'].includes(p as string))
    )
      problems.push('allowed_mentions.parse: roles, users, everyone');
  }
  return problems;
}

// ---- the stand-ins ---------------------------------------------------------------------------------

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  problems: string[];
}

async function standIn(
  validate: (body: unknown) => string[],
  answer: (problems: string[]) => { status: number; body: string; type?: string },
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const problems =
        req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/json')
          ? ['not a JSON POST']
          : validate(body);
      received.push({ path: req.url ?? '', headers: req.headers, body, problems });
      const a = answer(problems);
      res.writeHead(a.status, a.type ? { 'content-type': a.type } : {});
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, server };
}

let slack: Awaited<ReturnType<typeof standIn>>;
let discord: Awaited<ReturnType<typeof standIn>>;

beforeAll(async () => {
  slack = await standIn(slackProblems, (problems) =>
    problems.length
      ? { status: 400, body: problems.includes('no_text') ? 'no_text' : 'invalid_blocks' }
      : { status: 200, body: 'ok', type: 'text/html' },
  );
  discord = await standIn(discordProblems, (problems) =>
    problems.length
      ? {
          status: 400,
          type: 'application/json',
          body: JSON.stringify({ code: 50035, message: 'Invalid Form Body', errors: problems }),
        }
      : { status: 204, body: '' },
  );
});

afterAll(async () => {
  for (const s of [slack, discord]) await new Promise((resolve) => s.server.close(resolve));
});

const webhookUrl = (format: WebhookFormat) =>
  format === 'slack'
    ? `${slack.url}/services/T000/B000/${'x'.repeat(24)}`
    : `${discord.url}/api/webhooks/123/${'y'.repeat(68)}`;

async function send(format: 'slack' | 'discord', e: NotifyEvent, secret?: string) {
  const log = recordingLog();
  const result = await notify(
    e,
    { webhook: { url: webhookUrl(format), format, secret } },
    { fetch: (url, init) => fetch(url, init), clock: fakeClock(), log, attempts: 1 },
  );
  const stand = format === 'slack' ? slack : discord;
  return { result, request: stand.received[stand.received.length - 1]!, log };
}

// ---- the tests -----------------------------------------------------------------------------------

describe('the stand-ins validate', () => {
  it('and refuse bodies that miss required fields or break limits', () => {
    expect(slackProblems({})).toContain('no_text');
    expect(slackProblems(webhookPayload(event('success')))).toEqual(
      expect.arrayContaining(['unknown field source', 'unknown field event']),
    );
    expect(
      slackProblems({
        text: 'x',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'a'.repeat(3001) } }],
      }),
    ).toHaveLength(1);
    expect(slackProblems({ text: 'x', blocks: Array(51).fill({ type: 'divider' }) })).toHaveLength(
      1,
    );
    expect(discordProblems({ embeds: [] })).toContain(
      'Cannot send an empty message (content or embeds)',
    );
    expect(discordProblems({ content: 'a'.repeat(2001) })).toHaveLength(1);
    expect(discordProblems({ content: 'x', embeds: [{ title: 't'.repeat(257) }] })).toHaveLength(1);
    expect(
      discordProblems({
        content: 'x',
        embeds: [
          { description: 'd'.repeat(4096), title: 't'.repeat(256) },
          { description: 'd'.repeat(2000) },
        ],
      }),
    ).toEqual(['embeds: 6352 characters in total (at most 6000)']);
  });

  it('and answer like the service, which notify() reports as a failed delivery', async () => {
    const log = recordingLog();
    const result = await notify(
      event('failure', 'x'),
      // The generic JSON body to Slack: refused, as Slack refuses it.
      { webhook: { url: webhookUrl('slack'), format: 'json' } },
      { fetch: (url, init) => fetch(url, init), clock: fakeClock(), log, attempts: 1 },
    );
    expect(result.delivered).toEqual([]);
    expect(result.failed[0]!.reason).toMatch(/HTTP 400: invalid_blocks/);
    const tooLong = await fetch(webhookUrl('discord'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'a'.repeat(2001) }),
    });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { code: number }).code).toBe(50035);
  });
});

describe.each(['slack', 'discord'] as const)('%s format', (format) => {
  const problems = format === 'slack' ? slackProblems : discordProblems;

  it.each(KINDS)('accepts the %s notification', async (kind) => {
    const { result, request } = await send(format, event(kind, 'error-rate 0.5 > 0.1 & <rising>'));
    expect(request.problems).toEqual([]);
    expect(result).toEqual({ delivered: ['webhook'], failed: [] });
    const body = request.body as Json;
    const visible = JSON.stringify(body);
    for (const part of ['shop-bot', '1.4.0', 'production', 'actions/runs/42', 'commit/abc123'])
      expect(visible).toContain(part);
    if (format === 'slack') {
      expect(body.text).toMatch(/shop-bot 1\.4\.0 → production/);
      // Slack markup escaped: no accidental link or <!channel> from details.
      expect(visible).toContain('error-rate 0.5 &gt; 0.1 &amp; &lt;rising&gt;');
    } else {
      expect(body.content).toMatch(/shop\\-bot 1\.4\.0 → production/);
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect((body.embeds as Json[])[0]!.description).toContain('error-rate 0.5 > 0.1 & <rising>');
    }
  });

  it.each(KINDS)(
    'cuts long details of a %s notification to the limits, redacted first',
    async (kind) => {
      // A token right where the cut falls: 20 of its characters would fit, the rest not. Redaction
      // before cutting leaves no half of it behind (a half no longer looks like a token).
      const fits = (format === 'slack' ? slackPayload : discordPayload)(
        event(kind, 'a'.repeat(50_000)),
      );
      const kept = /a{100,}/.exec(JSON.stringify(fits))![0].length;
      const at = kept - 20;
      const details = `${'a'.repeat(at)}${TOKEN} & <x> \`\`\` 🤖${'b & <c> 🤖 '.repeat(20_000)}`;
      const { result, request } = await send(format, event(kind, details));
      expect(request.problems).toEqual([]);
      expect(result.delivered).toEqual(['webhook']);
      const visible = JSON.stringify(request.body);
      expect(visible).not.toContain(TOKEN.slice(0, 14));
      expect(visible).not.toContain('secretsecret');
      expect(visible).toContain('…');
      if (format === 'slack') {
        const blocks = (request.body as { blocks: { text?: { text: string } }[] }).blocks;
        expect(blocks[1]!.text!.text.length).toBeLessThanOrEqual(3000);
        expect(blocks[1]!.text!.text.length).toBeGreaterThan(2900);
      } else {
        const embed = (request.body as { embeds: { description: string }[] }).embeds[0]!;
        expect(embed.description.length).toBeLessThanOrEqual(4096);
        expect(embed.description.length).toBeGreaterThan(3900);
        // Only our own fence opens and closes the code block.
        expect(embed.description.match(/```/g)).toHaveLength(2);
      }
    },
  );

  it('keeps the signature header when a secret is given', async () => {
    const { request } = await send(format, event('success'), 'shh');
    expect(request.problems).toEqual([]);
    expect(request.headers['x-tg-devops-signature-256']).toBe(
      signBody(JSON.stringify(request.body), 'shh'),
    );
  });

  it('a long app, version and environment still fit', () => {
    const e = {
      ...event('failure', 'd'.repeat(9000)),
      version: 'v'.repeat(5000),
      environment: 'e'.repeat(5000),
    };
    const body = format === 'slack' ? slackPayload(e) : discordPayload(e);
    expect(problems(body)).toEqual([]);
  });
});

describe('rate limits', () => {
  it("Discord's 429 is retried after its retry_after (top-level seconds), on the injected clock", async () => {
    let calls = 0;
    const limited = await standIn(discordProblems, (problems) =>
      ++calls === 1
        ? {
            status: 429,
            type: 'application/json',
            body: JSON.stringify({
              message: 'You are being rate limited.',
              retry_after: 0.25,
              global: false,
            }),
          }
        : problems.length
          ? { status: 400, body: '{}' }
          : { status: 204, body: '' },
    );
    try {
      const clock = fakeClock();
      const result = await notify(
        event('success'),
        { webhook: { url: `${limited.url}/api/webhooks/1/x`, format: 'discord' } },
        { fetch: (url, init) => fetch(url, init), clock, log: recordingLog(), attempts: 3 },
      );
      expect(result.delivered).toEqual(['webhook']);
      expect(clock.slept).toEqual([250]);
      expect(limited.received.map((r) => r.problems)).toEqual([[], []]);
    } finally {
      await new Promise((resolve) => limited.server.close(resolve));
    }
  });
});

describe('the format', () => {
  it('is guessed from the URL host; look-alikes get JSON', () => {
    const cases: [string, WebhookFormat][] = [
      ['https://hooks.slack.com/services/T0/B0/xyz', 'slack'],
      ['https://HOOKS.SLACK.COM./services/T0/B0/xyz', 'slack'],
      ['https://discord.com/api/webhooks/1/abc', 'discord'],
      ['https://discordapp.com/api/webhooks/1/abc', 'discord'],
      ['https://ptb.discord.com/api/webhooks/1/abc', 'discord'],
      ['https://hooks.slack.com.evil.example/services/x', 'json'],
      ['https://discord.com.evil.example/api/webhooks/1/abc', 'json'],
      ['https://evil.example/hooks.slack.com/services', 'json'],
      ['https://user:pw@evil.example/?u=https://discord.com', 'json'],
      ['https://example.net/hook', 'json'],
      ['not a url', 'json'],
    ];
    for (const [url, format] of cases)
      expect([url, guessWebhookFormat(url)]).toEqual([url, format]);
  });

  it('without notify-webhook-format, a URL on another host gets the JSON body', async () => {
    const json = await standIn(
      () => [],
      () => ({ status: 200, body: '' }),
    );
    try {
      const result = await notify(
        event('start'),
        { webhook: { url: `${json.url}/hook` } },
        {
          fetch: (url, init) => fetch(url, init),
          clock: fakeClock(),
          log: recordingLog(),
          attempts: 1,
        },
      );
      expect(result.delivered).toEqual(['webhook']);
      expect(json.received[0]!.body).toEqual(webhookPayload(event('start')));
    } finally {
      await new Promise((resolve) => json.server.close(resolve));
    }
  });

  it('given, it wins over the guess', () => {
    expect(webhookBody(event('success'), 'json')).toEqual(webhookPayload(event('success')));
    expect(webhookBody(event('success'), 'slack')).toEqual(slackPayload(event('success')));
    expect(webhookBody(event('success'), 'discord')).toEqual(discordPayload(event('success')));
  });

  it('cut never splits a surrogate pair and marks what it cut', () => {
    expect(cut('abc', 3)).toBe('abc');
    expect(cut('abcd', 3)).toBe('ab…');
    expect(cut('a🤖b', 3)).toBe('a…');
    expect(cut('a🤖b', 3).length).toBeLessThanOrEqual(3);
  });
});

// ---- release.yml's own notify step (bash + jq): the same stand-ins judge its bodies -------------

describe("release.yml's notify step", () => {
  const script = stepScript('release.yml', 'notify', 'notify the ops chat');
  const dir = mkdtempSync(join(tmpdir(), 'notify-formats-release-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the step as the runner does (tests/helpers/workflow-step.ts), values only through env. */
  const runStep = (env: Record<string, string>) => runScript(script, env, { dir });

  const base = RELEASE_NOTIFY_ENV;
  const outcomes: [string, Record<string, string>][] = [
    ['success', {}],
    ['rollback', { DEPLOY: 'failure', ROLLBACK: 'success', REASON: 'http: 503 <x> & `y`' }],
    [
      'failure',
      { DEPLOY: 'failure', PROMOTE: 'skipped', ROLLBACK: 'failure', REASON: 'http: 503' },
    ],
    ['refused', { DEPLOY: 'failure', PROMOTE: 'skipped', REFUSAL: 'refusing to deploy 1.3.0' }],
    ['skipped', { PRERELEASE: 'true', DEPLOY: 'skipped', PROMOTE: 'skipped' }],
    // A long reason with astral characters and a token: redacted, then cut to the limits.
    [
      'long',
      {
        DEPLOY: 'failure',
        ROLLBACK: 'success',
        REASON: `${TOKEN} ${'🤖 <&> ```'.repeat(3000)}`,
      },
    ],
  ];

  describe.each(['slack', 'discord'] as const)('%s', (format) => {
    it.each(outcomes)('sends a valid body for %s', async (_name, over) => {
      const stand = format === 'slack' ? slack : discord;
      const before = stand.received.length;
      const r = await runStep({
        ...base,
        ...over,
        WEBHOOK_URL: webhookUrl(format),
        WEBHOOK_FORMAT: format,
      });
      expect(r.status).toBe(0);
      expect(r.stdout).not.toContain('::warning::the webhook notification failed');
      const got = stand.received.slice(before);
      expect(got).toHaveLength(1);
      expect(got[0]!.problems).toEqual([]);
      const visible = JSON.stringify(got[0]!.body);
      expect(visible).toContain('shop-bot');
      expect(visible).not.toContain(TOKEN.split(':')[1]);
    });

    it("is guessed from the URL's host when notify-webhook-format is empty", async () => {
      const stand = format === 'slack' ? slack : discord;
      const before = stand.received.length;
      // curl sends a plain-http request for the service's host to the proxy: the stand-in.
      const url =
        format === 'slack'
          ? 'http://hooks.slack.com/services/T0/B0/x'
          : 'http://discord.com/api/webhooks/1/y';
      const r = await runStep({
        ...base,
        WEBHOOK_URL: url,
        WEBHOOK_FORMAT: '',
        http_proxy: stand.url,
      });
      expect(r.status).toBe(0);
      const got = stand.received.slice(before);
      expect(got.map((g) => g.path)).toEqual([url]);
      expect(got[0]!.problems).toEqual([]);
    });
  });
});
