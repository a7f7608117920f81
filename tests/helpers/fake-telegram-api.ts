import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Telegram Bot API's sendMessage and getWebhookInfo. It answers like the
 * real API (`{ok, result}` / `{ok:false, error_code, description}`, 401 for an unknown token,
 * 400 "can't parse entities" for bad HTML, 400 "chat not found", 429 with retry_after when told)
 * and records every request for the test to assert. Listens on 127.0.0.1 in a given port range.
 */

export interface WebhookInfoState {
  url: string;
  has_custom_certificate?: boolean;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
  max_connections?: number;
}

export interface RecordedBotRequest {
  token: string;
  method: string;
  httpMethod: string;
  contentType: string;
  params: Record<string, unknown>;
}

export interface InjectedFailure {
  status: number;
  description: string;
  retryAfter?: number;
}

export interface FakeTelegramApi {
  url: string;
  port: number;
  requests: RecordedBotRequest[];
  sent: { chatId: string; text: string; parseMode?: string; entitiesText: string }[];
  /** What setWebhook/deleteWebhook registered for a token (the secret too, as Telegram keeps it). */
  webhook(token: string):
    | {
        url: string;
        secret?: string;
        maxConnections: number;
        allowedUpdates?: string[];
        pending: number;
      }
    | undefined;
  /** What getWebhookInfo answers for a token; a function gets the call number (1-based). */
  setWebhookInfo(
    token: string,
    info: WebhookInfoState | ((call: number) => WebhookInfoState),
  ): void;
  /** The next `count` calls of `method` fail with this answer. */
  failNext(method: string, count: number, failure: InjectedFailure): void;
  /**
   * Delivers updates to the token's registered webhook as Telegram does: POST JSON over HTTPS
   * (the chain verified with `ca`, SNI the URL's host), the secret_token in
   * X-Telegram-Bot-Api-Secret-Token, over kept-alive connections; a failed delivery sets
   * last_error_date and last_error_message in getWebhookInfo.
   */
  deliver(token: string, options: DeliveryOptions): Promise<DeliveryReport>;
  close(): Promise<void>;
}

/** What a delivery run did: every update sent, how each ended (`200`, `403`, `ECONNRESET`, ...). */
export interface DeliveryReport {
  sent: number;
  ok: number;
  failed: number;
  codes: Record<string, number>;
  /** update_ids the webhook answered 2xx. */
  delivered: number[];
  /**
   * Connection-level errors (a reset kept-alive connection) retried once on a fresh connection,
   * as Telegram redelivers; an update counts as failed only when the retry fails too.
   */
  retried: number;
}

export interface DeliveryOptions {
  /** The CA that signed the webhook's certificate (PEM): the chain is verified, as Telegram does. */
  ca: string;
  /** Where the URL's host resolves to (the test's hosts have no DNS). */
  address: string;
  /** Stop after this many updates... */
  count?: number;
  /** ...or when this returns true (checked before each update). */
  until?: () => boolean;
  /** Persistent connections used at once (Telegram's max_connections; default 4). */
  connections?: number;
  /** Pause between one connection's updates (default 20 ms). */
  pauseMs?: number;
  /** Leave the secret header out (what a stranger's POST looks like). */
  withoutSecret?: boolean;
}

/** Listens on the first free port of [from, to] on 127.0.0.1. */
export async function listenInRange(server: Server, from: number, to: number): Promise<number> {
  const start = from + Math.floor(Math.random() * (to - from + 1));
  for (let i = 0; i <= to - from; i++) {
    const port = from + ((start - from + i) % (to - from + 1));
    const ok = await new Promise<boolean>((resolve) => {
      const onError = () => resolve(false);
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        resolve(true);
      });
    });
    if (ok) return (server.address() as AddressInfo).port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

const ALLOWED_TAGS = new Set([
  'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre',
  'tg-spoiler', 'span', 'blockquote', 'tg-emoji',
]); // prettier-ignore

/** Parses Telegram HTML like the Bot API does; returns the visible text or an error description. */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const stack: string[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === '<') {
      const close = html.indexOf('>', i);
      if (close < 0) return { error: `Can't find end of the tag at byte offset ${i}` };
      const inner = html.slice(i + 1, close);
      const m = inner.match(/^(\/?)([a-z-]+)(\s[^]*)?$/);
      if (!m) return { error: `Unsupported start tag "${inner}" at byte offset ${i}` };
      const [, slash, name] = m;
      if (!ALLOWED_TAGS.has(name!))
        return { error: `Unsupported start tag "${name}" at byte offset ${i}` };
      if (slash) {
        if (stack.pop() !== name)
          return {
            error: `Unmatched end tag at byte offset ${i}, expected "</${stack.at(-1) ?? ''}>", found "</${name}>"`,
          };
      } else stack.push(name!);
      i = close + 1;
    } else if (c === '&') {
      const m = html.slice(i).match(/^&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/);
      if (!m) return { error: `Can't parse entities: unexpected "&" at byte offset ${i}` };
      text += { lt: '<', gt: '>', amp: '&', quot: '"' }[m[1]!] ?? '?';
      i += m[0].length;
    } else if (c === '>') {
      return { error: `Unexpected ">" at byte offset ${i}` };
    } else {
      text += c;
      i += 1;
    }
  }
  if (stack.length)
    return { error: `Can't find end tag corresponding to start tag "${stack.at(-1)}"` };
  return { text };
}

async function readParams(req: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const type = req.headers['content-type'] ?? '';
  if (body && type.includes('application/json')) Object.assign(params, JSON.parse(body));
  else if (body) Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
  return params;
}

export async function startFakeTelegramApi(options: {
  tokens: string[];
  chats?: string[];
  ports?: [number, number];
}): Promise<FakeTelegramApi> {
  const requests: RecordedBotRequest[] = [];
  const sent: FakeTelegramApi['sent'] = [];
  const infos = new Map<string, (call: number) => WebhookInfoState>();
  const calls = new Map<string, number>();
  const failures = new Map<string, InjectedFailure[]>();
  const chats = new Set(options.chats ?? []);
  /** What setWebhook/deleteWebhook left per token (getWebhookInfo answers it, unless told). */
  const webhooks = new Map<
    string,
    {
      url: string;
      secret?: string;
      maxConnections: number;
      allowedUpdates?: string[];
      pending: number;
      lastErrorDate?: number;
      lastErrorMessage?: string;
    }
  >();
  let messageId = 100;
  let updateId = 5000;

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, description: string, retryAfter?: number) =>
    answer(res, status, {
      ok: false,
      error_code: status,
      description,
      ...(retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {}),
    });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const m = url.pathname.match(/^\/bot([^/]+)\/([A-Za-z]+)$/);
      if (!m) return error(res, 404, 'Not Found');
      const [, token, method] = m;
      let params: Record<string, unknown>;
      try {
        params = await readParams(req, url);
      } catch {
        return error(res, 400, 'Bad Request: invalid JSON');
      }
      requests.push({
        token: token!,
        method: method!,
        httpMethod: req.method ?? '',
        contentType: req.headers['content-type'] ?? '',
        params,
      });
      if (!options.tokens.includes(token!)) return error(res, 401, 'Unauthorized');
      const queued = failures.get(method!);
      const failure = queued?.shift();
      if (failure) return error(res, failure.status, failure.description, failure.retryAfter);

      if (method === 'setWebhook' || method === 'deleteWebhook') {
        // as the Bot API checks them: https only, Telegram's ports, its secret_token rule
        const url = method === 'deleteWebhook' ? '' : String(params.url ?? '');
        if (url) {
          const parsed = URL.canParse(url) ? new URL(url) : undefined;
          if (parsed?.protocol !== 'https:')
            return error(
              res,
              400,
              'Bad Request: bad webhook: An HTTPS URL must be provided for webhook',
            );
          if (!['', '443', '80', '88', '8443'].includes(parsed.port))
            return error(
              res,
              400,
              'Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443',
            );
        }
        const secret = params.secret_token;
        if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(String(secret)))
          return error(
            res,
            400,
            'Bad Request: bad webhook: secret token contains unallowed characters',
          );
        const max = params.max_connections === undefined ? 40 : Number(params.max_connections);
        if (!Number.isInteger(max) || max < 1 || max > 100)
          return error(res, 400, 'Bad Request: bad webhook: max_connections must be in 1..100');
        const allowed =
          typeof params.allowed_updates === 'string'
            ? (JSON.parse(params.allowed_updates) as string[])
            : (params.allowed_updates as string[] | undefined);
        const before = webhooks.get(token!);
        webhooks.set(token!, {
          url,
          secret: url ? (secret as string | undefined) : undefined,
          maxConnections: max,
          // like the Bot API: allowed_updates left out keeps the previous setting
          allowedUpdates: allowed ?? before?.allowedUpdates,
          pending: params.drop_pending_updates === true ? 0 : (before?.pending ?? 0),
        });
        return answer(res, 200, {
          ok: true,
          result: true,
          description: url ? 'Webhook was set' : 'Webhook was deleted',
        });
      }
      if (method === 'getWebhookInfo') {
        const n = (calls.get(token!) ?? 0) + 1;
        calls.set(token!, n);
        const set = webhooks.get(token!);
        const registered = set
          ? {
              url: set.url,
              pending_update_count: set.pending,
              max_connections: set.maxConnections,
              ...(set.allowedUpdates ? { allowed_updates: set.allowedUpdates } : {}),
              ...(set.lastErrorDate !== undefined
                ? { last_error_date: set.lastErrorDate, last_error_message: set.lastErrorMessage }
                : {}),
            }
          : undefined;
        const info = infos.get(token!)?.(n) ?? registered ?? { url: '', pending_update_count: 0 };
        return answer(res, 200, {
          ok: true,
          result: { has_custom_certificate: false, max_connections: 40, ...info },
        });
      }
      if (method === 'sendMessage') {
        const chatId = params.chat_id === undefined ? '' : String(params.chat_id);
        const text = typeof params.text === 'string' ? params.text : '';
        if (!chatId) return error(res, 400, 'Bad Request: chat_id is empty');
        if (!text.trim()) return error(res, 400, 'Bad Request: message text is empty');
        if (chats.size && !chats.has(chatId)) return error(res, 400, 'Bad Request: chat not found');
        let visible = text;
        const mode = typeof params.parse_mode === 'string' ? params.parse_mode : undefined;
        if (mode === 'HTML') {
          const parsed = parseTelegramHtml(text);
          if ('error' in parsed)
            return error(res, 400, `Bad Request: can't parse entities: ${parsed.error}`);
          visible = parsed.text;
        }
        if ([...visible].length > 4096) return error(res, 400, 'Bad Request: message is too long');
        sent.push({ chatId, text, parseMode: mode, entitiesText: visible });
        return answer(res, 200, {
          ok: true,
          result: {
            message_id: ++messageId,
            date: Math.floor(Date.now() / 1000),
            chat: { id: Number(chatId) || chatId, type: 'supergroup' },
            text: visible,
          },
        });
      }
      return error(res, 404, 'Not Found');
    })();
  });
  const [from, to] = options.ports ?? [21700, 21799];
  const port = await listenInRange(server, from, to);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    sent,
    webhook: (token) => webhooks.get(token),
    setWebhookInfo(token, info) {
      infos.set(token, typeof info === 'function' ? info : () => info);
    },
    failNext(method, count, failure) {
      failures.set(method, [...(failures.get(method) ?? []), ...Array(count).fill(failure)]);
    },
    async deliver(token, options) {
      // read per update: a setWebhook during the run moves the deliveries (url, secret) at once
      const hook = () => {
        const set = webhooks.get(token);
        if (!set?.url) throw new Error('no webhook registered for the token');
        return set;
      };
      hook();
      const agent = new Agent({
        keepAlive: true,
        maxSockets: options.connections ?? 4,
        ca: options.ca,
      });
      const report: DeliveryReport = {
        sent: 0,
        ok: 0,
        failed: 0,
        codes: {},
        delivered: [],
        retried: 0,
      };
      const more = () => (options.until ? !options.until() : report.sent < (options.count ?? 0));
      // fresh: a connection of its own (a retry must not take another idle socket of the pool
      // that the same reload closed)
      const one = (id: number, fresh = false) =>
        new Promise<string>((resolve) => {
          const { url, secret } = hook();
          const target = new URL(url);
          const body = JSON.stringify({
            update_id: id,
            message: { message_id: id, date: Math.floor(Date.now() / 1000), text: `u${id}` },
          });
          const req = httpsRequest(
            {
              agent: fresh ? false : agent,
              ca: options.ca,
              host: options.address,
              servername: target.hostname,
              port: Number(target.port || 443),
              path: target.pathname,
              method: 'POST',
              timeout: 10_000,
              headers: {
                host: target.host,
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(body),
                ...(secret && !options.withoutSecret
                  ? { 'x-telegram-bot-api-secret-token': secret }
                  : {}),
              },
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve(String(res.statusCode)));
              res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
            },
          );
          req.on('timeout', () =>
            req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })),
          );
          req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
          req.end(body);
        });
      const worker = async () => {
        while (more()) {
          const id = ++updateId;
          report.sent++;
          let code = await one(id);
          if (!/^\d+$/.test(code)) {
            report.retried++;
            code = await one(id, true);
          }
          report.codes[code] = (report.codes[code] ?? 0) + 1;
          if (/^2\d\d$/.test(code)) {
            report.ok++;
            report.delivered.push(id);
          } else {
            report.failed++;
            if (options.withoutSecret) continue; // a stranger's POST, not Telegram's delivery
            const set = hook();
            set.lastErrorDate = Math.floor(Date.now() / 1000);
            set.lastErrorMessage = /^\d+$/.test(code)
              ? `Wrong response from the webhook: ${code}`
              : `Connection error: ${code}`;
          }
          await new Promise((r) => setTimeout(r, options.pauseMs ?? 20));
        }
      };
      await Promise.all(Array.from({ length: options.connections ?? 4 }, worker));
      agent.destroy();
      return report;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
