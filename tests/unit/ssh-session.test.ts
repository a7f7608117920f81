import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeClock } from '../../src/clock.js';
import { CommandError, type CommandResult, type RunOptions } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import {
  HostKeyError,
  openSession,
  SshCommandTimeoutError,
  SshConnectionError,
  SshConnectionLostError,
  type SshSettings,
} from '../../src/ssh/session.js';
import type { SshTarget } from '../../src/ssh/target.js';

const work = mkdtempSync(join(tmpdir(), 'ssh-session-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const KNOWN_HOSTS = join(work, 'known_hosts');
writeFileSync(
  KNOWN_HOSTS,
  '[prod-1.example.net]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC0HAALdo3JTmcPqI4q+IBjLFULIFdQskEluEdZJwU+b\n',
);
const target: SshTarget = { user: 'deploy', host: 'prod-1.example.net', port: 2222 };
const PROBE_OUT = "a'b\n$x `y` \\z\n*\n";

type Kind = 'verify' | 'master' | 'check' | 'command' | 'exit';
interface Call {
  kind: Kind;
  argv: readonly string[];
  options: RunOptions;
}

function kindOf(argv: readonly string[]): Kind {
  if (argv.includes('-O')) return argv.includes('exit') ? 'exit' : 'check';
  if (argv.includes('ControlMaster=yes')) return 'master';
  if (argv.includes('ControlPath=none')) return 'verify';
  return 'command';
}

/** A fake `ssh`: answers each kind of invocation from a script, and records every call. */
function fakeSsh(answers: Partial<Record<Kind, Array<(call: Call) => Partial<CommandResult>>>>) {
  const calls: Call[] = [];
  const spawn = async (_where: string, argv: readonly string[], options: RunOptions) => {
    const call = { kind: kindOf(argv), argv, options };
    calls.push(call);
    const queue = answers[call.kind];
    const answer = queue && queue.length > 1 ? queue.shift()! : queue?.[0];
    const defaults: Partial<CommandResult> =
      call.kind === 'verify' ? { stdout: PROBE_OUT } : call.kind === 'command' ? ranOk(call) : {};
    const result = {
      exitCode: 0,
      stdout: '',
      stderr: '',
      ...defaults,
      ...(answer ? answer(call) : {}),
    };
    for (const stream of ['stdout', 'stderr'] as const) {
      for (const line of result[stream].split('\n').slice(0, -1)) options.onLine?.(line, stream);
    }
    return result;
  };
  return { calls, spawn };
}

/** What the remote wrapper prints on stderr for a command that ran and exited `code`. */
function markers(call: Call, code: number, stderr = ''): Partial<CommandResult> {
  const nonce = /tgd-([0-9a-f]+)-start/.exec(call.argv.at(-1)!)![1];
  return {
    exitCode: code,
    stderr: `\x1etgd-${nonce}-start\n${stderr}\x1etgd-${nonce}-exit ${code}\n`,
  };
}
const ranOk = (call: Call) => markers(call, 0);

function settings(spawn: SshSettings['spawn'], extra: Partial<SshSettings> = {}): SshSettings {
  return {
    privateKeyFile: '/tmp/k/id',
    knownHostsFile: KNOWN_HOSTS,
    controlDir: '/tmp/k/c',
    clock: fakeClock(),
    log: recordingLog(),
    spawn,
    ...extra,
  };
}

describe('openSession', () => {
  it('checks the host key on a plain connection before the master exists, with strict options', async () => {
    const ssh = fakeSsh({ check: [() => ({ stderr: 'Master running (pid=999999999)\r\n' })] });
    const session = await openSession(target, settings(ssh.spawn));
    expect(ssh.calls.map((c) => c.kind)).toEqual(['verify', 'master', 'check']);
    const [verify, master] = ssh.calls;
    for (const call of [verify!, master!]) {
      const a = call.argv.join(' ');
      expect(call.argv[0]).toBe('ssh');
      expect(a).toContain('-F none');
      expect(a).toContain('-o BatchMode=yes');
      expect(a).toContain('-o StrictHostKeyChecking=yes');
      expect(a).toContain(`-o UserKnownHostsFile=${KNOWN_HOSTS}`);
      expect(a).toContain('-o GlobalKnownHostsFile=/dev/null');
      expect(a).toContain('-o IdentityFile=/tmp/k/id');
      expect(a).toContain('-o IdentitiesOnly=yes');
      expect(a).toContain('-p 2222 -l deploy');
    }
    expect(verify!.argv.slice(-3)).toEqual([
      '--',
      'prod-1.example.net',
      String.raw`printf '%s\n' 'a'\''b' '$x ${'`'}y${'`'} \z' '*'`,
    ]);
    expect(master!.argv).toEqual(expect.arrayContaining(['-N', '-f', 'ControlMaster=yes']));
    expect(master!.argv.join(' ')).toMatch(/ControlPath=\/tmp\/k\/c\/[0-9a-f]{12}-[0-9a-f]{6} /);
    expect(session.stats).toEqual({ connectionsOpened: 2, commands: 0, retries: 0 });
  });

  it('refuses an unknown or changed host key at once: no retry, no master, a way to fix it', async () => {
    const ssh = fakeSsh({
      verify: [
        () => ({
          exitCode: 255,
          stderr:
            '@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed.\n',
        }),
      ],
    });
    const error = await openSession(target, settings(ssh.spawn)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as Error).message).toContain('ssh-keyscan -p 2222 prod-1.example.net');
    expect((error as Error).message).toMatch(/CHANGED/);
    expect((error as Error).message).toMatch(/out of band/);
    expect((error as Error).message).toMatch(/Nothing was run/);
    expect(ssh.calls.map((c) => c.kind)).toEqual(['verify']);
  });

  it('retries a refused connection with backoff on the injected clock, then reports it', async () => {
    const clock = fakeClock();
    const refused = () => ({
      exitCode: 255,
      stderr: 'ssh: connect to host prod-1.example.net port 2222: Connection refused\n',
    });
    const ssh = fakeSsh({ verify: [refused, refused, () => ({ stdout: PROBE_OUT })] });
    const session = await openSession(target, settings(ssh.spawn, { clock, retries: 3 }));
    expect(clock.slept).toEqual([1000, 2000]);
    expect(session.stats.retries).toBe(2);
    expect(session.stats.connectionsOpened).toBe(4); // 3 checks + 1 master

    const always = fakeSsh({ verify: [refused] });
    const error = await openSession(target, settings(always.spawn, { retries: 2 })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SshConnectionError);
    expect((error as Error).message).toMatch(/Connection refused/);
    expect(always.calls).toHaveLength(3);
  });

  it('does not retry a refused key', async () => {
    const ssh = fakeSsh({
      verify: [() => ({ exitCode: 255, stderr: 'deploy@x: Permission denied (publickey).\n' })],
    });
    const error = await openSession(target, settings(ssh.spawn)).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/refused the key.*authorized_keys/);
    expect(ssh.calls).toHaveLength(1);
  });

  it('refuses a login shell that does not read POSIX quoting literally', async () => {
    const ssh = fakeSsh({ verify: [() => ({ stdout: "a'b\n\n\n" })] });
    await expect(openSession(target, settings(ssh.spawn))).rejects.toThrow(/POSIX shell/);
    expect(ssh.calls.map((c) => c.kind)).toEqual(['verify']);
  });

  it('reaches a jump host through a ProxyCommand that keeps the strict options', async () => {
    const ssh = fakeSsh({});
    await openSession(
      target,
      settings(ssh.spawn, { jump: { user: 'jump', host: 'bastion.example.net', port: 22 } }),
    );
    const proxy = ssh.calls[0]!.argv.find((a) => a.startsWith('ProxyCommand='))!;
    expect(proxy).toContain('StrictHostKeyChecking=yes');
    expect(proxy).toContain(`UserKnownHostsFile=${KNOWN_HOSTS}`);
    expect(proxy).toContain('-W prod-1.example.net:2222 -- bastion.example.net');
    expect(proxy).toContain('-l jump');
    expect(ssh.calls.map((c) => c.kind)).toEqual(['verify', 'master', 'check']);
  });
});

describe('no known_hosts', () => {
  it('refuses to connect at all without a known_hosts file', async () => {
    const ssh = fakeSsh({});
    for (const file of [join(work, 'missing'), join(work, 'empty')]) {
      writeFileSync(join(work, 'empty'), '\n');
      const error = await openSession(target, settings(ssh.spawn, { knownHostsFile: file })).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HostKeyError);
      expect((error as Error).message).toMatch(/no host verification, no connection/);
      expect((error as Error).message).toContain('ssh-keyscan -p 2222 prod-1.example.net');
    }
    expect(ssh.calls).toHaveLength(0);
  });
});

describe('SshSession.run', () => {
  it('sends argv as ONE quoted string through the master and gives back the command result', async () => {
    const ssh = fakeSsh({
      command: [(call) => ({ ...markers(call, 0, 'warn\n'), stdout: 'out\n' })],
    });
    const session = await openSession(target, settings(ssh.spawn));
    const lines: string[] = [];
    const result = await session.run(['echo', '$(id); rm -rf /'], {
      input: 'secret',
      onLine: (l) => lines.push(l),
    });
    expect(result).toEqual({ exitCode: 0, stdout: 'out\n', stderr: 'warn\n' });
    expect(lines).toEqual(['out', 'warn']); // the wrapper's markers never reach the caller
    const call = ssh.calls.find((c) => c.kind === 'command')!;
    expect(call.argv).toContain('ControlMaster=no');
    expect(call.argv.at(-3)).toBe('--');
    expect(call.argv.at(-1)).toContain("echo '$(id); rm -rf /'");
    expect(call.argv.filter((a) => a.includes('$(id)'))).toHaveLength(1);
    expect(call.options.input).toBe('secret');
    expect(session.stats.commands).toBe(1);
  });

  it("reports a command's own exit code, even 255, and never retries it", async () => {
    const ssh = fakeSsh({ command: [(call) => markers(call, 255, 'boom\n')] });
    const session = await openSession(target, settings(ssh.spawn));
    const error = await session.run(['docker', 'rm', 'x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).result).toEqual({ exitCode: 255, stdout: '', stderr: 'boom\n' });
    const soft = await session.run(['false'], { allowFailure: true });
    expect(soft.exitCode).toBe(255);
    expect(session.stats).toMatchObject({ commands: 2, retries: 0 });
  });

  it('retries a command that never started because the connection failed', async () => {
    const clock = fakeClock();
    const ssh = fakeSsh({
      command: [
        () => ({ exitCode: 255, stderr: 'mux_client_request_session: session request failed\n' }),
        ranOk,
      ],
    });
    const session = await openSession(target, settings(ssh.spawn, { clock }));
    await session.run(['true']);
    expect(session.stats).toMatchObject({ commands: 2, retries: 1 });
    expect(clock.slept).toEqual([1000]);
  });

  it('does not repeat a command whose connection broke while it ran', async () => {
    const ssh = fakeSsh({
      command: [
        (call) => ({
          exitCode: 255,
          stderr: `${markers(call, 0).stderr!.split('\n')[0]}\nmux_client_read_packet: read header failed: Broken pipe\n`,
        }),
        ranOk,
      ],
    });
    const session = await openSession(target, settings(ssh.spawn));
    const error = await session.run(['docker', 'run', 'x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshConnectionLostError);
    expect((error as Error).message).toMatch(/broke while `docker run x` was running/);
    expect((error as Error).message).toMatch(/not repeated/);
    expect(session.stats).toMatchObject({ commands: 1, retries: 0 });
    // The broken master is told to exit and not trusted again (it may still look alive while
    // it dies): the next command verifies the host and starts a new master first.
    await session.run(['true']);
    expect(ssh.calls.map((c) => c.kind)).toEqual([
      'verify',
      'master',
      'check',
      'command',
      'exit',
      'verify',
      'master',
      'check',
      'command',
    ]);
    expect(session.stats).toMatchObject({ connectionsOpened: 4, commands: 2, retries: 0 });
  });

  it('enforces a timeout on the host with timeout(1) and reports exit 124 as a timeout', async () => {
    const ssh = fakeSsh({ command: [(call) => markers(call, 124)] });
    const session = await openSession(target, settings(ssh.spawn));
    const error = await session.run(['sleep', '60'], { timeoutMs: 1500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshCommandTimeoutError);
    expect((error as Error).message).toMatch(
      /`sleep 60` did not finish within 2s.*stopped on the host/,
    );
    const call = ssh.calls.find((c) => c.kind === 'command')!;
    expect(call.argv.at(-1)).toContain('; timeout 2 sleep 60\n');
    expect(call.options.timeoutMs).toBeUndefined();
    // With allowFailure the caller gets the exit code, as localExecutor gives 143 for its timeout.
    const soft = await session.run(['sleep', '60'], { timeoutMs: 1000, allowFailure: true });
    expect(soft.exitCode).toBe(124);
    expect(soft.stderr).toMatch(/timed out after 1s/);
    expect(session.stats.retries).toBe(0);
  });

  it('refuses a NUL byte before running anything', async () => {
    const ssh = fakeSsh({});
    const session = await openSession(target, settings(ssh.spawn));
    await expect(session.run(['echo', 'a\0b'])).rejects.toThrow(/NUL/);
    expect(ssh.calls.filter((c) => c.kind === 'command')).toHaveLength(0);
  });

  it('closes the master once and then refuses commands', async () => {
    const ssh = fakeSsh({});
    const session = await openSession(target, settings(ssh.spawn));
    await session.close();
    await session.close();
    expect(ssh.calls.filter((c) => c.kind === 'exit')).toHaveLength(1);
    await expect(session.run(['true'])).rejects.toThrow(/closed/);
  });
});
