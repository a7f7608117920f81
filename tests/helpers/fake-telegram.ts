import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Telegram Bot API's long polling (getUpdates), for handover tests.
 *
 * Like the real API, one token has one getUpdates consumer: when a getUpdates arrives while
 * another one for the same token is still pending, the pending one is answered
 * `409 Conflict: terminated by other getUpdates request; make sure that only one bot instance is
 * running` and counted as a conflict. Two bot instances polling at once therefore produce a
 * steady stream of conflicts; a clean handover produces none. Updates pushed with `push()` are
 * delivered with offset confirmation (an update is redelivered until a later offset confirms it).
 *
 * Every request is recorded (method, token, start/end times, outcome), so a test can assert what
 * happened and measure the gap between the last poll of one instance and the first of the next.
 */

export interface PollRecord {
  token: string;
  method: string;
  /** The remote address:port of the poller's connection. */
  peer: string;
  startedAt: number;
  endedAt?: number;
  outcome?: 'updates' | 'empty' | 'conflict' | 'closed' | 'unauthorized' | 'not-found';
  delivered?: number[];
  offset?: number;
  timeout?: number;
}

export interface Update {
  update_id: number;
  message: {
    message_id: number;
    date: number;
    chat: { id: number; type: 'private' };
    text: string;
  };
}

export interface FakeTelegram {
  url: string;
  port: number;
  token: string;
  requests: PollRecord[];
  conflicts(): number;
  /** The longest time no getUpdates of the token was pending, between the first and last poll. */
  longestGapMs(from?: number, to?: number): number;
  /** The most getUpdates requests that were pending at the same moment. */
  maxConcurrentPolls(): number;
  push(text: string): Update;
  /** The token's webhook url ('' when none): set by the test or by setWebhook, cleared by deleteWebhook. */
  webhookUrl: string;
  /** getUpdates answered 409 because a webhook was set (counted in conflicts() too). */
  webhookConflicts(): number;
  /** Update ids a getUpdates answer carried, in order (with redeliveries). */
  delivered(): number[];
  close(): Promise<void>;
}

interface Pending {
  record: PollRecord;
  res: ServerResponse;
  timer: NodeJS.Timeout;
  offset: number;
}

export async function startFakeTelegram(options: {
  port: number;
  host?: string;
  token: string;
  /** Cap on the long-poll timeout the bot asks for (seconds), to keep tests short. */
  maxPollSeconds?: number;
  /**
   * A webhook already set on the token: like Telegram, every getUpdates then answers 409 ("can't
   * use getUpdates method while webhook is active") until deleteWebhook.
   */
  webhookUrl?: string;
}): Promise<FakeTelegram> {
  let webhookUrl = options.webhookUrl ?? '';
  let webhookConflicts = 0;
  const requests: PollRecord[] = [];
  const queue: Update[] = [];
  let nextId = 1000;
  let conflicts = 0;
  let confirmed = 0;
  let pending: Pending | undefined;
  const sockets = new Set<import('node:net').Socket>();

  const send = (res: ServerResponse, status: number, body: unknown) => {
    if (res.writableEnded) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const failure = (res: ServerResponse, status: number, description: string) =>
    send(res, status, { ok: false, error_code: status, description });

  const deliverable = (offset: number) =>
    queue.filter((u) => u.update_id >= Math.max(offset, confirmed));

  const finish = (p: Pending, outcome: PollRecord['outcome']) => {
    clearTimeout(p.timer);
    p.record.endedAt = Date.now();
    p.record.outcome = outcome;
    if (pending === p) pending = undefined;
  };

  const answer = (p: Pending) => {
    const updates = deliverable(p.offset);
    finish(p, updates.length ? 'updates' : 'empty');
    p.record.delivered = updates.map((u) => u.update_id);
    send(p.res, 200, { ok: true, result: updates });
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const record: PollRecord = {
      token: match?.[1] ?? '',
      method: match?.[2] ?? url.pathname,
      peer: `${req.socket.remoteAddress}:${req.socket.remotePort}`,
      startedAt: Date.now(),
    };
    requests.push(record);
    if (!match) {
      record.outcome = 'not-found';
      record.endedAt = Date.now();
      return failure(res, 404, 'Not Found');
    }
    if (record.token !== options.token) {
      record.outcome = 'unauthorized';
      record.endedAt = Date.now();
      return failure(res, 401, 'Unauthorized');
    }
    const params = new URLSearchParams(url.search);
    if (body && (req.headers['content-type'] ?? '').includes('x-www-form-urlencoded'))
      for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
    if (body && (req.headers['content-type'] ?? '').includes('application/json'))
      for (const [k, v] of Object.entries(JSON.parse(body) as Record<string, unknown>))
        params.set(k, String(v));
    if (record.method === 'getWebhookInfo' || record.method === 'deleteWebhook') {
      record.endedAt = Date.now();
      if (record.method === 'deleteWebhook') webhookUrl = '';
      return send(res, 200, {
        ok: true,
        result:
          record.method === 'deleteWebhook'
            ? true
            : { url: webhookUrl, has_custom_certificate: false, pending_update_count: 0 },
        ...(record.method === 'deleteWebhook' ? { description: 'Webhook was deleted' } : {}),
      });
    }
    if (record.method !== 'getUpdates') {
      record.endedAt = Date.now();
      return failure(res, 404, 'Not Found');
    }
    if (webhookUrl) {
      conflicts++;
      webhookConflicts++;
      record.endedAt = Date.now();
      record.outcome = 'conflict';
      return failure(
        res,
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = Number(params.get('offset') ?? 0) || 0;
    const timeout = Math.min(
      Math.max(0, Number(params.get('timeout') ?? 0) || 0),
      options.maxPollSeconds ?? 5,
    );
    record.offset = offset;
    record.timeout = timeout;
    if (offset > confirmed) confirmed = offset;
    for (let i = queue.length - 1; i >= 0; i--)
      if (queue[i]!.update_id < confirmed) queue.splice(i, 1);

    if (pending) {
      // Telegram ends the older request: "terminated by other getUpdates request".
      const older = pending;
      conflicts++;
      finish(older, 'conflict');
      failure(
        older.res,
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      );
    }
    const p: Pending = {
      record,
      res,
      offset,
      timer: setTimeout(() => answer(p), timeout * 1000),
    };
    if (deliverable(offset).length || timeout === 0) return answer(p);
    pending = p;
    res.on('close', () => {
      if (!res.writableEnded) finish(p, 'closed');
    });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const polls = () =>
    requests.filter((r) => r.method === 'getUpdates' && r.token === options.token);

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    token: options.token,
    requests,
    conflicts: () => conflicts,
    longestGapMs(from = 0, to = Number.MAX_SAFE_INTEGER) {
      const spans = polls()
        .map((r) => [r.startedAt, r.endedAt ?? Date.now()] as const)
        .filter(([s, e]) => e >= from && s <= to)
        .sort((a, b) => a[0] - b[0]);
      let longest = 0;
      let coveredUntil = spans[0]?.[1] ?? 0;
      for (const [s, e] of spans.slice(1)) {
        if (s > coveredUntil) longest = Math.max(longest, s - coveredUntil);
        coveredUntil = Math.max(coveredUntil, e);
      }
      return longest;
    },
    maxConcurrentPolls() {
      const events = polls().flatMap((r) => [
        [r.startedAt, 1] as const,
        [r.endedAt ?? Date.now(), -1] as const,
      ]);
      events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      let now = 0;
      let max = 0;
      for (const [, d] of events) max = Math.max(max, (now += d));
      return max;
    },
    push(text) {
      const update: Update = {
        update_id: nextId++,
        message: {
          message_id: nextId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: 4242, type: 'private' },
          text,
        },
      };
      queue.push(update);
      if (pending) answer(pending);
      return update;
    },
    delivered: () => polls().flatMap((r) => r.delivered ?? []),
    get webhookUrl() {
      return webhookUrl;
    },
    set webhookUrl(url: string) {
      webhookUrl = url;
    },
    webhookConflicts: () => webhookConflicts,
    async close() {
      if (pending) finish(pending, 'closed');
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
