/**
 * The CLI's deploy and rollback run the actions' orchestration (src/orchestrate) and engine:
 * batch-size is honoured, a poller on two hosts is refused before any connection, the rollback's
 * proxy follows the one the current release recorded, and a cancel runs the undos (exit 130).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeClock } from '../../src/clock.js';
import type { CliArgs } from '../../src/cli/args.js';
import { deployCommand, rollbackCommand, type CliDeps } from '../../src/cli/commands.js';
import { ConfigFileError, parseConfigText } from '../../src/cli/config-file.js';
import { recordingExecutor, type CommandResult } from '../../src/exec.js';
import type { AppState, Release } from '../../src/host/state.js';
import { recordingLog } from '../../src/log.js';
import type { SshSession } from '../../src/ssh/session.js';
import type { SshTarget } from '../../src/ssh/target.js';
import { noNetwork } from '../helpers/no-network.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const KNOWN = '[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOnly\n';
const DIGEST = `sha256:${'a'.repeat(64)}`;

const config = (
  extra: string,
  hosts = '[deploy@h1.example.net, deploy@h2.example.net, deploy@h3.example.net]',
) =>
  parseConfigText(
    `hosts: ${hosts}\nssh-key-file: /k\nknown-hosts-file: /kh\napp: shop-bot\nimage: ghcr.io/org/shop-bot@${DIGEST}\n${extra}`,
    '/ops/deploy.yml',
    {
      readFile: (p) => ({ '/k': KEY, '/kh': KNOWN })[p] ?? '',
      env: {},
      home: '/home/ops',
    },
  );

const args = (command: CliArgs['command'], extra: Partial<CliArgs> = {}): CliArgs =>
  ({
    command,
    config: '/ops/deploy.yml',
    hosts: [],
    dryRun: false,
    force: false,
    ...extra,
  }) as CliArgs;

const v1: Release = {
  id: '20260101-000000',
  image: 'ghcr.io/org/shop-bot:v1',
  color: 'blue',
  port: 8001,
  container: 'shop-bot-20260101-000000',
  startedAt: '2026-01-01T00:00:00Z',
  strategy: 'blue-green',
  proxy: 'nginx',
};
const v2: Release = {
  ...v1,
  id: '20260102-000000',
  image: 'ghcr.io/org/shop-bot:v2',
  color: 'green',
  port: 8002,
  container: 'shop-bot-20260102-000000',
  startedAt: '2026-01-02T00:00:00Z',
  proxy: 'haproxy',
  haproxyFrontendPort: 9100,
};

/** Hosts that answer like docker with the given state; `unhealthy` hosts answer /health 500. */
function hosts(options: { state?: AppState; unhealthy?: string[]; running?: string[] } = {}) {
  const opened: string[] = [];
  const executors = new Map<string, ReturnType<typeof recordingExecutor>>();
  const openSession = async (target: SshTarget): Promise<SshSession> => {
    opened.push(target.host);
    const exec = recordingExecutor((argv): Partial<CommandResult> | undefined => {
      const cmd = argv.join(' ');
      if (argv[0] === 'cat' && options.state && cmd.endsWith('state.json'))
        return { stdout: JSON.stringify(options.state) };
      if (argv[0] === 'cat' || argv[0] === 'test')
        return { exitCode: 1, stderr: `cat: ${argv.at(-1)}: No such file or directory` };
      if (cmd.startsWith('docker ps') && options.running)
        return {
          stdout: options.running
            .map((n) =>
              JSON.stringify({ Names: n, State: n === v2.container ? 'running' : 'exited' }),
            )
            .join('\n'),
        };
      if (cmd.startsWith('docker inspect'))
        return {
          stdout: JSON.stringify({
            Status: 'running',
            Running: true,
            Restarting: false,
            ExitCode: 0,
          }),
        };
      if (cmd.startsWith('sh -c command -v')) return { stdout: '/usr/bin/curl\n' };
      if (argv[0] === 'curl')
        return { stdout: options.unhealthy?.includes(target.host) ? '500' : '200' };
      if (argv[0] === 'sh' && argv[3] === 'tg-lock') return { stdout: 'acquired 1700000000\n' };
      if (argv[0] === 'socat')
        return {
          stdout:
            '1\n# be_id be_name srv_id srv_name srv_addr srv_admin_state srv_uweight srv_port\n' +
            '3 be_shop-bot 1 blue 127.0.0.1 0 0 8001\n3 be_shop-bot 2 green 127.0.0.1 0 100 8002\n',
        };
      return undefined;
    }, target.host);
    executors.set(target.host, exec);
    return Object.assign(exec, {
      target,
      stats: { connectionsOpened: 1, commands: 0, retries: 0 },
      close: async () => undefined,
    });
  };
  return { opened, executors, openSession };
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function deps(h: ReturnType<typeof hosts>, extra: Partial<CliDeps> = {}) {
  const out: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tg-cli-'));
  dirs.push(dir);
  const d: CliDeps = {
    log: recordingLog(),
    clock: fakeClock(Date.parse('2026-02-01T00:00:00Z')),
    out: (l) => out.push(l),
    writeSshMaterial: async () => ({
      dir,
      privateKeyFile: join(dir, 'id'),
      knownHostsFile: join(dir, 'known_hosts'),
      controlDir: join(dir, 'c'),
    }),
    removeSshMaterial: () => rmSync(dir, { recursive: true, force: true }),
    openSession: h.openSession,
    actor: 'ops@laptop (tg-devops cli)',
    fetch: noNetwork,
    handleSignals: false,
    ...extra,
  };
  return { d, out };
}

const audits = (exec: ReturnType<typeof recordingExecutor>) =>
  exec.commands
    .filter((c) => c.argv.includes('tg-append'))
    .map((c) => JSON.parse(c.options.input ?? '{}') as Record<string, string>);

describe('tg-devops deploy', () => {
  test('batch-size: hosts go in batches; a failed batch stops the run before the next', async () => {
    const h = hosts({ unhealthy: ['h1.example.net'] });
    const cli = config('bot-mode: webhook\nhealth-path: /health\nbatch-size: 2\ngate-window: 0\n');
    const { d } = deps(h);
    expect(await deployCommand(cli, args('deploy'), d)).toBe(1);
    // h1 and h2 in one batch: h2 deploys although h1 fails (batch-size 1 stops at h1); h3 never
    expect(h.opened).toEqual(['h1.example.net', 'h2.example.net']);
    const results = (host: string) => audits(h.executors.get(host)!).map((a) => a.result);
    expect(results('h1.example.net')).toEqual(['rolled-back']);
    expect(results('h2.example.net')).toEqual(['success']);
    const serial = hosts({ unhealthy: ['h1.example.net'] });
    const one = config('bot-mode: webhook\nhealth-path: /health\nbatch-size: 1\ngate-window: 0\n');
    expect(await deployCommand(one, args('deploy'), deps(serial).d)).toBe(1);
    expect(serial.opened).toEqual(['h1.example.net']);
  });

  test('a polling bot on two hosts is refused before any connection, naming hosts and bot-mode', async () => {
    const h = hosts();
    const { d } = deps(h);
    const error = await deployCommand(config('bot-mode: polling\n'), args('deploy'), d).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(ConfigFileError);
    expect((error as Error).message).toMatch(/key 'hosts'.*bot-mode polling/);
    expect(h.opened).toEqual([]);
    // --host picks one of them: allowed
    const one = await deployCommand(
      config('bot-mode: polling\ngate-window: 0\n'),
      args('deploy', { hosts: ['h2.example.net'] }),
      deps(h).d,
    );
    expect(one).toBe(0);
    expect(h.opened).toEqual(['h2.example.net']);
  });

  test('a cancelled run (SIGINT) changes nothing more, audits cancelled and exits 130', async () => {
    const h = hosts();
    const cli = config('bot-mode: webhook\nhealth-path: /health\n', '[deploy@h1.example.net]');
    const controller = new AbortController();
    // SIGINT arrives once the host is connected, before the first step
    const { d } = deps(h, {
      signal: controller.signal,
      openSession: async (target) => {
        const session = await h.openSession(target);
        controller.abort('SIGINT');
        return session;
      },
    });
    expect(await deployCommand(cli, args('deploy'), d)).toBe(130);
    const exec = h.executors.get('h1.example.net')!;
    expect(audits(exec).map((a) => a.result)).toEqual(['cancelled']);
    expect(exec.commands.some((c) => c.argv[1] === 'pull' || c.argv[1] === 'create')).toBe(false);
    expect(exec.commands.some((c) => c.argv[3] === 'tg-lock-release')).toBe(true);
  });
});

describe('tg-devops rollback', () => {
  test('the proxy is the one the current release recorded (haproxy on its frontend port)', async () => {
    const state: AppState = { app: 'shop-bot', current: v2, previous: v1, history: [v2, v1] };
    const h = hosts({ state, running: [v2.container, v1.container] });
    // the config names no proxy: nginx is what a deploy would use, the release says haproxy
    const cli = config('bot-mode: webhook\nhealth-path: /health\n', '[deploy@h1.example.net]');
    const { d, out } = deps(h);
    const code = await rollbackCommand(cli, args('rollback', { dryRun: true }), d);
    expect(code).toBe(0);
    const exec = h.executors.get('h1.example.net')!;
    expect(exec.commands.some((c) => c.argv[0] === 'socat')).toBe(true); // asked HAProxy what it routes
    expect(out.join('\n')).toMatch(/Rollback of shop-bot: proxy switch, release 20260101-000000/);
    expect(out.join('\n')).toMatch(/proxy {4}haproxy/);
  });
});
