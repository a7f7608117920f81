import { createHmac } from 'node:crypto';
import type { Clock } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { FetchLike } from '../health/http.js';
import type { Log } from '../log.js';
import { redact, redactValues } from '../redact.js';
import { guessWebhookFormat, webhookBody, type WebhookFormat } from './formats.js';
import { telegramText, type NotifyEvent } from './message.js';

export interface NotifyTargets {
  telegram?: { token: string; chatId: string; apiUrl?: string; threadId?: string };
  /** `secret` signs the body: `X-Tg-Devops-Signature-256: sha256=<hex HMAC>` (like GitHub's). */
  webhook?: {
    url: string;
    secret?: string;
    /** notify-webhook-format; absent: guessed from the URL's host (src/notify/formats.ts). */
    format?: WebhookFormat;
  };
}

export interface NotifyDeps {
  fetch: FetchLike;
  clock: Clock;
  log: Log;
  /** Attempts per target (default 3). */
  attempts?: number;
  /** First backoff (doubles; default 1 s). */
  backoffMs?: number;
  /** Longest wait honoured from a 429's retry_after (default 10 s). */
  maxRetryAfterMs?: number;
  timeoutMs?: number;
}

export interface NotifyResult {
  delivered: string[];
  failed: { target: string; reason: string }[];
}

interface Attempt {
  ok: boolean;
  retry: boolean;
  waitMs?: number;
  reason: string;
}

/** Pure: what a target's answer means (retry 429 and 5xx, never other 4xx). */
export function classifyAnswer(status: number, body: string, maxRetryAfterMs: number): Attempt {
  if (status >= 200 && status < 300) {
    // The Bot API says ok:false on errors; a generic webhook may answer anything in 2xx.
    try {
      const parsed = JSON.parse(body) as { ok?: unknown };
      if (parsed && typeof parsed === 'object' && parsed.ok === false) {
        return { ok: false, retry: false, reason: `answered ok:false: ${body.slice(0, 200)}` };
      }
    } catch {
      /* not JSON: fine for a webhook */
    }
    return { ok: true, retry: false, reason: `HTTP ${status}` };
  }
  let description = body.slice(0, 200);
  let waitMs: number | undefined;
  try {
    const parsed = JSON.parse(body) as {
      description?: string;
      message?: string;
      parameters?: { retry_after?: number };
      retry_after?: number;
    };
    if (parsed.description) description = parsed.description;
    else if (parsed.message) description = parsed.message;
    // Telegram: parameters.retry_after (seconds); Discord: retry_after at the top (seconds).
    const retryAfter = parsed.parameters?.retry_after ?? parsed.retry_after;
    if (typeof retryAfter === 'number' && retryAfter >= 0) {
      waitMs = Math.min(Math.ceil(retryAfter * 1000), maxRetryAfterMs);
    }
  } catch {
    /* keep the raw text */
  }
  const retry = status === 429 || status >= 500;
  return { ok: false, retry, waitMs, reason: `HTTP ${status}: ${description}`.trim() };
}

/** Pure: the signature header value for a webhook body. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function post(
  target: string,
  url: string,
  body: unknown,
  deps: NotifyDeps,
  hide: (text: string) => string,
  secret?: string,
): Promise<{ target: string; ok: boolean; reason: string }> {
  const text = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret) headers['x-tg-devops-signature-256'] = signBody(text, secret);
  const attempts = Math.max(1, deps.attempts ?? 3);
  let backoff = deps.backoffMs ?? 1000;
  let last = 'not sent';
  for (let i = 1; i <= attempts; i++) {
    let answer: Attempt;
    try {
      const response = await deps.fetch(url, {
        method: 'POST',
        headers,
        body: text,
        signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      });
      answer = classifyAnswer(
        response.status,
        await response.text(),
        deps.maxRetryAfterMs ?? 10_000,
      );
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      answer = {
        ok: false,
        retry: true,
        reason: `${errorMessage(error)}${cause ? `: ${errorMessage(cause)}` : ''}`,
      };
    }
    if (answer.ok) return { target, ok: true, reason: answer.reason };
    last = hide(answer.reason);
    if (!answer.retry || i === attempts) break;
    deps.log.info(`notify ${target}: attempt ${i} of ${attempts} failed (${last}), retrying`);
    await deps.clock.sleep(answer.waitMs ?? backoff);
    backoff *= 2;
  }
  return { target, ok: false, reason: last };
}

/**
 * Sends a deploy notification to every configured target. Never throws: a notification that
 * cannot be delivered becomes a warning, and the deploy goes on.
 */
export async function notify(
  event: NotifyEvent,
  targets: NotifyTargets,
  deps: NotifyDeps,
): Promise<NotifyResult> {
  const secrets: string[] = [];
  if (targets.telegram?.token) {
    secrets.push(targets.telegram.token);
    deps.log.secret(targets.telegram.token);
  }
  if (targets.webhook?.url) {
    // A webhook URL often carries its own secret (Slack, Discord): treat it as one.
    secrets.push(targets.webhook.url);
    deps.log.secret(targets.webhook.url);
  }
  const hide = (text: string) => redact(redactValues(text, secrets));
  const sends: Promise<{ target: string; ok: boolean; reason: string }>[] = [];
  try {
    if (targets.telegram) {
      const t = targets.telegram;
      const base = (t.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
      sends.push(
        post(
          'telegram',
          `${base}/bot${t.token}/sendMessage`,
          {
            chat_id: t.chatId,
            ...(t.threadId ? { message_thread_id: Number(t.threadId) } : {}),
            text: telegramText(event),
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
          },
          deps,
          hide,
        ),
      );
    }
    if (targets.webhook) {
      if (targets.webhook.secret) deps.log.secret(targets.webhook.secret);
      sends.push(
        post(
          'webhook',
          targets.webhook.url,
          webhookBody(event, targets.webhook.format ?? guessWebhookFormat(targets.webhook.url)),
          deps,
          hide,
          targets.webhook.secret,
        ),
      );
    }
    const results = await Promise.all(sends);
    const result: NotifyResult = { delivered: [], failed: [] };
    for (const r of results) {
      if (r.ok) {
        result.delivered.push(r.target);
        deps.log.info(`notify ${r.target}: ${event.event} sent`);
      } else {
        result.failed.push({ target: r.target, reason: r.reason });
        deps.log.warn(
          `notify ${r.target}: could not send the ${event.event} notification: ${r.reason}`,
        );
      }
    }
    return result;
  } catch (error) {
    const reason = hide(errorMessage(error));
    deps.log.warn(`notify: ${reason}`);
    return { delivered: [], failed: [{ target: 'all', reason }] };
  }
}
