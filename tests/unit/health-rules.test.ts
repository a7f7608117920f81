import { readFileSync } from 'node:fs';
import { fakeClock } from '../../src/clock.js';
import { buildChecks } from '../../src/health/config.js';
import { parseCheckInputs, type RawCheckInputs } from '../../src/health/inputs.js';
import { prometheusClient } from '../../src/health/prometheus.js';
import {
  judgeRule,
  loadScopedRules,
  parsePromDuration,
  parseRulesFile,
  ruleCheck,
  ruleStepMs,
  rulesCoverageCheck,
  scopeRules,
  seenQuery,
  type ScopedRule,
} from '../../src/health/rules.js';
import { parseSelector, scopeExpression } from '../../src/health/scope.js';
import { verify } from '../../src/health/verify.js';
import { verifyGates } from '../../src/deploy/verify-gates.js';
import type { GateContext } from '../../src/deploy/gates.js';
import { recordingLog } from '../../src/log.js';

const SAMPLE = 'examples/sample-bot/monitoring/rules.yml';
const sampleText = readFileSync(SAMPLE, 'utf8');
const release = parseSelector('job="sample-bot",version="v2"');

describe('scoping PromQL to a release', () => {
  it('parses the release selector into matchers, braces optional', () => {
    expect(
      parseSelector('{job="bot", version=~"v2|v3"}').map((m) => [m.name, m.op, m.value]),
    ).toEqual([
      ['job', '=', 'bot'],
      ['version', '=~', 'v2|v3'],
    ]);
    expect(() => parseSelector('up{job="bot"}')).toThrow(/label matchers/);
    expect(() => parseSelector('job=bot')).toThrow(/does not parse/);
    expect(() => parseSelector('__name__="up"')).toThrow(/not a metric/);
    expect(() => parseSelector('version=~".*"')).toThrow(/selects every series/);
    expect(() => parseSelector('version!="v1"')).toThrow(/selects every series/);
    expect(parseSelector('version!="v1",job="bot"')).toHaveLength(2);
  });

  it('injects the matchers into every vector selector, inside ranges and without braces too', () => {
    expect(
      scopeExpression(
        'sum(rate(http_requests_total{code=~"5..",}[5m])) / sum(rate(http_requests_total[5m])) > 0.1 and on() bot_info{} == 1',
        release,
        '5m',
      ).expr,
    ).toBe(
      'sum(rate(http_requests_total{code=~"5..",job="sample-bot",version="v2"}[5m])) / sum(rate(http_requests_total{job="sample-bot",version="v2"}[5m])) > 0.1 and on() bot_info{job="sample-bot",version="v2"} == 1',
    );
    // A matcher the rule already has is not repeated.
    expect(scopeExpression('x{job="sample-bot"} > 1', release, '5m').expr).toBe(
      'x{job="sample-bot",version="v2"} > 1',
    );
  });

  it('scopes per-target series (up, scrape_*) through the targets exposing the release', () => {
    const scoped = scopeExpression('up{job="sample-bot"} == 0', release, '6m');
    expect(scoped.expr).toBe(
      '(up{job="sample-bot"} and on (job, instance) group by (job, instance) (last_over_time({job="sample-bot",version="v2"}[6m]))) == 0',
    );
    expect(scopeExpression('{__name__="scrape_duration_seconds"} > 1', release, '1m').expr).toMatch(
      /^\(\{__name__="scrape_duration_seconds"\} and on \(job, instance\) group by/,
    );
    expect(scoped.selectors).toEqual([scoped.expr.slice(0, -' == 0'.length)]);
  });

  it('joins a per-target series in a range around its range function, and around an offset', () => {
    const t = 'group by (job, instance) (last_over_time({job="sample-bot",version="v2"}[5m]))';
    expect(scopeExpression('changes(up[10m]) > 2', release, '5m').expr).toBe(
      `(changes(up[10m]) and on (job, instance) ${t}) > 2`,
    );
    expect(
      scopeExpression('min_over_time(up{job="sample-bot"}[5m] offset 1m) == 0', release, '5m').expr,
    ).toBe(`(min_over_time(up{job="sample-bot"}[5m] offset 1m) and on (job, instance) ${t}) == 0`);
    expect(scopeExpression('up offset 5m == 0', release, '5m').expr).toBe(
      `(up offset 5m and on (job, instance) ${t}) == 0`,
    );
  });

  it('refuses what cannot be scoped, saying why', () => {
    expect(() => scopeExpression('vector(1) > 0', release, '5m')).toThrow(
      /no vector selector, so it would judge every release alike/,
    );
    expect(() => scopeExpression('absent_over_time(up[5m])', release, '5m')).toThrow(
      /"up\[5m\]" in absent_over_time\(\): up carries only target labels/,
    );
    expect(() => scopeExpression('x{version="v1"} > 0', release, '5m')).toThrow(
      /selects version="v1" in "x\{version=\\"v1\\"\}", but the release is version="v2"/,
    );
    expect(() => scopeExpression('sum(rate(x[5m]) > ', release, '5m')).toThrow(
      /does not parse at character/,
    );
  });
});

describe('the rules file', () => {
  it("reads the sample's five alerting rules with their lines and for:", () => {
    const rules = parseRulesFile(sampleText, SAMPLE);
    expect(rules.map((r) => [r.alert, r.forMs])).toEqual([
      ['SampleBotDown', 60_000],
      ['SampleBotHighErrorRate', 60_000],
      ['SampleBotSlow', 60_000],
      ['PostgresDown', 60_000],
      ['RedisDown', 60_000],
    ]);
    const lines = sampleText.split('\n');
    for (const r of rules) expect(lines[r.line - 1]).toContain(`alert: ${r.alert}`);
  });

  it('scopes each rule, joining up over the range plus for: (a target just down stays joined)', () => {
    const scoped = scopeRules(parseRulesFile(sampleText, SAMPLE), release, '5m', SAMPLE);
    expect(scoped.map((r) => r.scoped.trim())).toEqual([
      '(up{job="sample-bot"} and on (job, instance) group by (job, instance) (last_over_time({job="sample-bot",version="v2"}[360s]))) == 0',
      'sum by (job, instance) (rate(http_requests_total{job="sample-bot",code=~"5..",version="v2"}[2m]))\n  / sum by (job, instance) (rate(http_requests_total{job="sample-bot",version="v2"}[2m]))\n  > 0.1',
      'histogram_quantile(0.95,\n  sum by (job, instance, le) (rate(http_request_duration_seconds_bucket{job="sample-bot",version="v2"}[2m]))\n) > 1',
      'postgres_up{job="sample-bot",version="v2"} == 0',
      'redis_up{job="sample-bot",version="v2"} == 0',
    ]);
    expect(seenQuery(scoped[1]!)).toBe(
      '(count(last_over_time(http_requests_total{job="sample-bot",code=~"5..",version="v2"}[360s])) or vector(0)) + (count(last_over_time(http_requests_total{job="sample-bot",version="v2"}[360s])) or vector(0))',
    );
  });

  it('refuses a file that is not valid, naming the line', () => {
    const bad = (text: string) => () => parseRulesFile(text, 'r.yml');
    expect(bad('groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: [1\n')).toThrow(
      /^r\.yml line \d: not valid YAML/,
    );
    expect(
      bad(
        'groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n        fro: 1m\n',
      ),
    ).toThrow("r.yml line 6: unknown key 'fro' in a rule");
    expect(
      bad(
        'groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up == 0\n        for: soon\n',
      ),
    ).toThrow('r.yml line 6: alert X: for: "soon" is not a duration like 1m or 30s');
    expect(bad('groups:\n  - name: a\n    rules:\n      - alert: X\n')).toThrow(
      'r.yml line 4: alert X: expr: is missing',
    );
    expect(bad('groups:\n  - name: a\n    rules:\n      - record: r\n        expr: up\n')).toThrow(
      'r.yml: has no alerting rule (alert: ... expr: ...)',
    );
    expect(bad('rules: []\n')).toThrow(
      "r.yml line 1: expected 'groups:' with a list of rule groups",
    );
  });

  it('names the line of the error inside a multi-line expr', () => {
    const text = [
      'groups:',
      '  - name: a',
      '    rules:',
      '      - alert: Ratio',
      '        expr: |',
      '          sum(rate(x[5m]))',
      '            / sum(rate(y{version="v1"}[5m]))',
      '      - alert: Ok',
      '        expr: x > 1',
    ].join('\n');
    expect(() => scopeRules(parseRulesFile(text, 'r.yml'), release, '5m', 'r.yml')).toThrow(
      /^r\.yml line 7: alert Ratio: expr selects version="v1"/,
    );
    // Alert names are label values to Prometheus: spaces are fine.
    expect(
      parseRulesFile(text.replace('alert: Ok', "alert: 'Bot is slow'"), 'r.yml')[1]!.alert,
    ).toBe('Bot is slow');
  });

  it('names repeated alerts by their line too', () => {
    const text =
      'groups:\n  - name: a\n    rules:\n      - alert: Down\n        expr: up == 0\n      - alert: Down\n        expr: x_up == 0\n';
    expect(
      scopeRules(parseRulesFile(text, 'r.yml'), release, '5m', 'r.yml').map((r) => r.checkName),
    ).toEqual(['alert Down (line 4)', 'alert Down (line 6)']);
  });

  it('steps over for: in whole seconds, within Prometheus points limit', () => {
    expect(ruleStepMs(60_000)).toBe(3000);
    expect(ruleStepMs(10_000)).toBe(1000);
    expect(ruleStepMs(3_600_000)).toBe(15_000);
    const week = 7 * 86_400_000;
    expect(week / ruleStepMs(week)).toBeLessThan(11_000);
  });

  it('reads Prometheus durations', () => {
    expect(parsePromDuration('1h30m')).toBe(5_400_000);
    expect(parsePromDuration('500ms')).toBe(500);
    expect(parsePromDuration('0')).toBe(0);
    expect(parsePromDuration('1.5m')).toBeUndefined();
  });

  it('as the prometheus-rules input: refused by name with the file, the line and the alert', () => {
    const load = (
      text: string,
      path = 'monitoring/rules.yml',
      selector = 'job="sample-bot",version="v2"',
    ) =>
      loadScopedRules(path, selector, '5m', {
        input: 'verify-prometheus-rules',
        selectorInput: 'verify-prometheus-selector',
        readFile: () => text,
        workspace: '/repo',
      });
    expect(() =>
      load(
        'groups:\n  - name: a\n    rules:\n      - alert: Always\n        expr: vector(1) > 0\n',
      ),
    ).toThrow(
      "Input 'verify-prometheus-rules': monitoring/rules.yml line 5: alert Always: expr has no vector selector",
    );
    expect(() =>
      load(
        'groups:\n  - name: a\n    rules:\n      - alert: Broken\n        expr: sum(rate(x[5m])\n',
      ),
    ).toThrow(
      /^Input 'verify-prometheus-rules': monitoring\/rules\.yml line 5: alert Broken: expr does not parse at character/,
    );
    expect(() => load('', '../elsewhere.yml')).toThrow(
      `Input 'verify-prometheus-rules': must be a path inside the repository, got "../elsewhere.yml"`,
    );
    expect(() => load(sampleText, 'monitoring/rules.yml', 'version=')).toThrow(
      /^Input 'verify-prometheus-selector': is not a list of label matchers/,
    );
    expect(load(sampleText)).toHaveLength(5);
  });
});

const emptyChecks: RawCheckInputs = {
  httpUrls: [],
  httpStatus: [],
  httpBody: '',
  httpJsonPath: '',
  httpLatencyMs: 0,
  prometheusUrl: 'http://prom:9090',
  prometheusChecks: ['none'],
  prometheusQueries: [],
  prometheusSelector: 'job="sample-bot",version="v2"',
  prometheusRange: '5m',
  minSamples: 20,
  prometheusStatusLabel: 'code',
  prometheusToken: '',
  logPatterns: [],
  telegramBotToken: '',
  telegramApiUrl: 'https://api.telegram.org',
  telegramWebhookUrl: '',
};

describe('prometheus-rules in the check inputs', () => {
  it('reads the file from the workspace and builds one check per alert', () => {
    const read: string[] = [];
    const parsed = parseCheckInputs(
      { ...emptyChecks, prometheusRules: 'monitoring/rules.yml' },
      {
        workspace: '/work/bot',
        readFile: (p) => {
          read.push(p);
          return sampleText;
        },
      },
    );
    expect(read).toEqual(['/work/bot/monitoring/rules.yml']);
    const checks = buildChecks(
      { http: [], prometheus: parsed.prometheus },
      { fetch: async () => new Response('{}'), clock: fakeClock(), executors: [] },
    );
    expect(checks.map((c) => c.name)).toEqual([
      'alert SampleBotDown',
      'alert SampleBotHighErrorRate',
      'alert SampleBotSlow',
      'alert PostgresDown',
      'alert RedisDown',
      'alert rules see the release',
    ]);
  });

  it('reaches the deploy as verify-prometheus-rules: one gate per alert, failing by its name', async () => {
    const checks = parseCheckInputs(
      { ...emptyChecks, prometheusRules: 'monitoring/rules.yml' },
      {
        name: (base) => (base === 'telegram-api-url' ? base : `verify-${base}`),
        workspace: '/work/bot',
        readFile: () => sampleText,
      },
    );
    const clock = fakeClock(1_000_000_000);
    const asked: string[] = [];
    const gates = verifyGates(
      { checks, onInconclusive: 'pause', pauseSeconds: 0 },
      {
        clock,
        fetch: async (url, init) => {
          const form = Object.fromEntries(new URLSearchParams(String(init?.body)));
          asked.push(form.query!);
          // Only the 5xx rule's scoped expression has a series, at every point of its for:.
          const firing = form.query!.includes('code=~"5..",version="v2"');
          if (!url.endsWith('/query_range')) {
            // What the rules see of the release: three series.
            return Response.json({
              status: 'success',
              data: { resultType: 'vector', result: [{ metric: {}, value: [0, '3'] }] },
            });
          }
          const values = [];
          for (let t = Number(form.start); t <= Number(form.end); t += Number(form.step)) {
            values.push([t, '0.3']);
          }
          return Response.json({
            status: 'success',
            data: { resultType: 'matrix', result: firing ? [{ metric: {}, values }] : [] },
          });
        },
      },
    );
    expect(gates).toHaveLength(6);
    const ctx = { clock } as unknown as GateContext;
    const results = [];
    for (const gate of gates) results.push(await gate(ctx));
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ['alert SampleBotDown', true],
      ['alert SampleBotHighErrorRate', false],
      ['alert SampleBotSlow', true],
      ['alert PostgresDown', true],
      ['alert RedisDown', true],
      ['alert rules see the release', true],
    ]);
    expect(results[1]!.evidence).toContain('firing: {} 0.3 held for 1m (21 of 21 points)');
    expect(asked).toContain('postgres_up{job="sample-bot",version="v2"} == 0');
  });

  it('refuses a selector that is not label matchers, naming the input, before any probe', () => {
    expect(() =>
      parseCheckInputs({
        ...emptyChecks,
        prometheusChecks: ['up'],
        prometheusSelector: 'job=bot',
      }),
    ).toThrow(/^Input 'prometheus-selector': is not a list of label matchers/);
    // Braces and spaces are accepted and normalised for the ready-made checks.
    expect(
      parseCheckInputs({ ...emptyChecks, prometheusSelector: '{job="bot", version="v2"}' })
        .prometheus!.selector,
    ).toBe('job="bot",version="v2"');
  });

  it('needs the selector and the URL, named as the deploy calls them', () => {
    const name = (base: string) => `verify-${base}`;
    expect(() =>
      parseCheckInputs(
        { ...emptyChecks, prometheusSelector: '', prometheusRules: 'r.yml' },
        { name, readFile: () => sampleText },
      ),
    ).toThrow(/^Input 'verify-prometheus-selector': is required with verify-prometheus-rules/);
    expect(() =>
      parseCheckInputs(
        { ...emptyChecks, prometheusUrl: '', prometheusRules: 'r.yml' },
        { name, readFile: () => sampleText },
      ),
    ).toThrow("Input 'verify-prometheus-url': is required with verify-prometheus-rules");
  });
});

function rule(forMs: number): ScopedRule {
  return {
    alert: 'HighErrorRate',
    expr: 'x > 0.1',
    forMs,
    forText: forMs ? '1m' : '',
    line: 3,
    exprLine: 4,
    checkName: 'alert HighErrorRate',
    scoped: 'x{version="v2"} > 0.1',
    selectors: ['last_over_time(x{version="v2"}[6m])'],
  };
}

describe('judging an alert rule', () => {
  const window = { startMs: 0, endMs: 60_000, stepMs: 3000 };
  const series = (from: number, value = 0.4) => ({
    labels: { instance: 'a:1' },
    points: Array.from({ length: (60_000 - from) / 3000 + 1 }, (_, i) => ({
      t: from + i * 3000,
      value,
    })),
  });

  it('fires when the condition held at every point of for:, showing the scoped expression and value', () => {
    expect(judgeRule(rule(60_000), [series(0)], window, 2)).toEqual({
      status: 'fail',
      value: 0.4,
      summary:
        'firing: {instance="a:1"} 0.4 held for 1m (21 of 21 points); expr: x{version="v2"} > 0.1',
    });
  });

  it('is pending (inconclusive) while it holds for less than for:, and passes when it does not hold', () => {
    expect(judgeRule(rule(60_000), [series(30_000)], window, 2)).toEqual({
      status: 'inconclusive',
      value: 0.4,
      summary:
        'pending: {instance="a:1"} 0.4 holds at the last 11 of 21 points (for: 1m); expr: x{version="v2"} > 0.1',
    });
    const over = { labels: {}, points: series(0).points.slice(0, 10) };
    expect(judgeRule(rule(60_000), [over], window, 2)).toEqual({
      status: 'pass',
      summary: 'not firing; its selectors see 2 series of the release',
    });
    expect(judgeRule(rule(60_000), [], window, 0).summary).toBe(
      'not firing; its selectors see no series of the release (it cannot fire for it)',
    );
  });

  it('asks Prometheus for the range [now - for, now] through the injected fetch', async () => {
    const asked: { url: string; form: Record<string, string> }[] = [];
    const client = prometheusClient('http://prom:9090', {
      fetch: async (url, init) => {
        const form = Object.fromEntries(new URLSearchParams(String(init?.body)));
        asked.push({ url, form });
        if (url.endsWith('/query_range')) {
          const values = [];
          for (let t = Number(form.start); t <= Number(form.end); t += Number(form.step)) {
            values.push([t, '0.5']);
          }
          return Response.json({
            status: 'success',
            data: { resultType: 'matrix', result: [{ metric: { instance: 'a:1' }, values }] },
          });
        }
        return Response.json({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [100, '3'] }] },
        });
      },
    });
    const check = ruleCheck(rule(60_000), client);
    expect(check.name).toBe('alert HighErrorRate');
    const result = await check.probe(1_000_000_500);
    expect(result.status).toBe('fail');
    expect(asked).toEqual([
      {
        url: 'http://prom:9090/api/v1/query_range',
        form: { query: 'x{version="v2"} > 0.1', start: '999940', end: '1000000', step: '3' },
      },
      {
        url: 'http://prom:9090/api/v1/query',
        form: {
          query: '(count(last_over_time(x{version="v2"}[6m])) or vector(0))',
          time: '1000000',
        },
      },
    ]);
    // for: 0 is an instant query: any series fires.
    asked.length = 0;
    const instant = await ruleCheck(rule(0), client).probe(1_000_000_500);
    expect(instant.status).toBe('fail');
    expect(asked.map((a) => a.url)).toEqual([
      'http://prom:9090/api/v1/query',
      'http://prom:9090/api/v1/query',
    ]);
  });

  it('a rules file that sees nothing of the release is blind: inconclusive, never a pass', async () => {
    const answer = (value: string | undefined) =>
      prometheusClient('http://prom:9090', {
        fetch: async () =>
          Response.json({
            status: 'success',
            data: {
              resultType: 'vector',
              result: value === undefined ? [] : [{ metric: {}, value: [0, value] }],
            },
          }),
      });
    const rules = [
      rule(60_000),
      { ...rule(0), selectors: ['last_over_time(y{version="v2"}[6m])'] },
    ];
    expect(await rulesCoverageCheck(rules, answer('0')).probe(0)).toEqual({
      status: 'inconclusive',
      value: 0,
      summary: 'none of the 2 rule(s) sees a series of the release: check the selector',
    });
    expect(await rulesCoverageCheck(rules, answer('7')).probe(0)).toEqual({
      status: 'pass',
      value: 7,
      summary: 'the 2 rule(s) see 7 series of the release',
    });
  });

  it('a firing rule fails verify, naming the alert', async () => {
    const clock = fakeClock(1_000_000_000);
    const client = prometheusClient('http://prom:9090', {
      fetch: async (url, init) => {
        const form = Object.fromEntries(new URLSearchParams(String(init?.body)));
        const values = [];
        for (let t = Number(form.start); t <= Number(form.end); t += Number(form.step)) {
          values.push([t, '0.5']);
        }
        return url.endsWith('/query_range')
          ? Response.json({
              status: 'success',
              data: { resultType: 'matrix', result: [{ metric: {}, values }] },
            })
          : Response.json({ status: 'success', data: { resultType: 'vector', result: [] } });
      },
    });
    const verdict = await verify([ruleCheck(rule(60_000), client)], {
      clock,
      log: recordingLog(),
      intervalMs: 1000,
      timeoutMs: 10_000,
      failures: 2,
    });
    expect(verdict).toMatchObject({
      outcome: 'fail',
      failedCheck: 'alert HighErrorRate',
      rounds: 2,
    });
  });
});

describe('the verify action reads prometheus-rules from its inputs', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const setInputs = (values: Record<string, string>) => {
    for (const key of Object.keys(process.env))
      if (key.startsWith('INPUT_')) delete process.env[key];
    for (const [k, v] of Object.entries(values)) process.env[`INPUT_${k.toUpperCase()}`] = v;
  };

  it('resolves the path in GITHUB_WORKSPACE and scopes every alert; refuses by name before any probe', async () => {
    const { readInputs } = await import('../../actions/verify/inputs.js');
    process.env.GITHUB_WORKSPACE = process.cwd();
    setInputs({
      'prometheus-url': 'http://127.0.0.1:9090',
      'prometheus-selector': 'job="sample-bot",version="v2"',
      'prometheus-checks': 'none',
      'prometheus-rules': SAMPLE,
    });
    const inputs = readInputs(0);
    expect(inputs.prometheus!.rules!.map((r) => r.alert)).toEqual([
      'SampleBotDown',
      'SampleBotHighErrorRate',
      'SampleBotSlow',
      'PostgresDown',
      'RedisDown',
    ]);
    expect(inputs.prometheus!.rules![3]!.scoped).toBe(
      'postgres_up{job="sample-bot",version="v2"} == 0',
    );
    setInputs({
      'prometheus-url': 'http://127.0.0.1:9090',
      'prometheus-selector': 'job="other-bot"',
      'prometheus-checks': 'none',
      'prometheus-rules': SAMPLE,
    });
    expect(() => readInputs(0)).toThrow(
      `Input 'prometheus-rules': ${SAMPLE} line 15: alert SampleBotDown: expr selects job="sample-bot" in "up{job=\\"sample-bot\\"}", but the release is job="other-bot"`,
    );
  });
});

describe('PromQL types, checked before any probe', () => {
  const scope = (expr: string) => scopeExpression(expr, release, '5m');
  it('accepts the usual alert expressions', () => {
    for (const expr of [
      'up == 0',
      'absent(up{job="sample-bot"})',
      'sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m])) > 0.05',
      'histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m]))) > 2',
      'predict_linear(node_filesystem_free_bytes[1h], 4 * 3600) < 0',
      'increase(kube_pod_container_status_restarts_total[15m]) > 3',
      'topk(3, rate(x[5m])) > 1 and on (instance) y == 1',
      'count_values("version", build_info) > 1',
      'label_replace(up, "host", "$1", "instance", "(.*):.*") == 0',
      'time() - process_start_time_seconds < 60',
      'max_over_time(rate(x[1m])[10m:1m]) > 5',
      '-x < -1',
      'x offset 5m > 0',
      'changes(x[10m]) > 2 unless y',
      'vector(1) and on () z > 0',
      'scalar(sum(x)) > bool 2',
      'avg(quantile_over_time(0.9, x[5m])) > 1',
      'day_of_week() == 0 and x > 1',
      'round(x, 0.5) > 1',
      'label_join(up, "x", ",") == 0',
      'label_join(x, "x", ",", "a", "b", "c") > 0',
      // Known to the grammar, not to the type table: left to Prometheus.
      'info(x) > 1',
    ]) {
      expect(() => scope(expr)).not.toThrow();
    }
  });

  it('refuses what Prometheus would refuse at every probe, saying where', () => {
    expect(() => scope('rate(http_requests_total) > 1')).toThrow(
      'rate() expects a range vector, got an instant vector (add a range: http_requests_total[5m])',
    );
    expect(() => scope('sum(x[5m]) > 1')).toThrow(
      'sum() expects an instant vector, got a range vector',
    );
    expect(() => scope('histogram_quantile(h_bucket, 0.9) > 1')).toThrow(
      'histogram_quantile() expects a scalar, got an instant vector',
    );
    expect(() => scope('topk(x) > 1')).toThrow('topk() takes 2 argument(s), got 1');
    expect(() => scope('clamp_max(x) > 1')).toThrow('clamp_max() takes 2 argument(s), got 1');
    expect(() => scope('label_join(x, "a") > 1')).toThrow(
      'label_join() takes at least 3 argument(s), got 2',
    );
    expect(() => scope('x[5m]')).toThrow('gives a range vector; an alert needs an instant vector');
    expect(() => scope('x[5m] > 1')).toThrow('a binary operator needs scalars or instant vectors');
    expect(() => scope('x > 1 and 2')).toThrow('and expects an instant vector, got a scalar');
    expect(() => scope('scalar(x) > 1')).toThrow(
      'a comparison between two scalars needs the bool modifier',
    );
    expect(() => scope('label_replace(x, "a", "b", 1, "c") > 0')).toThrow(
      'label_replace() expects a string, got a scalar',
    );
  });

  it('names the line and the alert in a rules file', () => {
    const text =
      'groups:\n  - name: a\n    rules:\n      - alert: Errors\n        expr: |\n          sum(rate(errors_total[5m]))\n            / sum(rate(requests_total)) > 0.1\n';
    expect(() => scopeRules(parseRulesFile(text, 'r.yml'), release, '5m', 'r.yml')).toThrow(
      'r.yml line 7: alert Errors: expr rate() expects a range vector, got an instant vector (add a range: requests_total[5m])',
    );
  });
});
