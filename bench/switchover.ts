/**
 * npm run bench switchover: what a whole deploy costs, per strategy, measured side by side in
 * one run against the sandbox (real dockerd, registry, sshd; a private nginx + HAProxy from
 * tests/helpers/proxy-stack.ts; the webbot and pollbot test images; a local getUpdates stand-in).
 * Every deploy goes through a real SSH session as the deploy user, like production.
 *
 *   blue-green   webbot v1 -> v2 behind nginx -> HAProxy, load from a second process
 *   canary       v2 -> v3 (APP_VERSION) at 10/50/100, step-interval 1 s
 *   handover     pollbot v1 -> v2 (no proxy), the gap from docker's timestamps and from the Bot API
 *
 * Columns: requests sent / failed (fresh + keep-alive clients, BENCH_RATE each), p99 during the
 * switch vs p99 at rest (2 s before the deploy) and their ratio, handover gap, SSH connections
 * opened and remote commands (round trips) per deploy, total deploy time, and the time spent
 * beyond the app's own start and health waits (total - waiting on gates, drain and canary holds).
 * Bounded: 3 deploys (+2 set-up deploys), BENCH_RATE (default 30, at most 60) requests/s per
 * client mode: the busybox bot forks a shell per request on a shared 2-core machine.
 */
import { readFileSync } from 'node:fs';
import { systemClock } from '../src/clock.js';
import { buildConfig, type RawDeployInputs } from '../src/deploy/config.js';
import { deploy, type DeployReport } from '../src/deploy/engine.js';
import { hostPrimitives } from '../src/deploy/ports.js';
import { consoleLog, type Log } from '../src/log.js';
import { createProxy, type TrafficProxy } from '../src/proxy/index.js';
import { removeSshMaterial, writeSshMaterial } from '../src/ssh/secrets.js';
import { openSession, type SshSession } from '../src/ssh/session.js';
import { parseHost } from '../src/ssh/target.js';
import { startFakeTelegram } from '../tests/helpers/fake-telegram.js';
import { percentiles, startLoad, type LoadReport } from '../tests/helpers/load.js';
import { startHaproxy, startNginx } from '../tests/helpers/proxy-stack.js';
import { sandboxEnv } from '../tests/helpers/sandbox.js';

const RATE = Math.min(Number(process.env.BENCH_RATE ?? 30), 60);
const PORTS = {
  blue: 21400,
  green: 21401,
  frontend: 21402,
  nginx: 21403,
  haproxyHealth: 21404,
  telegram: 21405,
};
const REST_MS = 2000;
const env = sandboxEnv();
const app = `deploy-bench-${process.pid}`;
const pollApp = `deploy-benchp-${process.pid}`;
const quiet: Log = { ...consoleLog(() => undefined), group: (_t, body) => body() };

interface Row {
  strategy: string;
  sent: number;
  failed: number;
  p99Rest: number;
  p99Switch: number;
  gapMs?: number;
  apiGapMs?: number;
  connections: number;
  commands: number;
  totalMs: number;
  ownMs: number;
}

const target = parseHost(`${env.SANDBOX_SSH_USER}@${env.SANDBOX_SSH_HOST}:${env.SANDBOX_SSH_PORT}`);
const material = await writeSshMaterial({
  privateKey: readFileSync(env.SANDBOX_SSH_KEY!, 'utf8'),
  knownHosts: readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8'),
  targets: [target],
  log: quiet,
});
const nginx = await startNginx(PORTS.nginx, 'tg-deploybench-nginx-');
const haproxy = await startHaproxy(PORTS.haproxyHealth, 'tg-deploybench-haproxy-');
const telegram = await startFakeTelegram({
  port: PORTS.telegram,
  token: '1:bench',
  maxPollSeconds: 3,
});
const proxy: TrafficProxy = createProxy({
  kind: 'haproxy',
  app,
  // over SSH the deploy user's PATH has no /usr/sbin: name the binaries in full
  nginx: {
    confDir: nginx.confDir,
    testCommand: sbin(nginx.testCommand),
    reloadCommand: sbin(nginx.reloadCommand),
  },
  haproxy: {
    socket: haproxy.socket,
    configFile: haproxy.configFile,
    reloadCommand: haproxy.reloadCommand,
    frontendPort: PORTS.frontend,
    checkCommand: ['/usr/sbin/haproxy', '-c', '-q', '-f', '{config}'],
  },
});
function sbin(argv: string[]): string[] {
  return argv.map((a, i) => (i === 0 && (a === 'nginx' || a === 'haproxy') ? `/usr/sbin/${a}` : a));
}

const common = (name: string, image: string): RawDeployInputs => ({
  app: name,
  image,
  'bot-mode': 'webhook',
  registry: env.SANDBOX_REGISTRY,
  'registry-username': env.SANDBOX_REGISTRY_USER,
  'registry-password': env.SANDBOX_REGISTRY_PASSWORD,
  'state-dir': env.SANDBOX_STATE_BASE,
  'gate-window': '2',
  'drain-seconds': '2',
  'stop-grace': '5',
  'step-interval': '1',
  'health-timeout': '20',
});
const web = (image: string, extra: Partial<RawDeployInputs> = {}) =>
  buildConfig({
    ...common(app, image),
    'health-path': '/health',
    'host-ports': `${PORTS.blue},${PORTS.green}`,
    proxy: 'haproxy',
    ...extra,
  });

async function withSession<T>(
  body: (s: SshSession) => Promise<T>,
): Promise<{ value: T; s: SshSession }> {
  const s = await openSession(target, {
    privateKeyFile: material.privateKeyFile,
    knownHostsFile: material.knownHostsFile,
    controlDir: material.controlDir,
  });
  try {
    return { value: await body(s), s };
  } finally {
    await s.close();
  }
}

const run = (
  s: SshSession,
  config: ReturnType<typeof buildConfig>,
  releaseId: string,
  hooks = {},
) =>
  deploy(config, {
    exec: s,
    host: hostPrimitives,
    proxy: config.proxy === 'none' ? undefined : proxy,
    clock: systemClock,
    log: quiet,
    holder: { runId: 'bench', actor: 'bench' },
    releaseId,
    hooks,
  });

const p99Between = (reports: LoadReport[], from: number, to: number) =>
  percentiles(
    reports.flatMap((r) =>
      (r.samples ?? [])
        .filter(([start]) => r.startedAt + start >= from && r.startedAt + start < to)
        .map(([, ms]) => ms),
    ),
  ).p99;

async function underLoad(
  strategy: string,
  config: ReturnType<typeof buildConfig>,
  releaseId: string,
): Promise<Row> {
  const url = `${nginx.url}/${app}/webhook`;
  const loads = (['fresh', 'keepalive'] as const).map((mode) =>
    startLoad({ url, rate: RATE, mode, connections: 4, samples: true, maxDurationMs: 180_000 }),
  );
  await Promise.all(loads.map((l) => l.ready));
  const restFrom = Date.now();
  await new Promise((r) => setTimeout(r, REST_MS));
  let switchFrom = 0;
  let switchTo = 0;
  const hooks = {
    afterStep: async (step: { id: string }) => {
      if (step.id === 'ready') switchFrom = Date.now();
      if (step.id.startsWith('drain') || step.id.startsWith('stop-')) switchTo = Date.now();
    },
  };
  const { value: report, s } = await withSession((s) => run(s, config, releaseId, hooks));
  await new Promise((r) => setTimeout(r, 1000));
  const reports = await Promise.all(loads.map((l) => l.stop()));
  return row(
    strategy,
    report,
    s,
    reports,
    p99Between(reports, restFrom, restFrom + REST_MS),
    p99Between(reports, switchFrom, switchTo || Date.now()),
  );
}

function row(
  strategy: string,
  report: DeployReport,
  s: SshSession,
  loads: LoadReport[],
  p99Rest: number,
  p99Switch: number,
): Row {
  return {
    strategy,
    sent: loads.reduce((n, r) => n + r.sent, 0),
    failed: loads.reduce((n, r) => n + r.failed, 0),
    p99Rest,
    p99Switch,
    gapMs: report.facts.gapMs,
    connections: s.stats.connectionsOpened,
    commands: s.stats.commands,
    totalMs: report.totalMs,
    ownMs: report.totalMs - report.facts.waitMs,
  };
}

const rows: Row[] = [];
try {
  // set-up: v1 live behind nginx -> HAProxy
  await withSession((s) => run(s, web(env.SANDBOX_IMAGE_WEB_V1!), '20260101-000001'));
  await nginx.addLocation(
    {
      where: 'local',
      run: (argv, o) => import('../src/exec.js').then((m) => m.localExecutor().run(argv, o)),
    },
    `tg-${app}`,
    `location /${app}/ {\n    proxy_pass http://tg_${app}/;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n}\n`,
  );
  rows.push(await underLoad('blue-green', web(env.SANDBOX_IMAGE_WEB_V2!), '20260101-000002'));
  rows.push(
    await underLoad(
      'canary 10/50/100',
      web(env.SANDBOX_IMAGE_WEB_V2!, { strategy: 'canary', env: 'APP_VERSION=v3\n' }),
      '20260101-000003',
    ),
  );

  // handover: pollbot v1 -> v2 on the host network, polling the local getUpdates stand-in
  const poll = (image: string) =>
    buildConfig({
      ...common(pollApp, image),
      'bot-mode': 'polling',
      network: 'host',
      env: `BOT_TOKEN=1:bench\nTELEGRAM_API_URL=${telegram.url}\nPOLL_TIMEOUT=3\n`,
    });
  await withSession((s) => run(s, poll(env.SANDBOX_IMAGE_POLL_V1!), '20260101-000001'));
  await new Promise((r) => setTimeout(r, 1000));
  const from = Date.now();
  const conflicts = telegram.conflicts();
  const { value: report, s } = await withSession((s) =>
    run(s, poll(env.SANDBOX_IMAGE_POLL_V2!), '20260101-000002'),
  );
  await new Promise((r) => setTimeout(r, 2000));
  const r = row('handover', report, s, [], 0, 0);
  r.apiGapMs = telegram.longestGapMs(from);
  rows.push(r);
  if (telegram.conflicts() !== conflicts)
    console.log(
      `WARNING: ${telegram.conflicts() - conflicts} getUpdates conflicts during the handover`,
    );
} finally {
  const cleanup = localDocker();
  for (const name of [app, pollApp]) {
    const ids = (
      await cleanup.run(['docker', 'ps', '-aq', '--filter', `label=tg-devops.app=${name}`])
    ).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length) await cleanup.run(['docker', 'rm', '-f', ...ids], { allowFailure: true });
    await cleanup.run(['rm', '-rf', `${env.SANDBOX_STATE_BASE}/${name}`], { allowFailure: true });
  }
  await nginx.stop();
  await haproxy.stop();
  await telegram.close();
  removeSshMaterial(material.dir, { controlDir: material.controlDir });
}

function localDocker() {
  return {
    run: async (argv: readonly string[], o = {}) =>
      (await import('../src/exec.js'))
        .localExecutor({ env: { DOCKER_HOST: env.DOCKER_HOST } })
        .run(argv, o),
  };
}

const f = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(n < 10 ? 1 : 0));
console.log(
  `\nswitchover, ${RATE} req/s per client mode (fresh + keep-alive), through nginx -> HAProxy; deploys over SSH as ${target.user}`,
);
console.log(
  '| strategy | sent | failed | p99 rest ms | p99 switch ms | ratio | handover gap ms (docker / Bot API) | ssh conns | remote cmds | deploy s | beyond app waits s |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  const ratio = r.p99Rest ? (r.p99Switch / r.p99Rest).toFixed(2) : '-';
  console.log(
    `| ${r.strategy} | ${r.sent || '-'} | ${r.sent ? r.failed : '-'} | ${r.sent ? f(r.p99Rest) : '-'} | ${r.sent ? f(r.p99Switch) : '-'} | ${ratio} | ${r.gapMs === undefined ? '-' : `${r.gapMs} / ${r.apiGapMs}`} | ${r.connections} | ${r.commands} | ${(r.totalMs / 1000).toFixed(1)} | ${(r.ownMs / 1000).toFixed(1)} |`,
  );
}
