/**
 * The webhook's part of a deploy (issue 13): the inputs validated naming the input, the plan's
 * webhook steps (after the switch, with their undos; a polling bot's deleteWebhook before its
 * start), and the registration steps' executor against a Bot API stand-in in memory (setWebhook
 * only when something differs; the undo sets back what the run found, only when it changed it).
 */
import { describe, expect, it } from '@jest/globals';
import { buildConfig, type RawDeployInputs } from '../../src/deploy/config.js';
import { buildPlan } from '../../src/deploy/plan.js';
import type { Probe } from '../../src/deploy/probe.js';
import { checkPlan } from '../../src/deploy/rules.js';
import { planText } from '../../src/deploy/print.js';
import { webhookLine } from '../../src/deploy/summary.js';
import { withWebhookWatch } from '../../src/deploy/verify-gates.js';
import {
  secretSha256,
  type BotApi,
  type RegisteredWebhook,
} from '../../src/deploy/webhook-registration.js';
import { rollbackWebhookSteps } from '../../src/deploy/webhook-plan.js';
import { performWebhook, type WebhookStepContext } from '../../src/deploy/webhook-steps.js';
import { InputError } from '../../src/errors.js';
import {
  acceptedSecrets,
  renderWebhookServer,
  servedPath,
  serverSections,
  transitionBlock,
} from '../../src/proxy/webhook-server.js';
import type { Executor } from '../../src/exec.js';
import type { Release } from '../../src/host/state.js';
import { consoleLog, type Log } from '../../src/log.js';

const IMAGE = `reg.example/bot@sha256:${'a'.repeat(64)}`;
const TOKEN = '123456789:AAAAbbbbCCCCddddEEEEffffGGGGhhhhIII';
const URL = 'https://bot.example.net/tg/hook';
const base: RawDeployInputs = {
  app: 'shop-bot',
  image: IMAGE,
  'bot-mode': 'webhook',
  'health-path': '/health',
};
const full: RawDeployInputs = {
  ...base,
  'webhook-url': URL,
  'tls-certificate': '/etc/letsencrypt/live/bot/fullchain.pem',
  'tls-key': '/etc/letsencrypt/live/bot/privkey.pem',
  'webhook-secret': 'S3cret_token-1',
  'telegram-bot-token': TOKEN,
};

const inputOf = (raw: RawDeployInputs): string => {
  try {
    buildConfig(raw);
  } catch (error) {
    if (error instanceof InputError) return `${error.input}: ${error.message}`;
    throw error;
  }
  throw new Error('no InputError');
};

describe('webhook inputs: validated, each error naming its input', () => {
  it.each<[string, RawDeployInputs, RegExp]>([
    ['tls without webhook-url', { ...base, 'tls-certificate': '/a.pem' }, /^tls-certificate: .*needs webhook-url/],
    ['a secret without webhook-url', { ...base, 'webhook-secret': 'abc' }, /^webhook-secret: .*needs webhook-url/],
    ['max connections without webhook-url', { ...base, 'webhook-max-connections': '10' }, /^webhook-max-connections: /],
    ['drop pending without webhook-url', { ...base, 'webhook-drop-pending-updates': 'true' }, /^webhook-drop-pending-updates: /],
    ['a certificate without its key', { ...full, 'tls-key': '' }, /^tls-key: .*required with tls-certificate/],
    ['a key without its certificate', { ...full, 'tls-certificate': '' }, /^tls-certificate: /],
    ['a polling bot with a webhook-url', { ...full, 'bot-mode': 'polling', 'health-path': '' }, /^webhook-url: .*bot-mode webhook/],
    ['no proxy', { ...full, proxy: 'none', strategy: 'handover' }, /^webhook-url: .*proxy nginx or haproxy/],
    ['http', { ...full, 'webhook-url': 'http://bot.example.net/x' }, /^webhook-url: .*https/],
    ['a port Telegram does not call', { ...full, 'webhook-url': 'https://bot.example.net:8080/x' }, /^webhook-url: .*443, 80, 88, 8443/],
    ['a query', { ...full, 'webhook-url': 'https://bot.example.net/x?a=1' }, /^webhook-url: /],
    ['a secret Telegram refuses', { ...full, 'webhook-secret': 'has space' }, /^webhook-secret: /],
    ['a relative certificate path', { ...full, 'tls-certificate': 'fullchain.pem' }, /^tls-certificate: .*absolute/],
    ['a hostile key path', { ...full, 'tls-key': '/etc/x;rm -rf /' }, /^tls-key: /],
    ['an update type that is not one', { ...full, 'webhook-allowed-updates': 'message,$(id)' }, /^webhook-allowed-updates: /],
    ['too many connections', { ...full, 'webhook-max-connections': '101' }, /^webhook-max-connections: /],
    ['a listen address without TLS', { ...full, 'tls-certificate': '', 'tls-key': '', 'webhook-listen': '127.0.0.1' }, /^webhook-listen: .*needs tls/],
    ['a listen address that is not IPv4', { ...full, 'webhook-listen': '::1' }, /^webhook-listen: /],
  ])('%s', (_what, raw, expected) => {
    expect(inputOf(raw)).toMatch(expected);
  }); // prettier-ignore

  it('parsed: the url as registered, the TLS pair, the registration settings; drop_pending_updates off', () => {
    const config = buildConfig({
      ...full,
      'webhook-url': 'https://Bot.Example.net:8443/tg/hook',
      'webhook-allowed-updates': 'message, callback_query',
      'webhook-max-connections': '20',
    });
    expect(config.webhook).toEqual({
      url: 'https://bot.example.net:8443/tg/hook',
      host: 'bot.example.net',
      port: 8443,
      path: '/tg/hook',
      tls: {
        certificate: '/etc/letsencrypt/live/bot/fullchain.pem',
        key: '/etc/letsencrypt/live/bot/privkey.pem',
      },
      listenAddress: undefined,
      secret: 'S3cret_token-1',
      allowedUpdates: ['message', 'callback_query'],
      maxConnections: 20,
      dropPendingUpdates: false,
    });
    expect(config.telegram).toEqual({ token: TOKEN, apiUrl: 'https://api.telegram.org' });
  });

  it('the token falls back to verify-telegram-bot-token; none given: no Bot API calls', () => {
    const config = buildConfig({
      ...full,
      'telegram-bot-token': '',
      'verify-telegram-bot-token': TOKEN,
      'telegram-api-url': 'http://127.0.0.1:9/',
    });
    expect(config.telegram).toEqual({ token: TOKEN, apiUrl: 'http://127.0.0.1:9' });
    expect(buildConfig({ ...full, 'telegram-bot-token': '' }).telegram).toBeUndefined();
  });

  it('without the inputs nothing changes: no webhook, no webhook step', () => {
    const config = buildConfig(base);
    expect(config.webhook).toBeUndefined();
    expect(plan(base).steps.some((s) => s.action.kind.startsWith('webhook'))).toBe(false);
  });
});

const current: Release = {
  id: 'r1',
  image: IMAGE,
  color: 'blue',
  port: 8001,
  container: 'shop-bot-r1',
  startedAt: '',
  strategy: 'blue-green',
  webhook: { url: URL, secretSha256: secretSha256('old') },
};
const probe = (app = 'shop-bot', release: Release | undefined = current): Probe => ({
  paths: {
    dir: `/s/${app}`,
    state: `/s/${app}/state.json`,
    lock: `/s/${app}/lock`,
    audit: `/s/${app}/audit.jsonl`,
    envFile: `/s/${app}/app.env`,
    backups: `/s/${app}/backups`,
  },
  state: { app, current: release, history: release ? [release] : [] },
  containers: release
    ? [{ name: release.container, state: 'running', releaseId: release.id, color: release.color }]
    : [],
  routed: release ? [{ color: 'blue', port: 8001, weight: 100 }] : [],
  httpTool: 'curl',
});
const plan = (raw: RawDeployInputs, release: Release | undefined = current) => {
  const config = buildConfig(raw);
  return buildPlan({
    config,
    probe: probe(raw.app, config.proxy === 'none' ? undefined : release),
    releaseId: 'r2',
    now: '',
    proxy: config.proxy === 'none' ? undefined : { kind: 'nginx' },
    lock: { ttlSeconds: 300, refreshSeconds: 60 },
    nginxConfDir: '/etc/nginx/conf.d',
  });
};

describe('the plan', () => {
  it('the block, setWebhook and the new-secret block follow the switch; the secret never in it', () => {
    const p = plan(full);
    expect(checkPlan(p)).toEqual([]);
    const hook = p.steps.filter((s) => s.action.kind.startsWith('webhook'));
    expect(hook.map((s) => s.id)).toEqual([
      'webhook-server',
      'webhook-register',
      'webhook-server-secret',
    ]);
    const [server, register] = hook;
    expect(server!.action).toMatchObject({
      kind: 'webhook-server',
      op: 'install',
      file: '/etc/nginx/conf.d/tg-shop-bot.webhook.conf',
      secret: 'webhook-secret',
      acceptLive: true,
    });
    expect(server!.undo!.actions).toEqual([
      {
        kind: 'webhook-server',
        op: 'restore',
        app: 'shop-bot',
        file: '/etc/nginx/conf.d/tg-shop-bot.webhook.conf',
      },
    ]);
    // what the state recorded of the live registration is what the step compares with
    expect(register!.action).toMatchObject({
      kind: 'webhook',
      op: 'register',
      wanted: { url: URL },
      secret: 'webhook-secret',
      recorded: current.webhook,
    });
    expect(register!.undo!.actions).toEqual([{ kind: 'webhook', op: 'restore' }]);
    // the release records the registration: the secret's hash, never the secret
    expect(p.release.webhook).toEqual({
      url: URL,
      secretSha256: secretSha256('S3cret_token-1'),
      server: {
        certificate: '/etc/letsencrypt/live/bot/fullchain.pem',
        key: '/etc/letsencrypt/live/bot/privkey.pem',
      },
    });
    for (const text of [planText(p), JSON.stringify(p)]) {
      expect(text).not.toContain('S3cret_token-1');
      expect(text).not.toContain(TOKEN);
    }
  });

  it('registration only (TLS ends elsewhere): setWebhook after the switch, no block', () => {
    const p = plan({ ...full, 'tls-certificate': '', 'tls-key': '' });
    expect(p.steps.filter((s) => s.action.kind.startsWith('webhook')).map((s) => s.id)).toEqual([
      'webhook-register',
    ]);
    expect(checkPlan(p)).toEqual([]);
  });

  it('a block without a token: the block only, with the new secret at once', () => {
    const p = plan({ ...full, 'telegram-bot-token': '' });
    const hook = p.steps.filter((s) => s.action.kind.startsWith('webhook'));
    expect(hook.map((s) => s.id)).toEqual(['webhook-server']);
    expect(hook[0]!.action).not.toHaveProperty('acceptLive', true);
  });

  it('drop_pending_updates only when asked for', () => {
    const asked = plan({ ...full, 'webhook-drop-pending-updates': 'true' });
    expect(asked.steps.find((s) => s.id === 'webhook-register')!.action).toMatchObject({
      dropPendingUpdates: true,
    });
    expect(plan(full).steps.find((s) => s.id === 'webhook-register')!.action).not.toHaveProperty(
      'dropPendingUpdates',
      true,
    );
  });

  it('a polling bot with a token: deleteWebhook right before the new poller starts; none without', () => {
    const polling: RawDeployInputs = {
      app: 'shop-poll',
      image: IMAGE,
      'bot-mode': 'polling',
      'telegram-bot-token': TOKEN,
    };
    const ids = plan(polling).steps.map((s) => s.id);
    expect(ids.indexOf('webhook-clear')).toBe(ids.indexOf('start-shop-poll-r2') - 1);
    expect(ids.indexOf('webhook-clear')).toBeGreaterThan(ids.indexOf('create'));
    expect(checkPlan(plan(polling))).toEqual([]);
    expect(plan({ ...polling, 'telegram-bot-token': '' }).steps.map((s) => s.id)).not.toContain(
      'webhook-clear',
    );
  });

  it("the window watches getWebhookInfo with the deploy's token when no verify check does", () => {
    const config = buildConfig(full);
    const verify = withWebhookWatch(undefined, config, { pauseSeconds: 60 })!;
    expect(verify.checks.telegram).toEqual({ token: TOKEN, apiUrl: 'https://api.telegram.org' });
    expect(withWebhookWatch(undefined, buildConfig(base), { pauseSeconds: 60 })).toBeUndefined();
  });
});

// ---- the registration steps' executor -------------------------------------------------------------

function fakeApi(initial: RegisteredWebhook) {
  let live: RegisteredWebhook & { secret?: string } = { ...initial };
  const calls: { method: string; params: Record<string, unknown> }[] = [];
  const api: BotApi = {
    getWebhookInfo: async () => {
      calls.push({ method: 'getWebhookInfo', params: {} });
      return { ...live };
    },
    call: async (method, params) => {
      calls.push({ method, params });
      live =
        method === 'deleteWebhook'
          ? { url: '' }
          : {
              url: String(params.url),
              secret: params.secret_token as string | undefined,
              allowed_updates: (params.allowed_updates as string[]) ?? live.allowed_updates,
              max_connections: (params.max_connections as number) ?? 40,
            };
    },
  };
  return { api, calls, live: () => live };
}

const quiet: Log = consoleLog(() => undefined);

const ctxOf = (api: BotApi, secret?: string): WebhookStepContext => ({
  exec: {} as Executor,
  log: quiet,
  api,
  secret,
  memo: {},
  outcome: {},
});

describe('the registration steps', () => {
  const register = (recorded = current.webhook) =>
    ({
      kind: 'webhook',
      op: 'register',
      wanted: { url: URL },
      secret: 'webhook-secret',
      recorded,
    }) as const;

  it('nothing differs: no setWebhook, and its undo sets nothing back', async () => {
    const t = fakeApi({ url: URL, max_connections: 40 });
    const ctx = ctxOf(t.api, 'old');
    await performWebhook(register(), ctx);
    await performWebhook({ kind: 'webhook', op: 'restore' }, ctx);
    expect(t.calls.map((c) => c.method)).toEqual(['getWebhookInfo']);
    expect(ctx.outcome).toMatchObject({ registration: 'unchanged', url: URL });
    expect(webhookLine(ctx.outcome)).toMatch(/unchanged/);
  });

  it('the secret changes: one setWebhook, confirmed; the undo sets the earlier one back', async () => {
    const t = fakeApi({ url: URL, max_connections: 40 });
    const ctx = ctxOf(t.api, 'new');
    ctx.memo.secretBefore = 'old'; // what the live block accepted (the block step reads it)
    await performWebhook(register(), ctx);
    expect(t.calls.map((c) => c.method)).toEqual([
      'getWebhookInfo',
      'setWebhook',
      'getWebhookInfo',
    ]);
    expect(t.calls[1]!.params).toEqual({ url: URL, secret_token: 'new' });
    expect(ctx.outcome.reasons).toEqual(['secret changed']);
    await performWebhook({ kind: 'webhook', op: 'restore' }, ctx);
    expect(t.calls.at(-1)).toEqual({
      method: 'setWebhook',
      params: { url: URL, secret_token: 'old', max_connections: 40 },
    });
    expect(t.live()).toMatchObject({ url: URL, secret: 'old' });
  });

  it('the url changes with the same secret: the undo restores the url with the secret the state knew', async () => {
    const t = fakeApi({ url: 'https://old.example.net/hook', max_connections: 40 });
    const ctx = ctxOf(t.api, 'old');
    await performWebhook(
      register({ url: 'https://old.example.net/hook', secretSha256: secretSha256('old') }),
      ctx,
    );
    expect(t.live()).toMatchObject({ url: URL, secret: 'old' });
    await performWebhook({ kind: 'webhook', op: 'restore' }, ctx);
    expect(t.live()).toMatchObject({ url: 'https://old.example.net/hook', secret: 'old' });
  });

  it('no webhook before: the undo deletes the one it set (pending updates kept)', async () => {
    const t = fakeApi({ url: '' });
    const ctx = ctxOf(t.api, 'new');
    await performWebhook(register(undefined), ctx);
    await performWebhook({ kind: 'webhook', op: 'restore' }, ctx);
    expect(t.calls.at(-1)).toEqual({
      method: 'deleteWebhook',
      params: { drop_pending_updates: false },
    });
  });

  it('a confirmation that fails after setWebhook still leaves its undo what to set back', async () => {
    const t = fakeApi({ url: 'https://old.example.net/hook' });
    const api: BotApi = {
      ...t.api,
      call: async (method, params) => {
        await t.api.call(method, params);
        if (method === 'setWebhook' && params.url === URL) await t.api.call('deleteWebhook', {});
      },
    };
    const ctx = ctxOf(api, 'new');
    await expect(performWebhook(register(undefined), ctx)).rejects.toThrow(/did not take/);
    expect(ctx.memo.registeredBefore?.url).toBe('https://old.example.net/hook');
  });

  it('clear: deleteWebhook only when a webhook is set', async () => {
    const set = fakeApi({ url: 'https://old.example.net/hook' });
    const ctx = ctxOf(set.api);
    await performWebhook({ kind: 'webhook', op: 'clear' }, ctx);
    expect(set.calls.map((c) => c.method)).toEqual([
      'getWebhookInfo',
      'deleteWebhook',
      'getWebhookInfo',
    ]);
    expect(ctx.outcome.registration).toBe('deleted');
    const none = fakeApi({ url: '' });
    const ctx2 = ctxOf(none.api);
    await performWebhook({ kind: 'webhook', op: 'clear' }, ctx2);
    expect(none.calls.map((c) => c.method)).toEqual(['getWebhookInfo']);
    expect(ctx2.outcome.registration).toBe('none-set');
  });
});

describe('the block while the registration moves', () => {
  const server = {
    app: 'shop-bot',
    host: 'bot.example.net',
    port: 8443,
    path: '/tg/hook',
    certificate: '/etc/tls/fullchain.pem',
    key: '/etc/tls/privkey.pem',
    secret: 'new_secret',
  };

  it('a rotation accepts both secrets; the served path changes with it and names no secret', () => {
    const live = renderWebhookServer({ ...server, secret: 'old_secret' });
    const both = renderWebhookServer({ ...server, alsoAccept: acceptedSecrets(live) });
    expect(acceptedSecrets(both)).toEqual(['new_secret', 'old_secret']);
    expect(transitionBlock(both, live)).toBe(both); // the same server: no second one
    const [a, b] = [servedPath(live), servedPath(both)];
    expect(a).toMatch(/^\/\.well-known\/tg-devops-served-[0-9a-f]{16}$/);
    expect(b).not.toBe(a);
    // the same block renders the same path (an unchanged block is not reloaded)
    expect(servedPath(renderWebhookServer({ ...server, alsoAccept: ['old_secret'] }))).toBe(b);
  });

  it("a url change keeps the live block's server until setWebhook moved Telegram", () => {
    const live = renderWebhookServer({ ...server, host: 'old.example.net' });
    const next = renderWebhookServer(server);
    const moving = transitionBlock(next, live);
    expect(serverSections(moving)).toHaveLength(2);
    expect(moving).toContain('server_name old.example.net;');
    expect(moving).toContain('server_name bot.example.net;');
    expect(moving.match(/^map /gm)).toHaveLength(1);
    expect(servedPath(moving)).toBe(servedPath(next));
    // without a secret now, an old server that checked one is left out (its map is gone)
    expect(
      serverSections(transitionBlock(renderWebhookServer({ ...server, secret: undefined }), live)),
    ).toHaveLength(1);
  });
});

describe("a rollback's webhook steps", () => {
  const server = { certificate: '/etc/tls/c.pem', key: '/etc/tls/k.pem' };
  const a = { url: 'https://a.example.net/hook', secretSha256: secretSha256('live'), server };
  const b = { url: 'https://b.example.net/hook', secretSha256: secretSha256('older'), server };
  const options = { nginxConfDir: '/etc/nginx/conf.d', registers: true };

  it("the target's url: its block and registration, with the live secret; the record says so", () => {
    const { steps, notes, live } = rollbackWebhookSteps('shop-bot', a, b, options);
    expect(steps.map((s) => [s.id, s.action])).toEqual([
      [
        'webhook-server',
        {
          kind: 'webhook-server',
          op: 'install',
          app: 'shop-bot',
          file: '/etc/nginx/conf.d/tg-shop-bot.webhook.conf',
          server: { host: 'b.example.net', port: 443, path: '/hook', ...server },
          secret: 'live-block',
        },
      ],
      [
        'webhook-register',
        {
          kind: 'webhook',
          op: 'register',
          wanted: { url: b.url },
          secret: 'live-block',
          file: '/etc/nginx/conf.d/tg-shop-bot.webhook.conf',
          recorded: a,
        },
      ],
    ]);
    expect(steps.every((s) => s.undo)).toBe(true);
    expect(notes.join('\n')).toMatch(/secret stays the live one/);
    expect(live).toEqual({ ...b, secretSha256: a.secretSha256 });
  });

  it('the same registration: nothing to do', () => {
    expect(rollbackWebhookSteps('shop-bot', a, { ...a }, options).steps).toEqual([]);
  });

  it('no token: the block only, and the notes say the registration stays', () => {
    const { steps, notes, live } = rollbackWebhookSteps('shop-bot', a, b, {
      ...options,
      registers: false,
    });
    expect(steps.map((s) => s.id)).toEqual(['webhook-server']);
    expect(notes.join('\n')).toMatch(/registration stays .*no telegram-bot-token/);
    expect(live?.url).toBe(a.url);
  });

  it('a secret no block of the deploy knows: not guessed, the registration stays', () => {
    const { steps, notes } = rollbackWebhookSteps(
      'shop-bot',
      { url: a.url, secretSha256: a.secretSha256 },
      { url: b.url, secretSha256: a.secretSha256 },
      options,
    );
    expect(steps).toEqual([]);
    expect(notes.join('\n')).toMatch(/registration stays/);
  });

  it('a target that recorded none: nothing changes', () => {
    expect(rollbackWebhookSteps('shop-bot', a, undefined, options)).toMatchObject({
      steps: [],
      live: a,
    });
  });
});
