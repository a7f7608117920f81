/**
 * The traffic switch without services: validation, rendering and parsing, and the order of the
 * commands each switch sends, against a fake host (files, nginx test/reload, an HAProxy runtime
 * API that keeps server state like the real one). The real thing: tests/integration/proxy-*.
 */
import { describe, expect, test } from '@jest/globals';
import { fakeClock } from '../../src/clock.js';
import { InputError, StepError } from '../../src/errors.js';
import {
  CommandError,
  type CommandResult,
  type Executor,
  type RunOptions,
} from '../../src/exec.js';
import { digest, SWAP_SCRIPT } from '../../src/proxy/files.js';
import {
  desiredState,
  findBlock,
  matches,
  SIBLINGS_SCRIPT,
  parseInfo,
  parseInFlight,
  parseServersState,
  removeBlock,
  renderBlock,
  replaceBlock,
  runtimeCommands,
  type ServerState,
} from '../../src/proxy/haproxy.js';
import {
  commandNotFound,
  createProxy,
  runProxyCommand,
  validateBackends,
  type Backend,
  type ProxySettings,
} from '../../src/proxy/index.js';
import { changedNothing, RouteError } from '../../src/proxy/route-error.js';
import {
  oldWorkers,
  parseWorkers,
  reloadInEffect,
  WORKERS_SCRIPT,
  type Worker,
} from '../../src/proxy/nginx-workers.js';
import {
  parseUpstream,
  renderFrontendUpstream,
  renderUpstream,
  waitForZero,
} from '../../src/proxy/nginx.js';

const STATE_HEADER =
  '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port';

const BLUE_GREEN: Backend[] = [
  { color: 'green', port: 21601, weight: 100 },
  { color: 'blue', port: 21600, weight: 0 },
];

describe('validation', () => {
  test('backends: sorted blue first, copied, and every bad shape named', () => {
    expect(validateBackends(BLUE_GREEN)).toEqual([
      { color: 'blue', port: 21600, weight: 0 },
      { color: 'green', port: 21601, weight: 100 },
    ]);
    const bad: [unknown, RegExp][] = [
      [[], /one or two/],
      [[{ color: 'red', port: 1, weight: 1 }], /blue or green/],
      [
        [
          { color: 'blue', port: 1, weight: 1 },
          { color: 'blue', port: 2, weight: 1 },
        ],
        /twice/,
      ],
      [[{ color: 'blue', port: 0, weight: 1 }], /1\.\.65535/],
      [[{ color: 'blue', port: 80, weight: 101 }], /0\.\.100/],
      [[{ color: 'blue', port: 80, weight: 1.5 }], /0\.\.100/],
      [[{ color: 'blue', port: 80, weight: 0 }], /every weight is 0/],
      [
        [
          { color: 'blue', port: 80, weight: 1 },
          { color: 'green', port: 80, weight: 1 },
        ],
        /share port/,
      ],
    ];
    for (const [backends, message] of bad) {
      expect(() => validateBackends(backends as Backend[])).toThrow(InputError);
      expect(() => validateBackends(backends as Backend[])).toThrow(message);
    }
  });

  test('settings: app names, socket paths and the check command are checked up front', () => {
    const ok = settings('haproxy');
    expect(() => createProxy(ok)).not.toThrow();
    for (const app of ['', 'Bot', 'bot.x', 'a b', '-bot', 'x'.repeat(49), 'bot;id', 'bot\n'])
      expect(() => createProxy({ ...ok, app })).toThrow(/Input 'app'/);
    expect(() =>
      createProxy({ ...ok, haproxy: { ...ok.haproxy, socket: '/run/a,b.sock' } }),
    ).toThrow(/haproxy-socket/);
    expect(() => createProxy({ ...ok, haproxy: { ...ok.haproxy, socket: 'run/a.sock' } })).toThrow(
      /absolute/,
    );
    expect(() =>
      createProxy({ ...ok, haproxy: { ...ok.haproxy, checkCommand: ['haproxy', '-c'] } }),
    ).toThrow(/\{config\}/);
    expect(() => createProxy({ ...ok, nginx: { ...ok.nginx, reloadCommand: [] } })).toThrow(
      /nginx-reload-command/,
    );
    expect(() => createProxy({ ...ok, haproxy: { ...ok.haproxy, frontendPort: 70000 } })).toThrow(
      /haproxy-frontend-port/,
    );
    // the haproxy settings do not matter for the nginx baseline
    expect(() =>
      createProxy({ ...settings('nginx'), haproxy: { ...ok.haproxy, frontendPort: 0 } }),
    ).not.toThrow();
  });
});

describe('nginx include file', () => {
  test('renders one server line per color, weight 0 as down, and parses back', () => {
    const text = renderUpstream('bot', [
      { color: 'blue', port: 21600, weight: 90 },
      { color: 'green', port: 21601, weight: 10 },
    ]);
    expect(text).toContain('upstream tg_bot {');
    expect(text).toContain('    server 127.0.0.1:21600 weight=90; # blue\n');
    expect(text).toContain('    server 127.0.0.1:21601 weight=10; # green\n');
    expect(text).toContain('keepalive 16;');
    const down = renderUpstream('bot', BLUE_GREEN);
    expect(down).toContain('    server 127.0.0.1:21600 down; # blue\n');
    expect(parseUpstream(down)).toEqual(validateBackends(BLUE_GREEN));
    expect(parseUpstream('upstream x { server 10.0.0.1:80; }')).toEqual([]);
  });

  test('in front of HAProxy: one fixed server, no idle connection an HAProxy reload could close under a request', () => {
    const text = renderFrontendUpstream('bot', 21650);
    expect(text).toContain('upstream tg_bot {');
    expect(text).toContain('server 127.0.0.1:21650;');
    expect(text).not.toMatch(/^\s*keepalive/m);
    expect(parseUpstream(text)).toEqual([]);
  });
});

describe('HAProxy pieces', () => {
  const sample = [
    '1',
    STATE_HEADER,
    '6 be_bot 1 blue 127.0.0.1 2 0 50 100 3 1 0 2 0 0 0 0 - 21600 - 0 0 - - 0',
    '6 be_bot 2 green 127.0.0.1 2 4 50 0 2 1 0 0 8 0 0 0 - 21601 - 0 0 - - 0',
    '6 be_bot 3 other 127.0.0.1 0 1 1 1 2 1 0 0 8 0 0 0 - 1 - 0 0 - - 0',
    '',
  ].join('\n');

  test('parses show servers state: CMAINT alone (config `disabled`, cleared by ready) is not maintenance', () => {
    expect(parseServersState(sample)).toEqual([
      { color: 'blue', port: 21600, weight: 50, maint: false, drain: false },
      { color: 'green', port: 21601, weight: 50, maint: false, drain: false },
    ]);
    const maint = sample.replace('2 4 50 0', '0 5 1 0').replace('2 0 50 100', '2 8 50 100');
    expect(parseServersState(maint)).toEqual([
      { color: 'blue', port: 21600, weight: 50, maint: false, drain: true },
      { color: 'green', port: 21601, weight: 1, maint: true, drain: false },
    ]);
    expect(parseServersState("Can't find backend.\n\n")).toBeUndefined();
    expect(() => parseServersState('Permission denied\n')).toThrow(StepError);
  });

  test('parses in-flight sessions (scur + qcur) from show stat', () => {
    const csv = '# pxname,svname,qcur,qmax,scur,smax\nbe_bot,blue,1,0,3,9\nbe_bot,green,0,0,0,4\n';
    expect(parseInFlight(csv, 'be_bot', 'blue')).toBe(4);
    expect(parseInFlight(csv, 'be_bot', 'green')).toBe(0);
    expect(parseInFlight(csv, 'be_x', 'green')).toBeUndefined();
  });

  test('the managed block: replaced in place, appended once, removed without touching the rest', () => {
    const block = renderBlock('bot', 21650, desiredState(BLUE_GREEN));
    expect(block).toContain('bind 127.0.0.1:21650');
    expect(block).toContain('server blue 127.0.0.1:21600 weight 0\n');
    expect(block).toContain('server green 127.0.0.1:21601 weight 100\n');
    const other = renderBlock(
      'other',
      21651,
      desiredState([{ color: 'blue', port: 1000, weight: 100 }]),
    );
    expect(other).toContain('server green 127.0.0.1:1 weight 0 disabled');
    const base = 'global\n    maxconn 10\n\ndefaults\n    mode http\n';
    const one = replaceBlock(base, 'bot', block);
    const two = replaceBlock(one, 'other', other);
    expect(two.startsWith(base)).toBe(true);
    expect(findBlock(two, 'bot')).toBe(block);
    expect(findBlock(two, 'other')).toBe(other);
    const changed = renderBlock(
      'bot',
      21650,
      desiredState([{ color: 'blue', port: 21600, weight: 100 }]),
    );
    const three = replaceBlock(two, 'bot', changed);
    expect(findBlock(three, 'bot')).toBe(changed);
    expect(findBlock(three, 'other')).toBe(other);
    expect(replaceBlock(three, 'bot', changed)).toBe(three);
    expect(removeBlock(removeBlock(three, 'bot'), 'other')).toBe(base);
    expect(() => replaceBlock(`${base}${block.split('\n')[0]}\n`, 'bot', block)).toThrow(/damaged/);
  });

  test('the backend balances each request: no server preference inherited from defaults', () => {
    const block = renderBlock('bot', 21650, desiredState(BLUE_GREEN));
    const backend = block.slice(block.indexOf('backend be_bot'));
    expect(backend).toMatch(/^ {4}balance roundrobin$/m);
    expect(backend).toMatch(/^ {4}no option prefer-last-server$/m);
    // nothing else that keeps a client on one server
    expect(backend).not.toMatch(
      /^\s*(option prefer-last-server|stick|cookie|balance (source|hdr|uri))/m,
    );
  });

  test('runtime commands: the gaining color first, the losing one after, nothing when already so', () => {
    const now: ServerState[] = [
      { color: 'blue', port: 21600, weight: 100, maint: false, drain: false },
      { color: 'green', port: 1, weight: 0, maint: true, drain: false },
    ];
    const want = desiredState(BLUE_GREEN, now);
    expect(runtimeCommands('bot', now, want)).toEqual([
      'set server be_bot/green addr 127.0.0.1 port 21601',
      'set server be_bot/green weight 100',
      'set server be_bot/green state ready',
      'set server be_bot/blue weight 0',
    ]);
    const after: ServerState[] = [
      { color: 'blue', port: 21600, weight: 0, maint: false, drain: false },
      { color: 'green', port: 21601, weight: 100, maint: false, drain: false },
    ];
    expect(matches(after, want)).toBe(true);
    expect(runtimeCommands('bot', after, want)).toEqual([]);
    // a color left out goes to maintenance, last
    const greenOnly = desiredState([{ color: 'green', port: 21601, weight: 100 }], after);
    expect(runtimeCommands('bot', after, greenOnly)).toEqual([
      'set server be_bot/blue state maint',
    ]);
    expect(matches(after, greenOnly)).toBe(false);
    expect(matches(undefined, greenOnly)).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------
// a fake host: files, nginx, HAProxy runtime API

interface FakeHost extends Executor {
  files: Map<string, string>;
  log: string[];
  servers: Map<string, ServerState[]>;
  nginxTestFails: boolean;
  checkFails: boolean;
  inFlight: number[];
  /** Changes the config file between read and swap (another deploy), this many times. */
  interfere: number;
  /** Another app's setup reloads HAProxy (from the file as it is) just before our swap. */
  reloadBeforeSwap: boolean;
  /** nginx reloads, then its reload command exits 1, this many times. */
  reloadExitsAfterReload: number;
  /** The config nginx runs (the file as it was at the last reload that took effect). */
  nginxRuns?: string;
  /** Established connections `ss` reports per port, one answer per call. */
  connections: Map<number, number[]>;
  /** nginx's worker processes as `ps` lists them (WORKERS_SCRIPT); each listing is one tick. */
  workers: Worker[];
  tick: number;
  /** Listings after a reload before the master has started the new workers. */
  reloadDelay: number;
  /** Listings an old worker stays (shutting down) once the new ones run. */
  oldWorkerLinger: number;
  /** false: a reload never shows new workers (a master that failed to load the file). */
  reloadsTakeEffect: boolean;
  /** The HAProxy process that answers the runtime API (`show info`). */
  haproxyPid: number;
  /** Listings (SIBLINGS_SCRIPT) during which a newer HAProxy worker (a reload) exists beside it. */
  newerWorkerFor: number;
  /** Old HAProxy workers (of a reload) beside it, one answer per listing. */
  olderWorkers: number[];
}

function fakeHost(): FakeHost {
  const files = new Map<string, string>();
  const servers = new Map<string, ServerState[]>();
  const log: string[] = [];
  const host: FakeHost = {
    where: 'fake',
    files,
    log,
    servers,
    nginxTestFails: false,
    checkFails: false,
    inFlight: [],
    interfere: 0,
    reloadBeforeSwap: false,
    reloadExitsAfterReload: 0,
    connections: new Map(),
    workers: [{ pid: 11, ppid: 10, start: 1, stopping: false }],
    tick: 100,
    reloadDelay: 0,
    oldWorkerLinger: 0,
    reloadsTakeEffect: true,
    haproxyPid: 500,
    newerWorkerFor: 0,
    olderWorkers: [],
    async run(argv: readonly string[], options: RunOptions = {}) {
      const result = answer(argv, options.input ?? '');
      const full: CommandResult = { exitCode: 0, stdout: '', stderr: '', ...result };
      if (full.exitCode !== 0 && !options.allowFailure) throw new CommandError('fake', argv, full);
      return full;
    },
  };
  const loadRuntime = () => {
    servers.clear();
    const cfg = files.get('/etc/haproxy/haproxy.cfg') ?? '';
    for (const m of cfg.matchAll(/^backend (\S+)\n((?: {4}.*\n)+)/gm)) {
      const list: ServerState[] = [];
      for (const s of m[2]!.matchAll(
        /server (blue|green) 127\.0\.0\.1:(\d+) weight (\d+)( disabled)?/g,
      ))
        list.push({
          color: s[1] as 'blue',
          port: +s[2]!,
          weight: +s[3]!,
          maint: !!s[4],
          drain: false,
        });
      servers.set(m[1]!, list);
    }
  };
  const cli = (line: string): string =>
    line
      .trim()
      .split(/\s*;\s*/)
      .map((cmd) => {
        let m = cmd.match(/^show servers state (\S+)$/);
        if (m) {
          const list = servers.get(m[1]!);
          if (!list) return "Can't find backend.\n";
          const rows = list.map(
            (s, i) =>
              `3 ${m![1]} ${i + 1} ${s.color} 127.0.0.1 2 ${(s.maint ? 1 : 0) | (s.drain ? 8 : 0)} ${s.weight} 1 0 1 0 0 0 0 0 0 - ${s.port} - 0 0 - - 0`,
          );
          return `1\n${STATE_HEADER}\n${rows.join('\n')}\n`;
        }
        if (cmd === 'show info') return `Name: HAProxy\nPid: ${host.haproxyPid}\nStopping: 0\n`;
        m = cmd.match(/^show stat (\S+) 4 -1$/);
        if (m) {
          const n = host.inFlight.shift() ?? 0;
          return `# pxname,svname,qcur,qmax,scur\n${m[1]},blue,0,0,${n}\n${m[1]},green,0,0,0\n`;
        }
        m = cmd.match(/^set server (\S+)\/(blue|green) (.*)$/);
        const s = m && servers.get(m[1]!)?.find((x) => x.color === m![2]);
        if (!m || !s) return 'No such server.\n';
        const [verb, ...rest] = m[3]!.split(' ');
        if (verb === 'weight') s.weight = Number(rest[0]);
        else if (verb === 'addr') s.port = Number(rest[2]);
        else if (verb === 'state') s.maint = rest[0] === 'maint';
        else return 'Unknown command.\n';
        return '';
      })
      .join('\n');
  /** Reloads signalled, each with the listings left before its new workers start. */
  const reloads: number[] = [];
  const lingering = new Map<number, number>();
  const listWorkers = (): string => {
    host.tick++;
    for (const [pid, left] of lingering) {
      if (left > 0) lingering.set(pid, left - 1);
      else {
        lingering.delete(pid);
        host.workers = host.workers.filter((w) => w.pid !== pid);
      }
    }
    if (reloads.length && reloads[0]! <= 0 && host.reloadsTakeEffect) {
      reloads.length = 0;
      for (const w of host.workers.filter((x) => !x.stopping)) {
        w.stopping = true;
        lingering.set(w.pid, host.oldWorkerLinger);
      }
      const pid = Math.max(...host.workers.map((w) => w.pid), 11) + 1;
      host.workers.push({ pid, ppid: 10, start: host.tick, stopping: false });
    }
    if (reloads.length) reloads[0]!--;
    return [
      `now ${host.tick}`,
      ...host.workers
        .filter((w) => !lingering.has(w.pid) || lingering.get(w.pid)! >= 0)
        .map((w) => `worker ${w.pid} ${w.ppid} ${w.start} ${w.stopping ? 'stopping' : 'serving'}`),
    ].join('\n');
  };
  const answer = (argv: readonly string[], input: string): Partial<CommandResult> => {
    const [cmd, ...args] = argv;
    log.push(
      cmd === 'socat'
        ? `socat ${input.trim()}`
        : cmd === 'flock'
          ? `swap ${argv.slice(-3).join(' ')}`
          : cmd === 'sh' && argv[2] === WORKERS_SCRIPT
            ? 'ps nginx workers'
            : cmd === 'sh' && argv[2] === SIBLINGS_SCRIPT
              ? `newer than ${argv.at(-1)}`
              : argv.join(' '),
    );
    switch (cmd) {
      case 'sh':
        if (argv[2] === WORKERS_SCRIPT) return { stdout: listWorkers() };
        if (argv[2] === SIBLINGS_SCRIPT) {
          // a reload under way: a newer worker exists for this many listings, then answers
          if (host.newerWorkerFor > 0 && --host.newerWorkerFor === 0) {
            host.haproxyPid++;
            loadRuntime();
            return { stdout: 'newer 1 older 0' };
          }
          return {
            stdout: `newer ${host.newerWorkerFor > 0 ? 1 : 0} older ${host.olderWorkers.shift() ?? 0}`,
          };
        }
        return { exitCode: 127, stderr: 'sh: unexpected script' };
      case 'cat': {
        const text = files.get(args[1]!);
        return text === undefined
          ? { exitCode: 1, stderr: `cat: ${args[1]}: No such file or directory` }
          : { stdout: text };
      }
      case 'dd':
        files.set(args[0]!.slice(3), input);
        return {};
      case 'mv':
        files.set(args[3]!, files.get(args[2]!)!);
        files.delete(args[2]!);
        return {};
      case 'rm':
        files.delete(args[2]!);
        return {};
      case 'nginx':
        if (args.includes('-t'))
          return host.nginxTestFails
            ? { exitCode: 1, stderr: 'nginx: [emerg] unexpected "}"' }
            : {};
        host.nginxRuns = files.get(NGINX_FILE);
        reloads.push(host.reloadDelay);
        if (host.reloadExitsAfterReload > 0) {
          host.reloadExitsAfterReload--;
          return { exitCode: 1, stderr: 'reloaded, then failed' };
        }
        return {};
      case 'ss': {
        const port = Number(argv.at(-1)!.slice(1));
        const n = host.connections.get(port)?.shift() ?? 0;
        return {
          stdout: Array.from(
            { length: n },
            (_, i) => `ESTAB 0 0 127.0.0.1:${40000 + i} 127.0.0.1:${port}`,
          ).join('\n'),
        };
      }
      case 'haproxy':
        return host.checkFails
          ? { exitCode: 1, stderr: "[ALERT] parsing: unknown keyword 'x'" }
          : {};
      case 'kill':
        loadRuntime();
        host.haproxyPid++; // a new worker answers the runtime API
        return {};
      case 'socat':
        return { stdout: cli(input) };
      case 'flock': {
        expect(argv.slice(0, 6)).toEqual([
          'flock',
          '-w',
          '30',
          '/etc/haproxy/haproxy.cfg.tg-lock',
          'sh',
          '-c',
        ]);
        expect(argv[6]).toBe(SWAP_SCRIPT);
        const [path, expected, candidate] = argv.slice(-3) as [string, string, string];
        if (host.reloadBeforeSwap) {
          host.reloadBeforeSwap = false;
          loadRuntime();
        }
        if (host.interfere > 0) {
          host.interfere--;
          files.set(path, `${files.get(path) ?? ''}# someone else\n`);
        }
        if (digest(files.get(path)) !== expected) return { exitCode: 75, stderr: 'changed' };
        files.set(path, files.get(candidate)!);
        files.delete(candidate);
        return {};
      }
      default:
        return { exitCode: 127, stderr: `${cmd}: not found` };
    }
  };
  return host;
}

function settings(kind: 'nginx' | 'haproxy'): ProxySettings {
  return {
    kind,
    app: 'bot',
    nginx: {
      confDir: '/etc/nginx/conf.d',
      testCommand: ['nginx', '-t'],
      reloadCommand: ['nginx', '-s', 'reload'],
    },
    haproxy: {
      socket: '/run/haproxy/admin.sock',
      configFile: '/etc/haproxy/haproxy.cfg',
      reloadCommand: ['kill', '-USR2', '1234'],
      frontendPort: 21650,
    },
  };
}

const NGINX_FILE = '/etc/nginx/conf.d/tg-bot.upstream.conf';

describe('nginx baseline switch', () => {
  test('writes, tests, then reloads; the same routing twice runs nothing the second time', async () => {
    const host = fakeHost();
    const proxy = createProxy(settings('nginx'));
    expect(await proxy.current(host)).toEqual([]);
    host.log.length = 0;
    await proxy.route(host, BLUE_GREEN);
    expect(host.log).toEqual([
      `cat -- ${NGINX_FILE}`,
      `dd of=${NGINX_FILE}.tg-tmp status=none`,
      `mv -f -- ${NGINX_FILE}.tg-tmp ${NGINX_FILE}`,
      'nginx -t',
      'ps nginx workers',
      'nginx -s reload',
      'ps nginx workers', // the new workers run, the old ones were told to stop
    ]);
    expect(await proxy.current(host)).toEqual(validateBackends(BLUE_GREEN));
    host.log.length = 0;
    await proxy.route(host, [...BLUE_GREEN].reverse());
    expect(host.log).toEqual([`cat -- ${NGINX_FILE}`]);
  });

  test('a failed test restores the previous file and reloads nothing', async () => {
    const host = fakeHost();
    const proxy = createProxy(settings('nginx'));
    await proxy.route(host, BLUE_GREEN);
    const before = host.files.get(NGINX_FILE);
    host.nginxTestFails = true;
    host.log.length = 0;
    await expect(proxy.route(host, [{ color: 'blue', port: 21600, weight: 100 }])).rejects.toThrow(
      /config test failed.*restored the previous file, reloaded nothing[\s\S]*unexpected/,
    );
    expect(host.files.get(NGINX_FILE)).toBe(before);
    expect(host.log.some((l) => l.includes('reload'))).toBe(false);
    // and a first file that fails the test is removed again
    const fresh = fakeHost();
    fresh.nginxTestFails = true;
    await expect(createProxy(settings('nginx')).route(fresh, BLUE_GREEN)).rejects.toThrow(
      StepError,
    );
    expect(fresh.files.has(NGINX_FILE)).toBe(false);
  });

  test('a reload command that exits 1 after reloading: the error never claims nginx is unchanged; a forced route reloads the file back', async () => {
    const host = fakeHost();
    const proxy = createProxy(settings('nginx'));
    const blue = [{ color: 'blue' as const, port: 21600, weight: 100 }];
    await proxy.route(host, blue);
    const blueFile = host.files.get(NGINX_FILE);
    host.reloadExitsAfterReload = 1;
    const error = await proxy.route(host, [{ color: 'green', port: 21601, weight: 100 }]).then(
      () => new Error('expected the route to fail'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(
      /reload command exited 1: nginx may or may not run the new upstream/,
    );
    expect(error.message).not.toMatch(/unchanged/);
    // the file went back, but nginx runs the new one: only a forced route puts nginx right
    expect(host.files.get(NGINX_FILE)).toBe(blueFile);
    expect(host.nginxRuns).not.toBe(blueFile);
    host.log.length = 0;
    await proxy.route(host, blue);
    expect(host.log).toEqual([`cat -- ${NGINX_FILE}`]); // the file says so already: nothing
    await proxy.route(host, blue, { force: true });
    expect(host.log.slice(1)).toEqual([
      `cat -- ${NGINX_FILE}`,
      `dd of=${NGINX_FILE}.tg-tmp status=none`,
      `mv -f -- ${NGINX_FILE}.tg-tmp ${NGINX_FILE}`,
      'nginx -t',
      'ps nginx workers',
      'nginx -s reload',
      'ps nginx workers', // the new workers run, the old ones were told to stop
    ]);
    expect(host.nginxRuns).toBe(blueFile);
  });

  test('drain waits on the PORT it is given, even when the upstream file has no line for it', async () => {
    const host = fakeHost();
    const clock = fakeClock();
    const proxy = createProxy(settings('nginx'));
    // the rollback's old bug: the file routes to blue only; green's port still has connections
    await proxy.route(host, [{ color: 'blue', port: 21600, weight: 100 }]);
    host.connections.set(21601, [3, 1, 0]);
    const left = await proxy.drain(host, { color: 'green', port: 21601 }, 10, clock);
    expect(left).toBe(0);
    expect(clock.slept).toEqual([250, 250]);
    expect(host.log.filter((l) => l.startsWith('ss')).length).toBe(3);
  });

  test('a reload is over when its new workers run, not when its command returns', async () => {
    const host = fakeHost();
    const clock = fakeClock();
    const proxy = createProxy(settings('nginx'), { clock });
    host.reloadDelay = 3; // the master parses the file for three listings
    await proxy.route(host, BLUE_GREEN);
    expect(host.log.filter((l) => l === 'ps nginx workers')).toHaveLength(1 + 4);
    expect(clock.slept).toEqual([50, 50, 50]);
    expect(host.workers.filter((w) => !w.stopping)).toEqual([
      { pid: 12, ppid: 10, start: host.tick, stopping: false },
    ]);
  });

  test('a reload that never shows new workers fails the route (it may or may not be in effect) and restores the file', async () => {
    const host = fakeHost();
    const clock = fakeClock();
    const proxy = createProxy(settings('nginx'), { clock });
    const blue = [{ color: 'blue' as const, port: 21600, weight: 100 }];
    await proxy.route(host, blue);
    const blueFile = host.files.get(NGINX_FILE);
    host.reloadsTakeEffect = false;
    const error = await proxy.route(host, BLUE_GREEN).then(
      () => new Error('expected the route to fail'),
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(StepError);
    expect(changedNothing(error)).toBe(false);
    expect(error.message).toMatch(/no workers of the new configuration within 15s/);
    expect(host.files.get(NGINX_FILE)).toBe(blueFile);
  });

  test('nothing to wait for where no nginx worker is visible (no ps, another PID namespace)', async () => {
    const host = fakeHost();
    host.workers = [];
    const clock = fakeClock();
    await createProxy(settings('nginx'), { clock }).route(host, BLUE_GREEN);
    expect(host.log.filter((l) => l === 'ps nginx workers')).toHaveLength(1);
    expect(clock.slept).toEqual([]);
  });

  test('drain: 0 connections to the port is not enough while an old worker is shutting down', async () => {
    const host = fakeHost();
    const clock = fakeClock();
    const proxy = createProxy(settings('nginx'), { clock });
    host.oldWorkerLinger = 3; // the old worker finishes what it accepted: three more listings
    await proxy.route(host, BLUE_GREEN);
    host.log.length = 0;
    const left = await proxy.drain(host, { color: 'blue', port: 21600 }, 10, clock);
    expect(left).toBe(0);
    expect(host.log.filter((l) => l.startsWith('ss')).length).toBe(4);
    expect(clock.slept).toEqual([250, 250, 250]);
    // and a worker that starts after the drain began (a later reload) has a newer file: not waited for
    host.oldWorkerLinger = 100;
    await proxy.route(host, [{ color: 'green', port: 21601, weight: 100 }]);
    const before = clock.slept.length;
    expect(await proxy.drain(host, { color: 'blue', port: 21600 }, 1, clock)).toBe(1);
    expect(clock.slept.length - before).toBe(4); // the old worker outlived the 1 s budget
  });

  test('workers: parsed from the script, a reload in effect per master, old ones counted', () => {
    const view = parseWorkers(
      [
        'now 500',
        'worker 21 20 100 stopping',
        'worker 22 20 490 serving',
        'worker 31 30 50 serving', // another nginx on the host, not reloaded
        'ps: garbage',
      ].join('\n'),
    )!;
    expect(view.workers).toHaveLength(3);
    expect(reloadInEffect(view, 480)).toBe(true);
    expect(reloadInEffect(view, 495)).toBe(false); // nothing started since then
    expect(
      reloadInEffect(
        { ...view, workers: [...view.workers, { pid: 23, ppid: 20, start: 99, stopping: false }] },
        480,
      ),
    ).toBe(false);
    expect(oldWorkers(view, 500)).toBe(1);
    expect(oldWorkers(view, 90)).toBe(0);
    expect(parseWorkers('sh: cut: not found\n')).toBeUndefined();
  });

  test('bad backends change nothing', async () => {
    const host = fakeHost();
    await expect(
      createProxy(settings('nginx')).route(host, [{ color: 'blue', port: 1, weight: 0 }]),
    ).rejects.toThrow(InputError);
    expect(host.log).toEqual([]);
  });
});

describe('HAProxy runtime switch', () => {
  const CFG = '/etc/haproxy/haproxy.cfg';
  const BASE = 'global\n    stats socket /run/haproxy/admin.sock level admin\n';

  test('first setup: file checked and swapped, one HAProxy reload, nginx pointed at the frontend once', async () => {
    const host = fakeHost();
    host.files.set(CFG, BASE);
    const proxy = createProxy(settings('haproxy'), { clock: fakeClock() });
    await proxy.route(host, [{ color: 'blue', port: 21600, weight: 100 }]);
    expect(host.log.filter((l) => /^(haproxy|swap|kill|nginx)/.test(l))).toEqual([
      `haproxy -c -q -f ${CFG}.tg-bot.new`,
      `swap ${CFG} ${digest(BASE)} ${CFG}.tg-bot.new`,
      'kill -USR2 1234',
      'nginx -t',
      'nginx -s reload',
    ]);
    expect(host.files.get(CFG)!.startsWith(BASE)).toBe(true);
    expect(host.files.get(NGINX_FILE)).toBe(renderFrontendUpstream('bot', 21650));
    expect(await proxy.current(host)).toEqual([{ color: 'blue', port: 21600, weight: 100 }]);
  });

  test('the switch: checked first, runtime API in a safe order, file kept, no reload anywhere', async () => {
    const host = fakeHost();
    host.files.set(CFG, BASE);
    const proxy = createProxy(settings('haproxy'), { clock: fakeClock() });
    await proxy.route(host, [{ color: 'blue', port: 21600, weight: 100 }]);
    const before = host.files.get(CFG);
    host.log.length = 0;
    await proxy.route(host, BLUE_GREEN);
    const steps = host.log.filter((l) => /^(haproxy|swap|kill|nginx|socat set)/.test(l));
    expect(steps).toEqual([
      `haproxy -c -q -f ${CFG}.tg-bot.new`,
      'socat set server be_bot/green addr 127.0.0.1 port 21601; set server be_bot/green weight 100; ' +
        'set server be_bot/green state ready; set server be_bot/blue weight 0',
      `swap ${CFG} ${digest(before)} ${CFG}.tg-bot.new`,
    ]);
    expect(await proxy.current(host)).toEqual(validateBackends(BLUE_GREEN));
    expect(findBlock(host.files.get(CFG)!, 'bot')).toContain(
      'server green 127.0.0.1:21601 weight 100\n',
    );
    // idempotent: nothing but reads the second time
    host.log.length = 0;
    await proxy.route(host, BLUE_GREEN);
    expect(host.log.every((l) => /^(cat|socat show|newer than)/.test(l))).toBe(true);
  });

  test('a failed config check changes nothing: no runtime command, no swap', async () => {
    const host = fakeHost();
    host.files.set(CFG, BASE);
    const proxy = createProxy(settings('haproxy'), { clock: fakeClock() });
    await proxy.route(host, [{ color: 'blue', port: 21600, weight: 100 }]);
    const file = host.files.get(CFG);
    host.checkFails = true;
    host.log.length = 0;
    await expect(proxy.route(host, BLUE_GREEN)).rejects.toThrow(
      /config check failed[\s\S]*unknown keyword/,
    );
    expect(host.log.some((l) => l.startsWith('socat set') || l.startsWith('swap'))).toBe(false);
    expect(host.files.get(CFG)).toBe(file);
    expect(host.files.has(`${CFG}.tg-bot.new`)).toBe(false);
    expect(await proxy.current(host)).toEqual([{ color: 'blue', port: 21600, weight: 100 }]);
  });

  test('another deploy changed the file between read and swap: read again, keep both edits', async () => {
    const host = fakeHost();
    host.files.set(CFG, BASE);
    const proxy = createProxy(settings('haproxy'), { clock: fakeClock() });
    await proxy.route(host, [{ color: 'blue', port: 21600, weight: 100 }]);
    host.interfere = 2;
    host.log.length = 0;
    await proxy.route(host, BLUE_GREEN);
    const file = host.files.get(CFG)!;
    expect(file.match(/# someone else/g)).toHaveLength(2);
    expect(findBlock(file, 'bot')).toContain('server green 127.0.0.1:21601 weight 100\n');
    expect(host.log.filter((l) => l.startsWith('swap'))).toHaveLength(3); // two conflicts, then the swap
  });

  test('a reload by another app between our runtime change and our file swap is repaired', async () => {
    const host = fakeHost();
    host.files.set(CFG, BASE);
    const proxy = createProxy(settings('haproxy'), { clock: fakeClock() });
    await proxy.route(host, [{ color: 'blue', port: 21600, weight: 100 }]);
    host.reloadBeforeSwap = true;
    host.log.length = 0;
    await proxy.route(host, BLUE_GREEN);
    expect(host.log.filter((l) => l.startsWith('socat set'))).toHaveLength(2); // applied twice
    expect(await proxy.current(host)).toEqual(validateBackends(BLUE_GREEN));
  });

  test("a reload under way (another app's setup): the switch waits for the new process and changes that one", async () => {
    const host = fakeHost();
    host.files.set(CFG, BASE);
    const clock = fakeClock();
    const proxy = createProxy(settings('haproxy'), { clock });
    await proxy.route(host, [{ color: 'blue', port: 21600, weight: 100 }]);
    const old = host.haproxyPid;
    host.newerWorkerFor = 3; // the old process still answers; its successor reads the file
    host.log.length = 0;
    await proxy.route(host, BLUE_GREEN);
    expect(host.haproxyPid).toBe(old + 1);
    const firstSet = host.log.findIndex((l) => l.startsWith('socat set'));
    expect(host.log.lastIndexOf(`newer than ${old}`)).toBeLessThan(firstSet);
    expect(host.log.slice(firstSet)).not.toContain(`newer than ${old}`);
    expect(clock.slept.slice(-2)).toEqual([100, 100]);
    expect(await proxy.current(host)).toEqual(validateBackends(BLUE_GREEN));
  });

  test('remove: the next switch waits until the reloaded HAProxy answers (not the old process)', async () => {
    const host = fakeHost();
    host.files.set(CFG, BASE);
    const proxy = createProxy(settings('haproxy'), { clock: fakeClock() });
    await proxy.route(host, [{ color: 'blue', port: 21600, weight: 100 }]);
    const old = host.haproxyPid;
    host.log.length = 0;
    await proxy.remove(host);
    expect(host.log.filter((l) => l === 'socat show info')).toHaveLength(2);
    expect(host.haproxyPid).toBe(old + 1);
    expect(parseInfo('Name: HAProxy\nPid: 7\nStopping: 1\n')).toEqual({ pid: 7, stopping: true });
    expect(parseInfo('Unknown command.\n')).toBeUndefined();
  });

  test('drain: an old worker of a reload (still finishing its requests) counts until it has exited', async () => {
    const host = fakeHost();
    host.files.set(CFG, BASE);
    const clock = fakeClock();
    const proxy = createProxy(settings('haproxy'), { clock });
    await proxy.route(host, BLUE_GREEN);
    host.inFlight = [0, 0, 0];
    host.olderWorkers = [1, 1, 0];
    expect(await proxy.drain(host, { color: 'blue', port: 8001 }, 10, clock)).toBe(0);
    expect(clock.slept.slice(-2)).toEqual([250, 250]);
    expect(host.inFlight).toEqual([]);
  });

  test('drain polls in-flight sessions until 0, or until the time is up', async () => {
    const host = fakeHost();
    host.files.set(CFG, BASE);
    const clock = fakeClock();
    const proxy = createProxy(settings('haproxy'), { clock });
    await proxy.route(host, BLUE_GREEN);
    host.inFlight = [3, 2, 0, 5];
    await proxy.drain(host, { color: 'blue', port: 8001 }, 10, clock);
    expect(clock.slept).toEqual([250, 250]);
    expect(host.inFlight).toEqual([5]);
    const late = fakeClock();
    host.inFlight = [9, 9, 9, 9, 9, 9, 9, 9, 9];
    await proxy.drain(host, { color: 'blue', port: 8001 }, 1, late);
    expect(late.slept).toEqual([250, 250, 250, 250]);
  });

  test('drain: HAProxy is trusted for the server only while it points at the PORT drained; else the port is counted', async () => {
    const host = fakeHost();
    host.files.set(CFG, BASE);
    const proxy = createProxy(settings('haproxy'), { clock: fakeClock() });
    await proxy.route(host, BLUE_GREEN);
    const HEADER = '# pxname,svname,qcur,qmax,scur,smax,addr';
    const withStat = (rows: () => string): Executor => ({
      where: host.where,
      run: (argv: readonly string[], options?: RunOptions) =>
        argv[0] === 'socat' && options?.input?.startsWith('show stat')
          ? Promise.resolve({ exitCode: 0, stdout: `${HEADER}\n${rows()}\n`, stderr: '' })
          : host.run(argv, options),
    });
    const ssCalls = () => host.log.filter((l) => l.startsWith('ss')).length;

    // no row for the server (HAProxy answered about something else): the port's connections count
    let clock = fakeClock();
    host.connections.set(21600, [2, 1, 0]);
    expect(
      await proxy.drain(
        withStat(() => ''),
        { color: 'blue', port: 21600 },
        10,
        clock,
      ),
    ).toBe(0);
    expect(clock.slept).toEqual([250, 250]);
    expect(ssCalls()).toBe(3);

    // the color's server points at another port now: its 0 says nothing about port 21600
    host.log.length = 0;
    clock = fakeClock();
    host.connections.set(21600, [1, 0]);
    const elsewhere = withStat(() => 'be_bot,blue,0,0,0,4,127.0.0.1:21700');
    expect(await proxy.drain(elsewhere, { color: 'blue', port: 21600 }, 10, clock)).toBe(0);
    expect(clock.slept).toEqual([250]);
    expect(ssCalls()).toBe(2);

    // the server points at the port: HAProxy's own count (current + queued), no ss
    host.log.length = 0;
    clock = fakeClock();
    const counts = [3, 0];
    const here = withStat(() => `be_bot,blue,0,0,${counts.shift() ?? 0},4,127.0.0.1:21600`);
    expect(await proxy.drain(here, { color: 'blue', port: 21600 }, 10, clock)).toBe(0);
    expect(clock.slept).toEqual([250]);
    expect(ssCalls()).toBe(0);
  });

  test('a host without socat or without the socket says what is missing', async () => {
    const proxy = createProxy(settings('haproxy'), { clock: fakeClock() });
    const none: Executor = {
      where: 'bot@host',
      run: async () => ({ exitCode: 127, stdout: '', stderr: 'sh: socat: not found' }),
    };
    await expect(proxy.current(none)).rejects.toThrow(/socat is not installed on bot@host/);
    const refused: Executor = {
      where: 'bot@host',
      run: async () => ({ exitCode: 1, stdout: '', stderr: 'connect(): Permission denied' }),
    };
    await expect(proxy.current(refused)).rejects.toThrow(/level admin.*Permission denied/s);
  });

  test('remove takes out the nginx file and the block, and reloads', async () => {
    const host = fakeHost();
    host.files.set(CFG, BASE);
    const proxy = createProxy(settings('haproxy'), { clock: fakeClock() });
    await proxy.route(host, BLUE_GREEN);
    await proxy.remove(host);
    expect(host.files.get(CFG)).toBe(BASE);
    expect(host.files.has(NGINX_FILE)).toBe(false);
    expect(await proxy.current(host)).toEqual([]);
  });
});

describe('a failed route says whether it changed anything (RouteError tookEffect)', () => {
  const CFG = '/etc/haproxy/haproxy.cfg';
  const BASE = 'global\n    stats socket /run/haproxy/admin.sock level admin\n';
  const BLUE = [{ color: 'blue' as const, port: 21600, weight: 100 }];
  const failed = (run: Promise<unknown>): Promise<unknown> =>
    run.then(
      () => new Error('expected the route to fail'),
      (e: unknown) => e,
    );
  const haproxyWith = (check?: string[]) => {
    const base = settings('haproxy');
    return createProxy(
      { ...base, haproxy: { ...base.haproxy, ...(check ? { checkCommand: check } : {}) } },
      { clock: fakeClock() },
    );
  };

  test('nothing changed: nginx -t fails or is not found, bad backends', async () => {
    const host = fakeHost();
    const proxy = createProxy(settings('nginx'));
    await proxy.route(host, BLUE);
    host.nginxTestFails = true;
    const testFails = await failed(proxy.route(host, BLUE_GREEN));
    expect(testFails).toBeInstanceOf(RouteError);
    expect(changedNothing(testFails)).toBe(true);
    expect((testFails as Error).message).toMatch(/^nginx: config test failed/);

    const nginx = settings('nginx');
    const missing = createProxy({
      ...nginx,
      nginx: { ...nginx.nginx, testCommand: ['ngx', '-t'] },
    });
    const notFound = await failed(missing.route(fakeHost(), BLUE_GREEN));
    expect(changedNothing(notFound)).toBe(true);
    expect((notFound as Error).message).toMatch(/^nginx: `ngx` was not found/);

    const bad = await failed(proxy.route(fakeHost(), [{ color: 'blue', port: 1, weight: 0 }]));
    expect(changedNothing(bad)).toBe(true);
  });

  test('nothing changed: the HAProxy candidate check fails or is not found, on first setup and on a switch', async () => {
    const fresh = fakeHost();
    fresh.files.set(CFG, BASE);
    const firstSetup = await failed(
      haproxyWith(['hapx', '-c', '-f', '{config}']).route(fresh, BLUE),
    );
    expect(changedNothing(firstSetup)).toBe(true);
    expect((firstSetup as Error).message).toMatch(/^haproxy: `hapx` was not found/);
    expect(fresh.files.get(CFG)).toBe(BASE);
    expect(fresh.log.some((l) => /^(socat set|swap|kill|nginx)/.test(l))).toBe(false);

    const host = fakeHost();
    host.files.set(CFG, BASE);
    await haproxyWith().route(host, BLUE);
    host.checkFails = true;
    const switchCheck = await failed(haproxyWith().route(host, BLUE_GREEN));
    expect(changedNothing(switchCheck)).toBe(true);
    expect(await haproxyWith().current(host)).toEqual(BLUE);
  });

  test('may have taken effect: an nginx reload that exits 1 after reloading, a HAProxy runtime change whose file swap fails', async () => {
    const host = fakeHost();
    const proxy = createProxy(settings('nginx'));
    await proxy.route(host, BLUE);
    host.reloadExitsAfterReload = 1;
    const reload = await failed(proxy.route(host, BLUE_GREEN));
    expect(reload).toBeInstanceOf(StepError);
    expect(changedNothing(reload)).toBe(false);

    const hx = fakeHost();
    hx.files.set(CFG, BASE);
    await haproxyWith().route(hx, BLUE);
    // the runtime change is applied, then the file cannot be replaced
    const swapFails: Executor = {
      where: hx.where,
      run: (argv: readonly string[], options?: RunOptions) =>
        argv[0] === 'flock'
          ? Promise.resolve({ exitCode: 1, stdout: '', stderr: 'flock: timeout' })
          : hx.run(argv, options),
    };
    const swap = await failed(haproxyWith().route(swapFails, BLUE_GREEN));
    expect(changedNothing(swap)).toBe(false);
    expect(await haproxyWith().current(hx)).toEqual(validateBackends(BLUE_GREEN));

    // a failing nginx test AFTER HAProxy changed its runtime state is not "nothing changed"
    const late = fakeHost();
    late.files.set(CFG, BASE);
    await haproxyWith().route(late, BLUE);
    late.files.delete(NGINX_FILE); // nginx must be set up again, and its test fails
    late.nginxTestFails = true;
    const nginxAfter = await failed(haproxyWith().route(late, BLUE_GREEN));
    expect((nginxAfter as Error).message).toMatch(/^nginx: config test failed/);
    expect(changedNothing(nginxAfter)).toBe(false);
  });
});

test('waitForZero returns the last count when the time is up', async () => {
  const clock = fakeClock();
  const counts = [2, 1, 1, 1, 1, 1, 1];
  expect(await waitForZero(async () => counts.shift() ?? 0, 0.5, clock)).toBe(1);
  expect(clock.slept).toEqual([250, 250]);
});

describe('a proxy command that is not on the host names the input that sets it', () => {
  const CFG = '/etc/haproxy/haproxy.cfg';
  const BASE = 'global\n    stats socket /run/haproxy/admin.sock level admin\n';

  test('haproxy-check-command: {config} is the candidate; not found (127) changes nothing', async () => {
    const host = fakeHost();
    host.files.set(CFG, BASE);
    const base = settings('haproxy');
    // a command of the user's: argv as given, {config} replaced by the candidate file
    const custom = createProxy(
      {
        ...base,
        haproxy: {
          ...base.haproxy,
          checkCommand: ['haproxy', '-c', '-q', '-f', '/etc/haproxy/main.cfg', '-f', '{config}'],
        },
      },
      { clock: fakeClock() },
    );
    await custom.route(host, [{ color: 'blue', port: 21600, weight: 100 }]);
    expect(host.log).toContain(`haproxy -c -q -f /etc/haproxy/main.cfg -f ${CFG}.tg-bot.new`);
    const file = host.files.get(CFG);
    host.log.length = 0;
    const missing = createProxy(
      {
        ...base,
        haproxy: { ...base.haproxy, checkCommand: ['hapx', '-c', '-q', '-f', '{config}'] },
      },
      { clock: fakeClock() },
    );
    const error = await missing.route(host, BLUE_GREEN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as Error).message).toBe(
      'haproxy: `hapx` was not found on fake (exit 127: hapx: not found): set the ' +
        'haproxy-check-command input to a command that exists there, with its full path when ' +
        "its directory is not on the deploy user's PATH over SSH (e.g. '/usr/sbin/hapx -c -q -f {config}')",
    );
    expect(host.log.some((l) => l.startsWith('socat set') || l.startsWith('swap'))).toBe(false);
    expect(host.files.get(CFG)).toBe(file);
    expect(host.files.has(`${CFG}.tg-bot.new`)).toBe(false);
  });

  test('haproxy-reload-command, nginx-test-command, nginx-reload-command by name', async () => {
    const base = settings('haproxy');
    const fresh = fakeHost();
    fresh.files.set(CFG, BASE);
    await expect(
      createProxy(
        { ...base, haproxy: { ...base.haproxy, reloadCommand: ['systemctl-x', 'reload'] } },
        { clock: fakeClock() },
      ).route(fresh, BLUE_GREEN),
    ).rejects.toThrow(/`systemctl-x` was not found on fake .*set the haproxy-reload-command input/);

    const nginx = settings('nginx');
    const host = fakeHost();
    await expect(
      createProxy({ ...nginx, nginx: { ...nginx.nginx, testCommand: ['ngx', '-t'] } }).route(
        host,
        BLUE_GREEN,
      ),
    ).rejects.toThrow(/`ngx` was not found .*set the nginx-test-command input/);
    expect(host.files.has(NGINX_FILE)).toBe(false); // the new file is taken out again
    await expect(
      createProxy({
        ...nginx,
        nginx: { ...nginx.nginx, reloadCommand: ['/opt/ngx', '-s', 'reload'] },
      }).route(host, BLUE_GREEN),
    ).rejects.toThrow(/`\/opt\/ngx` was not found .*set the nginx-reload-command input[^(]*$/);
    expect(host.files.has(NGINX_FILE)).toBe(false);
  });

  test('commandNotFound: 127, or "<name>: (command) not found" from sh, bash or sudo', () => {
    const r = (exitCode: number, stderr: string) => ({ exitCode, stdout: '', stderr });
    expect(commandNotFound(['haproxy'], r(127, ''))).toBe('haproxy');
    expect(
      commandNotFound(
        ['sudo', '/usr/sbin/haproxy', '-c'],
        r(1, 'sudo: /usr/sbin/haproxy: command not found'),
      ),
    ).toBe('/usr/sbin/haproxy');
    expect(commandNotFound(['haproxy'], r(1, 'sh: 1: haproxy: not found'))).toBe('haproxy');
    expect(commandNotFound(['haproxy'], r(2, 'bash: line 1: haproxy: command not found'))).toBe(
      'haproxy',
    );
    expect(commandNotFound(['haproxy'], r(0, 'haproxy: not found'))).toBeUndefined();
    // a config check that names a missing file is a failed check, not a missing command
    expect(
      commandNotFound(
        ['haproxy', '-f', '/x.cfg'],
        r(1, "[ALERT] config: cannot open '/x.cfg': not found"),
      ),
    ).toBeUndefined();
  });

  test('sudo reporting the missing program: that program is named, the example keeps sudo', async () => {
    const sudo: Executor = {
      where: 'h',
      run: async () => ({ exitCode: 1, stdout: '', stderr: 'sudo: haproxy: command not found' }),
    };
    await expect(
      runProxyCommand(sudo, 'haproxy', 'haproxy-check-command', ['sudo', 'haproxy', '-c']),
    ).rejects.toThrow(
      '`haproxy` was not found on h (exit 1: sudo: haproxy: command not found): set the ' +
        'haproxy-check-command input',
    );
    await expect(
      runProxyCommand(sudo, 'haproxy', 'haproxy-check-command', ['sudo', 'haproxy', '-c']),
    ).rejects.toThrow("(e.g. 'sudo /usr/sbin/haproxy -c')");
  });

  test('a local executor that cannot spawn the program: the same message', async () => {
    const local: Executor = {
      where: 'local',
      run: () => Promise.reject(new Error('local: cannot run nope: spawn nope ENOENT')),
    };
    await expect(
      runProxyCommand(local, 'nginx', 'nginx-test-command', ['nope', '-t']),
    ).rejects.toThrow('`nope` was not found on local (ENOENT): set the nginx-test-command input');
    const failing: Executor = {
      where: 'h',
      run: async () => ({ exitCode: 1, stdout: '', stderr: 'emerg' }),
    };
    await expect(
      runProxyCommand(failing, 'nginx', 'nginx-test-command', ['nginx', '-t']),
    ).rejects.toThrow(CommandError);
    expect(
      (
        await runProxyCommand(failing, 'nginx', 'nginx-test-command', ['nginx', '-t'], {
          allowFailure: true,
        })
      ).exitCode,
    ).toBe(1);
  });
});
