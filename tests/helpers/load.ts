/**
 * A load generator that runs in a SECOND node process, so the caller's own event loop (jest, a
 * benchmark, the demo) neither slows it down nor distorts its latencies.
 *
 *   const load = startLoad({ url: 'http://127.0.0.1:18080/webhook', rate: 500, mode: 'keepalive' });
 *   await load.ready;                // the worker is running and sending
 *   ... switch traffic ...
 *   const report = await load.stop(); // or: await load.done (when durationMs/count is set)
 *
 * Modes:
 *   fresh      a new TCP connection per request (`agent: false`, `Connection: close`)
 *   keepalive  a fixed pool of persistent connections, like Telegram's webhook delivery
 *              (POST /webhook with a JSON update); a reset on a reused connection is NOT retried
 *
 * Bounded: every run stops by itself at `maxDurationMs` (default 120 s, at most 10 min) and after
 * `count` requests (default and ceiling 1,000,000); requests in flight at the end get `timeoutMs`.
 *
 * The report counts sent/ok/failed, failures by code (ECONNRESET, ECONNREFUSED, `HTTP 502`,
 * `timeout`, ...), responses by version (the `X-App-Version` header, else the short body), latency
 * percentiles, and a timeline of 100 ms buckets (by request start) with absolute times, so the
 * caller can measure what happened between two moments (`window`).
 *
 * The same file is the worker: `node --import scripts/ts-register.mjs tests/helpers/load.ts
 * --tg-load-worker` with the options arriving over the IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export type LoadMode = 'fresh' | 'keepalive';

export interface LoadOptions {
  /** e.g. http://127.0.0.1:18080/webhook (only http://, only loopback in our tests). */
  url: string;
  /** Requests started per second (1..20000). The schedule is open-loop: slow answers do not slow it. */
  rate: number;
  mode: LoadMode;
  /** Stop sending after this long (default: until stop() or maxDurationMs). */
  durationMs?: number;
  /** Stop sending after this many requests. */
  count?: number;
  /** Hard deadline for the whole run (default 120000, at most 600000). */
  maxDurationMs?: number;
  /** keepalive: the size of the connection pool (default 8). */
  connections?: number;
  /** Default: POST for a path ending in /webhook (with a Telegram-like JSON update), else GET. */
  method?: 'GET' | 'POST' | 'HEAD';
  /** Per request, from start to the end of the body (default 5000). */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Keep one [startOffsetMs, latencyMs, outcome] entry per request in the report. */
  samples?: boolean;
}

export interface LoadBucket {
  /** Epoch ms of the bucket's start; buckets are 100 ms wide, by request start time. */
  at: number;
  sent: number;
  ok: number;
  failed: number;
  versions: Record<string, number>;
}

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One request: start offset from report.startedAt (ms), latency (ms), and 'ok:<version>' or the error code. */
export type Sample = [number, number, string];

export interface LoadReport {
  url: string;
  mode: LoadMode;
  rate: number;
  startedAt: number;
  durationMs: number;
  sent: number;
  ok: number;
  failed: number;
  /** Failure counts by code: ECONNRESET, ECONNREFUSED, EPIPE, `HTTP 502`, timeout, ... */
  errors: Record<string, number>;
  /** Successful responses by version. */
  versions: Record<string, number>;
  latency: Latency;
  timeline: LoadBucket[];
  /** Why sending stopped: 'stopped' | 'duration' | 'count' | 'deadline'. */
  reason: string;
  samples?: Sample[];
}

export interface LoadRun {
  /** Resolves when the worker has started sending. */
  ready: Promise<void>;
  /** Resolves with the report when the run ends (by itself or after stop()). */
  done: Promise<LoadReport>;
  /** Stops sending, waits for the requests in flight, returns the report. */
  stop(): Promise<LoadReport>;
  /** The worker's process id. */
  pid: number | undefined;
}

const HERE = fileURLToPath(import.meta.url);
const REGISTER = fileURLToPath(new URL('../../scripts/ts-register.mjs', import.meta.url));
const WORKER_FLAG = '--tg-load-worker';
const BUCKET_MS = 100;
const MAX_COUNT = 1_000_000;

/** Starts the load in a child process. */
export function startLoad(options: LoadOptions): LoadRun {
  validate(options);
  const child: ChildProcess = fork(HERE, [WORKER_FLAG], {
    execArgv: ['--import', REGISTER],
    // a jest parent's --experimental-vm-modules is not needed (nor wanted) in the worker
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let readyResolve!: () => void;
  let readyReject!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  const done = new Promise<LoadReport>((resolve, reject) => {
    let report: LoadReport | undefined;
    child.on('message', (message: { type: string; report?: LoadReport; error?: string }) => {
      if (message.type === 'ready') readyResolve();
      else if (message.type === 'report') report = message.report;
      else if (message.type === 'error') reject(new Error(`load worker: ${message.error}`));
    });
    child.on('error', (error) => {
      readyReject(error);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      if (report) resolve(report);
      else {
        const error = new Error(`load worker exited (${signal ?? code}) without a report`);
        readyReject(error);
        reject(error);
      }
    });
  });
  ready.catch(() => undefined);
  child.send({ type: 'start', options });
  return {
    ready,
    done,
    pid: child.pid,
    stop: () => {
      if (child.connected) child.send({ type: 'stop' });
      return done;
    },
  };
}

/** Runs a bounded load to its end (durationMs or count must be set). */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  if (options.durationMs === undefined && options.count === undefined)
    throw new Error('runLoad needs durationMs or count');
  return startLoad(options).done;
}

/** What `underLoad` returns: the body's outcome, when it ended, each client kind's report. */
export interface Loaded<T> {
  outcome: T;
  /** Epoch ms when the body returned: `window(report, endedAt, ...)` is what came after. */
  endedAt: number;
  /** Fresh-connection first, then kept-alive. */
  reports: LoadReport[];
}

export interface AroundOptions {
  url: string;
  /** Requests/s for EACH client kind. */
  rate: number;
  timeoutMs: number;
  /** The load's hard deadline: longer than the body can take. */
  maxDurationMs: number;
  /** Logs each client kind's one-line report under this name (nothing logged without). */
  name?: string;
  samples?: boolean;
}

/**
 * Runs `body` under load from a fresh-connection and a kept-alive client, `rate` requests/s
 * each: both sending for 1 s before it (so a switch meets traffic under way) and 1.5 s after it
 * (so `endedAt` has a tail to assert on). A throwing body stops the load and rethrows.
 */
export async function underLoad<T>(
  options: AroundOptions,
  body: () => Promise<T>,
): Promise<Loaded<T>> {
  const { url, rate, timeoutMs, maxDurationMs, samples } = options;
  const loads = (['fresh', 'keepalive'] as const).map((mode) =>
    startLoad({ url, rate, mode, timeoutMs, maxDurationMs, ...(samples ? { samples } : {}) }),
  );
  await Promise.all(loads.map((l) => l.ready));
  await new Promise((r) => setTimeout(r, 1000));
  let outcome: T;
  try {
    outcome = await body();
  } catch (error) {
    await Promise.all(loads.map((l) => l.stop()));
    throw error;
  }
  const endedAt = Date.now();
  await new Promise((r) => setTimeout(r, 1500));
  const reports = await Promise.all(loads.map((l) => l.stop()));
  if (options.name) for (const r of reports) console.log(`${options.name}: ${describe(r)}`);
  return { outcome, endedAt, reports };
}

/** Sums the timeline buckets that START within [from, to) (epoch ms). */
export function window(
  report: LoadReport,
  from: number,
  to: number,
): Omit<LoadBucket, 'at'> & { buckets: number } {
  const sum = { sent: 0, ok: 0, failed: 0, versions: {} as Record<string, number>, buckets: 0 };
  for (const b of report.timeline) {
    if (b.at < from || b.at >= to) continue;
    sum.buckets++;
    sum.sent += b.sent;
    sum.ok += b.ok;
    sum.failed += b.failed;
    for (const [v, n] of Object.entries(b.versions)) sum.versions[v] = (sum.versions[v] ?? 0) + n;
  }
  return sum;
}

/** Latency percentiles of the samples that started within [from, to) (epoch ms). */
export function latencyBetween(report: LoadReport, from: number, to: number): Latency {
  if (!report.samples) throw new Error('latencyBetween needs a run with samples: true');
  const values = report.samples
    .filter(([start]) => report.startedAt + start >= from && report.startedAt + start < to)
    .map(([, ms]) => ms);
  return percentiles(values);
}

export function percentiles(values: number[]): Latency {
  if (values.length === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

/** A one-line summary for logs and tables. */
export function describe(report: LoadReport): string {
  const errors = Object.entries(report.errors)
    .map(([code, n]) => `${code}=${n}`)
    .join(' ');
  const versions = Object.entries(report.versions)
    .map(([v, n]) => `${v}=${n}`)
    .join(' ');
  return (
    `${report.mode} ${report.rate}/s: sent ${report.sent}, ok ${report.ok}, failed ${report.failed}` +
    `${errors ? ` (${errors})` : ''}; versions ${versions || '-'}; p99 ${report.latency.p99.toFixed(1)} ms`
  );
}

export function validate(options: LoadOptions): void {
  const url = new URL(options.url);
  if (url.protocol !== 'http:') throw new Error(`load: only http:// URLs (got ${options.url})`);
  if (!(options.rate >= 1 && options.rate <= 20000)) throw new Error('load: rate must be 1..20000');
  if (options.mode !== 'fresh' && options.mode !== 'keepalive')
    throw new Error(`load: mode must be fresh or keepalive (got ${String(options.mode)})`);
  const c = options.connections ?? 8;
  if (!(Number.isInteger(c) && c >= 1 && c <= 512)) throw new Error('load: connections 1..512');
  if (options.count !== undefined && !(options.count >= 1 && options.count <= MAX_COUNT))
    throw new Error(`load: count must be 1..${MAX_COUNT}`);
  const max = options.maxDurationMs ?? 120_000;
  if (!(max > 0 && max <= 600_000)) throw new Error('load: maxDurationMs must be 1..600000');
}

// --------------------------------------------------------------------------------------------
// the worker

/** Classifies a finished request: 'ok:<version>' or a failure code. */
export function outcome(
  status: number | undefined,
  headerVersion: string | undefined,
  body: string,
) {
  if (status === undefined) return 'unknown';
  if (status >= 200 && status < 300) {
    const version = headerVersion?.trim() || (body.trim().length <= 40 ? body.trim() : '') || '?';
    return `ok:${version.replace(/^webbot /, '')}`;
  }
  return `HTTP ${status}`;
}

export function runWorker(
  options: LoadOptions,
  control: { onStop(listener: () => void): void },
): Promise<LoadReport> {
  const url = new URL(options.url);
  const method = options.method ?? (url.pathname.endsWith('/webhook') ? 'POST' : 'GET');
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxDuration = Math.min(options.maxDurationMs ?? 120_000, 600_000);
  const limit = Math.min(options.count ?? MAX_COUNT, MAX_COUNT);
  const agent =
    options.mode === 'keepalive'
      ? new http.Agent({
          keepAlive: true,
          maxSockets: options.connections ?? 8,
          maxFreeSockets: options.connections ?? 8,
          scheduling: 'fifo',
        })
      : false;

  const startedAt = Date.now();
  const t0 = performance.now();
  const buckets = new Map<number, LoadBucket>();
  const errors: Record<string, number> = {};
  const versions: Record<string, number> = {};
  const latencies: number[] = [];
  const samples: Sample[] | undefined = options.samples ? [] : undefined;
  let sent = 0;
  let ok = 0;
  let failed = 0;
  let inFlight = 0;
  let reason = '';
  let finish!: (report: LoadReport) => void;
  const result = new Promise<LoadReport>((resolve) => (finish = resolve));

  const bucketOf = (offset: number): LoadBucket => {
    const at = startedAt + Math.floor(offset / BUCKET_MS) * BUCKET_MS;
    let b = buckets.get(at);
    if (!b) buckets.set(at, (b = { at, sent: 0, ok: 0, failed: 0, versions: {} }));
    return b;
  };

  const record = (offset: number, result: string) => {
    const latency = performance.now() - t0 - offset;
    const bucket = bucketOf(offset);
    latencies.push(latency);
    samples?.push([Math.round(offset * 10) / 10, Math.round(latency * 100) / 100, result]);
    if (result.startsWith('ok:')) {
      const version = result.slice(3);
      ok++;
      bucket.ok++;
      versions[version] = (versions[version] ?? 0) + 1;
      bucket.versions[version] = (bucket.versions[version] ?? 0) + 1;
    } else {
      failed++;
      bucket.failed++;
      errors[result] = (errors[result] ?? 0) + 1;
    }
    inFlight--;
    maybeFinish();
  };

  const send = () => {
    const offset = performance.now() - t0;
    const id = ++sent;
    bucketOf(offset).sent++;
    inFlight++;
    let settled = false;
    const settle = (r: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      record(offset, r);
    };
    const body =
      method === 'POST'
        ? JSON.stringify({
            update_id: id,
            message: { message_id: id, date: Math.floor(Date.now() / 1000), text: `load ${id}` },
          })
        : undefined;
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    if (options.mode === 'fresh') headers.connection = 'close';
    const req = http.request(
      {
        host: url.hostname,
        port: url.port || 80,
        path: `${url.pathname}${url.search}`,
        method,
        agent,
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.length < 16 && chunks.push(c));
        res.on('end', () => {
          const header = res.headers['x-app-version'];
          settle(
            outcome(
              res.statusCode,
              Array.isArray(header) ? header[0] : header,
              Buffer.concat(chunks).toString('utf8'),
            ),
          );
        });
        res.on('error', (e: NodeJS.ErrnoException) => settle(e.code ?? e.message));
        res.on('aborted', () => settle('ECONNRESET'));
      },
    );
    const timer = setTimeout(() => {
      settle('timeout');
      req.destroy();
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => settle(e.code ?? e.message));
    req.end(body);
  };

  const stopSending = (why: string) => {
    if (reason) return;
    reason = why;
    clearInterval(ticker);
    clearTimeout(deadline);
    // whatever is still in flight at the hard deadline counts as a timeout after timeoutMs
    maybeFinish();
  };

  const maybeFinish = () => {
    if (!reason || inFlight > 0) return;
    if (agent) agent.destroy();
    const timeline = [...buckets.values()].sort((a, b) => a.at - b.at);
    finish({
      url: options.url,
      mode: options.mode,
      rate: options.rate,
      startedAt,
      durationMs: Math.round(performance.now() - t0),
      sent,
      ok,
      failed,
      errors,
      versions,
      latency: percentiles(latencies),
      timeline,
      reason,
      ...(samples ? { samples } : {}),
    });
  };

  // Open-loop schedule: at each tick, start as many requests as the rate says are due by now.
  const ticker = setInterval(() => {
    const elapsed = performance.now() - t0;
    if (options.durationMs !== undefined && elapsed >= options.durationMs)
      return stopSending('duration');
    const due = Math.min(Math.floor((options.rate * elapsed) / 1000) + 1, limit);
    for (let burst = 0; sent < due && burst < 1000; burst++) send();
    if (sent >= limit) stopSending('count');
  }, 2);
  const deadline = setTimeout(() => stopSending('deadline'), maxDuration);
  control.onStop(() => stopSending('stopped'));
  return result;
}

function isWorker(): boolean {
  return process.argv[1] === HERE && process.argv.includes(WORKER_FLAG);
}

if (isWorker()) {
  let stopListener: () => void = () => undefined;
  let stopAsked = false;
  const parentGone = () => {
    stopAsked = true;
    stopListener();
  };
  process.on('disconnect', parentGone);
  process.on('message', (message: { type: string; options?: LoadOptions }) => {
    if (message.type === 'stop') {
      stopAsked = true;
      stopListener();
    }
    if (message.type !== 'start' || !message.options) return;
    const options = message.options;
    try {
      validate(options);
    } catch (error) {
      process.send?.({ type: 'error', error: (error as Error).message });
      process.exit(2);
    }
    const report = runWorker(options, {
      onStop: (listener) => {
        stopListener = listener;
        if (stopAsked) listener();
      },
    });
    process.send?.({ type: 'ready' });
    void report.then((r) => {
      if (process.connected) process.send?.({ type: 'report', report: r }, () => process.exit(0));
      else process.exit(0);
    });
  });
}
