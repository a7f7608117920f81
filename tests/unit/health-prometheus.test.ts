import { fakeClock } from '../../src/clock.js';
import { buildChecks } from '../../src/health/config.js';
import {
  judgePrometheus,
  parseQueryLine,
  parseQueryResponse,
  prometheusCheck,
  prometheusClient,
  readyMadeCheck,
} from '../../src/health/prometheus.js';

/** Answers /api/v1/query like Prometheus does, from a table of query → vector values. */
function fakePrometheus(answers: Record<string, number[] | 'error'>) {
  const queries: string[] = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    expect(url).toBe('http://prom:9090/api/v1/query');
    expect(init?.method).toBe('POST');
    const query = new URLSearchParams(String(init?.body)).get('query') ?? '';
    queries.push(query);
    const values = answers[query];
    if (values === 'error') {
      return new Response(
        JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 5' }),
        { status: 400 },
      );
    }
    return new Response(
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: (values ?? []).map((v, i) => ({
            metric: values && values.length > 1 ? { instance: `i${i}` } : {},
            value: [1764471600, String(v)],
          })),
        },
      }),
    );
  };
  return { queries, client: prometheusClient('http://prom:9090/', { fetch: fetchFn }) };
}

describe('PromQL checks', () => {
  const o = { selector: 'job="bot"', range: '5m', minSamples: 20 };

  it('builds the classic alert rules as PromQL over prometheus_client names', () => {
    expect(readyMadeCheck('error-rate', o)).toEqual({
      name: 'error-rate',
      query:
        '(sum(increase(http_requests_total{code=~"5.*",job="bot"}[5m])) or vector(0)) / sum(increase(http_requests_total{job="bot"}[5m]))',
      op: '>',
      threshold: 0.1,
      samplesQuery: 'sum(increase(http_requests_total{job="bot"}[5m]))',
      minSamples: 20,
    });
    expect(readyMadeCheck('latency-p95', { ...o, selector: '' }).query).toBe(
      'histogram_quantile(0.95, sum by (le) (increase(http_request_duration_seconds_bucket{}[5m])))',
    );
    // up carries only target labels: the targets that exposed the release's series are joined
    // on job and instance (last_over_time: a target that just went down still counts).
    const targets = 'group by (job, instance) (last_over_time({job="bot",version="v2"}[5m]))';
    expect(readyMadeCheck('up', { ...o, selector: 'job="bot",version="v2"' })).toEqual({
      name: 'up',
      query: `up and on (job, instance) ${targets} or on (job, instance) (${targets} * 0)`,
      op: '<',
      threshold: 1,
      samplesQuery: `count(${targets})`,
      minSamples: 1,
      samplesUnit: 'target(s) with series of the release',
    });
    expect(readyMadeCheck('error-rate', { ...o, statusLabel: 'status' }).query).toContain(
      'status=~"5.*"',
    );
  });

  it('parses custom lines, the last comparison being the threshold', () => {
    expect(parseQueryLine('queue: max(redis_queue_length{q="updates"} > 0) >= 1e3')).toEqual({
      name: 'queue',
      query: 'max(redis_queue_length{q="updates"} > 0)',
      op: '>=',
      threshold: 1000,
    });
    expect(() => parseQueryLine('no threshold: up')).toThrow(/name: <promql> <op> <threshold>/);
  });

  it('is inconclusive with no data, NaN, or too few samples; fails on any series over the line', () => {
    const spec = readyMadeCheck('error-rate', o);
    expect(judgePrometheus(spec, [{ labels: {}, value: 0.5 }], 3)).toEqual({
      status: 'inconclusive',
      value: 3,
      summary: '3 sample(s), fewer than the 20 needed',
    });
    expect(judgePrometheus(spec, [], 25).summary).toBe('no data');
    expect(judgePrometheus(spec, [{ labels: {}, value: NaN }], 25).status).toBe('inconclusive');
    expect(judgePrometheus(spec, [{ labels: {}, value: 0.25 }], 40)).toEqual({
      status: 'fail',
      value: 0.25,
      summary: '0.25 > 0.1 over 40 sample(s)',
    });
    expect(judgePrometheus(spec, [{ labels: {}, value: 0.02 }], 40).status).toBe('pass');
    const custom = parseQueryLine('slow: max by (instance) (x) > 2');
    expect(
      judgePrometheus(custom, [
        { labels: { instance: 'a' }, value: 1 },
        { labels: { instance: 'b' }, value: 3 },
      ]),
    ).toEqual({ status: 'fail', value: 3, summary: '{instance="b"} 3 > 2' });
  });

  it('asks Prometheus for the sample count first and skips the main query when it is short', async () => {
    const spec = readyMadeCheck('error-rate', o);
    const quiet = fakePrometheus({ [spec.samplesQuery!]: [4] });
    expect((await prometheusCheck(spec, quiet.client).probe(0)).status).toBe('inconclusive');
    expect(quiet.queries).toEqual([spec.samplesQuery]);

    const busy = fakePrometheus({ [spec.samplesQuery!]: [120], [spec.query]: [0.5] });
    const result = await prometheusCheck(spec, busy.client).probe(0);
    expect(result).toEqual({ status: 'fail', value: 0.5, summary: '0.5 > 0.1 over 120 sample(s)' });
    expect(busy.queries).toEqual([spec.samplesQuery, spec.query]);
  });

  it('sends a bearer token when configured', async () => {
    const seen: (string | null)[] = [];
    const checks = buildChecks(
      {
        http: [],
        prometheus: {
          url: 'http://prom:9090',
          readyMade: ['up'],
          selector: 'job="bot"',
          range: '1m',
          minSamples: 20,
          statusLabel: 'code',
          custom: [],
          token: 'prom-token',
        },
      },
      {
        clock: fakeClock(),
        executors: [],
        fetch: async (_url, init) => {
          seen.push(new Headers(init?.headers).get('authorization'));
          return new Response(
            JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }),
          );
        },
      },
    );
    expect(checks.map((c) => c.name)).toEqual(['prometheus up']);
    expect((await checks[0]!.probe(0)).summary).toBe(
      '0 target(s) with series of the release, fewer than the 1 needed',
    );
    expect(seen).toEqual(['Bearer prom-token']);
  });

  it('reports Prometheus errors (a bad query) as thrown errors, scalars as one sample', async () => {
    const bad = fakePrometheus({ 'sum(': 'error' });
    await expect(bad.client.query('sum(')).rejects.toThrow(
      'Prometheus: bad_data: parse error at char 5',
    );
    expect(
      parseQueryResponse({ status: 'success', data: { resultType: 'scalar', result: [1, '0.5'] } }),
    ).toEqual([{ labels: {}, value: 0.5 }]);
  });
});
