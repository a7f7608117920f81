/**
 * The SSH transport against the sandbox's real sshd (user tgdeploy), plus a private sshd of this
 * test on 127.0.0.1:21201 with a different host key (the "changed host key" and jump-host cases).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeClock } from '../../src/clock.js';
import { InputError } from '../../src/errors.js';
import { CommandError, localExecutor } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import { removeSshMaterial, writeSshMaterial, type SshMaterial } from '../../src/ssh/secrets.js';
import {
  HostKeyError,
  openSession,
  SshCommandTimeoutError,
  SshConnectionError,
  SshConnectionLostError,
  type SshSession,
  type SshSettings,
} from '../../src/ssh/session.js';
import type { SshTarget } from '../../src/ssh/target.js';
import { ROOT } from '../helpers/repo.js';
import { sandboxEnv } from '../helpers/sandbox.js';

const env = sandboxEnv();
/** The project-level testTimeout does not reach runs started with a path filter: set it per test. */
const it = (name: string, fn: () => Promise<void>) => test(name, fn, 180_000);
const work = mkdtempSync(join(tmpdir(), 'ssh-it-'));
const sandbox: SshTarget = {
  user: env.SANDBOX_SSH_USER!,
  host: env.SANDBOX_SSH_HOST!,
  port: Number(env.SANDBOX_SSH_PORT),
};
const privateKey = readFileSync(env.SANDBOX_SSH_KEY!, 'utf8');
const sandboxKnownHosts = readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8');
/** A directory on the host (the same machine) where markers would appear. */
const remoteDir = join(env.SANDBOX_STATE_BASE!, `ssh-it-${process.pid}`);

// A private sshd with its own host key, on a port of this area's range.
const OTHER_PORT = 21201;
const other: SshTarget = { ...sandbox, port: OTHER_PORT };
const otherLog = join(work, 'sshd.log');
let otherKey = '';
let sshd: ChildProcess | undefined;

const sessions: SshSession[] = [];
const materials: SshMaterial[] = [];

async function material(knownHosts: string, targets: SshTarget[]): Promise<SshMaterial> {
  const m = await writeSshMaterial({
    privateKey,
    knownHosts,
    targets,
    log: recordingLog(),
    tempDir: work,
  });
  materials.push(m);
  return m;
}

function settings(m: SshMaterial, extra: Partial<SshSettings> = {}): SshSettings {
  return {
    privateKeyFile: m.privateKeyFile,
    knownHostsFile: m.knownHostsFile,
    controlDir: m.controlDir,
    connectTimeoutSeconds: 5,
    log: recordingLog(),
    ...extra,
  };
}

async function open(target: SshTarget, s: SshSettings): Promise<SshSession> {
  const session = await openSession(target, s);
  sessions.push(session);
  return session;
}

function accepted(): number {
  return existsSync(otherLog)
    ? (readFileSync(otherLog, 'utf8').match(/Accepted publickey/g) ?? []).length
    : 0;
}

/** The sandbox puts the deploy key in its own authorized_keys file: accept the same files here. */
function sandboxAuthorizedKeysLine(): string {
  const config = readFileSync(join(env.SANDBOX_DIR!, 'ssh', 'sshd_config'), 'utf8');
  const line = config.split('\n').find((l) => l.startsWith('AuthorizedKeysFile '));
  if (!line) throw new Error('the sandbox sshd_config has no AuthorizedKeysFile line');
  return line;
}

beforeAll(async () => {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'hostkey')]);
  otherKey = readFileSync(join(work, 'hostkey.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(
    join(work, 'sshd_config'),
    [
      `Port ${OTHER_PORT}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(work, 'hostkey')}`,
      `PidFile ${join(work, 'sshd.pid')}`,
      sandboxAuthorizedKeysLine(),
      `AllowUsers ${sandbox.user}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'LogLevel VERBOSE',
    ].join('\n'),
  );
  sshd = spawn('/usr/sbin/sshd', ['-D', '-f', join(work, 'sshd_config'), '-E', otherLog], {
    stdio: 'ignore',
  });
  // Ready when it accepts connections (bounded by count, not by time).
  for (let i = 0; i < 100; i++) {
    const r = await localExecutor().run(
      ['ssh-keyscan', '-T', '1', '-p', String(OTHER_PORT), '127.0.0.1'],
      {
        allowFailure: true,
      },
    );
    if (r.stdout.includes('ssh-ed25519')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  execFileSync('mkdir', ['-p', remoteDir]);
  execFileSync('chown', [sandbox.user, remoteDir]);
});

afterAll(async () => {
  for (const s of sessions) await s.close();
  for (const m of materials) removeSshMaterial(m.dir);
  if (sshd?.pid) process.kill(sshd.pid, 'SIGTERM');
  rmSync(remoteDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const HOSTILE: readonly string[] = [
  `$(touch ${remoteDir}/marker-1)`,
  `\`touch ${remoteDir}/marker-2\``,
  `x; touch ${remoteDir}/marker-3`,
  `x && touch ${remoteDir}/marker-4`,
  `x | touch ${remoteDir}/marker-5`,
  `x\ntouch ${remoteDir}/marker-6`,
  `'; touch ${remoteDir}/marker-7; '`,
  `"; touch ${remoteDir}/marker-8; "`,
  "it's",
  '"',
  '*',
  '~',
  '~root/x',
  '$HOME',
  '\\',
  '!',
  '#',
  '',
  '',
  ' ',
  '-n',
  '--',
  '-rf',
  '--help',
  'héllo ✓ 🤖 مرحبا',
  '\t\r',
  '%s',
  'A=b',
  '{a,b}',
  '>x',
];

describe('ssh session on the sandbox sshd', () => {
  it('passes every hostile argument byte for byte and runs none of them', async () => {
    const session = await open(sandbox, settings(await material(sandboxKnownHosts, [sandbox])));
    const result = await session.run(['printf', '%s\\0', ...HOSTILE]);
    const parts = result.stdout.split('\0');
    expect(parts.pop()).toBe('');
    expect(parts).toEqual(HOSTILE);
    // stdin carries content verbatim too
    const content = HOSTILE.join('\n');
    expect((await session.run(['cat'], { input: content })).stdout).toBe(content);
    // a hostile command name is just a command that does not exist
    const missing = await session.run([`true; touch ${remoteDir}/marker-9`], {
      allowFailure: true,
    });
    expect(missing.exitCode).toBe(127);
    const markers = await session.run(['ls', '-A', '--', remoteDir]);
    expect(markers.stdout).toBe('');
    expect(session.stats).toEqual({ connectionsOpened: 2, commands: 4, retries: 0 });
  });

  it("reports a command's own failure with its exit code and output, without a retry", async () => {
    const session = await open(sandbox, settings(await material(sandboxKnownHosts, [sandbox])));
    const error = await session
      .run(['sh', '-c', 'echo partial; echo "it failed" >&2; exit 255'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).result).toEqual({
      exitCode: 255,
      stdout: 'partial\n',
      stderr: 'it failed\n',
    });
    expect(session.stats.retries).toBe(0);
  });

  it('refuses an unknown host key before anything runs, and says how to get a line', async () => {
    // known_hosts names only the sandbox's sshd; the private sshd is unknown to it. (targets: []
    // skips our own early check, so that ssh itself has to refuse.)
    const m = await material(sandboxKnownHosts, []);
    const logins = accepted();
    const error = await open(other, settings(m)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    const message = (error as Error).message;
    expect(message).toContain(`ssh-keyscan -p ${OTHER_PORT} 127.0.0.1`);
    expect(message).toMatch(/not in known-hosts/);
    expect(message).toMatch(/out of band/);
    expect(message).toMatch(/Nothing was run on the host/);
    // The sshd never saw a login: no command could have run.
    expect(accepted()).toBe(logins);
  });

  it('refuses a CHANGED host key: the private sshd never sees a login', async () => {
    // known_hosts claims the sandbox's key for the private sshd, which shows another one.
    const sandboxKey = sandboxKnownHosts.trim().split(/\s+/).slice(1, 3).join(' ');
    const m = await material(`[127.0.0.1]:${OTHER_PORT} ${sandboxKey}`, [other]);
    const logins = accepted();
    const error = await open(other, settings(m)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as Error).message).toMatch(/has CHANGED/);
    expect((error as Error).message).toContain(`ssh-keyscan -p ${OTHER_PORT} 127.0.0.1`);
    expect(accepted()).toBe(logins);

    // Control: with the right line the same sshd logs a login and runs the command.
    const good = await open(
      other,
      settings(await material(`[127.0.0.1]:${OTHER_PORT} ${otherKey}`, [other])),
    );
    expect((await good.run(['printf', 'ok'])).stdout).toBe('ok');
    expect(accepted()).toBeGreaterThan(logins);
  });

  it('retries a refused connection with backoff, counts it, and then reports it clearly', async () => {
    const closed: SshTarget = { ...sandbox, port: 21202 };
    const clock = fakeClock();
    const log = recordingLog();
    const m = await material(`[127.0.0.1]:21202 ${otherKey}`, [closed]);
    const error = await openSession(closed, settings(m, { clock, log, retries: 2 })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SshConnectionError);
    expect((error as Error).message).toMatch(/Connection refused/);
    expect(clock.slept).toEqual([1000, 2000]);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(2);
  });

  it('a master killed mid-command is a clear, unrepeated failure; the next command reconnects', async () => {
    const log = recordingLog();
    const session = await open(
      sandbox,
      settings(await material(sandboxKnownHosts, [sandbox]), { log }),
    );
    expect(session.masterPid).toBeGreaterThan(0);
    const pid = session.masterPid!;
    const error = await session
      .run(['sh', '-c', 'echo started; sleep 5; echo finished'], {
        onLine: (line) => {
          if (line === 'started') process.kill(pid, 'SIGKILL');
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshConnectionLostError);
    expect((error as Error).message).toMatch(
      /broke while `sh -c echo started; sleep 5; echo finished` was running/,
    );
    expect(session.stats).toMatchObject({ connectionsOpened: 2, commands: 1, retries: 0 });

    const after = await session.run(['printf', 'again']);
    expect(after.stdout).toBe('again');
    expect(session.stats).toMatchObject({ connectionsOpened: 4, commands: 2 });
    expect(session.masterPid).not.toBe(pid);
    expect(log.text()).toMatch(/connection is gone; reconnecting/);
  });

  it("a SIGINT to the whole process group (a terminal's Ctrl-C) lets the command in flight finish and report; the next one runs", async () => {
    // in a process group of its own, which it then signals whole (tests/helpers/group-sigint.ts)
    const child = spawn(
      process.execPath,
      [
        '--import',
        join(ROOT, 'scripts/ts-register.mjs'),
        join(ROOT, 'tests/helpers/group-sigint.ts'),
      ],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    // before: the ssh client shared the group, died with it, and the command's result was lost
    // ("the SSH connection broke while `sh -c sleep 2; echo finished` was running")
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({
      signals: 1,
      inFlight: 'exit 0: finished',
      after: 'undo ran',
    });
  });

  it('a timeout stops the command on the host, is reported as such, and the session goes on', async () => {
    const session = await open(sandbox, settings(await material(sandboxKnownHosts, [sandbox])));
    const error = await session.run(['sleep', '30'], { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshCommandTimeoutError);
    // The remote sleep is gone (timeout(1) killed it), not left behind.
    const left = await session.run(['pgrep', '-u', sandbox.user, '-f', '-x', 'sleep 30'], {
      allowFailure: true,
    });
    expect(left.stdout).toBe('');
    expect((await session.run(['printf', 'still here'])).stdout).toBe('still here');
    expect(session.stats).toMatchObject({ connectionsOpened: 2, commands: 3, retries: 0 });
  });

  it('reaches a host through a jump host, both checked against known-hosts', async () => {
    const both = `${sandboxKnownHosts.trim()}\n[127.0.0.1]:${OTHER_PORT} ${otherKey}\n`;
    const session = await open(
      other,
      settings(await material(both, [other, sandbox]), { jump: sandbox }),
    );
    expect((await session.run(['printf', '%s', 'via jump'])).stdout).toBe('via jump');

    // The jump host's key is unknown: refused.
    const m = await material(`[127.0.0.1]:${OTHER_PORT} ${otherKey}`, [other]);
    const error = await open(other, settings(m, { jump: sandbox })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as Error).message).toMatch(/jump host 127\.0\.0\.1:2222/);
  });

  it('builds known_hosts from a pinned fingerprint with ssh-keyscan, and refuses a wrong one', async () => {
    const m = await writeSshMaterial({
      privateKey,
      hostFingerprints: [env.SANDBOX_SSH_HOST_FINGERPRINT!],
      targets: [sandbox],
      log: recordingLog(),
      tempDir: work,
      local: localExecutor(),
    });
    materials.push(m);
    const session = await open(sandbox, settings(m));
    expect((await session.run(['id', '-un'])).stdout.trim()).toBe(sandbox.user);

    const wrong = await writeSshMaterial({
      privateKey,
      hostFingerprints: ['SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      targets: [sandbox],
      log: recordingLog(),
      tempDir: work,
      local: localExecutor(),
    }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(InputError);
    expect((wrong as Error).message).toContain(`it offers ${env.SANDBOX_SSH_HOST_FINGERPRINT}`);
  });

  it('the post-step cleanup ends the master and deletes the key', async () => {
    const m = await writeSshMaterial({
      privateKey,
      knownHosts: sandboxKnownHosts,
      targets: [sandbox],
      log: recordingLog(),
      tempDir: work,
    });
    const session = await openSession(sandbox, settings(m));
    const pid = session.masterPid!;
    expect(() => process.kill(pid, 0)).not.toThrow();
    removeSshMaterial(m.dir); // as the post step does, without closing the session first
    expect(existsSync(m.privateKeyFile)).toBe(false);
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      } catch {
        gone = true;
      }
    }
    expect(gone).toBe(true);
  });
});
