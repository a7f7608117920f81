/**
 * The demo (npm run demo → scripts/demo.sh → this file): the whole pipeline on this machine,
 * against the sandbox's real services, by running the REAL action bundles (dist/<name>/index.js)
 * the way a runner does (scripts/demo/run-action.ts).
 *
 *   1. build and push the sample bot (examples/sample-bot) as 1.0.0, 2.0.0 and a broken 3.0.0
 *   2. deploy 1.0.0 over SSH (tgdeploy@127.0.0.1:2222, host key verified) behind nginx + HAProxy
 *   3. blue-green to 2.0.0 under load (fresh and keep-alive clients): failed requests must be 0
 *   4. deploy 3.0.0, which passes the start gate and dies 20 s later: verify fails, the previous
 *      image goes back through the same gates (as release.yml does)
 *   5. hand a long-polling bot over (v1 → v2) against a getUpdates stand-in: conflicts must be 0
 *   6. a timeline table
 *
 * Exits 1 when a step fails or a number is wrong. Full logs: /tmp/tg-devops-demo/demo-*.log.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localExecutor } from '../../src/exec.js';
import { writeFileAtomic } from '../../src/host/files.js';
import { recordingLog } from '../../src/log.js';
import { removeSshMaterial, writeSshMaterial } from '../../src/ssh/secrets.js';
import { openSession, type SshSession } from '../../src/ssh/session.js';
import { parseHost } from '../../src/ssh/target.js';
import { startFakeTelegram, type FakeTelegram } from '../../tests/helpers/fake-telegram.js';
import { startLoad, type LoadReport } from '../../tests/helpers/load.js';
import { ROOT, runAction, type ActionRun } from './run-action.js';

const WEB_APP = 'demo-bot';
const POLL_APP = 'demo-poll';
const PORTS = { blue: 21901, green: 21902, frontend: 21910, telegram: 21920 };
const POLL_PORTS = '21903,21904';
const TOKEN = '424242:demo-token-not-a-real-one';
const CRASH_AFTER_S = 20;
const LOAD_RATE = 40;
/** window: the deploy's own verify-window rolls back; verify-action: verify, then the rollback action (release.yml). */
const ROLLBACK = process.env.TG_DEMO_ROLLBACK === 'verify-action' ? 'verify-action' : 'window';
const VERIFY_WINDOW_S = 40;
/**
 * The traffic switch: HAProxy's runtime API behind nginx, without a reload, so kept-alive clients
 * lose nothing (an nginx reload loses about one kept-alive request per reload: docs/adr/0004).
 */
const PROXY = 'haproxy';

// ---------------------------------------------------------------- output

const isTty = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string, s: string) => (isTty ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = (s: string) => paint('1', s);
const green = (s: string) => paint('32', s);
const red = (s: string) => paint('31', s);
const dim = (s: string) => paint('2', s);
const say = (s = '') => process.stdout.write(`${s}\n`);
const fact = (s: string) => say(`  ${s}`);

const demoStart = Date.now();
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface TimelineRow {
  step: string;
  at: number;
  ms: number;
  result: 'ok' | 'FAILED' | 'expected failure' | 'skipped';
  numbers: string;
}
const timeline: TimelineRow[] = [];
const problems: string[] = [];

function expect(ok: boolean, what: string): boolean {
  if (!ok) problems.push(what);
  fact(`${ok ? green('✓') : red('✗')} ${what}`);
  return ok;
}

function section(n: string, title: string): void {
  say();
  say(bold(`── ${n}. ${title} ${'─'.repeat(Math.max(3, 66 - title.length))}`));
}

/** Lines of an action's log worth a line on screen; the rest goes to the log file. */
const KEY_LINES =
  /(pushed |builder:|lock (taken|acquired)|\bplan\b|health|gate|switch|traffic|rout|drain|stopped|handover|gap|rolled back|rollback|verdict|final|fail|refused|release .* is live|deployed|previous)/i;

/** Plan listings (the steps are shown as they run), undo notes and argv echoes stay in the log. */
const NOISE = /^\s*(\d+\.\s|undo:|\$ )/;

function shower(options: { annotations?: boolean } = {}, prefix = '    ') {
  return (line: string, kind: 'info' | 'error' | 'warning') => {
    if (kind === 'warning' && /mutable tag/.test(line)) return undefined;
    if (kind !== 'info' && options.annotations === false) return undefined;
    if (kind === 'info' && (!KEY_LINES.test(line) || NOISE.test(line))) return undefined;
    const text = line.length > 116 ? `${line.slice(0, 113)}...` : line;
    return dim(`${prefix}${kind === 'info' ? '' : `${kind}: `}${text.split('\n')[0]}`);
  };
}

// ---------------------------------------------------------------- setup

function loadEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) env[match[1]!] = match[2]!.replace(/^'(.*)'$/, '$1');
  }
  return env;
}

const SANDBOX_DIR = process.env.TG_SANDBOX_DIR ?? '/tmp/tg-devops-sandbox';
const env = loadEnvFile(join(SANDBOX_DIR, 'sandbox.env'));
const need = (key: string): string => {
  const value = env[key];
  if (!value)
    throw new Error(`${key} is missing from ${SANDBOX_DIR}/sandbox.env (is the sandbox up?)`);
  return value;
};
const REGISTRY = need('SANDBOX_REGISTRY');
const host = `${need('SANDBOX_SSH_USER')}@${need('SANDBOX_SSH_HOST')}:${need('SANDBOX_SSH_PORT')}`;
const sshKey = readFileSync(need('SANDBOX_SSH_KEY'), 'utf8');
const knownHosts = readFileSync(need('SANDBOX_SSH_KNOWN_HOSTS'), 'utf8');
/**
 * The deploy's haproxy-check-command: the sandbox's own check (SANDBOX_HAPROXY_TEST, a full path
 * to haproxy, since /usr/sbin is not on the deploy user's PATH over SSH) with its config file
 * replaced by {config}, the candidate the deploy writes.
 */
function haproxyCheckCommand(test: string, configFile: string): string {
  const words = test.trim().split(/\s+/);
  if (!words.includes(configFile))
    throw new Error(
      `SANDBOX_HAPROXY_TEST (${test}) does not name SANDBOX_HAPROXY_CFG (${configFile}): cannot make haproxy-check-command from it`,
    );
  return words.map((w) => (w === configFile ? '{config}' : w)).join(' ');
}
const HAPROXY_CHECK = haproxyCheckCommand(
  need('SANDBOX_HAPROXY_TEST'),
  need('SANDBOX_HAPROXY_CFG'),
);
const NGINX = need('SANDBOX_NGINX_URL');
const WEB_URL = `${NGINX}/${WEB_APP}/`;

const LOG_DIR = process.env.TG_DEMO_LOG_DIR ?? '/tmp/tg-devops-demo';
mkdirSync(LOG_DIR, { recursive: true });
const LOG_FILE = join(
  LOG_DIR,
  `demo-${new Date().toISOString().replace(/[:.]/g, '').slice(0, 15)}.log`,
);
writeFileSync(LOG_FILE, `tg-devops demo, ${new Date().toISOString()}\n`);

// The build action runs `docker` from PATH. Debian's 20.10 client (the sandbox's) builds with
// BuildKit without a buildx plugin; a newer client on PATH would refuse DOCKER_BUILDKIT=1.
const binDir = mkdtempSync(join(tmpdir(), 'tg-demo-bin-'));
const actionEnv: Record<string, string> = {
  DOCKER_HOST: need('DOCKER_HOST'),
  DOCKER_BUILDKIT: env.SANDBOX_DOCKER_BUILDKIT ?? '1',
  PATH: `${binDir}:${process.env.PATH ?? ''}`,
};
writeFileSync(join(binDir, 'docker'), `#!/bin/sh\nexec ${need('SANDBOX_DOCKER_CLI')} "$@"\n`, {
  mode: 0o755,
});

const act = (
  name: string,
  inputs: Record<string, string>,
  show: Parameters<typeof shower>[0] = {},
) => runAction(name, inputs, { logFile: LOG_FILE, show: shower(show), env: actionEnv });

const ssh = {
  hosts: host,
  'ssh-key': sshKey,
  'known-hosts': knownHosts,
};

function webDeployInputs(image: string): Record<string, string> {
  const dbUrl = `postgresql://${need('SANDBOX_PG_USER')}:${need('SANDBOX_PG_PASSWORD')}@127.0.0.1:${need('SANDBOX_PG_PORT')}/${need('SANDBOX_PG_DB')}`;
  return {
    ...ssh,
    app: WEB_APP,
    image,
    'bot-mode': 'webhook',
    strategy: 'blue-green',
    network: 'host',
    'host-ports': `${PORTS.blue},${PORTS.green}`,
    'health-path': '/health',
    env: [
      `BOT_TOKEN=${TOKEN}`,
      `WEBHOOK_SECRET=demo-webhook-secret`,
      `DATABASE_URL=${dbUrl}`,
      `REDIS_URL=redis://127.0.0.1:${need('SANDBOX_REDIS_PORT')}/0`,
      `BOT_NAMESPACE=demo`,
      `TELEGRAM_API_URL=http://127.0.0.1:${PORTS.telegram}`,
    ].join('\n'),
    registry: REGISTRY,
    'registry-username': need('SANDBOX_REGISTRY_USER'),
    'registry-password': need('SANDBOX_REGISTRY_PASSWORD'),
    'state-dir': need('SANDBOX_STATE_BASE'),
    proxy: PROXY,
    'haproxy-frontend-port': String(PORTS.frontend),
    'haproxy-socket': need('SANDBOX_HAPROXY_SOCKET'),
    'haproxy-config': need('SANDBOX_HAPROXY_CFG'),
    'haproxy-reload-command': need('SANDBOX_HAPROXY_RELOAD'),
    'haproxy-check-command': HAPROXY_CHECK,
    'nginx-conf-dir': need('SANDBOX_NGINX_CONF_DIR'),
    'nginx-test-command': need('SANDBOX_NGINX_TEST'),
    'nginx-reload-command': need('SANDBOX_NGINX_RELOAD'),
    'gate-window': '3',
    'drain-seconds': '2',
    'stop-grace': '10',
    'health-timeout': '60',
    'lock-timeout': '60',
  };
}

async function step<T>(
  name: string,
  body: () => Promise<{ value: T; result?: TimelineRow['result']; numbers: string }>,
): Promise<T | undefined> {
  const at = Date.now();
  try {
    const { value, result, numbers } = await body();
    timeline.push({
      step: name,
      at: at - demoStart,
      ms: Date.now() - at,
      result: result ?? 'ok',
      numbers,
    });
    return value;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.push(`${name}: ${message.split('\n')[0]}`);
    fact(red(`✗ ${name}: ${message.split('\n').slice(0, 3).join(' | ')}`));
    timeline.push({
      step: name,
      at: at - demoStart,
      ms: Date.now() - at,
      result: 'FAILED',
      numbers: '',
    });
    return undefined;
  }
}

function mustPass(run: ActionRun): ActionRun {
  if (!run.ok) {
    const why = run.errors[run.errors.length - 1] ?? `exit ${run.exitCode}`;
    throw new Error(`the ${run.name} action failed: ${why} (full log: ${LOG_FILE})`);
  }
  return run;
}

interface VersionWatch {
  sent: number;
  failed: number;
  counts: Record<string, number>;
  /** Versions in the order they first answered; a flip back shows up as a repeat. */
  order: string[];
}

/** Asks the app for its version every 100 ms until stopped (the switch, seen from outside). */
function watchVersions(): { stop(): Promise<VersionWatch> } {
  const seen: VersionWatch = { sent: 0, failed: 0, counts: {}, order: [] };
  let running = true;
  const loop = (async () => {
    while (running) {
      seen.sent++;
      const v = await liveVersion().catch(() => 'failed');
      if (v.startsWith('200 ')) {
        const version = v.slice(4);
        seen.counts[version] = (seen.counts[version] ?? 0) + 1;
        if (seen.order.at(-1) !== version) seen.order.push(version);
      } else seen.failed++;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return seen;
    },
  };
}

async function liveVersion(): Promise<string> {
  const response = await fetch(WEB_URL, { signal: AbortSignal.timeout(5000) });
  const body = (await response.json()) as { version?: string };
  return `${response.status} ${body.version ?? '?'}`;
}

/** The CLI's config for the demo bot: the deploy action's inputs, secrets by file. */
function cliConfig(): string {
  const web = webDeployInputs('127.0.0.1:5000/tg-demo/sample-bot:2.0.0');
  // the bot's env (secrets) beside it, 0600: the config only points to it
  const envFile = join(LOG_DIR, `${WEB_APP}.env`);
  writeFileSync(envFile, `${web.env}\n`, { mode: 0o600 });
  const keep = [
    'app',
    'bot-mode',
    'strategy',
    'network',
    'host-ports',
    'health-path',
    'registry',
    'registry-username',
    'state-dir',
    'proxy',
    'haproxy-frontend-port',
    'haproxy-socket',
    'haproxy-config',
    'haproxy-reload-command',
    'haproxy-check-command',
    'nginx-conf-dir',
    'nginx-test-command',
    'nginx-reload-command',
  ];
  return [
    '# tg-devops CLI config for the demo bot (keys = the deploy action inputs)',
    `hosts: ${host}`,
    `ssh-key-file: ${need('SANDBOX_SSH_KEY')}`,
    `known-hosts-file: ${need('SANDBOX_SSH_KNOWN_HOSTS')}`,
    `image: ${REGISTRY}/tg-demo/sample-bot:2.0.0`,
    `registry-password-file: ${join(SANDBOX_DIR, 'secrets', 'registry_password')}`,
    `env-file: ${envFile}`,
    ...keep.map((k) => `${k}: ${JSON.stringify(web[k] ?? '')}`),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- the demo

async function main(): Promise<number> {
  say(
    bold(
      'tg-devops demo: build → deploy → blue-green under load → broken release → polling handover',
    ),
  );
  const bundles = process.env.TG_ACTIONS_DIST
    ? `${process.env.TG_ACTIONS_DIST}/*/index.js`
    : 'dist/*/index.js';
  say(dim(`Real actions (${bundles}) against real services on 127.0.0.1. Full log: ${LOG_FILE}`));

  const material = await writeSshMaterial({
    privateKey: sshKey,
    knownHosts,
    targets: [parseHost(host)],
    log: recordingLog(),
  });
  let session: SshSession | undefined;
  let telegram: FakeTelegram | undefined;
  try {
    session = await openSession(parseHost(host), {
      privateKeyFile: material.privateKeyFile,
      knownHostsFile: material.knownHostsFile,
      controlDir: material.controlDir,
    });
    const remote = session;

    section('0', 'Clean up what an earlier demo left');
    await step('clean up', async () => {
      let removed = 0;
      for (const app of [WEB_APP, POLL_APP]) {
        const ids = (
          await remote.run(['docker', 'ps', '-aq', '--filter', `label=tg-devops.app=${app}`])
        ).stdout
          .split('\n')
          .filter(Boolean);
        if (ids.length) await remote.run(['docker', 'rm', '-f', ...ids]);
        removed += ids.length;
        await remote.run(['rm', '-rf', `${need('SANDBOX_STATE_BASE')}/${app}`]);
      }
      fact(`${removed} container(s) of ${WEB_APP}/${POLL_APP} removed, their deploy state cleared`);
      // The zero-loss switch: the deploy checks each new HAProxy config over SSH with
      // haproxy-check-command; prove here that this command runs there (the live config passes).
      const check = HAPROXY_CHECK.split(' ').map((w) =>
        w === '{config}' ? need('SANDBOX_HAPROXY_CFG') : w,
      );
      const checked = await remote.run(check, { allowFailure: true });
      if (checked.exitCode !== 0)
        throw new Error(
          `haproxy-check-command (${HAPROXY_CHECK}) fails on ${host} over SSH (exit ${checked.exitCode}): ${checked.stderr.trim()}`,
        );
      fact(
        `traffic switch: haproxy runtime API behind nginx (no reload); haproxy-check-command: ${HAPROXY_CHECK}`,
      );
      return { value: undefined, numbers: `${removed} container(s) removed, switch ${PROXY}` };
    });

    // ------------------------------------------------------------ 1. build
    section('1', 'Build and push the sample bot (the build action)');
    const images = await step('build + push', async () => {
      const base = localExecutor({ env: { DOCKER_HOST: need('DOCKER_HOST') } });
      const t0 = Date.now();
      await base.run(['bash', join(ROOT, 'scripts/demo/python-base.sh')], {
        onLine: (line) => writeFileSync(LOG_FILE, `${line}\n`, { flag: 'a' }),
      });
      fact(
        `base image tg-demo/python:3.11 ready (${secs(Date.now() - t0)}; built offline from Debian's python3)`,
      );
      const registryInputs = {
        'registry-username': need('SANDBOX_REGISTRY_USER'),
        'registry-password': need('SANDBOX_REGISTRY_PASSWORD'),
      };
      const v1 = mustPass(
        await act('build', {
          tags: `${REGISTRY}/tg-demo/sample-bot:1.0.0`,
          context: join(ROOT, 'examples/sample-bot'),
          'build-args': 'PYTHON_IMAGE=tg-demo/python:3.11',
          labels: 'org.opencontainers.image.version=1.0.0',
          ...registryInputs,
        }),
      );
      fact(`1.0.0 → ${v1.outputs.image} (${secs(v1.ms)})`);
      // 2.0.0 and 3.0.0 are small layers on 1.0.0: a new version string, and a fault for 3.0.0.
      const ctx = mkdtempSync(join(tmpdir(), 'tg-demo-ctx-'));
      writeFileSync(
        join(ctx, 'crash.py'),
        [
          '# demo fault: the bot starts and answers /health, then dies a while later',
          'import subprocess, sys, time',
          "bot = subprocess.Popen([sys.executable, '-m', 'bot'])",
          `time.sleep(${CRASH_AFTER_S})`,
          "print('Traceback (most recent call last):', file=sys.stderr)",
          'print(\'  File "/app/bot/storage.py", line 42, in flush\', file=sys.stderr)',
          `print('RuntimeError: demo fault in 3.0.0: the bot dies ${CRASH_AFTER_S} s after start', file=sys.stderr, flush=True)`,
          'bot.terminate()',
          'bot.wait()',
          'sys.exit(1)',
          '',
        ].join('\n'),
      );
      const derived = async (version: string, extra: string[]) => {
        const file = join(ctx, `Dockerfile.${version}`);
        writeFileSync(
          file,
          [
            `FROM ${REGISTRY}/tg-demo/sample-bot:1.0.0`,
            `ENV APP_VERSION=${version}`,
            ...extra,
            '',
          ].join('\n'),
        );
        const run = mustPass(
          await act('build', {
            tags: `${REGISTRY}/tg-demo/sample-bot:${version}`,
            context: ctx,
            file,
            labels: `org.opencontainers.image.version=${version}`,
            ...registryInputs,
          }),
        );
        fact(`${version} → ${run.outputs.image} (${secs(run.ms)})`);
        return run.outputs.image!;
      };
      const v2 = await derived('2.0.0', []);
      const v3 = await derived('3.0.0', [
        'COPY crash.py /app/crash.py',
        'CMD ["python", "/app/crash.py"]',
      ]);
      rmSync(ctx, { recursive: true, force: true });
      return {
        value: { v1: v1.outputs.image!, v2, v3 },
        numbers: '3 images pushed by digest',
      };
    });
    if (!images) return finish();

    // ------------------------------------------------------------ 2. deploy v1
    section('2', `Deploy 1.0.0 over SSH to ${host} (the deploy action)`);
    const firstOk = await step('deploy 1.0.0', async () => {
      const run = mustPass(await act('deploy', webDeployInputs(images.v1)));
      // The public route to the app: nginx → the app's HAProxy frontend → the live color.
      const location = `${need('SANDBOX_NGINX_DEFAULT_SERVER_DIR')}/tg-${WEB_APP}.conf`;
      await writeFileAtomic(
        remote,
        location,
        `location /${WEB_APP}/ {\n    proxy_pass http://tg_${WEB_APP}/;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n}\n`,
        '0644',
      );
      await remote.run(need('SANDBOX_NGINX_TEST').split(/\s+/));
      await remote.run(need('SANDBOX_NGINX_RELOAD').split(/\s+/));
      // a reload is asynchronous: the new workers take over a moment later
      let live = '';
      for (let i = 0; i < 50 && live !== '200 1.0.0'; i++) {
        live = await liveVersion().catch(() => 'not yet');
        if (live !== '200 1.0.0') await new Promise((r) => setTimeout(r, 200));
      }
      fact(
        `release ${run.outputs['release-id']} on ${run.outputs.color}; ${WEB_URL} answers ${live}`,
      );
      expect(live === '200 1.0.0', `nginx serves 1.0.0`);
      return { value: true, numbers: `color ${run.outputs.color}, ${secs(run.ms)}` };
    });
    if (!firstOk) return finish();

    // ------------------------------------------------------------ 3. blue-green under load
    section('3', 'Blue-green to 2.0.0 while clients keep calling');
    await step('blue-green 2.0.0 under load', async () => {
      const fresh = startLoad({
        url: WEB_URL,
        rate: LOAD_RATE,
        mode: 'fresh',
        maxDurationMs: 300_000,
      });
      const keep = startLoad({
        url: WEB_URL,
        rate: LOAD_RATE,
        mode: 'keepalive',
        connections: 4,
        method: 'GET',
        maxDurationMs: 300_000,
      });
      await Promise.all([fresh.ready, keep.ready]);
      fact(
        `load: ${LOAD_RATE} req/s with a new connection each + ${LOAD_RATE} req/s over 4 kept-alive connections`,
      );
      // A third client reads which version answers, every 100 ms, to show the moment of the switch.
      const watch = watchVersions();
      let run: ActionRun | undefined;
      let reports: LoadReport[];
      let seen: VersionWatch;
      try {
        run = await act('deploy', webDeployInputs(images.v2));
        await new Promise((r) => setTimeout(r, 1500)); // a moment on the new release
      } finally {
        reports = await Promise.all([fresh.stop(), keep.stop()]);
        seen = await watch.stop();
      }
      for (const report of reports) {
        const errors = Object.entries(report.errors)
          .map(([k, v]) => `${k} x${v}`)
          .join(', ');
        fact(
          `${report.mode === 'fresh' ? 'new connection each' : 'kept-alive         '}  sent ${String(report.sent).padStart(5)}, failed ${report.failed}${errors ? ` (${errors})` : ''}, p99 ${report.latency.p99.toFixed(0)} ms`,
        );
      }
      const order = seen.order.map((v) => `${v} x${seen.counts[v]}`).join(' -> ');
      fact(`answered by: ${order}${seen.failed ? `, ${seen.failed} failed` : ''}`);
      const sent = reports.reduce((n, r) => n + r.sent, 0);
      const failed = reports.reduce((n, r) => n + r.failed, 0) + seen.failed;
      mustPass(run);
      expect(failed === 0, `failed requests: ${failed} of ${sent + seen.sent}`);
      expect(
        seen.order.join(',') === '1.0.0,2.0.0',
        'every answer came from 1.0.0 until the switch and from 2.0.0 after it',
      );
      const live = await liveVersion();
      expect(live === '200 2.0.0', `nginx serves ${live.split(' ')[1]}`);
      return { value: undefined, numbers: `sent ${sent}, failed ${failed}` };
    });

    // ------------------------------------------------------------ 4. broken release
    section(
      '4',
      `Deploy a broken 3.0.0 (it dies ${CRASH_AFTER_S} s after start): it rolls back by itself`,
    );
    await step('broken 3.0.0 → rollback', async () => {
      const watch = watchVersions();
      let how: string;
      if (ROLLBACK === 'window') {
        // The deploy watches the new release after the switch (verify-window) with the verify
        // checks: a failure routes the traffic back to the old color, which is still running.
        fact(
          `deploy with verify-window: ${VERIFY_WINDOW_S} s, verify-http-url through nginx, verify-log-patterns: Traceback`,
        );
        const deployRun = await act(
          'deploy',
          {
            ...webDeployInputs(images.v3),
            'verify-window': String(VERIFY_WINDOW_S),
            'verify-http-url': `${WEB_URL}health`,
            'verify-log-patterns': 'Traceback',
          },
          { annotations: false },
        );
        if (deployRun.ok) throw new Error('the deploy accepted the broken release');
        const reason = (deployRun.errors.at(-1) ?? '').split('\n')[0]!;
        const gate = /gate (\S+) failed(?::\s*([^;]*))?/.exec(reason);
        const back = /rolled back to (\S+)/.exec(reason)?.[1];
        const where = /step \d+ \([^)]*\)/.exec(reason)?.[0];
        fact(
          gate
            ? `deploy failed, as it should: ${where ?? 'a step'}: gate ${gate[1]} failed (${gate[2] ?? '?'}); rolled back to ${back ?? '?'}`
            : `deploy failed, as it should: ${reason.slice(0, 150)}`,
        );
        const audit = await remote.run([
          'tail',
          '-n',
          '1',
          `${need('SANDBOX_STATE_BASE')}/${WEB_APP}/audit.jsonl`,
        ]);
        const last = JSON.parse(audit.stdout || '{}') as { result?: string; image?: string };
        expect(
          last.result === 'rolled-back' && last.image === images.v3,
          `the host's audit log says: 3.0.0 ${last.result ?? 'nothing'}`,
        );
        how = `window gate ${gate?.[1] ?? '?'} failed; back on 2.0.0 in the same deploy`;
      } else {
        const deployRun = await act('deploy', webDeployInputs(images.v3));
        if (!deployRun.ok) throw new Error('the deploy refused 3.0.0 before the verify step');
        fact(
          `3.0.0 passed the start gate and took the traffic (release ${deployRun.outputs['release-id']}); verify watches it`,
        );
        const verifyRun = await act(
          'verify',
          {
            ...ssh,
            'http-url': `${WEB_URL}health`,
            container: `${WEB_APP}-${deployRun.outputs['release-id']}`,
            window: '60s',
            interval: '2s',
            consecutive: '2',
            timeout: '90s',
            app: WEB_APP,
            version: '3.0.0',
            environment: 'demo',
          },
          { annotations: false },
        );
        fact(
          `verify: ${verifyRun.outputs.verdict ?? '?'}${verifyRun.outputs.reason ? `: ${verifyRun.outputs.reason.split('\n')[0]}` : ''}`.slice(
            0,
            150,
          ),
        );
        if (verifyRun.ok) throw new Error('verify accepted the broken release');
        const previous = deployRun.outputs['previous-image'] ?? '';
        expect(previous === images.v2, 'the deploy named 2.0.0 as the previous image');
        fact(
          'rollback: the rollback action, to: previous (as release.yml does after a failed verify)',
        );
        const web = webDeployInputs(previous);
        const rollback = mustPass(
          await act('rollback', {
            ...ssh,
            app: WEB_APP,
            to: 'previous',
            reason: `verification failed (${(verifyRun.outputs['failed-check'] ?? '?').split(' ')[0]})`,
            'health-path': '/health',
            'state-dir': web['state-dir']!,
            proxy: PROXY,
            'drain-seconds': web['drain-seconds']!,
            'stop-grace': web['stop-grace']!,
            'lock-timeout': web['lock-timeout']!,
            'haproxy-frontend-port': web['haproxy-frontend-port']!,
            'haproxy-socket': web['haproxy-socket']!,
            'haproxy-config': web['haproxy-config']!,
            'haproxy-reload-command': web['haproxy-reload-command']!,
            'haproxy-check-command': web['haproxy-check-command']!,
            'nginx-conf-dir': web['nginx-conf-dir']!,
            'nginx-test-command': web['nginx-test-command']!,
            'nginx-reload-command': web['nginx-reload-command']!,
            environment: 'demo',
          }),
        );
        fact(
          `rolled back from ${rollback.outputs['rolled-back-from'] ?? '?'} to release ${rollback.outputs['release-id'] ?? '?'} (its kept container, restarted)`,
        );
        const check = (verifyRun.outputs['failed-check'] ?? '?').split(' ')[0];
        how = `verify failed (${check} check); rollback action: 2.0.0 back in ${secs(rollback.ms)}`;
      }
      const seen = await watch.stop();
      fact(
        `answered by: ${seen.order.map((v) => `${v} x${seen.counts[v]}`).join(' -> ')}; ${seen.failed} of ${seen.sent} failed while 3.0.0 was dying`,
      );
      const live = await liveVersion();
      const running = (
        await remote.run([
          'docker',
          'ps',
          '--filter',
          `label=tg-devops.app=${WEB_APP}`,
          '--format',
          '{{.Image}}',
        ])
      ).stdout
        .split('\n')
        .filter(Boolean);
      expect(live === '200 2.0.0', `rolled back: nginx serves ${live.split(' ')[1]}`);
      expect(
        running.length === 1 && !running[0]!.includes(images.v3.split('@')[1]!),
        `one container left, not 3.0.0 (${running.length} running)`,
      );
      return { value: undefined, result: 'expected failure', numbers: how };
    });

    // ------------------------------------------------------------ 5. polling handover
    section('5', 'Hand a long-polling bot over: stop the old, then start the new');
    telegram = await startFakeTelegram({ port: PORTS.telegram, token: TOKEN, maxPollSeconds: 3 });
    const tg = telegram;
    fact(
      `getUpdates stand-in on ${tg.url} (answers 409 Conflict to a second poller, like Telegram)`,
    );
    const pollInputs = (image: string) => ({
      ...ssh,
      app: POLL_APP,
      image,
      'bot-mode': 'polling',
      network: 'host',
      'host-ports': POLL_PORTS,
      env: `BOT_TOKEN=${TOKEN}\nTELEGRAM_API_URL=${tg.url}\nPOLL_TIMEOUT=3\n`,
      registry: REGISTRY,
      'registry-username': need('SANDBOX_REGISTRY_USER'),
      'registry-password': need('SANDBOX_REGISTRY_PASSWORD'),
      'state-dir': need('SANDBOX_STATE_BASE'),
      'gate-window': '2',
      'stop-grace': '5',
      'lock-timeout': '60',
    });
    await step('polling v1 → v2', async () => {
      mustPass(await act('deploy', pollInputs(need('SANDBOX_IMAGE_POLL_V1'))));
      await waitFor(() => tg.requests.some((r) => r.method === 'getUpdates'), 20_000, 'v1 polls');
      const before = tg.conflicts();
      const pushed: number[] = [];
      const pusher = setInterval(
        () => pushed.push(tg.push(`message ${pushed.length + 1}`).update_id),
        250,
      );
      const from = Date.now();
      let run: ActionRun;
      try {
        run = mustPass(await act('deploy', pollInputs(need('SANDBOX_IMAGE_POLL_V2'))));
        await new Promise((r) => setTimeout(r, 4000)); // v2 polls a while and drains the queue
      } finally {
        clearInterval(pusher);
      }
      await waitFor(
        () => pushed.every((id) => tg.delivered().includes(id)),
        15_000,
        'every update delivered',
      ).catch(() => undefined);
      const conflicts = tg.conflicts() - before;
      const gap = tg.longestGapMs(from, Date.now());
      const delivered = pushed.filter((id) => tg.delivered().includes(id)).length;
      fact(
        `handover gap: ${run.outputs['gap-ms'] ?? '?'} ms (deploy's measure), ${gap} ms without a poller (stand-in's)`,
      );
      expect(conflicts === 0, `conflicts: ${conflicts}`);
      expect(
        delivered === pushed.length,
        `updates delivered: ${delivered} of ${pushed.length} sent during the handover`,
      );
      return {
        value: undefined,
        numbers: `conflicts ${conflicts}, gap ${gap} ms, ${delivered}/${pushed.length} updates`,
      };
    });

    // ------------------------------------------------------------ 6. the CLI
    section('6', 'Ask the host: tg-devops status (the CLI, for the day CI is down)');
    await step('tg-devops status', async () => {
      const config = join(LOG_DIR, `${WEB_APP}.yml`);
      writeFileSync(config, cliConfig());
      const cli = process.env.TG_ACTIONS_DIST
        ? join(process.env.TG_ACTIONS_DIST, 'cli/index.js')
        : join(ROOT, 'dist/cli/index.js');
      const result = await localExecutor().run(
        [process.execPath, cli, 'status', '--config', config],
        {
          allowFailure: true,
        },
      );
      writeFileSync(LOG_FILE, `--- tg-devops status ---\n${result.stdout}${result.stderr}`, {
        flag: 'a',
      });
      const lines = result.stdout.split('\n');
      for (const line of lines.filter((l) => /^(current|previous|lock) /.test(l)))
        fact(line.replace(/@sha256:[0-9a-f]{64}/, '@sha256:…'));
      const audit = lines.filter((l) => /^ {2}\d{4}-\d\d-\d\dT/.test(l));
      for (const line of audit.slice(-3))
        fact(`audit: ${line.trim().replace(/\s{2,}/g, '  ')}`.slice(0, 150));
      fact(dim(`try it: npx tg-devops status --config ${config}`));
      expect(result.exitCode === 0, `tg-devops status exited ${result.exitCode}`);
      const rolledBack = audit.some((l) => /rolled-back|rollback/.test(l));
      expect(rolledBack, 'the audit shows the rollback of 3.0.0');
      return {
        value: undefined,
        numbers: `${audit.length} audit entries, exit ${result.exitCode}`,
      };
    });
  } finally {
    await telegram?.close().catch(() => undefined);
    await session?.close().catch(() => undefined);
    removeSshMaterial(material.dir, { controlDir: material.controlDir });
    rmSync(binDir, { recursive: true, force: true });
  }
  return finish();
}

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function finish(): number {
  section('7', 'Timeline');
  const rows = timeline.map((r) => [
    r.step,
    `+${(r.at / 1000).toFixed(0)} s`,
    secs(r.ms),
    r.result,
    r.numbers,
  ]);
  const head = ['step', 'started', 'took', 'result', 'key numbers'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  say(bold(line(head)));
  say(dim(line(widths.map((w) => '─'.repeat(w)))));
  for (const row of rows) say(row[3] === 'FAILED' ? red(line(row)) : line(row));
  say();
  say(`  total ${secs(Date.now() - demoStart)}; full log: ${LOG_FILE}`);
  if (problems.length) {
    say(red(bold(`\n  The demo FAILED (${problems.length} problem(s)):`)));
    for (const p of problems) say(red(`    - ${p}`));
    return 1;
  }
  say(green(bold('\n  Every number is as it should be.')));
  say(`  The last release is still running: curl ${WEB_URL}`);
  say(`  Deploy state and audit on the host: ${need('SANDBOX_STATE_BASE')}/${WEB_APP}/`);
  say('  Stop the sandbox: sudo bash scripts/sandbox/sandbox.sh down');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(red(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
    process.exit(1);
  },
);
