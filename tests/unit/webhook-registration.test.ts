/**
 * Webhook registration (src/deploy/webhook-registration.ts) against the Bot API stand-in over
 * real HTTP, asserting every request: setWebhook once when the url or the secret changes, never
 * when nothing changed, never drop_pending_updates unless asked; deleteWebhook before polling.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  botApi,
  clearWebhookForPolling,
  ensureWebhook,
  recordOf,
  secretSha256,
  setWebhookParams,
  webhookChanges,
  type RecordedWebhook,
} from '../../src/deploy/webhook-registration.js';
import { recordingLog } from '../../src/log.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';

const TOKEN = '123456:AAH-registration-test-token';
let telegram: FakeTelegramApi;
const api = () => botApi(TOKEN, { fetch, apiUrl: telegram.url });
const methods = () => telegram.requests.map((r) => r.method);
const URL1 = 'https://bot.example.net/tg/hook';
const URL2 = 'https://bot.example.net:8443/tg/hook2';

beforeAll(async () => {
  telegram = await startFakeTelegramApi({ tokens: [TOKEN], ports: [21760, 21789] });
});
afterAll(() => telegram.close());
beforeEach(() => {
  telegram.requests.length = 0;
});

describe('what differs (pure)', () => {
  const live = { url: URL1, max_connections: 40, allowed_updates: ['message'] };
  const recorded = recordOf({ url: URL1, secret: 's1' });
  it('nothing when url and the recorded secret hash match', () => {
    expect(webhookChanges({ url: URL1, secret: 's1' }, live, recorded)).toEqual([]);
  });
  it('the url, the secret, allowed_updates and max_connections each count', () => {
    expect(webhookChanges({ url: URL2, secret: 's1' }, live, recorded)[0]).toMatch(/^url /);
    expect(webhookChanges({ url: URL1, secret: 's2' }, live, recorded)).toEqual(['secret changed']);
    expect(webhookChanges({ url: URL1 }, live, recorded)).toEqual(['secret removed']);
    expect(
      webhookChanges(
        { url: URL1, secret: 's1', allowedUpdates: ['message', 'callback_query'] },
        live,
        recorded,
      ),
    ).toEqual(['allowed_updates -> message,callback_query']);
    expect(webhookChanges({ url: URL1, secret: 's1', maxConnections: 10 }, live, recorded)).toEqual(
      ['max_connections 40 -> 10'],
    );
  });
  it('a registration the state did not record has an unknown secret: set again', () => {
    expect(webhookChanges({ url: URL1, secret: 's1' }, live, undefined)).toEqual([
      'secret not recorded for the live registration',
    ]);
    const other: RecordedWebhook = { url: URL2, secretSha256: secretSha256('s1') };
    expect(webhookChanges({ url: URL1, secret: 's1' }, live, other)).toHaveLength(1);
  });
  it('the state keeps a hash, never the secret; drop_pending_updates only when asked', () => {
    expect(JSON.stringify(recordOf({ url: URL1, secret: 'very-secret' }))).not.toContain(
      'very-secret',
    );
    expect(setWebhookParams({ url: URL1, secret: 'x' })).toEqual({ url: URL1, secret_token: 'x' });
    expect(setWebhookParams({ url: URL1 }, { dropPendingUpdates: true })).toMatchObject({
      drop_pending_updates: true,
    });
  });
});

describe('against the Bot API stand-in', () => {
  it('first deploy: one setWebhook with url, secret, allowed_updates, max_connections, then a confirming getWebhookInfo', async () => {
    const log = recordingLog();
    const wanted = { url: URL1, secret: 'sec_1', allowedUpdates: ['message'], maxConnections: 20 };
    const result = await ensureWebhook(api(), wanted, undefined, log);
    expect(result.changed).toBe(true);
    expect(methods()).toEqual(['getWebhookInfo', 'setWebhook', 'getWebhookInfo']);
    expect(telegram.requests[1]!.params).toEqual({
      url: URL1,
      secret_token: 'sec_1',
      allowed_updates: ['message'],
      max_connections: 20,
    });
    expect(telegram.webhook(TOKEN)).toMatchObject({ url: URL1, secret: 'sec_1' });
    expect(log.text()).not.toContain(TOKEN);
    // the next deploy with the same registration: no setWebhook at all
    telegram.requests.length = 0;
    const again = await ensureWebhook(api(), wanted, result.record, recordingLog());
    expect(again.changed).toBe(false);
    expect(methods()).toEqual(['getWebhookInfo']);
    // the secret changes: exactly one setWebhook, never drop_pending_updates
    telegram.requests.length = 0;
    const rotated = await ensureWebhook(
      api(),
      { ...wanted, secret: 'sec_2' },
      again.record,
      recordingLog(),
    );
    expect(rotated.changed).toBe(true);
    expect(methods().filter((m) => m === 'setWebhook')).toHaveLength(1);
    expect(telegram.requests.every((r) => r.params.drop_pending_updates === undefined)).toBe(true);
    expect(telegram.webhook(TOKEN)!.secret).toBe('sec_2');
    // the url changes: one setWebhook; the earlier registration is what a rollback sets back
    telegram.requests.length = 0;
    const moved = await ensureWebhook(
      api(),
      { ...wanted, url: URL2, secret: 'sec_2' },
      rotated.record,
      recordingLog(),
    );
    expect(methods()).toEqual(['getWebhookInfo', 'setWebhook', 'getWebhookInfo']);
    expect(moved.before.url).toBe(URL1);
  });
  it('a refused registration fails naming the method, not the token', async () => {
    await expect(
      ensureWebhook(api(), { url: 'https://bot.example.net:8080/x' }, undefined, recordingLog()),
    ).rejects.toThrow(
      /^setWebhook: 400 Bad Request: bad webhook: Webhook can be set up only on ports/,
    );
    await expect(
      botApi('999:wrong', { fetch, apiUrl: telegram.url }).getWebhookInfo(),
    ).rejects.toThrow('getWebhookInfo: 401 Unauthorized');
  });
  it('a polling bot over a token with a webhook: deleteWebhook first (pending kept), with a log line; none when there is none', async () => {
    await ensureWebhook(api(), { url: URL1 }, undefined, recordingLog());
    telegram.requests.length = 0;
    const log = recordingLog();
    expect(await clearWebhookForPolling(api(), log)).toBe(true);
    expect(methods()).toEqual(['getWebhookInfo', 'deleteWebhook', 'getWebhookInfo']);
    expect(telegram.requests[1]!.params).toEqual({ drop_pending_updates: false });
    expect(log.text()).toMatch(
      /deleteWebhook: the token still has a webhook \(https:\/\/bot\.example\.net\/tg\/hook\); a polling bot gets 409/,
    );
    telegram.requests.length = 0;
    expect(await clearWebhookForPolling(api(), recordingLog())).toBe(false);
    expect(methods()).toEqual(['getWebhookInfo']);
  });
});
