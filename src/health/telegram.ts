import { causeOf, type FetchLike } from './http.js';
import type { Check, ProbeResult } from './types.js';

/** The Bot API's WebhookInfo (the fields a deploy cares about). */
export interface WebhookInfo {
  url: string;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
  max_connections?: number;
  ip_address?: string;
}

export interface TelegramCheckSpec {
  /** The webhook URL that must be set; undefined: any non-empty URL. */
  expectedUrl?: string;
  /** Epoch ms when the deploy started: a last_error_date at or after it fails. */
  since: number;
  /** Fail when pending_update_count grew on this many probes in a row (default 3). */
  growthProbes?: number;
}

/** Pure: judge one getWebhookInfo answer, given the pending counts seen before (oldest first). */
export function judgeWebhook(
  spec: TelegramCheckSpec,
  info: WebhookInfo,
  previousPending: readonly number[],
): ProbeResult {
  const pending = info.pending_update_count;
  const seen = `url ${info.url ? JSON.stringify(info.url) : '(none)'}, ${pending} pending`;
  if (spec.expectedUrl !== undefined ? info.url !== spec.expectedUrl : info.url === '') {
    return {
      status: 'fail',
      value: pending,
      summary: `${seen}: expected url ${spec.expectedUrl ? JSON.stringify(spec.expectedUrl) : 'to be set'}`,
    };
  }
  if (info.last_error_date !== undefined && info.last_error_date * 1000 >= spec.since) {
    const at = new Date(info.last_error_date * 1000).toISOString();
    return {
      status: 'fail',
      final: true,
      value: pending,
      summary: `${seen}: delivery error at ${at} (after the deploy started): ${info.last_error_message ?? 'no message'}`,
    };
  }
  const needed = spec.growthProbes ?? 3;
  const series = [...previousPending, pending].slice(-(needed + 1));
  const growing =
    series.length === needed + 1 && series.every((v, i) => i === 0 || v > series[i - 1]!);
  if (growing) {
    return {
      status: 'fail',
      value: pending,
      summary: `${seen}: pending updates grew on ${needed} probes in a row (${series.join(' → ')})`,
    };
  }
  return { status: 'pass', value: pending, summary: seen };
}

/**
 * Telegram webhook state through getWebhookInfo. The token is part of the URL path: it never
 * appears in a summary, and callers register it with Log.secret().
 */
export function telegramWebhookCheck(
  spec: TelegramCheckSpec & { token: string; apiUrl?: string },
  deps: { fetch: FetchLike; timeoutMs?: number },
): Check {
  const base = (spec.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
  const pending: number[] = [];
  const hide = (text: string) => text.split(spec.token).join('***');
  return {
    name: 'telegram webhook',
    kind: 'telegram',
    async probe() {
      let response: Response;
      try {
        response = await deps.fetch(`${base}/bot${spec.token}/getWebhookInfo`, {
          method: 'GET',
          signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
        });
      } catch (error) {
        return { status: 'inconclusive', summary: hide(`Bot API unreachable: ${causeOf(error)}`) };
      }
      const text = await response.text();
      let body: { ok?: boolean; result?: WebhookInfo; description?: string; error_code?: number };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return {
          status: 'inconclusive',
          summary: `Bot API answered HTTP ${response.status}, not JSON`,
        };
      }
      if (!body.ok || !body.result) {
        // 401/404: the token is wrong, which no waiting fixes; anything else may pass.
        const fatal = response.status === 401 || response.status === 404;
        return {
          status: fatal ? 'fail' : 'inconclusive',
          summary: hide(
            `getWebhookInfo: ${body.error_code ?? response.status} ${body.description ?? ''}`.trim(),
          ),
        };
      }
      const result = judgeWebhook(spec, body.result, pending);
      pending.push(body.result.pending_update_count);
      return { ...result, summary: hide(result.summary) };
    },
  };
}
