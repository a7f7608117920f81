import { causeOf, type FetchLike } from './http.js';
import { releaseTargets } from './scope.js';
import type { Check, ProbeResult } from './types.js';

/**
 * PromQL checks, evaluated by Prometheus itself through its HTTP API (/api/v1/query, instant).
 * A check is an alert condition: it FAILS when `<query> <op> <threshold>` holds for any series.
 * No data, NaN, or fewer samples than the minimum is inconclusive, never a failure: low-traffic
 * bots are the norm and an empty window proves nothing.
 */

export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

export interface PromCheckSpec {
  name: string;
  /** PromQL returning a scalar or an instant vector. */
  query: string;
  op: Comparison;
  threshold: number;
  /** PromQL counting what the decision rests on (requests, scrapes); below minSamples: inconclusive. */
  samplesQuery?: string;
  minSamples?: number;
  /** What the samples query counts, for the evidence (default `sample(s)`). */
  samplesUnit?: string;
}

export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

/** One series of a range query: its points (epoch ms, value), oldest first. */
export interface PromSeries {
  labels: Record<string, string>;
  points: { t: number; value: number }[];
}

export function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/** Parses one `name: <promql> <op> <threshold>` line (the last comparison is the threshold). */
export function parseQueryLine(line: string): PromCheckSpec {
  const m = line.match(
    /^\s*([A-Za-z0-9_.-]+)\s*:\s*(.+?)\s*(>=|<=|==|!=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/,
  );
  if (!m) {
    throw new Error(
      `expected 'name: <promql> <op> <threshold>' (op one of > >= < <= == !=), got ${JSON.stringify(line.trim())}`,
    );
  }
  return { name: m[1]!, query: m[2]!, op: m[3] as Comparison, threshold: Number(m[4]) };
}

export interface ReadyMadeOptions {
  /** Label matchers selecting the new version's series, e.g. `job="bot",version="v2"`. */
  selector: string;
  /** PromQL range, e.g. `5m`. */
  range: string;
  minSamples: number;
  /** The status-code label of the request counter (`code`; prometheus-fastapi-instrumentator: `status`). */
  statusLabel?: string;
  requestsMetric?: string;
  durationMetric?: string;
}

export const READY_MADE = ['error-rate', 'latency-p95', 'up'] as const;
export type ReadyMade = (typeof READY_MADE)[number];

/**
 * The classic alert rules as PromQL over the metric names of prometheus_client style apps
 * (http_requests_total{code}, http_request_duration_seconds histogram) and Prometheus's `up`.
 */
export function readyMadeCheck(name: ReadyMade, o: ReadyMadeOptions): PromCheckSpec {
  const sel = o.selector.trim();
  const requests = o.requestsMetric ?? 'http_requests_total';
  const duration = o.durationMetric ?? 'http_request_duration_seconds';
  const status = o.statusLabel ?? 'code';
  const join = (extra: string) => `{${[extra, sel].filter(Boolean).join(',')}}`;
  const targets = releaseTargets(sel, o.range);
  switch (name) {
    case 'error-rate':
      return {
        name,
        // `or vector(0)`: many apps export no 5xx series until the first error.
        query: `(sum(increase(${requests}${join(`${status}=~"5.*"`)}[${o.range}])) or vector(0)) / sum(increase(${requests}${join('')}[${o.range}]))`,
        op: '>',
        threshold: 0.1,
        samplesQuery: `sum(increase(${requests}${join('')}[${o.range}]))`,
        minSamples: o.minSamples,
      };
    case 'latency-p95':
      return {
        name,
        query: `histogram_quantile(0.95, sum by (le) (increase(${duration}_bucket${join('')}[${o.range}])))`,
        op: '>',
        threshold: 1,
        samplesQuery: `sum(increase(${duration}_count${join('')}[${o.range}]))`,
        minSamples: o.minSamples,
      };
    case 'up':
      // `up` carries only target labels (job, instance), never an app label like version=: the
      // selector picks the targets that exposed the release's series (last_over_time, so a
      // target that just went down still counts), and each one's up decides. A target that
      // exposed the series and has no `up` any more (dropped from discovery) counts as down.
      return {
        name,
        query: `up and on (job, instance) ${targets} or on (job, instance) (${targets} * 0)`,
        op: '<',
        threshold: 1,
        samplesQuery: `count(${targets})`,
        minSamples: 1,
        samplesUnit: 'target(s) with series of the release',
      };
  }
}

/** Reads an /api/v1/query answer: a scalar or an instant vector, as samples. */
export function parseQueryResponse(body: unknown): PromSample[] {
  const b = body as {
    status?: string;
    error?: string;
    errorType?: string;
    data?: { resultType?: string; result?: unknown };
  };
  if (b?.status !== 'success') {
    throw new Error(`Prometheus: ${b?.errorType ?? 'error'}: ${b?.error ?? JSON.stringify(body)}`);
  }
  const data = b.data ?? {};
  if (data.resultType === 'scalar') {
    const pair = data.result as [number, string];
    return [{ labels: {}, value: Number(pair[1]) }];
  }
  if (data.resultType === 'vector') {
    return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map(
      (r) => ({ labels: r.metric ?? {}, value: Number(r.value[1]) }),
    );
  }
  throw new Error(`Prometheus: unexpected result type ${String(data.resultType)}`);
}

export interface PromClient {
  /** An instant query, at `atMs` (epoch ms) or Prometheus's now. */
  query(promql: string, at?: { atMs?: number }): Promise<PromSample[]>;
  /** A range query: one point per step from start to end (epoch ms). */
  queryRange(
    promql: string,
    range: { startMs: number; endMs: number; stepMs: number },
  ): Promise<PromSeries[]>;
}

/** Reads an /api/v1/query_range answer (a matrix) as series. */
export function parseRangeResponse(body: unknown): PromSeries[] {
  const b = body as {
    status?: string;
    error?: string;
    errorType?: string;
    data?: { resultType?: string; result?: unknown };
  };
  if (b?.status !== 'success') {
    throw new Error(`Prometheus: ${b?.errorType ?? 'error'}: ${b?.error ?? JSON.stringify(body)}`);
  }
  if (b.data?.resultType !== 'matrix') {
    throw new Error(`Prometheus: unexpected result type ${String(b.data?.resultType)}`);
  }
  return (b.data.result as { metric: Record<string, string>; values: [number, string][] }[]).map(
    (r) => ({
      labels: r.metric ?? {},
      points: (r.values ?? []).map(([t, v]) => ({ t: Math.round(t * 1000), value: Number(v) })),
    }),
  );
}

export function prometheusClient(
  baseUrl: string,
  deps: { fetch: FetchLike; timeoutMs?: number; headers?: Record<string, string> },
): PromClient {
  const base = baseUrl.replace(/\/+$/, '');
  // Every call goes through the injected fetch (one transport for all Prometheus traffic).
  async function post(path: string, form: Record<string, string>): Promise<unknown> {
    let response: Response;
    try {
      response = await deps.fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...deps.headers },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new Error(`Prometheus unreachable: ${causeOf(error)}`);
    }
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`Prometheus answered HTTP ${response.status}: ${text.slice(0, 200)}`);
    }
  }
  const seconds = (ms: number) => String(ms / 1000);
  return {
    async query(promql, at) {
      const form: Record<string, string> = { query: promql };
      if (at?.atMs !== undefined) form.time = seconds(at.atMs);
      return parseQueryResponse(await post('/api/v1/query', form));
    },
    async queryRange(promql, range) {
      return parseRangeResponse(
        await post('/api/v1/query_range', {
          query: promql,
          start: seconds(range.startMs),
          end: seconds(range.endMs),
          step: seconds(range.stepMs),
        }),
      );
    },
  };
}

function describe(s: PromSample): string {
  const labels = Object.entries(s.labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return `${labels ? `{${labels}} ` : ''}${formatNumber(s.value)}`;
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Number.isInteger(n) ? String(n) : n.toPrecision(4).replace(/\.?0+$/, '');
}

/** Pure: judge the samples of a check's query (and of its samples query). */
export function judgePrometheus(
  spec: PromCheckSpec,
  samples: readonly PromSample[],
  sampleCount?: number,
): ProbeResult {
  const rule = `${spec.op} ${spec.threshold}`;
  if (spec.samplesQuery !== undefined && spec.minSamples !== undefined) {
    const n = sampleCount ?? 0;
    if (!Number.isFinite(n) || n < spec.minSamples) {
      return {
        status: 'inconclusive',
        value: Number.isFinite(n) ? n : 0,
        summary: `${formatNumber(Number.isFinite(n) ? n : 0)} ${spec.samplesUnit ?? 'sample(s)'}, fewer than the ${spec.minSamples} needed`,
      };
    }
  }
  const usable = samples.filter((s) => Number.isFinite(s.value));
  if (usable.length === 0) {
    return {
      status: 'inconclusive',
      summary: samples.length === 0 ? 'no data' : `no number (${samples.map(describe).join(', ')})`,
    };
  }
  const bad = usable.filter((s) => compare(s.value, spec.op, spec.threshold));
  const counted =
    sampleCount !== undefined
      ? ` over ${formatNumber(sampleCount)} ${spec.samplesUnit ?? 'sample(s)'}`
      : '';
  if (bad.length > 0) {
    return {
      status: 'fail',
      value: bad[0]!.value,
      summary: `${bad.map(describe).join(', ')} ${rule}${counted}`,
    };
  }
  return {
    status: 'pass',
    value: usable[0]!.value,
    summary: `${usable.map(describe).join(', ')}, alert when ${rule}${counted}`,
  };
}

export function prometheusCheck(spec: PromCheckSpec, client: PromClient): Check {
  return {
    name: `prometheus ${spec.name}`,
    kind: 'prometheus',
    async probe() {
      let count: number | undefined;
      if (spec.samplesQuery !== undefined) {
        const counted = await client.query(spec.samplesQuery);
        count = counted.reduce((sum, s) => sum + (Number.isFinite(s.value) ? s.value : 0), 0);
        if (spec.minSamples !== undefined && count < spec.minSamples) {
          return judgePrometheus(spec, [], count);
        }
      }
      return judgePrometheus(spec, await client.query(spec.query), count);
    },
  };
}
