/**
 * npm run bench rollback: how a rollback treats the traffic, per strategy and per proxy, side by
 * side in one run, against the sandbox (real sshd, dockerd, registry, webbot images), a private
 * nginx + HAProxy (tests/helpers/proxy-stack.ts), with the deploy and rollback ACTIONS run the
 * way a runner runs them (tests/helpers/action-entry.ts), under load from a second process:
 * fresh-connection AND kept-alive clients, BENCH_RATE requests/s each, through nginx.
 *
 * Per proxy (nginx: reload per switch; haproxy: nginx -> HAProxy runtime API), per round:
 *  - automatic, per strategy (blue-green, canary, handover): v1 serves; a v2 that passes its start
 *    gate but answers 500 (ERROR_RATE=100) is deployed with a window check (verify-http-url) on a
 *    stand-in that answers 500: the FAILED VERDICT is the moment the stand-in answered, and the
 *    deploy's undos put v1 back;
 *  - manual: v2 deployed for good, then the rollback action back to v1 (from its start).
 *
 * Columns: the time to the OLD RELEASE SERVING ALL TRAFFIC (the first moment after which every
 * answer is v1) and its ratio to the app's own container start (docker run -> /health 200, same
 * run); requests that FAILED under load (fresh / keep-alive, v2's own 500s not counted: the proxy
 * path's losses) and v2's own 500s. Bounded: BENCH_ROUNDS (default 1, at most 3).
 */
import http from 'node:http';
import { runEntry, type EntryResult } from '../tests/helpers/action-entry.js';
import {
  commandInput,
  env,
  hostExec,
  registryInputs,
  removeApp,
  sshInputs,
} from '../tests/helpers/deploy-host.js';
import { underLoad, type AroundOptions, type LoadReport } from '../tests/helpers/load.js';
import {
  appLocation,
  startHaproxy,
  startNginx,
  type Haproxy,
  type Nginx,
} from '../tests/helpers/proxy-stack.js';

const ROUNDS = Math.max(1, Math.min(Number(process.env.BENCH_ROUNDS ?? 1), 3));
const RATE = Math.max(10, Math.min(Number(process.env.BENCH_RATE ?? 50), 100));
const PORTS = { nginx: 22171, haproxyHealth: 22172, start: 22180, verdict: 22181 };
type Proxy = 'nginx' | 'haproxy';
type Run = 'blue-green' | 'canary' | 'handover' | 'manual';
const RUNS: Run[] = ['blue-green', 'canary', 'handover', 'manual'];
const PROXIES: Proxy[] = ['nginx', 'haproxy'];
const tag = `${process.pid % 100000}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface App {
  name: string;
  proxy: Proxy;
  handover: boolean;
  ports: [number, number];
  frontend: number;
}

/** One app per (proxy, blue-green/canary) and per (proxy, handover): 22150-22169. */
function appFor(proxy: Proxy, handover: boolean): App {
  const base = 22150 + (proxy === 'haproxy' ? 10 : 0) + (handover ? 5 : 0);
  return {
    name: `bench-rb-${proxy === 'nginx' ? 'n' : 'h'}${handover ? 'h' : 'b'}-${tag}`,
    proxy,
    handover,
    ports: [base, base + 1],
    frontend: base + 2,
  };
}

function inputs(stack: { nginx: Nginx; haproxy: Haproxy }, app: App): Record<string, string> {
  const { nginx, haproxy } = stack;
  return {
    ...sshInputs(),
    app: app.name,
    proxy: app.proxy,
    'nginx-conf-dir': nginx.confDir,
    'nginx-test-command': commandInput(nginx.testCommand),
    'nginx-reload-command': commandInput(nginx.reloadCommand),
    ...(app.proxy === 'haproxy'
      ? {
          'haproxy-socket': haproxy.socket,
          'haproxy-config': haproxy.configFile,
          'haproxy-reload-command': commandInput(haproxy.reloadCommand),
          'haproxy-check-command': '/usr/sbin/haproxy -c -q -f {config}',
          'haproxy-frontend-port': String(app.frontend),
        }
      : {}),
    'health-path': '/health',
    'drain-seconds': '2',
    'stop-grace': '3',
    'health-timeout': '20',
    'lock-timeout': '60',
  };
}

function deployInputs(
  stack: { nginx: Nginx; haproxy: Haproxy },
  app: App,
  image: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...inputs(stack, app),
    ...registryInputs(),
    image,
    'bot-mode': 'webhook',
    strategy: app.handover ? 'handover' : 'blue-green',
    'host-ports': app.ports.join(','),
    'canary-steps': '10,100',
    'step-interval': '1',
    'gate-window': '5',
    ...extra,
  };
}

function ok(run: EntryResult, what: string): EntryResult {
  if (run.status !== 0) throw new Error(`${what} failed:\n${run.stdout}\n${run.stderr}`);
  return run;
}

/** The window check's stand-in: always 500; remembers when it first answered after arm(). */
async function startVerdict(port: number) {
  let armedAt = Infinity;
  let firstAt: number | undefined;
  const server = http.createServer((req, res) => {
    req.resume();
    if (Date.now() >= armedAt) firstAt ??= Date.now();
    res.writeHead(500, { 'content-length': '0', connection: 'close' });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}/verdict`,
    arm: () => {
      armedAt = Date.now();
      firstAt = undefined;
    },
    firstAt: () => firstAt,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** docker run -> /health 200, the app's own start time (ms). */
async function containerStartMs(): Promise<number> {
  const name = `bench-rb-start-${tag}`;
  await hostExec.run(['docker', 'rm', '-f', name], { allowFailure: true });
  const started = performance.now();
  await hostExec.run([
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
      const up = await fetch(`http://127.0.0.1:${PORTS.start}/health`, {
        signal: AbortSignal.timeout(1000),
      })
        .then((r) => r.ok)
        .catch(() => false);
      if (up) return performance.now() - started;
      await sleep(10);
    }
    throw new Error('the start-time container never answered /health');
  } finally {
    await hostExec.run(['docker', 'rm', '-f', name], { allowFailure: true });
  }
}

/** The first moment (epoch ms) at or after `from` after which every answer is `version`. */
function allFrom(reports: LoadReport[], from: number, version: string): number | undefined {
  const samples = reports.flatMap((r) =>
    (r.samples ?? []).map(([start, , outcome]) => ({
      at: r.startedAt + start,
      good: outcome === `ok:${version}`,
    })),
  );
  let lastBad = -Infinity;
  for (const s of samples) if (!s.good) lastBad = Math.max(lastBad, s.at);
  return samples
    .filter((s) => s.good && s.at > lastBad && s.at >= from)
    .sort((a, b) => a.at - b.at)[0]?.at;
}

interface Row {
  proxy: Proxy;
  run: Run;
  toOldMs: number;
  failed: { fresh: number; keepalive: number };
  own500: number;
  note: string;
}

/** Both client kinds at RATE requests/s each, with per-request samples for the timings. */
const loadOn = (url: string): AroundOptions => ({
  url,
  rate: RATE,
  samples: true,
  timeoutMs: 15_000,
  maxDurationMs: 300_000,
});

function failures(reports: LoadReport[]) {
  const lost = (r: LoadReport) => r.failed - (r.errors['HTTP 500'] ?? 0);
  const by = (mode: string) => reports.find((r) => r.mode === mode)!;
  return {
    failed: { fresh: lost(by('fresh')), keepalive: lost(by('keepalive')) },
    own500: reports.reduce((n, r) => n + (r.errors['HTTP 500'] ?? 0), 0),
  };
}

async function once(
  stack: { nginx: Nginx; haproxy: Haproxy },
  verdict: Awaited<ReturnType<typeof startVerdict>>,
  proxy: Proxy,
  run: Run,
): Promise<Row> {
  const app = appFor(proxy, run === 'handover');
  const url = `${stack.nginx.url}/${app.name}/webhook`;
  if (run === 'manual') {
    ok(await runEntry('deploy', deployInputs(stack, app, env.SANDBOX_IMAGE_WEB_V2!)), 'v2');
    await sleep(1000);
    let startedAt = 0;
    const { outcome, reports } = await underLoad(loadOn(url), () => {
      startedAt = Date.now();
      return runEntry('rollback', { ...inputs(stack, app), proxy: 'auto', 'gate-window': '2' });
    });
    ok(outcome, 'the manual rollback');
    const oldAt = allFrom(reports, startedAt, 'v1');
    if (oldAt === undefined) throw new Error(`${proxy} manual: v1 never served all traffic`);
    return { proxy, run, toOldMs: oldAt - startedAt, ...failures(reports), note: 'from its start' };
  }
  const extra: Record<string, string> = {
    env: 'ERROR_RATE=100\n',
    'verify-http-url': verdict.url,
    ...(run === 'canary' ? { strategy: 'canary' } : {}),
  };
  verdict.arm();
  const { outcome, reports } = await underLoad(loadOn(url), () =>
    runEntry('deploy', deployInputs(stack, app, env.SANDBOX_IMAGE_WEB_V2!, extra)),
  );
  if (outcome.status === 0 || !/rolled back to/.test(outcome.errors.join('\n')))
    throw new Error(`${proxy} ${run}: the failing v2 was not rolled back:\n${outcome.stdout}`);
  const failedAt = verdict.firstAt();
  if (failedAt === undefined) throw new Error(`${proxy} ${run}: no failed verdict`);
  const oldAt = allFrom(reports, failedAt, 'v1');
  if (oldAt === undefined) throw new Error(`${proxy} ${run}: v1 never served all traffic again`);
  return { proxy, run, toOldMs: oldAt - failedAt, ...failures(reports), note: 'from the verdict' };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const nginx = await startNginx(PORTS.nginx, 'tg-rollbackbench-nginx-');
  const haproxy = await startHaproxy(PORTS.haproxyHealth, 'tg-rollbackbench-haproxy-');
  const stack = { nginx, haproxy };
  const verdict = await startVerdict(PORTS.verdict);
  const rows: Row[] = [];
  const skipped: string[] = [];
  const starts: number[] = [];
  const apps = PROXIES.flatMap((p) => [appFor(p, false), appFor(p, true)]);
  try {
    for (const app of apps) {
      const first = await runEntry('deploy', deployInputs(stack, app, env.SANDBOX_IMAGE_WEB_V1!));
      if (first.status !== 0) {
        // e.g. a combination the deploy refuses: say so in the table instead of a number
        skipped.push(
          `${app.proxy} ${app.handover ? 'handover' : 'blue-green'}: ${first.errors[0]}`,
        );
        continue;
      }
      const location = `tg-${app.name}`;
      await nginx
        .addLocation(hostExec, location, appLocation(app.name))
        .catch(async (error: Error) => {
          // no upstream for this app (its deploy set none up): leave nginx as it was
          await nginx.removeLocation(hostExec, location).catch(() => undefined);
          skipped.push(
            `${app.proxy} ${app.handover ? 'handover' : 'blue-green'}: ${error.message.split('\n')[1] ?? error.message}`,
          );
        });
    }
    await sleep(1000); // nginx's new workers serve the locations
    for (let round = 1; round <= ROUNDS; round++) {
      starts.push(await containerStartMs());
      for (const proxy of PROXIES)
        for (const run of RUNS) {
          const what = `${proxy} ${run === 'handover' ? 'handover' : 'blue-green'}`;
          if (skipped.some((s) => s.startsWith(`${what}:`))) continue;
          const row = await once(stack, verdict, proxy, run).catch((error: Error) => {
            skipped.push(`${proxy} ${run} (round ${round}): ${error.message.split('\n')[0]}`);
            return undefined;
          });
          if (row) rows.push(row);
          console.error(`round ${round} ${proxy} ${run}: ${JSON.stringify(row)}`);
        }
    }
  } finally {
    for (const app of apps) await removeApp(app.name);
    await verdict.close();
    await nginx.stop();
    await haproxy.stop();
  }
  const start = median(starts);
  console.log(
    `\nRollback under load: webbot behind nginx (reload) and nginx -> HAProxy (runtime API), ` +
      `${RATE} req/s fresh + ${RATE} req/s keep-alive, ${ROUNDS} round(s), medians`,
  );
  console.log(
    `app container start (docker run -> /health 200), same run: ${start.toFixed(0)} ms\n`,
  );
  console.log(
    '| rollback | proxy | -> old serves all (ms) | ratio to container start | failed under load (fresh / keep-alive) | v2 own 500s | rounds |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const run of RUNS)
    for (const proxy of PROXIES) {
      const mine = rows.filter((r) => r.run === run && r.proxy === proxy);
      if (!mine.length) {
        console.log(`| ${run} | ${proxy} | - | - | - | - | 0 |`);
        continue;
      }
      const t = median(mine.map((r) => r.toOldMs));
      console.log(
        `| ${run === 'manual' ? 'manual (action)' : `${run} (auto)`} | ${proxy} | ${t.toFixed(0)} ${mine[0]!.note} | ` +
          `${(t / start).toFixed(2)} | ${mine.map((r) => `${r.failed.fresh} / ${r.failed.keepalive}`).join(', ')} | ` +
          `${mine.map((r) => r.own500).join(', ')} | ${mine.length} |`,
      );
    }
  if (skipped.length) console.log(`\nnot measured:\n${skipped.map((s) => `- ${s}`).join('\n')}`);
  console.log(
    '\nfailed = requests the proxy path lost (connection errors, 502/503, timeouts) while the rollback ran; ' +
      "v2's own 500s (the broken release answering before the verdict) are counted apart. " +
      'handover: both releases share nothing but the route, so the requests in its gap (v2 stopped, ' +
      'v1 starting again) fail by design; blue-green and canary keep the old color running. ' +
      'manual: from the start of the rollback action (node, SSH, probe, gate, switch).',
  );
}

await main();
