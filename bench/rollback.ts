/**
 * bench/rollback: the time from a FAILED VERDICT (the moment the window gate reports failure) to
 * the OLD RELEASE SERVING ALL TRAFFIC (the first moment after which every response a load client
 * gets is from the old version), for each strategy, side by side in one run, against the
 * sandbox's real dockerd and registry, a private nginx + HAProxy, and the webbot images.
 *
 * Each round, per strategy: v1 serves; a v2 that passes its start gate (/health 200) but answers
 * 500 everywhere else (ERROR_RATE=100) is deployed; a window gate (an HTTP check on v2's own
 * port, src/health via src/rollback/windowGate) fails at its first probe, and the engine's undos
 * put v1 back:
 *  - blue-green: route back to the old color (still running during the window);
 *  - canary: the canary's 10% goes back to the old color (weight 0 for the canary);
 *  - handover: stop v2, start v1 again. Observed on v1's own port (no proxy in a handover): the
 *    first moment after which every answer there is v1.
 *
 * Reported as a ratio to the app's own container start time (docker run -> /health 200),
 * measured in the same run. Bounded: BENCH_ROUNDS (default 2, at most 5), load 40 rps per run.
 */
import { systemClock } from '../src/clock.js';
import { buildConfig, type RawDeployInputs } from '../src/deploy/config.js';
import { deploy } from '../src/deploy/engine.js';
import { hostPrimitives } from '../src/deploy/ports.js';
import { localExecutor } from '../src/exec.js';
import { httpCheck } from '../src/health/http.js';
import { consoleLog, type Log } from '../src/log.js';
import { createProxy, type TrafficProxy } from '../src/proxy/index.js';
import { windowGate } from '../src/rollback/window.js';
import { startLoad, type LoadReport } from '../tests/helpers/load.js';
import { asUser, startHaproxy, startNginx } from '../tests/helpers/proxy-stack.js';
import { sandboxEnv } from '../tests/helpers/sandbox.js';

const ROUNDS = Math.max(1, Math.min(Number(process.env.BENCH_ROUNDS ?? 2), 5));
const RATE = 40;
const PORTS = {
  web: { blue: 22151, green: 22152 },
  hand: { blue: 22161, green: 22162 },
  frontend: 22170,
  nginx: 22171,
  haproxyHealth: 22172,
  start: 22180,
};
type Strategy = 'blue-green' | 'canary' | 'handover';
const STRATEGIES: Strategy[] = ['blue-green', 'canary', 'handover'];

const env = sandboxEnv();
const exec = asUser('tgdeploy', localExecutor({ env: { DOCKER_HOST: env.DOCKER_HOST } }));
const quiet: Log = { ...consoleLog(() => undefined), group: (_t, body) => body() };
const base = `bench-rollback-${process.pid}`;
const apps = { web: `${base}-web`, hand: `${base}-hand` };
let seq = 0;
const releaseId = () => `20260401-${String(++seq).padStart(6, '0')}`;

function inputs(strategy: Strategy, image: string, extra: Partial<RawDeployInputs> = {}) {
  const hand = strategy === 'handover';
  const ports = hand ? PORTS.hand : PORTS.web;
  return buildConfig({
    app: hand ? apps.hand : apps.web,
    image,
    'bot-mode': 'webhook',
    strategy,
    'health-path': '/health',
    'host-ports': `${ports.blue},${ports.green}`,
    proxy: hand ? 'none' : 'haproxy',
    registry: env.SANDBOX_REGISTRY,
    'registry-username': env.SANDBOX_REGISTRY_USER,
    'registry-password': env.SANDBOX_REGISTRY_PASSWORD,
    'state-dir': env.SANDBOX_STATE_BASE,
    'canary-steps': '10,100',
    'step-interval': '1',
    'gate-window': '5',
    'drain-seconds': '2',
    'stop-grace': '3',
    'health-timeout': '15',
    'lock-timeout': '30',
    ...extra,
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** docker run -> /health 200, the app's own start time (ms). */
async function containerStartMs(): Promise<number> {
  const name = `${base}-start`;
  await exec.run(['docker', 'rm', '-f', name], { allowFailure: true });
  const started = performance.now();
  await exec.run([
    'docker',
    'run',
    '-d',
    '--name',
    name,
    '-p',
    `127.0.0.1:${PORTS.start}:8080`,
    env.SANDBOX_IMAGE_WEB_V1!,
  ]);
  try {
    for (let i = 0; i < 1500; i++) {
      const ok = await fetch(`http://127.0.0.1:${PORTS.start}/health`, {
        signal: AbortSignal.timeout(1000),
      })
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) return performance.now() - started;
      await sleep(10);
    }
    throw new Error('the start-time container never answered /health');
  } finally {
    await exec.run(['docker', 'rm', '-f', name], { allowFailure: true });
  }
}

/** The first moment (epoch ms) after which every response is v1, at or after `from`. */
function allOldFrom(report: LoadReport, from: number): number | undefined {
  const samples = (report.samples ?? []).map(([start, , outcome]) => ({
    at: report.startedAt + start,
    v1: outcome === 'ok:v1',
  }));
  let lastBad = -Infinity;
  for (const s of samples) if (!s.v1) lastBad = Math.max(lastBad, s.at);
  const first = samples
    .filter((s) => s.v1 && s.at > lastBad && s.at >= from)
    .sort((a, b) => a.at - b.at)[0];
  return first?.at;
}

interface Row {
  strategy: Strategy;
  round: number;
  verdictToOldMs: number;
  verdictToUndoneMs: number;
  appErrors: number;
  connectionErrors: number;
}

async function once(
  strategy: Strategy,
  round: number,
  proxy: TrafficProxy,
  nginxUrl: string,
): Promise<Row> {
  const hand = strategy === 'handover';
  const ports = hand ? PORTS.hand : PORTS.web;
  const url = hand ? `http://127.0.0.1:${ports.blue}/` : `${nginxUrl}/${apps.web}/`;
  // the new release goes to green (v1 is blue and stays blue: every v2 is rolled back)
  const check = httpCheck(
    {
      name: 'v2-answers-200',
      url: `http://127.0.0.1:${ports.green}/`,
      status: ['200'],
      timeoutMs: 2000,
    },
    { fetch, clock: systemClock },
  );
  let failedAt: number | undefined;
  const gate = windowGate(check, {
    onVerdict: (r, at) => {
      if (!r.ok) failedAt ??= at;
    },
  });
  const load = startLoad({
    url,
    rate: RATE,
    mode: 'keepalive',
    connections: 4,
    maxDurationMs: 120_000,
    samples: true,
    timeoutMs: 3000,
  });
  await load.ready;
  await sleep(500);
  let returnedAt = 0;
  try {
    await deploy(inputs(strategy, env.SANDBOX_IMAGE_WEB_V2!, { env: 'ERROR_RATE=100\n' }), {
      exec,
      host: hostPrimitives,
      proxy: hand ? undefined : proxy,
      clock: systemClock,
      log: quiet,
      holder: { runId: `${process.pid}`, actor: 'bench' },
      releaseId: releaseId(),
      extraGates: [gate],
    });
    throw new Error(`${strategy}: the failing v2 was not rolled back`);
  } catch (error) {
    returnedAt = Date.now();
    if (!(error instanceof Error) || !/rolled back to/.test(error.message)) throw error;
  }
  await sleep(1500);
  const report = await load.stop();
  if (failedAt === undefined) throw new Error(`${strategy}: no failed verdict recorded`);
  const oldAt = allOldFrom(report, failedAt);
  if (oldAt === undefined) throw new Error(`${strategy}: v1 never served all traffic again`);
  const appErrors = report.errors['HTTP 500'] ?? 0;
  return {
    strategy,
    round,
    verdictToOldMs: oldAt - failedAt,
    verdictToUndoneMs: returnedAt - failedAt,
    appErrors,
    connectionErrors: report.failed - appErrors,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const nginx = await startNginx(PORTS.nginx, 'tg-rollbackbench-nginx-');
  const haproxy = await startHaproxy(PORTS.haproxyHealth, 'tg-rollbackbench-haproxy-');
  const proxy = createProxy({
    kind: 'haproxy',
    app: apps.web,
    nginx: {
      confDir: nginx.confDir,
      testCommand: nginx.testCommand,
      reloadCommand: nginx.reloadCommand,
    },
    haproxy: {
      socket: haproxy.socket,
      configFile: haproxy.configFile,
      reloadCommand: haproxy.reloadCommand,
      frontendPort: PORTS.frontend,
    },
  });
  const rows: Row[] = [];
  const starts: number[] = [];
  try {
    for (const strategy of ['blue-green', 'handover'] as const) {
      const r = await deploy(inputs(strategy, env.SANDBOX_IMAGE_WEB_V1!), {
        exec,
        host: hostPrimitives,
        proxy: strategy === 'handover' ? undefined : proxy,
        clock: systemClock,
        log: quiet,
        holder: { runId: `${process.pid}`, actor: 'bench' },
        releaseId: releaseId(),
      });
      if (!r.result?.ok) throw new Error(`v1 (${strategy}) did not deploy`);
    }
    await nginx.addLocation(
      exec,
      `tg-${apps.web}`,
      `location /${apps.web}/ {\n    proxy_pass http://tg_${apps.web}/;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n}\n`,
    );
    for (let round = 1; round <= ROUNDS; round++) {
      starts.push(await containerStartMs());
      for (const strategy of STRATEGIES) {
        const row = await once(strategy, round, proxy, nginx.url);
        rows.push(row);
        console.error(`round ${round} ${strategy}: ${JSON.stringify(row)}`);
      }
    }
  } finally {
    for (const app of Object.values(apps)) {
      const ids = (
        await exec.run(['docker', 'ps', '-aq', '--filter', `label=tg-devops.app=${app}`])
      ).stdout
        .split('\n')
        .filter(Boolean);
      if (ids.length) await exec.run(['docker', 'rm', '-f', ...ids], { allowFailure: true });
      await exec.run(['rm', '-rf', `${env.SANDBOX_STATE_BASE}/${app}`], { allowFailure: true });
    }
    await nginx.stop();
    await haproxy.stop();
  }
  const start = median(starts);
  console.log(
    `\nFailed verdict -> old release serving all traffic (webbot, ${RATE} rps keep-alive, ${ROUNDS} round(s); median of rounds)`,
  );
  console.log(
    `app container start (docker run -> /health 200), same run: ${start.toFixed(0)} ms (samples ${starts.map((s) => s.toFixed(0)).join(', ')})\n`,
  );
  console.log(
    '| strategy | verdict -> old serves all (ms) | ratio to container start | verdict -> undos done (ms) | v2 500s | connection errors | rounds |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const strategy of STRATEGIES) {
    const mine = rows.filter((r) => r.strategy === strategy);
    const t = median(mine.map((r) => r.verdictToOldMs));
    console.log(
      `| ${strategy} | ${t.toFixed(0)} (${mine.map((r) => r.verdictToOldMs.toFixed(0)).join(', ')}) | ${(t / start).toFixed(2)} | ${median(mine.map((r) => r.verdictToUndoneMs)).toFixed(0)} | ${mine.map((r) => r.appErrors).join(', ')} | ${mine.map((r) => r.connectionErrors).join(', ')} | ${mine.length} |`,
    );
  }
  console.log(
    '\nblue-green and canary: observed through nginx -> HAProxy; the old color never stopped, so only the route moves. ' +
      "handover: observed on v1's own port; the old container must start again; its connection errors are requests to v1's port while v1 was stopped (all of v2's life), not losses of the rollback.",
  );
}

await main();
