/**
 * Verify's Prometheus checks against a REAL Prometheus (Debian's /usr/bin/prometheus, started
 * here on its own port and data dir, stopped at the end), scraping every second:
 *
 * - ONE static target (a small exporter in this process) serves four releases side by side, told
 *   apart only by an app-level label, version= (which `up` never carries): healthy, errors (half
 *   its answers 500), slow (every answer between 1 s and 2.5 s) and idle (no traffic). Their
 *   counters grow at the rates this test sets, as a function of time.
 * - A second target serves the release `down` and is closed once scraped: its `up` turns 0.
 *
 * With the default checks, the verdicts come out as the issue asks; with `prometheus-rules`
 * pointing at the sample bot's rules file, verify's verdicts equal what Prometheus itself says when
 * it loads the same rules scoped to each release (its alerts API, once nothing is pending).
 * `promtool test rules` runs the sample's own rule tests. Assertions count, they do not time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { systemClock } from '../../src/clock.js';
import { buildChecks } from '../../src/health/config.js';
import { parseCheckInputs, type RawCheckInputs } from '../../src/health/inputs.js';
import { prometheusClient } from '../../src/health/prometheus.js';
import { loadScopedRules } from '../../src/health/rules.js';
import type { Verdict } from '../../src/health/types.js';
import { verify } from '../../src/health/verify.js';
import { recordingLog } from '../../src/log.js';
import { runEntry } from '../helpers/action-entry.js';
import { listenInRange } from '../helpers/fake-telegram-api.js';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const REPO = resolve('.');
const SAMPLE_RULES = 'examples/sample-bot/monitoring/rules.yml';
const RELEASES = ['healthy', 'errors', 'slow', 'idle', 'down'] as const;
type Release = (typeof RELEASES)[number];
const JOB = 'sample-bot';
const BUCKETS = ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];
/** This file's ports: Prometheus in 22400-22405, the exporters in 22406-22419. */
const PROMETHEUS_PORTS: [number, number] = [22400, 22405];
const EXPORTER_PORTS: [number, number] = [22406, 22419];

const dir = mkdtempSync(join(tmpdir(), 'tg-prom-rules-'));
let prometheus: ChildProcess | undefined;
let promUrl = '';
const servers: { server: Server; sockets: Set<Socket> }[] = [];
const startedAt = Date.now();
const instances = {} as Record<'shared' | 'down', string>;

/** Requests per second and the share that fail or are slow, per release. */
const TRAFFIC: Record<Release, { rps: number; errorShare: number; seconds: number }> = {
  healthy: { rps: 20, errorShare: 0, seconds: 0.03 },
  errors: { rps: 20, errorShare: 0.5, seconds: 0.03 },
  slow: { rps: 20, errorShare: 0, seconds: 2 },
  idle: { rps: 0, errorShare: 0, seconds: 0 },
  down: { rps: 20, errorShare: 0, seconds: 0.03 },
};

/** Prometheus text format for some releases, the counters at `rate × seconds since start`. */
function metricsText(releases: readonly Release[]): string {
  const t = (Date.now() - startedAt) / 1000;
  const lines: string[] = [];
  for (const r of releases) {
    const v = `version="${r}"`;
    lines.push(`bot_info{${v}} 1`, `postgres_up{${v}} 1`, `redis_up{${v}} 1`);
    const { rps, errorShare, seconds } = TRAFFIC[r];
    if (rps === 0) continue; // prometheus_client exports labelled counters after the first request
    const total = Math.floor(rps * t);
    const errors = Math.floor(rps * errorShare * t);
    lines.push(`http_requests_total{${v},code="200"} ${total - errors}`);
    if (errors > 0 || errorShare > 0) lines.push(`http_requests_total{${v},code="500"} ${errors}`);
    for (const le of BUCKETS) {
      const inBucket = le === '+Inf' || seconds <= Number(le) ? total : 0;
      lines.push(`http_request_duration_seconds_bucket{${v},le="${le}"} ${inBucket}`);
    }
    lines.push(`http_request_duration_seconds_sum{${v}} ${(total * seconds).toFixed(3)}`);
    lines.push(`http_request_duration_seconds_count{${v}} ${total}`);
  }
  return `${lines.join('\n')}\n`;
}

async function exporter(releases: readonly Release[]): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(metricsText(releases));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listenInRange(server, ...EXPORTER_PORTS);
  servers.push({ server, sockets });
  return `127.0.0.1:${port}`;
}

async function stopExporter(i: number): Promise<void> {
  const { server, sockets } = servers[i]!;
  for (const s of sockets) s.destroy();
  await new Promise((done) => server.close(done));
}

const client = () => prometheusClient(promUrl, { fetch });
const value = async (q: string) => (await client().query(q)).reduce((n, s) => n + s.value, 0);

async function until(what: string, test: () => Promise<boolean>, tries = 90): Promise<number> {
  for (let i = 1; i <= tries; i++) {
    if (await test().catch(() => false)) return i;
    await systemClock.sleep(1000);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function checkInputs(release: Release, over: Partial<RawCheckInputs>): RawCheckInputs {
  return {
    httpUrls: [],
    httpStatus: [],
    httpBody: '',
    httpJsonPath: '',
    httpLatencyMs: 0,
    prometheusUrl: promUrl,
    prometheusChecks: ['error-rate', 'latency-p95', 'up'],
    prometheusQueries: [],
    // An app-level selector: version= is a label of the app's series only, never of `up`.
    prometheusSelector: `job="${JOB}",version="${release}"`,
    prometheusRange: '1m',
    minSamples: 20,
    prometheusStatusLabel: 'code',
    prometheusToken: '',
    logPatterns: ['none'],
    telegramBotToken: '',
    telegramApiUrl: 'https://api.telegram.org',
    telegramWebhookUrl: '',
    ...over,
  };
}

const RULES_RANGE = '2m';

function rulesFor(release: Release) {
  return parseCheckInputs(
    checkInputs(release, {
      prometheusChecks: ['none'],
      prometheusRange: RULES_RANGE,
      prometheusRules: SAMPLE_RULES,
    }),
    { workspace: REPO },
  );
}

function verifyWith(
  parsed: ReturnType<typeof parseCheckInputs>,
  timeoutMs: number,
  intervalMs: number,
) {
  const checks = buildChecks(
    { http: [], prometheus: parsed.prometheus },
    { fetch, clock: systemClock, executors: [] },
  );
  return verify(checks, {
    clock: systemClock,
    log: recordingLog(),
    intervalMs,
    timeoutMs,
    requiredConsecutive: 2,
    failures: 2,
  });
}

beforeAll(async () => {
  expect(spawnSync(PROMETHEUS, ['--version']).status).toBe(0);
  instances.shared = await exporter(['healthy', 'errors', 'slow', 'idle']);
  instances.down = await exporter(['down']);

  const promPort = await new Promise<number>((done, fail) => {
    const probe = createServer();
    listenInRange(probe, ...PROMETHEUS_PORTS).then((p) => probe.close(() => done(p)), fail);
  });
  promUrl = `http://127.0.0.1:${promPort}`;

  // The sample's rules, scoped to each release by the same code verify uses, as Prometheus rules.
  const groups = RELEASES.map((release) => ({
    name: `release-${release}`,
    rules: rulesFor(release).prometheus!.rules!.map((r) => ({
      alert: r.alert,
      expr: r.scoped,
      for: r.forText,
      labels: { tg_release: release },
    })),
  }));
  writeFileSync(join(dir, 'scoped-rules.yml'), stringify({ groups }));
  const check = spawnSync(PROMTOOL, ['check', 'rules', join(dir, 'scoped-rules.yml')], {
    encoding: 'utf8',
  });
  expect(check.stdout).toContain('SUCCESS: 25 rules found');

  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'scoped-rules.yml')],
      scrape_configs: [
        {
          job_name: JOB,
          static_configs: [{ targets: [instances.shared, instances.down] }],
        },
      ],
    }),
  );
  prometheus = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  await until('Prometheus ready', async () => (await fetch(`${promUrl}/-/ready`)).ok, 60);
  // Five scrapes of each target, then the `down` release's target goes away.
  await until(
    'five scrapes of both targets',
    async () => (await value(`min(count_over_time(up{job="${JOB}"}[1m]))`)) >= 5,
  );
  await stopExporter(1);
  await until(
    'Prometheus seeing the down target down',
    async () =>
      (await value(`up{instance="${instances.down}"}`)) === 0 &&
      (await client().query(`up{instance="${instances.down}"}`)).length === 1,
  );
}, 180_000);

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  if (prometheus && prometheus.exitCode === null) {
    await new Promise((done) => prometheus!.once('exit', done));
  }
  for (let i = 0; i < servers.length; i++) await stopExporter(i).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

it("runs the sample's promtool rule tests", () => {
  const run = spawnSync(PROMTOOL, ['test', 'rules', 'rules.test.yml'], {
    cwd: join(REPO, 'examples/sample-bot/monitoring'),
    encoding: 'utf8',
  });
  expect(`${run.stdout}${run.stderr}`).toContain('SUCCESS');
  expect(run.status).toBe(0);
});

const CORPUS = 'tests/fixtures/prometheus/rules-corpus.yml';

function promtoolCheck(file: string): { ok: boolean; out: string } {
  const run = spawnSync(PROMTOOL, ['check', 'rules', file], { encoding: 'utf8' });
  return { ok: run.status === 0, out: `${run.stdout}${run.stderr}` };
}

it('reads rules as promtool does: a corpus of 24 valid rules scoped to valid rules, and the invalid ones refused by both', () => {
  expect(promtoolCheck(CORPUS)).toMatchObject({ ok: true });
  const scoped = loadScopedRules(CORPUS, `job="bot",version="v2"`, '5m', {
    input: 'prometheus-rules',
    selectorInput: 'prometheus-selector',
    workspace: REPO,
  });
  expect(scoped).toHaveLength(24);
  const file = join(dir, 'scoped-corpus.yml');
  writeFileSync(
    file,
    stringify({
      groups: [
        {
          name: 'scoped',
          rules: scoped.map((r) => ({ alert: r.alert, expr: r.scoped, for: r.forText || '0s' })),
        },
      ],
    }),
  );
  const check = promtoolCheck(file);
  expect(check.out).toContain('SUCCESS: 24 rules found');

  const invalid = [
    'rate(http_requests_total) > 1',
    'sum(x[5m]) > 1',
    'histogram_quantile(h_bucket, 0.9) > 1',
    'topk(x) > 1',
    'x > 1 and 2',
    'scalar(x) > 1',
    'label_replace(x, "a", "b", 1, "c") > 0',
    'clamp_max(x) > 1',
    'sum(rate(x[5m]) > ',
  ];
  let bothRefuse = 0;
  for (const [i, expr] of invalid.entries()) {
    const name = `invalid-${i}.yml`;
    writeFileSync(
      join(dir, name),
      `groups:\n  - name: g\n    rules:\n      - alert: Fine\n        expr: up == 0\n      - alert: Bad${i}\n        expr: '${expr.replace(/'/g, "''")}'\n`,
    );
    expect({ expr, promtool: promtoolCheck(join(dir, name)).ok }).toEqual({
      expr,
      promtool: false,
    });
    expect(() =>
      loadScopedRules(name, 'job="bot"', '5m', {
        input: 'prometheus-rules',
        selectorInput: 'prometheus-selector',
        workspace: dir,
      }),
    ).toThrow(new RegExp(`^Input 'prometheus-rules': ${name} line 7: alert Bad${i}: expr `));
    bothRefuse += 1;
  }
  expect(bothRefuse).toBe(invalid.length);
});

it('default checks with an app-level selector: pass, three named failures, inconclusive', async () => {
  const verdicts = Object.fromEntries(
    await Promise.all(
      RELEASES.map(
        async (r) =>
          [r, await verifyWith(parseCheckInputs(checkInputs(r, {})), 12_000, 1000)] as const,
      ),
    ),
  ) as Record<Release, Verdict>;

  expect(verdicts.healthy).toMatchObject({ outcome: 'pass', accepted: true });
  expect(verdicts.healthy.rounds).toBeLessThanOrEqual(3);
  const up = verdicts.healthy.evidence.find((e) => e.name === 'prometheus up')!;
  expect(up.last.at(-1)!.summary).toContain(`instance="${instances.shared}"`);

  expect(verdicts.errors).toMatchObject({ outcome: 'fail', failedCheck: 'prometheus error-rate' });
  expect(verdicts.slow).toMatchObject({ outcome: 'fail', failedCheck: 'prometheus latency-p95' });
  expect(verdicts.down).toMatchObject({ outcome: 'fail', failedCheck: 'prometheus up' });
  expect(verdicts.down.reason).toContain(`instance="${instances.down}"`);

  expect(verdicts.idle).toMatchObject({ outcome: 'inconclusive', accepted: false });
  const idle = Object.fromEntries(verdicts.idle.evidence.map((e) => [e.name, e.outcome]));
  expect(idle).toEqual({
    'prometheus error-rate': 'inconclusive',
    'prometheus latency-p95': 'inconclusive',
    'prometheus up': 'pass',
  });
}, 60_000);

interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
}

it("prometheus-rules with the sample's rules: verify's verdicts equal Prometheus's own alerts, 5 of 5", async () => {
  const verdicts = Object.fromEntries(
    await Promise.all(
      RELEASES.map(async (r) => [r, await verifyWith(rulesFor(r), 150_000, 2000)] as const),
    ),
  ) as Record<Release, Verdict>;

  // Prometheus evaluated the same scoped rules itself; read its alerts once none is pending.
  let alerts: PromAlert[] = [];
  await until('Prometheus with no pending alert', async () => {
    const body = (await (await fetch(`${promUrl}/api/v1/alerts`)).json()) as {
      data: { alerts: PromAlert[] };
    };
    alerts = body.data.alerts;
    return alerts.every((a) => a.state !== 'pending');
  });
  const firing = (r: Release) =>
    alerts
      .filter((a) => a.state === 'firing' && a.labels.tg_release === r)
      .map((a) => a.labels.alertname)
      .sort();
  const failing = (v: Verdict) =>
    v.evidence
      .filter((e) => e.outcome === 'fail')
      .map((e) => e.name.replace(/^alert /, ''))
      .sort();

  let agree = 0;
  for (const r of RELEASES) {
    expect({ release: r, verify: failing(verdicts[r]) }).toEqual({ release: r, verify: firing(r) });
    expect(verdicts[r].outcome).toBe(firing(r).length > 0 ? 'fail' : 'pass');
    agree += 1;
  }
  expect(agree).toBe(5);
  // And what that is, by name.
  expect(RELEASES.map((r) => [r, firing(r)])).toEqual([
    ['healthy', []],
    ['errors', ['SampleBotHighErrorRate']],
    ['slow', ['SampleBotSlow']],
    ['idle', []],
    ['down', ['SampleBotDown']],
  ]);
  expect(verdicts.errors.failedCheck).toBe('alert SampleBotHighErrorRate');
  const evidence = verdicts.errors.evidence.find((e) => e.name === 'alert SampleBotHighErrorRate')!;
  expect(evidence.last.at(-1)!.summary).toMatch(
    /^firing: \{instance="127\.0\.0\.1:\d+",job="sample-bot"\} 0\.5 held for 1m \(\d+ of \d+ points\); expr: sum by \(job, instance\) \(rate\(http_requests_total\{job="sample-bot",code=~"5\.\.",version="errors"\}\[2m\]\)\)/,
  );
}, 240_000);

/** Queries Prometheus has answered so far, by its own /metrics (not through verify). */
async function queriesAnswered(): Promise<number> {
  const text = await (await fetch(`${promUrl}/metrics`)).text();
  let n = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('prometheus_http_requests_total{')) continue;
    if (
      line.includes('handler="/api/v1/query"') ||
      line.includes('handler="/api/v1/query_range"')
    ) {
      n += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return n;
}

it('the verify action itself: a bad rules file exits 1 before any query; the sample rules fail the error-heavy release by the alert', async () => {
  const work = mkdtempSync(join(dir, 'action-'));
  writeFileSync(
    join(work, 'rules.yml'),
    'groups:\n  - name: g\n    rules:\n      - alert: Heartbeat\n        expr: vector(1)\n',
  );
  const given = (release: Release, rules: string) => ({
    'prometheus-url': promUrl,
    'prometheus-selector': `job="${JOB}",version="${release}"`,
    'prometheus-checks': 'none',
    'prometheus-range': RULES_RANGE,
    'prometheus-rules': rules,
    timeout: '30s',
    interval: '1s',
    consecutive: '2',
  });
  const before = await queriesAnswered();
  const refused = await runEntry('verify', given('healthy', 'rules.yml'), {
    env: { GITHUB_WORKSPACE: work },
  });
  expect(refused.status).toBe(1);
  expect(refused.errors.join('\n')).toContain(
    "Input 'prometheus-rules': rules.yml line 5: alert Heartbeat: expr has no vector selector",
  );
  expect(await queriesAnswered()).toBe(before);

  const errors = await runEntry('verify', given('errors', SAMPLE_RULES), {
    env: { GITHUB_WORKSPACE: REPO },
  });
  expect(errors.outputs).toMatchObject({
    verdict: 'fail',
    'failed-check': 'alert SampleBotHighErrorRate',
    accepted: 'false',
  });
  expect(errors.status).toBe(1);
  expect(errors.summary).toContain('firing:');
  expect(await queriesAnswered()).toBeGreaterThan(before);
}, 120_000);

it('rules that see nothing of the release (never deployed, or a wrong selector) keep the gate shut: inconclusive', async () => {
  const parsed = parseCheckInputs(
    checkInputs('healthy', {
      prometheusChecks: ['none'],
      prometheusRange: RULES_RANGE,
      prometheusRules: SAMPLE_RULES,
      prometheusSelector: `job="${JOB}",version="never-deployed"`,
    }),
    { workspace: REPO },
  );
  const verdict = await verifyWith(parsed, 4000, 1000);
  expect(verdict).toMatchObject({
    outcome: 'inconclusive',
    accepted: false,
    failedCheck: 'alert rules see the release',
  });
  expect(verdict.evidence.filter((e) => e.outcome === 'pass')).toHaveLength(5);
}, 60_000);

it('refuses an unscopable rule and an invalid rules file before any probe, naming the alert and the line', async () => {
  const work = mkdtempSync(join(dir, 'repo-'));
  writeFileSync(
    join(work, 'unscopable.yml'),
    'groups:\n  - name: g\n    rules:\n      - alert: Heartbeat\n        expr: vector(1)\n',
  );
  writeFileSync(
    join(work, 'invalid.yml'),
    'groups:\n  - name: g\n    rules:\n      - alert: Broken\n        expr: up == 0\n        for: 1m\n      - alert: Typo\n        expr: sum(rate(http_requests_total[5m])\n',
  );
  let fetched = 0;
  const counting: typeof fetch = async (...args) => {
    fetched += 1;
    return fetch(...args);
  };
  const attempt = (file: string) => () => {
    const parsed = parseCheckInputs(
      checkInputs('healthy', { prometheusRules: file, prometheusChecks: ['none'] }),
      { workspace: work, name: (base) => (base === 'telegram-api-url' ? base : `verify-${base}`) },
    );
    return buildChecks(
      { http: [], prometheus: parsed.prometheus },
      {
        fetch: counting,
        clock: systemClock,
        executors: [],
      },
    );
  };
  expect(attempt('unscopable.yml')).toThrow(
    "Input 'verify-prometheus-rules': unscopable.yml line 5: alert Heartbeat: expr has no vector selector, so it would judge every release alike: it cannot be scoped",
  );
  expect(attempt('invalid.yml')).toThrow(
    /^Input 'verify-prometheus-rules': invalid\.yml line 8: alert Typo: expr does not parse at character \d+/,
  );
  // Refused while the inputs are read: no check was built, nothing was asked of Prometheus.
  expect(fetched).toBe(0);
});
