/**
 * Prometheus checks against the sandbox's real Prometheus: it scrapes four real webbot
 * containers (a healthy one, one answering 50% 500s, one with no traffic, one stopped once
 * scraped) through a file_sd target file, and the verdicts come from PromQL that Prometheus
 * itself evaluated. Each container has its own APP_VERSION, which only its webbot_info series
 * carries (an app-level label, never on `up`): the `up` check is asked by that label too.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { systemClock } from '../../src/clock.js';
import { localExecutor } from '../../src/exec.js';
import { buildChecks } from '../../src/health/config.js';
import { prometheusClient } from '../../src/health/prometheus.js';
import { verify } from '../../src/health/verify.js';
import { recordingLog } from '../../src/log.js';
import { sandboxEnv } from '../helpers/sandbox.js';

const env = sandboxEnv();
const PROM = env.SANDBOX_PROMETHEUS_URL!;
const id = `verify-it-${process.pid}`;
const targetFile = join(env.SANDBOX_PROMETHEUS_SD_DIR!, `${id}.json`);
const docker = localExecutor({
  env: { DOCKER_HOST: env.SANDBOX_DOCKER_HOST, DOCKER_CONFIG: env.SANDBOX_DOCKER_CONFIG },
});
const dockerCli = env.SANDBOX_DOCKER_CLI ?? 'docker';
const bots = ['good', 'bad', 'idle', 'gone'] as const;
type Bot = (typeof bots)[number];
const ports = {} as Record<Bot, number>;
const created: string[] = [];

/** A free port of this area's integration range (21860-21899). */
async function freePort(taken: number[]): Promise<number> {
  for (let port = 21860; port <= 21899; port++) {
    if (taken.includes(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 21860-21899');
}

async function promQuery(query: string): Promise<number> {
  const samples = await prometheusClient(PROM, { fetch }).query(query);
  return samples.reduce((sum, s) => sum + s.value, 0);
}

async function until(what: string, test: () => Promise<boolean>, tries = 120): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await test().catch(() => false)) return;
    await systemClock.sleep(500);
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  for (const bot of bots) ports[bot] = await freePort(Object.values(ports));
  const host = env.SANDBOX_DOCKER_NETWORK === 'host';
  for (const bot of bots) {
    const name = `${id}-${bot}`;
    const net = host
      ? ['--network', 'host', '-e', `PORT=${ports[bot]}`]
      : ['-p', `127.0.0.1:${ports[bot]}:8080`];
    await docker.run([
      dockerCli, 'run', '-d', '--name', name, ...net,
      '-e', `ERROR_RATE=${bot === 'bad' ? 50 : 0}`, '-e', `APP_VERSION=${id}-${bot}`,
      env.SANDBOX_IMAGE_WEB_V1!,
    ]); // prettier-ignore
    created.push(name);
  }
  for (const bot of bots) {
    await until(
      `${bot} /health`,
      async () => (await fetch(`http://127.0.0.1:${ports[bot]}/health`)).ok,
    );
  }
  writeFileSync(
    targetFile,
    JSON.stringify(
      bots.map((bot) => ({
        targets: [`127.0.0.1:${ports[bot]}`],
        labels: { job: `${id}-${bot}` },
      })),
    ),
  );
  // Prometheus must have scraped each bot before the traffic, or increase() cannot see it.
  for (const bot of bots) {
    await until(
      `Prometheus scraping ${bot}`,
      async () => (await promQuery(`sum(count_over_time(up{job="${id}-${bot}"}[1m]))`)) >= 2,
    );
  }
  // Bounded traffic: 60 requests each to the good and the bad bot, none to the idle one.
  for (const bot of ['good', 'bad'] as const) {
    for (let i = 0; i < 60; i++) {
      const response = await fetch(`http://127.0.0.1:${ports[bot]}/`);
      await response.text();
    }
  }
  // Wait until Prometheus has scraped all of it.
  for (const bot of ['good', 'bad'] as const) {
    await until(
      `Prometheus seeing the ${bot} traffic`,
      async () => (await promQuery(`sum(http_requests_total{job="${id}-${bot}"})`)) >= 60,
    );
  }
}, 180_000);

afterAll(async () => {
  rmSync(targetFile, { force: true });
  for (const name of created)
    await docker.run([dockerCli, 'rm', '-f', name], { allowFailure: true });
});

function checksFor(
  bot: Bot,
  queries: string[],
  readyMade: ('error-rate' | 'latency-p95' | 'up')[] = ['error-rate', 'latency-p95', 'up'],
  selector = `job="${id}-${bot}"`,
) {
  return buildChecks(
    {
      http: [],
      prometheus: {
        url: PROM,
        readyMade,
        selector,
        range: '2m',
        minSamples: 20,
        statusLabel: 'code',
        custom: [],
      },
    },
    {
      clock: systemClock,
      executors: [],
      fetch: (url, init) => {
        queries.push(new URLSearchParams(String(init?.body)).get('query') ?? '');
        return fetch(url, init);
      },
    },
  );
}

const options = {
  clock: systemClock,
  intervalMs: 1000,
  timeoutMs: 8000,
  requiredConsecutive: 2,
  failures: 2,
};

it('passes the healthy bot on PromQL that Prometheus evaluated', async () => {
  const queries: string[] = [];
  const verdict = await verify(checksFor('good', queries), { ...options, log: recordingLog() });
  expect(verdict).toMatchObject({ outcome: 'pass', accepted: true });
  const errorRate = verdict.evidence.find((e) => e.name === 'prometheus error-rate')!;
  expect(errorRate.last.at(-1)).toMatchObject({ status: 'pass', value: 0 });
  expect(errorRate.last.at(-1)!.summary).toMatch(
    /^0, alert when > 0.1 over \d+(\.\d+)? sample\(s\)$/,
  );
  expect(queries).toContain(
    `(sum(increase(http_requests_total{code=~"5.*",job="${id}-good"}[2m])) or vector(0)) / sum(increase(http_requests_total{job="${id}-good"}[2m]))`,
  );
});

it('fails the bot answering 500s, naming the error-rate check', async () => {
  const verdict = await verify(checksFor('bad', []), { ...options, log: recordingLog() });
  expect(verdict).toMatchObject({
    outcome: 'fail',
    accepted: false,
    failedCheck: 'prometheus error-rate',
  });
  const value = verdict.evidence
    .find((e) => e.name === 'prometheus error-rate')!
    .last.at(-1)!.value!;
  // Prometheus's own number, the same as asking it directly.
  const direct = await promQuery(
    `sum(increase(http_requests_total{code="500",job="${id}-bad"}[2m])) / sum(increase(http_requests_total{job="${id}-bad"}[2m]))`,
  );
  expect(value).toBeGreaterThan(0.2);
  expect(value).toBeLessThan(0.8);
  expect(Math.abs(value - direct)).toBeLessThan(0.2);
  expect(verdict.reason).toMatch(
    /^prometheus error-rate: failed 2 time\(s\) in a row: 0\.\d+ > 0\.1 over/,
  );
  // Latency and up still pass: only the error rate is wrong.
  expect(verdict.evidence.find((e) => e.name === 'prometheus up')!.last.at(-1)!.status).toBe(
    'pass',
  );
});

it('is inconclusive for the bot with no traffic, not failed', async () => {
  const log = recordingLog();
  const verdict = await verify(checksFor('idle', []), { ...options, timeoutMs: 3000, log });
  expect(verdict).toMatchObject({ outcome: 'inconclusive', accepted: false });
  const byName = Object.fromEntries(verdict.evidence.map((e) => [e.name, e]));
  expect(byName['prometheus error-rate']!.outcome).toBe('inconclusive');
  expect(byName['prometheus error-rate']!.last.at(-1)!.summary).toBe(
    '0 sample(s), fewer than the 20 needed',
  );
  expect(byName['prometheus latency-p95']!.outcome).toBe('inconclusive');
  expect(byName['prometheus up']!.outcome).toBe('pass');
  expect(verdict.reason).toMatch(
    /^no decision in time from prometheus error-rate, prometheus latency-p95/,
  );
});

it('up by an app-level label (webbot_info{version}): passes while the bot runs, fails naming the stopped one', async () => {
  const byVersion = (bot: Bot) => `version="${id}-${bot}"`;
  // The trap: `up` never carries the app's version label.
  expect(await prometheusClient(PROM, { fetch }).query(`up{${byVersion('good')}}`)).toEqual([]);
  expect(await promQuery(`count(webbot_info{${byVersion('good')}})`)).toBe(1);

  const running = await verify(checksFor('good', [], ['up'], byVersion('good')), {
    ...options,
    log: recordingLog(),
  });
  expect(running).toMatchObject({ outcome: 'pass', accepted: true });
  expect(running.evidence[0]!.last.at(-1)!.summary).toContain(`instance="127.0.0.1:${ports.good}"`);

  await docker.run([dockerCli, 'stop', '-t', '1', `${id}-gone`]);
  await until(
    'Prometheus seeing the stopped bot down',
    async () => (await promQuery(`up{job="${id}-gone"}`)) === 0,
  );
  const stopped = await verify(checksFor('gone', [], ['up'], byVersion('gone')), {
    ...options,
    log: recordingLog(),
  });
  expect(stopped).toMatchObject({ outcome: 'fail', failedCheck: 'prometheus up' });
  expect(stopped.reason).toContain(`instance="127.0.0.1:${ports.gone}"`);
  expect(stopped.reason).toContain('< 1');

  // No series of the release at all: inconclusive, never a pass.
  const nobody = await verify(checksFor('good', [], ['up'], `version="${id}-never-deployed"`), {
    ...options,
    timeoutMs: 2000,
    log: recordingLog(),
  });
  expect(nobody.outcome).toBe('inconclusive');
  expect(nobody.evidence[0]!.last.at(-1)!.summary).toBe(
    '0 target(s) with series of the release, fewer than the 1 needed',
  );
}, 120_000);
