/**
 * npm run bench reload: what a traffic switch costs the clients, side by side in one run.
 *
 * A private nginx and HAProxy (tests/helpers/proxy-stack.ts), two node backends answering v1
 * and v2 (keep-alive, thousands of requests/s: the busybox test bot is the bottleneck at these
 * rates), and load from a second process (tests/helpers/load.ts). For each switch and each client
 * mode: 2 s at rest, then SWITCHES switches one second apart under the same load.
 *
 *   nginx-reload      the baseline: include file + nginx -t + graceful reload (src/proxy nginx)
 *   haproxy-runtime   the runtime API behind a fixed nginx upstream (src/proxy haproxy)
 *   haproxy-reload    for comparison: a seamless HAProxy reload (master-worker, USR2) per switch,
 *                     what adding an app to a shared HAProxy costs the apps already on it
 *
 * Columns: requests sent and failed (with codes), p99 latency of the requests that started
 * within 300 ms after a switch began vs. p99 at rest (and their ratio), and the mean time a
 * switch call took. Bounded: BENCH_RATE (default 500, at most 1000) requests/s per run,
 * BENCH_SWITCHES (default 10, at most 10) switches, about 13 s per row, 6 rows.
 */
import { localExecutor } from '../src/exec.js';
import { createProxy, type Backend, type Color, type RemovableProxy } from '../src/proxy/index.js';
import { percentiles, startLoad, type LoadMode, type LoadReport } from '../tests/helpers/load.js';
import {
  asUser,
  startBackends,
  startHaproxy,
  startNginx,
  type Haproxy,
  type Nginx,
} from '../tests/helpers/proxy-stack.js';

const RATE = Math.min(Number(process.env.BENCH_RATE ?? 500), 1000);
const SWITCHES = Math.min(Number(process.env.BENCH_SWITCHES ?? 10), 10);
const PORTS = { blue: 21610, green: 21611, nginx: 21670, haproxyHealth: 21671, frontend: 21672 };
const REST_MS = 2000;
const WINDOW_MS = 300;

type Kind = 'nginx-reload' | 'haproxy-runtime' | 'haproxy-reload';

interface Row {
  kind: Kind;
  mode: LoadMode;
  sent: number;
  failed: number;
  errors: string;
  p99Rest: number;
  p99Switch: number;
  switchMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exec = asUser('tgdeploy', localExecutor());

const only = (to: Color): Backend[] => [
  { color: 'blue', port: PORTS.blue, weight: to === 'blue' ? 100 : 0 },
  { color: 'green', port: PORTS.green, weight: to === 'green' ? 100 : 0 },
];

async function measure(
  kind: Kind,
  mode: LoadMode,
  url: string,
  doSwitch: (to: Color) => Promise<void>,
): Promise<Row> {
  const load = startLoad({
    url,
    rate: RATE,
    mode,
    connections: 16,
    timeoutMs: 10_000,
    maxDurationMs: 60_000,
    samples: true,
  });
  await load.ready;
  await sleep(REST_MS);
  const switches: [number, number][] = [];
  let color: Color = 'blue';
  for (let i = 0; i < SWITCHES; i++) {
    color = color === 'blue' ? 'green' : 'blue';
    const start = Date.now();
    await doSwitch(color);
    switches.push([start, Date.now()]);
    await sleep(1000);
  }
  const report = await load.stop();
  // back to blue for the next row (outside the measurement)
  if (color !== 'blue') await doSwitch('blue');
  return summarize(kind, mode, report, switches);
}

function summarize(kind: Kind, mode: LoadMode, r: LoadReport, switches: [number, number][]): Row {
  const rest: number[] = [];
  const during: number[] = [];
  const firstSwitch = switches[0]?.[0] ?? Infinity;
  for (const [offset, latency] of r.samples ?? []) {
    const at = r.startedAt + offset;
    // skip the first 500 ms (connection set-up) in the rest window
    if (at < firstSwitch && offset > 500) rest.push(latency);
    else if (switches.some(([s, e]) => at >= s && at < Math.max(e, s + WINDOW_MS)))
      during.push(latency);
  }
  return {
    kind,
    mode,
    sent: r.sent,
    failed: r.failed,
    errors:
      Object.entries(r.errors)
        .map(([c, n]) => `${c}=${n}`)
        .join(' ') || '-',
    p99Rest: percentiles(rest).p99,
    p99Switch: percentiles(during).p99,
    switchMs: switches.reduce((sum, [s, e]) => sum + (e - s), 0) / Math.max(1, switches.length),
  };
}

async function main(): Promise<void> {
  const backends = await startBackends([
    { port: PORTS.blue, version: 'v1' },
    { port: PORTS.green, version: 'v2' },
  ]);
  let nginx: Nginx | undefined;
  let haproxy: Haproxy | undefined;
  const rows: Row[] = [];
  try {
    nginx = await startNginx(PORTS.nginx, 'tg-proxytest-bench-nginx-');
    haproxy = await startHaproxy(PORTS.haproxyHealth, 'tg-proxytest-bench-haproxy-');
    const settings = (kind: 'nginx' | 'haproxy', app: string) => ({
      kind,
      app,
      nginx: {
        confDir: nginx!.confDir,
        testCommand: nginx!.testCommand,
        reloadCommand: nginx!.reloadCommand,
      },
      haproxy: {
        socket: haproxy!.socket,
        configFile: haproxy!.configFile,
        reloadCommand: haproxy!.reloadCommand,
        frontendPort: PORTS.frontend,
      },
    });
    const expose = async (proxy: RemovableProxy, app: string) => {
      await proxy.route(exec, only('blue'));
      await nginx!.addLocation(
        exec,
        `tg-${app}`,
        `location /${app}/ {\n    proxy_pass http://tg_${app}/;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n}\n`,
      );
      return `${nginx!.url}/${app}/webhook`;
    };
    const viaNginx = createProxy(settings('nginx', 'proxytest-bench-ngx'));
    const viaHaproxy = createProxy(settings('haproxy', 'proxytest-bench-hap'));
    const ngxUrl = await expose(viaNginx, 'proxytest-bench-ngx');
    const hapUrl = await expose(viaHaproxy, 'proxytest-bench-hap');
    console.log(
      `rate ${RATE}/s per row, ${SWITCHES} switches 1 s apart after ${REST_MS / 1000} s at rest; ` +
        `p99 while switching = requests started within ${WINDOW_MS} ms after a switch began`,
    );
    for (const mode of ['fresh', 'keepalive'] as const) {
      rows.push(
        await measure('nginx-reload', mode, ngxUrl, (to) => viaNginx.route(exec, only(to))),
      );
      rows.push(
        await measure('haproxy-runtime', mode, hapUrl, (to) => viaHaproxy.route(exec, only(to))),
      );
      rows.push(
        await measure('haproxy-reload', mode, hapUrl, async () => {
          await exec.run(haproxy!.reloadCommand);
        }),
      );
    }
    await nginx.removeLocation(exec, 'tg-proxytest-bench-ngx');
    await nginx.removeLocation(exec, 'tg-proxytest-bench-hap');
  } finally {
    await nginx?.stop();
    await haproxy?.stop();
    await backends.stop();
  }
  print(rows);
}

function print(rows: Row[]): void {
  const head = [
    'switch',
    'clients',
    'sent',
    'failed',
    'errors',
    'p99 rest ms',
    'p99 switching ms',
    'ratio',
    'switch call ms',
  ];
  const body = rows.map((r) => [
    r.kind,
    r.mode,
    String(r.sent),
    String(r.failed),
    r.errors,
    r.p99Rest.toFixed(1),
    r.p99Switch.toFixed(1),
    r.p99Rest > 0 ? `${(r.p99Switch / r.p99Rest).toFixed(1)}x` : '-',
    r.switchMs.toFixed(0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

await main();
