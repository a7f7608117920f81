/**
 * The nginx baseline: the app's upstream lives in its own include file, written, checked with
 * the test command (`nginx -t`), and only then made live with a graceful reload. A failed test
 * puts the previous file back and reloads nothing.
 *
 * Cost (docs/adr/0004-traffic-switch.md): a graceful reload loses nothing for clients that open a
 * connection per request, but old workers close their idle keep-alive client connections, and a
 * client that sends on such a connection at that moment gets ECONNRESET (about one per reload).
 */
import { systemClock, type Clock } from '../clock.js';
import { StepError } from '../errors.js';
import type { Executor } from '../exec.js';
import { runProxyCommand } from './command.js';
import { readText, removeFile, writeText } from './files.js';
import { awaitReload, oldWorkers, readWorkers } from './nginx-workers.js';
import { beforeAnyChange, RouteError, unchanged } from './route-error.js';
import {
  COLORS,
  type Backend,
  type Color,
  type NginxSettings,
  type RemovableProxy,
} from './types.js';
import { validateBackends } from './validate.js';

export const upstreamName = (app: string) => `tg_${app}`;
export const upstreamFile = (confDir: string, app: string) =>
  `${confDir.replace(/\/+$/, '')}/tg-${app}.upstream.conf`;

/** The app's webhook server block (src/proxy/webhook-server.ts), removed with the app. */
export const webhookServerFile = (confDir: string, app: string) =>
  `${confDir.replace(/\/+$/, '')}/tg-${app}.webhook.conf`;

const HEADER = (app: string, what: string) =>
  `# Managed by tg-devops for app '${app}' (${what}); rewritten on each deploy, do not edit.\n`;

/** The include file for the baseline switch: one server line per color, weight 0 = `down`. */
export function renderUpstream(app: string, backends: readonly Backend[]): string {
  const lines = validateBackends(backends).map((b) =>
    b.weight > 0
      ? `    server 127.0.0.1:${b.port} weight=${b.weight}; # ${b.color}`
      : `    server 127.0.0.1:${b.port} down; # ${b.color}`,
  );
  return (
    HEADER(app, 'traffic switch: nginx') +
    `upstream ${upstreamName(app)} {\n${lines.join('\n')}\n    keepalive 16;\n}\n`
  );
}

/** The include file when HAProxy does the switching: nginx always talks to its frontend. */
export function renderFrontendUpstream(app: string, frontendPort: number): string {
  return (
    HEADER(app, 'traffic switch: haproxy') +
    `upstream ${upstreamName(app)} {\n` +
    `    server 127.0.0.1:${frontendPort}; # haproxy fe_${app}\n` +
    // No `keepalive`: a connection per request on loopback. An HAProxy reload (another app's
    // first setup or removal) makes the old process close its idle front connections at once, and
    // a request nginx sends on one in that instant is lost (502, "upstream prematurely closed"):
    // nginx never retries a POST, which is what Telegram sends. A connection that carries one
    // request is never idle, so the old process finishes it and the next one reaches the new.
    `}\n`
  );
}

/** Backends in a file written by renderUpstream (colors from the trailing comments). */
export function parseUpstream(text: string): Backend[] {
  const found: Backend[] = [];
  for (const line of text.split('\n')) {
    const m = line.match(
      /^\s*server\s+127\.0\.0\.1:(\d+)(?:\s+weight=(\d+))?(\s+down)?\s*;\s*#\s*(blue|green)\s*$/,
    );
    if (!m) continue;
    found.push({
      color: m[4] as Color,
      port: Number(m[1]),
      weight: m[3] ? 0 : Number(m[2] ?? 1),
    });
  }
  return found.sort((a, b) => COLORS.indexOf(a.color) - COLORS.indexOf(b.color));
}

/**
 * Puts `content` into the app's include file and makes it live: write, test, reload. Returns
 * false (and runs nothing else) when the file already has that content. On a failed test or
 * reload the previous file is restored (or the new one removed) and the error names the output.
 */
export async function installUpstream(
  exec: Executor,
  nginx: NginxSettings,
  app: string,
  content: string,
  options: IncludeOptions = {},
): Promise<boolean> {
  return installIncludeFile(exec, nginx, upstreamFile(nginx.confDir, app), content, options);
}

export interface IncludeOptions {
  /** Test and reload even when the file has the content already. */
  force?: boolean;
  /** For the wait until the reload is in effect (default: the system's). */
  clock?: Clock;
}

/**
 * The reload command, then the wait until nginx runs workers of the new configuration: the
 * command only signals the master, and until the master has replaced its workers the old ones
 * still take new connections with the old file (see nginx-workers.ts). Returns the command's
 * result; a command that exits non-zero throws (or, allowFailure, is not waited for).
 */
export async function reloadNginx(
  exec: Executor,
  nginx: NginxSettings,
  clock: Clock,
  allowFailure: boolean,
) {
  const before = await readWorkers(exec);
  const reload = await runProxyCommand(exec, 'nginx', 'nginx-reload-command', nginx.reloadCommand, {
    allowFailure,
  });
  if (reload.exitCode === 0) await awaitReload(exec, before, clock);
  return reload;
}

/**
 * installUpstream for any include file of nginx's (the app's webhook server block too): write,
 * test, reload; the previous file back (or the new one removed) when the test or reload fails.
 */
export async function installIncludeFile(
  exec: Executor,
  nginx: NginxSettings,
  path: string,
  content: string,
  options: IncludeOptions = {},
): Promise<boolean> {
  const before = await beforeAnyChange('nginx', () => readText(exec, path));
  // force: test and reload even when the file has it (after a reload that may or may not have
  // taken effect, the file says nothing about what nginx runs)
  if (before === content && !options.force) return false;
  await writeText(exec, path, content);
  const restore = async () => {
    if (before === undefined) await removeFile(exec, path);
    else await writeText(exec, path, before);
  };
  // a test that fails (or is not found) reloads nothing: once the previous file is back, nothing
  // changed (a RouteError with tookEffect false); a restore that fails throws its own error
  const test = await runProxyCommand(exec, 'nginx', 'nginx-test-command', nginx.testCommand, {
    allowFailure: true,
  }).catch(async (error: unknown) => {
    await restore();
    throw unchanged(error, 'nginx');
  });
  if (test.exitCode !== 0) {
    await restore();
    throw new RouteError(
      'nginx',
      `config test failed with ${path}; restored the previous file, reloaded nothing:\n` +
        tail(test.stderr || test.stdout),
      false,
    );
  }
  const reload = await reloadNginx(exec, nginx, options.clock ?? systemClock, true).catch(
    async (error: unknown) => {
      await restore();
      throw error;
    },
  );
  if (reload.exitCode !== 0) {
    // A reload command can fail after nginx reloaded (a wrapper that exits 1 afterwards): what
    // nginx runs now is unknown. The file goes back; the caller routes back (which reloads).
    await restore();
    throw new StepError(
      'nginx',
      `the reload command exited ${reload.exitCode}: nginx may or may not run the new upstream now; put the previous ${path} back (not reloaded):\n` +
        tail(reload.stderr || reload.stdout),
    );
  }
  return true;
}

/**
 * Takes the app's include files out: its webhook server block first (it proxies to the
 * upstream, so nginx -t refuses the upstream's absence while the block is there), then the
 * upstream; each removed, tested, reloaded (and put back if the test fails).
 */
export async function uninstallUpstream(
  exec: Executor,
  nginx: NginxSettings,
  app: string,
  clock: Clock = systemClock,
): Promise<void> {
  await uninstallIncludeFile(
    exec,
    nginx,
    webhookServerFile(nginx.confDir, app),
    'the webhook server block',
  );
  return uninstallIncludeFile(
    exec,
    nginx,
    upstreamFile(nginx.confDir, app),
    `is tg_${app} still used?`,
    clock,
  );
}

/** Takes an include file out: remove, test, reload (the file comes back if the test fails). */
export async function uninstallIncludeFile(
  exec: Executor,
  nginx: NginxSettings,
  path: string,
  hint: string,
  clock: Clock = systemClock,
): Promise<void> {
  const before = await readText(exec, path);
  if (before === undefined) return;
  await removeFile(exec, path);
  const test = await runProxyCommand(exec, 'nginx', 'nginx-test-command', nginx.testCommand, {
    allowFailure: true,
  }).catch(async (error: unknown) => {
    await writeText(exec, path, before);
    throw error;
  });
  if (test.exitCode !== 0) {
    await writeText(exec, path, before);
    throw new StepError(
      'nginx',
      `config test failed without ${path} (${hint}); put it back:\n` +
        tail(test.stderr || test.stdout),
    );
  }
  await reloadNginx(exec, nginx, clock, false);
}

/** Established TCP connections to 127.0.0.1:port on the host (requests in flight to a color). */
export async function connectionsTo(exec: Executor, port: number): Promise<number> {
  const result = await exec.run(['ss', '-Htn', 'state', 'established', 'dport', '=', `:${port}`]);
  return result.stdout.split('\n').filter((l) => l.trim()).length;
}

/**
 * Waits until `count()` is 0, polling every 250 ms, at most `seconds`. Returns the last count.
 */
export async function waitForZero(
  count: () => Promise<number>,
  seconds: number,
  clock: Clock,
): Promise<number> {
  const end = clock.now() + Math.max(0, seconds) * 1000;
  for (;;) {
    const n = await count();
    if (n === 0 || clock.now() >= end) return n;
    await clock.sleep(Math.min(250, Math.max(1, end - clock.now())));
  }
}

export function nginxProxy(
  app: string,
  nginx: NginxSettings,
  options: { clock?: Clock } = {},
): RemovableProxy {
  const path = upstreamFile(nginx.confDir, app);
  const clock = options.clock ?? systemClock;
  return {
    remove: (exec) => uninstallUpstream(exec, nginx, app, clock),
    kind: 'nginx',
    nginx,
    async current(exec) {
      const text = await readText(exec, path);
      return text === undefined ? [] : parseUpstream(text);
    },
    async route(exec, backends, options = {}) {
      // validates first
      const content = await beforeAnyChange('nginx', async () => renderUpstream(app, backends));
      await installUpstream(exec, nginx, app, content, { ...options, clock });
    },
    async drain(exec, backend, seconds, clock) {
      // Requests already sent to the color finish on the old workers, which may still send new
      // ones to the old port (connections they accepted, a kept-alive client's next request)
      // until they exit, whatever the file says now; nginx reports no per-server count. So: the
      // connections to that PORT on the host, plus the workers from before this drain that are
      // shutting down (a worker started since has a file at least as new as the route's).
      let since: number | undefined;
      return waitForZero(
        async () => {
          const view = await readWorkers(exec);
          since ??= view?.now;
          const old = view && since !== undefined ? oldWorkers(view, since) : 0;
          return old + (await connectionsTo(exec, backend.port));
        },
        seconds,
        clock,
      );
    },
  };
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-8).join('\n');
}
