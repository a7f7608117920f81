/**
 * The zero-loss switch. nginx stays the user-facing proxy; its upstream for the app is a fixed
 * local HAProxy frontend (fe_<app>), written and reloaded once, when the app is first set up.
 * HAProxy's backend (be_<app>) has both colors as servers, and switching is a few commands on
 * the runtime API (stats socket): `set server be_<app>/<color> addr|weight|state`. Nothing
 * reloads, no connection is closed, requests in flight finish where they started.
 *
 * The same state is kept in HAProxy's config file (a managed block per app, several apps per
 * file), so a restart routes the same way. The file is checked (`haproxy -c`) before anything
 * changes and swapped in under a lock; HAProxy is reloaded only when the app's frontend or
 * backend is new to the running process or its frontend port changed.
 *
 * The runtime API is reached with `socat stdio UNIX-CONNECT:<socket>` (Debian: socat), the
 * commands on stdin, one line separated by ';'.
 */
import { systemClock, type Clock } from '../clock.js';
import { StepError } from '../errors.js';
import type { Executor } from '../exec.js';
import { runProxyCommand } from './command.js';
import { CHANGED, digest, readText, removeFile, swapCommand, writeText } from './files.js';
import {
  connectionsTo,
  installUpstream,
  renderFrontendUpstream,
  uninstallUpstream,
  upstreamFile,
  waitForZero,
} from './nginx.js';
import {
  COLORS,
  type Backend,
  type Color,
  type HaproxySettings,
  type NginxSettings,
  type RemovableProxy,
} from './types.js';
import { afterAChange, beforeAnyChange } from './route-error.js';
import { validateBackends } from './validate.js';

export const backendName = (app: string) => `be_${app}`;
export const frontendName = (app: string) => `fe_${app}`;
const BEGIN = (app: string) =>
  `# >>> tg-devops app=${app} (managed by tg-devops deploys; do not edit)`;
const END = (app: string) => `# <<< tg-devops app=${app}`;
/** Port of a color's server line that has never been set up (it stays in maintenance). */
export const PLACEHOLDER_PORT = 1;

/** One server as `show servers state` reports it. */
export interface ServerState {
  color: Color;
  port: number;
  /** The configured (user) weight. */
  weight: number;
  /** In maintenance (forced, inherited, from config `disabled`, or resolution): no traffic. */
  maint: boolean;
  /** In forced drain: effective weight 0. */
  drain: boolean;
}

/** What each color should be: routed with a weight, or in maintenance (not set up / stopped). */
export interface Desired {
  color: Color;
  port: number;
  weight: number;
  maint: boolean;
}

export function desiredState(
  backends: readonly Backend[],
  known: readonly ServerState[] = [],
): Desired[] {
  const valid = validateBackends(backends);
  return COLORS.map((color) => {
    const b = valid.find((x) => x.color === color);
    if (b) return { color, port: b.port, weight: b.weight, maint: false };
    const k = known.find((x) => x.color === color);
    return { color, port: k?.port ?? PLACEHOLDER_PORT, weight: 0, maint: true };
  });
}

/** The app's managed block: its frontend on loopback and a backend with both colors. */
export function renderBlock(
  app: string,
  frontendPort: number,
  desired: readonly Desired[],
): string {
  const servers = desired.map(
    (d) =>
      `    server ${d.color} 127.0.0.1:${d.port} weight ${d.weight}${d.maint ? ' disabled' : ''}`,
  );
  return [
    BEGIN(app),
    `frontend ${frontendName(app)}`,
    '    mode http',
    `    bind 127.0.0.1:${frontendPort}`,
    // nginx's upstream to the frontend keeps no idle connection (renderFrontendUpstream); these
    // are for other clients of the frontend
    '    timeout client 75s',
    '    timeout http-keep-alive 75s',
    `    default_backend ${backendName(app)}`,
    '',
    `backend ${backendName(app)}`,
    '    mode http',
    // Every request is balanced with the weights, on a kept-alive client connection too: a held
    // canary's share holds per request. `option prefer-last-server` in the user's `defaults`
    // would pin such a connection to its first server (with `http-reuse never`, measured: a
    // kept-alive client 200 of 200 on one server at 90/10), so the block turns it off.
    '    balance roundrobin',
    '    no option prefer-last-server',
    '    retries 3',
    '    option redispatch 1',
    '    timeout connect 2s',
    '    timeout server 60s',
    ...servers,
    END(app),
  ].join('\n');
}

/** The file with the app's block replaced (or appended); everything else is left as it was. */
export function replaceBlock(file: string, app: string, block: string): string {
  const lines = file.split('\n');
  const start = lines.indexOf(BEGIN(app));
  const end = lines.indexOf(END(app), start + 1);
  if (start >= 0 && end > start) {
    return [...lines.slice(0, start), ...block.split('\n'), ...lines.slice(end + 1)].join('\n');
  }
  if (start >= 0 || lines.includes(END(app)))
    throw new StepError(
      'haproxy',
      `the tg-devops block for '${app}' is damaged (begin or end line missing)`,
    );
  const base = file.length === 0 || file.endsWith('\n') ? file : `${file}\n`;
  return `${base}${base.trim() ? '\n' : ''}${block}\n`;
}

/** The file without the app's block (and the blank line before it). */
export function removeBlock(file: string, app: string): string {
  const lines = file.split('\n');
  const start = lines.indexOf(BEGIN(app));
  const end = lines.indexOf(END(app), start + 1);
  if (start < 0 || end < start) return file;
  const from = start > 0 && lines[start - 1] === '' ? start - 1 : start;
  return [...lines.slice(0, from), ...lines.slice(end + 1)].join('\n');
}

/** The app's block in a file, or undefined. */
export function findBlock(file: string, app: string): string | undefined {
  const lines = file.split('\n');
  const start = lines.indexOf(BEGIN(app));
  const end = lines.indexOf(END(app), start + 1);
  return start >= 0 && end > start ? lines.slice(start, end + 1).join('\n') : undefined;
}

export function blockFrontendPort(block: string | undefined): number | undefined {
  const m = block?.match(/^\s*bind 127\.0\.0\.1:(\d+)\s*$/m);
  return m ? Number(m[1]) : undefined;
}

/** Parses `show servers state <backend>`; undefined when HAProxy has no such backend. */
export function parseServersState(output: string): ServerState[] | undefined {
  if (/Can't find backend/i.test(output)) return undefined;
  const lines = output.split('\n');
  const header = lines.find((l) => l.startsWith('# be_id'));
  if (!header)
    throw new StepError(
      'haproxy',
      `unexpected 'show servers state' answer: ${output.trim().slice(0, 200)}`,
    );
  const names = header.slice(2).trim().split(/\s+/);
  const col = (name: string) => {
    const i = names.indexOf(name);
    if (i < 0) throw new StepError('haproxy', `'show servers state' has no ${name} column`);
    return i;
  };
  const [iName, iAdmin, iWeight, iPort] = [
    col('srv_name'),
    col('srv_admin_state'),
    col('srv_uweight'),
    col('srv_port'),
  ];
  const servers: ServerState[] = [];
  for (const line of lines) {
    if (!/^\d+ /.test(line)) continue;
    const f = line.trim().split(/\s+/);
    const name = f[iName];
    if (name !== 'blue' && name !== 'green') continue;
    const admin = Number(f[iAdmin]);
    servers.push({
      color: name,
      port: Number(f[iPort]),
      weight: Number(f[iWeight]),
      // maintenance: FMAINT 0x01, IMAINT 0x02, RMAINT 0x20 (HAProxy's SRV_ADMF_MAINT mask; CMAINT 0x04
      // only remembers `disabled` in the config, and stays set after `state ready`); drain: 0x18
      maint: (admin & 0x23) !== 0,
      drain: (admin & 0x18) !== 0,
    });
  }
  return servers.sort((a, b) => COLORS.indexOf(a.color) - COLORS.indexOf(b.color));
}

/**
 * One server's row of `show stat` CSV: sessions in flight (current + queued) and, when the
 * answer has the `addr` column, the port the server points at now. Undefined without a row.
 */
export function parseServerStat(
  csv: string,
  backend: string,
  server: string,
): { inFlight: number; port?: number } | undefined {
  const lines = csv.split('\n');
  const header = lines.find((l) => l.startsWith('# pxname'));
  if (!header) return undefined;
  const names = header.slice(2).split(',');
  const [iPx, iSv, iScur, iQcur, iAddr] = ['pxname', 'svname', 'scur', 'qcur', 'addr'].map((n) =>
    names.indexOf(n),
  );
  for (const line of lines) {
    const f = line.split(',');
    if (f[iPx!] !== backend || f[iSv!] !== server) continue;
    const inFlight = Number(f[iScur!] || 0) + Number(f[iQcur!] || 0);
    const port = iAddr! >= 0 ? f[iAddr!]?.match(/:(\d+)$/)?.[1] : undefined;
    return port === undefined ? { inFlight } : { inFlight, port: Number(port) };
  }
  return undefined;
}

/** Sessions in flight (current + queued) on one server, from `show stat` CSV. */
export function parseInFlight(csv: string, backend: string, server: string): number | undefined {
  return parseServerStat(csv, backend, server)?.inFlight;
}

/** `show info`: the process answering the runtime API, and whether it is stopping (a reload). */
export function parseInfo(text: string): { pid: number; stopping: boolean } | undefined {
  const pid = text.match(/^Pid:\s*(\d+)\s*$/m)?.[1];
  if (pid === undefined) return undefined;
  return { pid: Number(pid), stopping: /^Stopping:\s*1\s*$/m.test(text) };
}

/**
 * $1 a pid. Prints `newer N older M`: the processes of the same name and parent (the master, in
 * master-worker mode) started after it (a reload under way) and before it (old workers of a reload,
 * still finishing their connections); `alone` when its parent is init (no master: nothing to
 * compare with) or it is gone. From /proc (pid, comm, ppid, start).
 */
export const SIBLINGS_SCRIPT = `cat /proc/[0-9]*/stat 2>/dev/null | awk -v p="$1" '
{ s = $0; sub(/^.*\\) /, "", s); split(s, a, " "); name[$1] = $2; ppid[$1] = a[2]; start[$1] = a[20] }
END {
  if (!(p in ppid) || ppid[p] <= 1) { print "alone"; exit }
  n = 0; o = 0
  for (q in ppid) if (q != p && ppid[q] == ppid[p] && name[q] == name[p]) {
    if (start[q] + 0 > start[p] + 0) n++; else o++
  }
  print "newer " n " older " o
}'`;

/** SIBLINGS_SCRIPT's answer (0 and 0 when it says nothing usable). */
export function parseSiblings(text: string): { newer: number; older: number } {
  const m = text.match(/^newer (\d+) older (\d+)/m);
  return m ? { newer: Number(m[1]), older: Number(m[2]) } : { newer: 0, older: 0 };
}

/**
 * Runtime commands that take the servers from `now` to `want` without a moment where no server
 * takes requests: colors that gain traffic first (address, weight, then ready), then colors at
 * weight 0, then colors that go to maintenance. Nothing for a color that is already right.
 */
export function runtimeCommands(
  app: string,
  now: readonly ServerState[],
  want: readonly Desired[],
): string[] {
  const be = backendName(app);
  const order = [
    ...want.filter((d) => !d.maint && d.weight > 0),
    ...want.filter((d) => !d.maint && d.weight === 0),
    ...want.filter((d) => d.maint),
  ];
  const commands: string[] = [];
  for (const d of order) {
    const s = now.find((x) => x.color === d.color);
    const srv = `${be}/${d.color}`;
    if (d.maint) {
      if (!s?.maint) commands.push(`set server ${srv} state maint`);
      continue;
    }
    if (d.weight === 0 && s?.weight !== 0) commands.push(`set server ${srv} weight 0`);
    if (s?.port !== d.port) commands.push(`set server ${srv} addr 127.0.0.1 port ${d.port}`);
    if (d.weight > 0 && s?.weight !== d.weight)
      commands.push(`set server ${srv} weight ${d.weight}`);
    if (!s || s.maint || s.drain) commands.push(`set server ${srv} state ready`);
  }
  return commands;
}

/** Does the running state already match? (port of a server in maintenance does not matter) */
export function matches(
  now: readonly ServerState[] | undefined,
  want: readonly Desired[],
): boolean {
  if (!now) return false;
  return want.every((d) => {
    const s = now.find((x) => x.color === d.color);
    if (!s) return false;
    if (d.maint) return s.maint;
    return !s.maint && !s.drain && s.port === d.port && s.weight === d.weight;
  });
}

export interface HaproxyOptions {
  clock?: Clock;
  /** How long to wait for a reloaded HAProxy to show the app's backend (default 15 s). */
  reloadWaitSeconds?: number;
}

export function haproxyProxy(
  app: string,
  haproxy: HaproxySettings,
  nginx: NginxSettings,
  options: HaproxyOptions = {},
): RemovableProxy {
  const clock = options.clock ?? systemClock;
  const be = backendName(app);
  const check = haproxy.checkCommand ?? ['haproxy', '-c', '-q', '-f', '{config}'];

  const cli = async (exec: Executor, commands: readonly string[]): Promise<string> => {
    const result = await exec.run(['socat', '-t', '5', 'stdio', `UNIX-CONNECT:${haproxy.socket}`], {
      input: `${commands.join('; ')}\n`,
      timeoutMs: 15_000,
      allowFailure: true,
    });
    if (result.exitCode === 127)
      throw new StepError(
        'haproxy',
        `socat is not installed on ${exec.where} (apt-get install socat)`,
      );
    if (result.exitCode !== 0)
      throw new StepError(
        'haproxy',
        `runtime API at ${haproxy.socket} did not answer (socat exited ${result.exitCode}; is ` +
          `HAProxy running with 'stats socket ${haproxy.socket} level admin', and may this user ` +
          `open it?): ${result.stderr.trim()}`,
      );
    return result.stdout;
  };
  const reloadHaproxy = (exec: Executor) =>
    runProxyCommand(exec, 'haproxy', 'haproxy-reload-command', haproxy.reloadCommand);
  /**
   * Waits (at most reloadWaitSeconds) until no reload of HAProxy is under way: the process that
   * answers the runtime API is not stopping, has no newer worker beside it, and (after our own
   * reload) is not `oldPid`. A runtime change made on the old process of a reload is lost when the
   * new one takes over (it read the file, maybe before the change was saved), and a drain that
   * asks the old one counts nothing of what the new one sends. Returns the pid (undefined when
   * `show info` tells none: nothing to check).
   */
  const siblings = async (exec: Executor, pid: number) =>
    parseSiblings(
      (
        await exec.run(['sh', '-c', SIBLINGS_SCRIPT, 'tg-haproxy', String(pid)], {
          allowFailure: true,
        })
      ).stdout,
    );
  const settled = async (exec: Executor, oldPid?: number): Promise<number | undefined> => {
    const seconds = options.reloadWaitSeconds ?? 15;
    const end = clock.now() + seconds * 1000;
    for (;;) {
      const info = parseInfo(await cli(exec, ['show info']));
      if (!info) return undefined;
      let why = info.stopping
        ? 'is stopping'
        : info.pid === oldPid
          ? 'is the one before the reload'
          : '';
      if (!why) {
        const { newer } = await siblings(exec, info.pid);
        if (newer > 0) why = `has ${newer} newer worker(s) beside it (a reload under way)`;
      }
      if (!why) return info.pid;
      if (clock.now() >= end)
        throw new StepError(
          'haproxy',
          `a reload of HAProxy did not finish within ${seconds}s: process ${info.pid}, which answers ${haproxy.socket}, ${why}`,
        );
      await clock.sleep(100);
    }
  };
  const state = async (exec: Executor) =>
    parseServersState(await cli(exec, [`show servers state ${be}`]));

  /** The app's block as asked, or 'remove' to take it out. */
  type Edit = readonly Desired[] | 'remove';
  type Prepared = { before: string | undefined; next: string | undefined; candidate: string };

  /** Writes the new file beside the real one and checks it; `next` undefined = already so. */
  const prepare = async (
    exec: Executor,
    want: Edit,
    read?: { text: string | undefined },
  ): Promise<Prepared> => {
    const before = read ? read.text : await readText(exec, haproxy.configFile);
    const next =
      want === 'remove'
        ? removeBlock(before ?? '', app)
        : replaceBlock(before ?? '', app, renderBlock(app, haproxy.frontendPort, want));
    const candidate = `${haproxy.configFile}.tg-${app}.new`;
    if (next === before) return { before, next: undefined, candidate };
    await writeText(exec, candidate, next);
    const argv = check.map((a) => (a === '{config}' ? candidate : a));
    const result = await runProxyCommand(exec, 'haproxy', 'haproxy-check-command', argv, {
      allowFailure: true,
      template: check,
    }).catch(async (error: unknown) => {
      await removeFile(exec, candidate);
      throw error;
    });
    if (result.exitCode !== 0) {
      await removeFile(exec, candidate);
      throw new StepError(
        'haproxy',
        `config check failed for the new ${haproxy.configFile} (nothing changed):\n` +
          (result.stderr || result.stdout).trim().split('\n').slice(-8).join('\n'),
      );
    }
    return { before, next, candidate };
  };

  /**
   * Swaps a prepared file in (under a lock, only if nobody changed the file since it was read;
   * otherwise prepares again from the new content, up to 5 times). Returns whether it changed.
   */
  const persist = async (exec: Executor, want: Edit, prepared?: Prepared): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      const p = attempt === 1 && prepared ? prepared : await prepare(exec, want);
      if (p.next === undefined) return false;
      const swap = await exec.run(swapCommand(haproxy.configFile, digest(p.before), p.candidate), {
        allowFailure: true,
      });
      if (swap.exitCode === 0) return true;
      await removeFile(exec, p.candidate);
      if (swap.exitCode !== CHANGED || attempt >= 5)
        throw new StepError(
          'haproxy',
          `cannot replace ${haproxy.configFile}: ${swap.stderr.trim()}`,
        );
    }
  };

  const apply = async (exec: Executor, now: readonly ServerState[], want: readonly Desired[]) => {
    const commands = runtimeCommands(app, now, want);
    const answer = commands.length ? await cli(exec, commands) : '';
    const after = await state(exec);
    if (!matches(after, want))
      throw new StepError(
        'haproxy',
        `runtime state of ${be} is not as asked after: ${commands.join('; ')}\n${answer.trim()}\n` +
          `now: ${JSON.stringify(after)}`,
      );
  };

  return {
    async remove(exec) {
      const path = upstreamFile(nginx.confDir, app);
      if ((await readText(exec, path)) !== undefined)
        await uninstallUpstream(exec, nginx, app, clock);
      if (await persist(exec, 'remove')) {
        const before = await settled(exec);
        await reloadHaproxy(exec);
        // the next switch (of any app) must reach the new process, not the one going away
        await settled(exec, before);
      }
    },
    kind: 'haproxy',
    nginx,
    async current(exec) {
      const servers = await state(exec);
      return (servers ?? [])
        .filter((s) => !s.maint)
        .map((s) => ({ color: s.color, port: s.port, weight: s.drain ? 0 : s.weight }));
    },

    async route(exec, backends) {
      // Everything up to a checked candidate file changes nothing live: a failure here is a
      // definite "nothing changed" (RouteError tookEffect false), so nothing needs routing back.
      const { now, want, reload, prepared } = await beforeAnyChange('haproxy', async () => {
        validateBackends(backends);
        const now = await state(exec);
        const want = desiredState(backends, now ?? []);
        const text = await readText(exec, haproxy.configFile);
        const reload =
          !now || blockFrontendPort(findBlock(text ?? '', app)) !== haproxy.frontendPort;
        return { now, want, reload, prepared: await prepare(exec, want, { text }) };
      });

      await afterAChange(async () => {
        if (reload) {
          // First setup (or a new frontend port): file, reload, wait until the process has it.
          const changed = await persist(exec, want, prepared);
          if (changed || !now) {
            await reloadHaproxy(exec);
            const end = clock.now() + (options.reloadWaitSeconds ?? 15) * 1000;
            let loaded = await state(exec).catch(() => undefined);
            while (!loaded) {
              if (clock.now() >= end)
                throw new StepError(
                  'haproxy',
                  `reloaded, but ${be} did not appear within the wait`,
                );
              await clock.sleep(200);
              loaded = await state(exec).catch(() => undefined);
            }
            await settled(exec);
            loaded = (await state(exec)) ?? loaded;
            if (!matches(loaded, want)) await apply(exec, loaded, want);
          }
        } else if (now) {
          // The switch: the new file is checked; change the running state, then keep the file.
          // Not on the old process of a reload under way (another app's setup or removal).
          try {
            await settled(exec);
            const current = (await state(exec)) ?? now;
            if (!matches(current, want)) await apply(exec, current, want);
          } catch (error) {
            if (prepared.next !== undefined) await removeFile(exec, prepared.candidate);
            throw error;
          }
          await persist(exec, want, prepared);
          // Another app's first setup may have reloaded HAProxy between our runtime change and our
          // file swap, and its new process read our old block: check once more, now that the file
          // is right, and apply again if so (once that reload is over).
          await settled(exec);
          const final = await state(exec);
          if (!final) throw new StepError('haproxy', `${be} disappeared from the running HAProxy`);
          if (!matches(final, want)) await apply(exec, final, want);
        }
        // nginx talks to the frontend; written and reloaded once per app (no-op when in place)
        await installUpstream(exec, nginx, app, renderFrontendUpstream(app, haproxy.frontendPort), {
          clock,
        });
      });
    },

    async drain(exec, backend, seconds, clk) {
      // HAProxy is the only client of the color's port: its own count of the server is exact,
      // when the server still points at the PORT drained. With no row for it, or a row that points
      // elsewhere now, HAProxy's count says nothing about that port: count the port's established
      // connections on the host, as nginx's drain does (never "drained" for lack of an answer).
      // An older worker of a reload (another app's setup or removal) still finishes what it
      // accepted, with the routing it had, and this process's count says nothing of it: until it
      // has exited it counts as one more in flight.
      const inFlight = async () => {
        const csv = await cli(exec, [`show stat ${be} 4 -1`, 'show info']);
        const info = parseInfo(csv);
        const older = info ? (await siblings(exec, info.pid)).older : 0;
        const row = parseServerStat(csv, be, backend.color);
        if (row && (row.port === undefined || row.port === backend.port))
          return row.inFlight + older;
        return (await connectionsTo(exec, backend.port)) + older;
      };
      return waitForZero(inFlight, seconds, clk);
    },
  };
}
