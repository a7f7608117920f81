/**
 * The webhook registration with Telegram (issue 13): what a deploy wants registered (url, secret,
 * allowed_updates, max_connections), compared with getWebhookInfo and with what the state
 * recorded (getWebhookInfo never returns the secret, so the state keeps its SHA-256), and the
 * Bot API calls that make it so: setWebhook only when something differs, never
 * drop_pending_updates unless asked, getWebhookInfo to confirm; deleteWebhook before a polling
 * bot starts on a token that still has a webhook (every getUpdates would get 409 otherwise).
 * The token is in the URL path only, and hidden from every message.
 */
import { createHash } from 'node:crypto';
import type { FetchLike } from '../health/http.js';
import type { RecordedWebhook } from '../host/state.js';
import type { Log } from '../log.js';

export interface WantedWebhook {
  url: string;
  secret?: string;
  allowedUpdates?: string[];
  maxConnections?: number;
}

/** What the state records of a registration a deploy made (no secret, its hash): host/state.ts. */
export type { RecordedWebhook };

/** getWebhookInfo's fields that say what is registered. */
export interface RegisteredWebhook {
  url: string;
  allowed_updates?: string[];
  max_connections?: number;
}

export const secretSha256 = (secret: string | undefined): string | undefined =>
  secret === undefined ? undefined : createHash('sha256').update(secret).digest('hex');

export function recordOf(wanted: WantedWebhook): RecordedWebhook {
  return {
    url: wanted.url,
    ...(wanted.secret !== undefined ? { secretSha256: secretSha256(wanted.secret) } : {}),
    ...(wanted.allowedUpdates ? { allowedUpdates: [...wanted.allowedUpdates] } : {}),
    ...(wanted.maxConnections !== undefined ? { maxConnections: wanted.maxConnections } : {}),
  };
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

/**
 * Why the registration must be set again; empty: nothing differs. The secret counts as known
 * only when the state recorded the registration that is live now (same url); anyone else's
 * setWebhook since makes it unknown, and it is set again.
 */
export function webhookChanges(
  wanted: WantedWebhook,
  live: RegisteredWebhook,
  recorded: RecordedWebhook | undefined,
): string[] {
  const reasons: string[] = [];
  if (live.url !== wanted.url)
    reasons.push(
      `url ${live.url ? JSON.stringify(live.url) : '(none)'} -> ${JSON.stringify(wanted.url)}`,
    );
  const liveSecret = recorded && recorded.url === live.url ? recorded.secretSha256 : 'unknown';
  if (liveSecret !== secretSha256(wanted.secret))
    reasons.push(
      liveSecret === 'unknown'
        ? 'secret not recorded for the live registration'
        : wanted.secret === undefined
          ? 'secret removed'
          : 'secret changed',
    );
  if (wanted.allowedUpdates && !sameSet(wanted.allowedUpdates, live.allowed_updates ?? []))
    reasons.push(`allowed_updates -> ${wanted.allowedUpdates.join(',') || '(all)'}`);
  if (wanted.maxConnections !== undefined && live.max_connections !== wanted.maxConnections)
    reasons.push(`max_connections ${live.max_connections ?? '?'} -> ${wanted.maxConnections}`);
  return reasons;
}

/** setWebhook's parameters: drop_pending_updates only when asked for. */
export function setWebhookParams(
  wanted: WantedWebhook,
  options: { dropPendingUpdates?: boolean } = {},
): Record<string, unknown> {
  return {
    url: wanted.url,
    ...(wanted.secret !== undefined ? { secret_token: wanted.secret } : {}),
    ...(wanted.allowedUpdates ? { allowed_updates: wanted.allowedUpdates } : {}),
    ...(wanted.maxConnections !== undefined ? { max_connections: wanted.maxConnections } : {}),
    ...(options.dropPendingUpdates ? { drop_pending_updates: true } : {}),
  };
}

export interface BotApi {
  getWebhookInfo(): Promise<RegisteredWebhook & { pending_update_count?: number }>;
  call(method: 'setWebhook' | 'deleteWebhook', params: Record<string, unknown>): Promise<void>;
}

/** The three Bot API methods over fetch (POST JSON); errors name the method, never the token. */
export function botApi(token: string, deps: { fetch: FetchLike; apiUrl?: string }): BotApi {
  const base = (deps.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
  const hide = (text: string) => text.split(token).join('***');
  const request = async <T>(method: string, params: Record<string, unknown>): Promise<T> => {
    let response: Response;
    try {
      response = await deps.fetch(`${base}/bot${token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new Error(hide(`${method}: Bot API unreachable: ${String(error)}`));
    }
    const body = (await response.json().catch(() => ({}))) as {
      ok?: boolean;
      result?: T;
      description?: string;
      error_code?: number;
    };
    if (!body.ok)
      throw new Error(
        hide(`${method}: ${body.error_code ?? response.status} ${body.description ?? ''}`.trim()),
      );
    return body.result as T;
  };
  return {
    getWebhookInfo: () => request('getWebhookInfo', {}),
    call: async (method, params) => void (await request(method, params)),
  };
}

/**
 * Sets the wanted registration when it differs (one setWebhook), confirms it with getWebhookInfo,
 * and returns what to record. Nothing differs: no setWebhook at all.
 */
export async function ensureWebhook(
  api: BotApi,
  wanted: WantedWebhook,
  recorded: RecordedWebhook | undefined,
  log: Log,
  options: {
    dropPendingUpdates?: boolean;
    /** Called before setWebhook (what was registered, why it changes): a failed confirm may follow. */
    onChange?: (before: RegisteredWebhook, reasons: string[]) => void;
  } = {},
): Promise<{
  changed: boolean;
  record: RecordedWebhook;
  before: RegisteredWebhook;
  reasons: string[];
}> {
  const before = await api.getWebhookInfo();
  const reasons = webhookChanges(wanted, before, recorded);
  if (!reasons.length) {
    log.info(`webhook registration unchanged (${wanted.url})`);
    return { changed: false, record: recordOf(wanted), before, reasons };
  }
  log.info(
    `setWebhook: ${reasons.join('; ')}${options.dropPendingUpdates ? ' (dropping pending updates, as asked)' : ''}`,
  );
  options.onChange?.(before, reasons);
  await api.call('setWebhook', setWebhookParams(wanted, options));
  const after = await api.getWebhookInfo();
  const left = webhookChanges(wanted, after, recordOf(wanted));
  if (left.length)
    throw new Error(`setWebhook did not take: getWebhookInfo shows ${left.join('; ')}`);
  return { changed: true, record: recordOf(wanted), before, reasons };
}

/** A polling bot's token must have no webhook: deleteWebhook (pending updates kept) when set. */
export async function clearWebhookForPolling(api: BotApi, log: Log): Promise<boolean> {
  const info = await api.getWebhookInfo();
  if (!info.url) return false;
  log.info(
    `deleteWebhook: the token still has a webhook (${info.url}); a polling bot gets 409 Conflict on every getUpdates while it is set (pending updates are kept)`,
  );
  await api.call('deleteWebhook', { drop_pending_updates: false });
  const after = await api.getWebhookInfo();
  if (after.url) throw new Error(`deleteWebhook did not take: the webhook is still ${after.url}`);
  return true;
}
