/**
 * A private proxy stack for the traffic-switch proof and benchmark: an nginx and an HAProxy of
 * our own (the Debian binaries the sandbox uses, same layout), started in a temp dir on given
 * loopback ports and stopped by PID. Private, because other engineers reload the sandbox's
 * shared nginx and HAProxy while their tests run, and each of their reloads would be counted
 * against the switch being measured here.
 *
 * Backends: the sandbox's webbot containers (startWebbots) or small node HTTP servers in a
 * child process (startBackends: for the benchmark's 1,000 requests/s, which the fork-per-request
 * busybox bot cannot serve on a 2-core machine).
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  closeSync,
  openSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localExecutor, type Executor } from '../../src/exec.js';

export const DEPLOY_USER = 'tgdeploy';

/**
 * Runs every command as the deploy user (as the deploy over SSH would), when we are root.
 * setpriv rather than runuser: no PAM session per command, so it costs what ssh would not.
 */
export function asUser(user: string, base: Executor = localExecutor()): Executor {
  const who = user === DEPLOY_USER ? owner() : undefined;
  if (!who) return base;
  return {
    where: `${base.where} as ${user}`,
    // In / unless told otherwise: the clone may sit in a 0700 folder the deploy user cannot enter.
    run: (argv, options) =>
      base.run(
        ['setpriv', `--reuid=${who.uid}`, `--regid=${who.gid}`, '--init-groups', '--', ...argv],
        { ...options, cwd: options?.cwd ?? '/' },
      ),
  };
}

function owner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${DEPLOY_USER}:`));
    const [, , uid, gid] = line?.split(':') ?? [];
    return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
  } catch {
    return undefined;
  }
}

/** Spawns a daemon in the foreground as the deploy user (setpriv execs: the pid is the daemon's). */
function daemon(argv: string[], logFile: string): ChildProcess {
  const who = owner();
  const full = who
    ? ['setpriv', `--reuid=${who.uid}`, `--regid=${who.gid}`, '--init-groups', '--', ...argv]
    : argv;
  const log = openSync(logFile, 'a');
  // In its own folder: HAProxy as the deploy user fails to start from a 0700 clone ("Impossible
  // to get back to initial directory").
  const child = spawn(full[0]!, full.slice(1), {
    stdio: ['ignore', log, log],
    cwd: dirname(logFile),
  });
  closeSync(log);
  child.on('error', () => undefined);
  return child;
}

async function until(what: string, check: () => Promise<boolean>, seconds = 15): Promise<void> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`${what} not ready after ${seconds}s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.text();
  return res.ok;
}

/** `status body` (trimmed) of a GET, e.g. "200 webbot v1". */
export async function answer(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return `${res.status} ${(await res.text()).trim()}`;
}

/**
 * Asks `url` until it answers `want`, at most 50 times 200 ms apart (after a reload, nginx's new
 * workers serve a moment after the command returned); returns the last answer or error.
 */
export async function answerOnceReady(url: string, want: string): Promise<string> {
  let got = '';
  for (let i = 0; i < 50 && got !== want; i++) {
    if (i) await new Promise((r) => setTimeout(r, 200));
    got = await answer(url).catch((e: Error) => e.message);
  }
  return got;
}

/** The user's nginx site location for an app: `/<app>/` to tg-devops's upstream `tg_<app>`. */
export function appLocation(app: string): string {
  return `location /${app}/ {\n    proxy_pass http://tg_${app}/;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n}\n`;
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function makeDir(prefix: string, subdirs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const sub of subdirs) mkdirSync(join(dir, sub), { recursive: true });
  const who = owner();
  if (who)
    for (const d of [dir, ...subdirs.map((s) => join(dir, s))]) chownSync(d, who.uid, who.gid);
  return dir;
}

export interface Nginx {
  dir: string;
  port: number;
  url: string;
  confDir: string;
  /** Locations of the default server go here (`<defaultDir>/*.conf`). */
  defaultDir: string;
  testCommand: string[];
  reloadCommand: string[];
  /** Writes a location file for the default server, tests and reloads. */
  addLocation(exec: Executor, name: string, body: string): Promise<void>;
  removeLocation(exec: Executor, name: string): Promise<void>;
  /** How many reloads nginx has logged so far (SIGHUP lines in its error log). */
  reloads(): number;
  stop(): Promise<void>;
}

export async function startNginx(port: number, prefix = 'tg-proxytest-nginx-'): Promise<Nginx> {
  const dir = makeDir(prefix, ['conf.d', 'default.d', 'tmp', 'logs']);
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `# private nginx for the traffic-switch proof (tests/helpers/proxy-stack.ts)
daemon off;
worker_processes 2;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log notice;
events { worker_connections 4096; }
http {
    default_type text/plain;
    access_log off;
    client_body_temp_path ${dir}/tmp/body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;
    server {
        listen 127.0.0.1:${port} default_server;
        location = /stack-health { return 200 "ok\\n"; }
        include ${dir}/default.d/*.conf;
    }
    include ${dir}/conf.d/*.conf;
}
`,
  );
  const base = ['nginx', '-p', `${dir}/`, '-c', conf, '-e', `${dir}/logs/error.log`];
  const who = owner();
  if (who) chownSync(conf, who.uid, who.gid);
  const child = daemon(base, `${dir}/logs/nginx.out`);
  const url = `http://127.0.0.1:${port}`;
  await until(`nginx on ${port}`, () => httpOk(`${url}/stack-health`));
  const testCommand = [...base, '-t', '-q'];
  const reloadCommand = [...base, '-s', 'reload'];
  const location = (name: string) => join(dir, 'default.d', `${name}.conf`);
  const reloads = () => {
    const log = join(dir, 'logs/error.log');
    return existsSync(log)
      ? (readFileSync(log, 'utf8').match(/signal 1 \(SIGHUP\)/g) ?? []).length
      : 0;
  };
  /** Test, reload, and wait until nginx has logged the reload (so later counts are exact). */
  const testAndReload = async (exec: Executor) => {
    const before = reloads();
    await exec.run(testCommand);
    await exec.run(reloadCommand);
    await until('nginx reload logged', async () => reloads() > before, 10);
  };
  return {
    dir,
    port,
    url,
    confDir: join(dir, 'conf.d'),
    defaultDir: join(dir, 'default.d'),
    testCommand,
    reloadCommand,
    async addLocation(exec, name, body) {
      await exec.run(['dd', `of=${location(name)}`, 'status=none'], { input: body });
      await testAndReload(exec);
    },
    async removeLocation(exec, name) {
      await exec.run(['rm', '-f', location(name)]);
      await testAndReload(exec);
    },
    reloads,
    async stop() {
      await stopProcess(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Haproxy {
  dir: string;
  socket: string;
  configFile: string;
  reloadCommand: string[];
  stop(): Promise<void>;
}

/** An HAProxy in master-worker mode with an admin stats socket and no app yet. */
export async function startHaproxy(
  healthPort: number,
  prefix = 'tg-proxytest-haproxy-',
): Promise<Haproxy> {
  const dir = makeDir(prefix, []);
  const configFile = join(dir, 'haproxy.cfg');
  const socket = join(dir, 'admin.sock');
  writeFileSync(
    configFile,
    `# private HAProxy for the traffic-switch proof (tests/helpers/proxy-stack.ts)
global
    stats socket ${socket} mode 600 level admin expose-fd listeners
    stats timeout 30s
    maxconn 4096

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 10s

frontend stack_health
    bind 127.0.0.1:${healthPort}
    monitor-uri /stack-health
`,
  );
  const who = owner();
  if (who) chownSync(configFile, who.uid, who.gid);
  const child = daemon(
    [
      'haproxy',
      '-W',
      '-f',
      configFile,
      '-p',
      join(dir, 'haproxy.pid'),
      '-S',
      `${dir}/master.sock,mode,600`,
    ],
    join(dir, 'haproxy.out'),
  );
  await until(`haproxy on ${healthPort}`, () =>
    httpOk(`http://127.0.0.1:${healthPort}/stack-health`),
  );
  return {
    dir,
    socket,
    configFile,
    reloadCommand: ['kill', '-USR2', String(child.pid)],
    async stop() {
      await stopProcess(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Backends {
  stop(): Promise<void>;
}

/** The sandbox's webbot containers, one per [port, image] (published on 127.0.0.1:port). */
export async function startWebbots(
  env: Record<string, string>,
  prefix: string,
  bots: { name: string; port: number; image: string }[],
): Promise<Backends> {
  const docker = localExecutor({
    env: { DOCKER_HOST: env.DOCKER_HOST, DOCKER_CONFIG: env.SANDBOX_DOCKER_CONFIG },
  });
  const cli = env.SANDBOX_DOCKER_CLI || 'docker';
  const names = bots.map((b) => `${prefix}-${b.name}`);
  await docker.run([cli, 'rm', '-f', ...names], { allowFailure: true });
  const stop = async () => {
    await docker.run([cli, 'rm', '-f', ...names], { allowFailure: true });
  };
  try {
    for (const bot of bots) {
      const net =
        env.SANDBOX_DOCKER_NETWORK === 'host'
          ? ['--network', 'host', '-e', `PORT=${bot.port}`]
          : ['-p', `127.0.0.1:${bot.port}:8080`];
      await docker.run([cli, 'run', '-d', '--name', `${prefix}-${bot.name}`, ...net, bot.image]);
    }
    for (const bot of bots) {
      const health = `http://127.0.0.1:${bot.port}/health`;
      await until(`${bot.name} on ${bot.port}`, () => httpOk(health), 30);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

const HERE = fileURLToPath(import.meta.url);
const REGISTER = fileURLToPath(new URL('../../scripts/ts-register.mjs', import.meta.url));
const WORKER_FLAG = '--tg-backend-worker';

/**
 * Node HTTP servers in a child process, answering like the webbot (`X-App-Version`, `webbot
 * <version>` on /, `{"ok":true}` on POST /webhook) but with keep-alive and at thousands of
 * requests per second. Their idle timeout (120 s) is longer than any proxy's, so the proxies
 * close idle upstream connections first, as they should.
 */
export async function startBackends(
  servers: { port: number; version: string }[],
): Promise<Backends> {
  const child = fork(HERE, [WORKER_FLAG], {
    execArgv: ['--import', REGISTER],
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`backend worker exited ${code}`)));
    child.send(servers);
  });
  return { stop: () => stopProcess(child) };
}

if (process.argv[1] === HERE && process.argv.includes(WORKER_FLAG)) {
  process.once('message', (servers: { port: number; version: string }[]) => {
    let listening = 0;
    for (const { port, version } of servers) {
      const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const body = req.url === '/webhook' ? '{"ok":true}' : `webbot ${version}\n`;
          res.writeHead(200, {
            'X-App-Version': version,
            'Content-Length': Buffer.byteLength(body),
          });
          res.end(body);
        });
      });
      server.keepAliveTimeout = 120_000;
      server.headersTimeout = 125_000;
      server.listen(port, '127.0.0.1', () => {
        if (++listening === servers.length) process.send?.('ready');
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}
