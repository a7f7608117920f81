/**
 * The SSH options bastions need, against real sshds: the sandbox's (127.0.0.1:2222, user tgdeploy)
 * and a private bastion of this test on 127.0.0.1:21281 that takes ONLY its own key (not the
 * sandbox's deploy key). Through connectSsh, the way the deploy, rollback and verify actions and
 * the CLI connect: a passphrase-protected ssh-key (ssh-key-passphrase), a bastion with its own
 * key (jump-host-key), connect-timeout, and the temporary key copies gone afterwards.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectHosts, post as verifyPost } from '../../actions/verify/deps.js';
import { verifyInputsFrom } from '../../actions/verify/inputs.js';
import { fakeClock } from '../../src/clock.js';
import { InputError } from '../../src/errors.js';
import { localExecutor } from '../../src/exec.js';
import { VERIFY_SCHEMA } from '../../src/inputs/entries.js';
import { readInputs } from '../../src/inputs/schema.js';
import { recordingLog } from '../../src/log.js';
import {
  connectSsh,
  removeSavedSshMaterial,
  SSH_STATE,
  sshTargetsFrom,
  type SshInputs,
} from '../../src/ssh/connect.js';
import { parseKey, writeSshMaterial } from '../../src/ssh/secrets.js';
import { openSession, SshConnectionError } from '../../src/ssh/session.js';
import { sandboxEnv } from '../helpers/sandbox.js';

const env = sandboxEnv();
const it = (name: string, fn: () => Promise<void>) => test(name, fn, 180_000);
const work = mkdtempSync(join(tmpdir(), 'ssh-options-it-'));
const user = env.SANDBOX_SSH_USER!;
const sandboxHost = `${user}@${env.SANDBOX_SSH_HOST}:${env.SANDBOX_SSH_PORT}`;
const sandboxKnownHosts = readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8');
const plainKey = readFileSync(env.SANDBOX_SSH_KEY!, 'utf8');
/** Shell code in the passphrase: it must arrive as bytes, never run. */
const marker = join(work, 'passphrase-ran');
const PASSPHRASE = `p'a"s $(touch ${marker}) \`touch ${marker}\`; touch ${marker} ✓`;

const BASTION_PORT = 21281;
const bastionLog = join(work, 'bastion.log');
const bastionHost = `${user}@127.0.0.1:${BASTION_PORT}`;
let bastionKey = '';
let bastionFingerprint = '';
let bastionKnownHost = '';
let bastion: ChildProcess | undefined;

/** A RUNNER_TEMP per test: the key copies live under it, and it must end up empty. */
function runnerTemp(): string {
  const dir = join(work, `runner-temp-${Math.random().toString(16).slice(2, 10)}`);
  mkdirSync(dir);
  return dir;
}

function deps(tempDir: string, state: Map<string, string>) {
  return {
    log: recordingLog(),
    // Retries after a connection failure wait on this clock, not on the wall.
    clock: fakeClock(),
    writeSshMaterial: (o: Parameters<typeof writeSshMaterial>[0]) =>
      writeSshMaterial({ ...o, tempDir }),
    openSession,
    saveState: (name: string, value: string) => void state.set(name, value),
  };
}

function inputs(extra: Partial<SshInputs>): SshInputs {
  return { key: plainKey, knownHosts: sandboxKnownHosts, fingerprints: [], jumpHost: '', ...extra };
}

function acceptedOnBastion(): string[] {
  return existsSync(bastionLog)
    ? readFileSync(bastionLog, 'utf8')
        .split('\n')
        .filter((l) => l.includes('Accepted publickey'))
    : [];
}

beforeAll(async () => {
  // The sandbox's deploy key, protected by a passphrase (the same key: the sandbox sshd takes it).
  copyFileSync(env.SANDBOX_SSH_KEY!, join(work, 'locked'));
  execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', PASSPHRASE, '-f', join(work, 'locked')]);

  // The bastion: its own host key, and only its own client key authorised.
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'hostkey')]);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'bastion',
    '-f',
    join(work, 'bastion'),
  ]);
  bastionKey = readFileSync(join(work, 'bastion'), 'utf8');
  bastionFingerprint = execFileSync('ssh-keygen', ['-lf', join(work, 'bastion.pub')], {
    encoding: 'utf8',
  }).split(' ')[1]!;
  writeFileSync(join(work, 'bastion_authorized_keys'), readFileSync(join(work, 'bastion.pub')));
  // sshd reads authorized keys as the user: let it pass through (not list) the test's dir.
  chmodSync(work, 0o711);
  chmodSync(join(work, 'bastion_authorized_keys'), 0o644);
  const hostPub = readFileSync(join(work, 'hostkey.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  bastionKnownHost = `[127.0.0.1]:${BASTION_PORT} ${hostPub}\n`;
  writeFileSync(
    join(work, 'sshd_config'),
    [
      `Port ${BASTION_PORT}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(work, 'hostkey')}`,
      `PidFile ${join(work, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(work, 'bastion_authorized_keys')}`,
      // The test's files live under /tmp (world-writable): sshd's StrictModes would refuse them.
      'StrictModes no',
      `AllowUsers ${user}`,
      'AllowTcpForwarding yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'LogLevel VERBOSE',
    ].join('\n'),
  );
  bastion = spawn('/usr/sbin/sshd', ['-D', '-f', join(work, 'sshd_config'), '-E', bastionLog], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    const r = await localExecutor().run(
      ['ssh-keyscan', '-T', '1', '-p', String(BASTION_PORT), '127.0.0.1'],
      { allowFailure: true },
    );
    if (r.stdout.includes('ssh-ed25519')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(() => {
  if (bastion?.pid) process.kill(bastion.pid, 'SIGTERM');
  if (!process.env.KEEP_SSH_OPTIONS_WORK) rmSync(work, { recursive: true, force: true });
});

describe('ssh-key-passphrase', () => {
  it('a passphrase-protected key works against the sandbox sshd; the decrypted copy is private and gone afterwards', async () => {
    const locked = readFileSync(join(work, 'locked'), 'utf8');
    expect(parseKey(locked).encrypted).toBe(true);
    const temp = runnerTemp();
    const state = new Map<string, string>();
    const d = deps(temp, state);
    const ssh = sshTargetsFrom([sandboxHost], inputs({ key: locked, keyPassphrase: PASSPHRASE }));
    const hosts = await connectSsh(
      inputs({ key: locked, keyPassphrase: PASSPHRASE }),
      ssh.targets,
      ssh.jump,
      d,
    );
    // While the run lasts: one 0700 dir, the key copy 0600 and without its passphrase, no askpass.
    expect(readdirSync(temp)).toEqual([hosts.material.dir.split('/').pop()]);
    expect(statSync(hosts.material.dir).mode & 0o777).toBe(0o700);
    expect(statSync(hosts.material.privateKeyFile).mode & 0o777).toBe(0o600);
    expect(parseKey(readFileSync(hosts.material.privateKeyFile, 'utf8')).encrypted).toBe(false);
    expect(
      readdirSync(hosts.material.dir)
        .filter((f) => f !== 'c')
        .sort(),
    ).toEqual(['id', 'known_hosts']);
    // The passphrase is masked like every secret.
    expect(d.log.secrets.has(PASSPHRASE)).toBe(true);

    const whoami = await hosts.withSession(
      ssh.targets[0]!,
      async (session) => (await session.run(['id', '-un'])).stdout.trim(),
      (error) => {
        throw error;
      },
    );
    expect(whoami).toBe(user);
    expect(existsSync(marker)).toBe(false);

    hosts.remove();
    expect(readdirSync(temp)).toEqual([]);
    // The sockets' dir (under the OS temp dir when RUNNER_TEMP's path is long) is gone too.
    expect(existsSync(hosts.material.controlDir)).toBe(false);
  });

  it('the post step (a cancelled run) removes the decrypted copy from the saved state', async () => {
    const locked = readFileSync(join(work, 'locked'), 'utf8');
    const temp = runnerTemp();
    const state = new Map<string, string>();
    const ssh = sshTargetsFrom([sandboxHost], inputs({}));
    const hosts = await connectSsh(
      inputs({ key: locked, keyPassphrase: PASSPHRASE }),
      ssh.targets,
      undefined,
      deps(temp, state),
    );
    const session = await hosts.open(ssh.targets[0]!);
    expect((await session.run(['printf', '%s', 'open'])).stdout).toBe('open');
    // Cancelled here: close() and remove() never run; the post step has only the saved state.
    expect(readdirSync(temp)).toHaveLength(1);
    removeSavedSshMaterial((name) => state.get(name) ?? '');
    expect(readdirSync(temp)).toEqual([]);
    // The master went with it (ssh -O exit): the session cannot run another command.
    await expect(session.run(['true'])).rejects.toThrow();
    await session.close();
  });

  it('a wrong passphrase is an error naming ssh-key-passphrase, and leaves nothing behind', async () => {
    const locked = readFileSync(join(work, 'locked'), 'utf8');
    const temp = runnerTemp();
    const ssh = sshTargetsFrom([sandboxHost], inputs({}));
    const error = await connectSsh(
      inputs({ key: locked, keyPassphrase: `${PASSPHRASE}x` }),
      ssh.targets,
      undefined,
      deps(temp, new Map()),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('ssh-key-passphrase');
    expect(readdirSync(temp)).toEqual([]);
    expect(existsSync(marker)).toBe(false);

    const missing = await connectSsh(
      inputs({ key: locked }),
      ssh.targets,
      undefined,
      deps(temp, new Map()),
    ).catch((e: unknown) => e);
    expect((missing as InputError).input).toBe('ssh-key');
    expect((missing as InputError).message).toMatch(/ssh-key-passphrase/);
    expect(readdirSync(temp)).toEqual([]);
  });
});

describe('jump-host-key', () => {
  it('reaches the sandbox through a bastion that takes only its own key (ssh-key with a passphrase)', async () => {
    const locked = readFileSync(join(work, 'locked'), 'utf8');
    const temp = runnerTemp();
    const before = acceptedOnBastion().length;
    const given = inputs({
      key: locked,
      keyPassphrase: PASSPHRASE,
      knownHosts: `${sandboxKnownHosts.trim()}\n${bastionKnownHost}`,
      jumpHost: bastionHost,
      jumpKey: bastionKey,
      connectTimeoutSeconds: 10,
    });
    const { targets, jump } = sshTargetsFrom([sandboxHost], given);
    const hosts = await connectSsh(given, targets, jump, deps(temp, new Map()));
    expect(hosts.material.jumpKeyFile).toBeDefined();
    expect(statSync(hosts.material.jumpKeyFile!).mode & 0o777).toBe(0o600);
    const out = await hosts.withSession(
      targets[0]!,
      async (session) => (await session.run(['printf', '%s', 'via bastion'])).stdout,
      (error) => {
        throw error;
      },
    );
    expect(out).toBe('via bastion');
    // The bastion let in its own key, each time one connection went through it.
    const accepted = acceptedOnBastion().slice(before);
    expect(accepted.length).toBeGreaterThanOrEqual(2); // host-key check and the master
    for (const line of accepted) expect(line).toContain(bastionFingerprint);
    hosts.remove();
    expect(readdirSync(temp)).toEqual([]);
  });

  it('without jump-host-key the bastion refuses the hosts key, and the error points at the jump host', async () => {
    const temp = runnerTemp();
    const given = inputs({
      knownHosts: `${sandboxKnownHosts.trim()}\n${bastionKnownHost}`,
      jumpHost: bastionHost,
    });
    const { targets, jump } = sshTargetsFrom([sandboxHost], given);
    const hosts = await connectSsh(given, targets, jump, deps(temp, new Map()));
    const error = await hosts.open(targets[0]!).catch((e: unknown) => e);
    hosts.remove();
    expect(error).toBeInstanceOf(SshConnectionError);
    expect((error as Error).message).toMatch(/refused the key/);
    expect((error as Error).message).toMatch(/jump host .*jump-host-key/);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('hostile values never reach a shell: they are refused by name or passed as bytes', async () => {
    const base = inputs({ knownHosts: sandboxKnownHosts });
    for (const hostile of [
      `-oProxyCommand=touch ${marker}`,
      `x@h;touch ${marker}`,
      `x@$(touch ${marker})`,
    ]) {
      const error = (() => {
        try {
          sshTargetsFrom([sandboxHost], { ...base, jumpHost: hostile });
        } catch (e) {
          return e;
        }
      })();
      expect((error as InputError).input).toBe('jump-host');
    }
    expect(() => sshTargetsFrom([sandboxHost], { ...base, jumpKey: bastionKey })).toThrow(
      /jump-host-key/,
    );
    expect(existsSync(marker)).toBe(false);
  });

  it('a jump-host-key that is not a key, or has a passphrase, is refused by name before any connection', async () => {
    const temp = runnerTemp();
    const given = inputs({
      knownHosts: `${sandboxKnownHosts.trim()}\n${bastionKnownHost}`,
      jumpHost: bastionHost,
    });
    const { targets, jump } = sshTargetsFrom([sandboxHost], given);
    const before = acceptedOnBastion().length;
    for (const jumpKey of [`$(touch ${marker})`, readFileSync(join(work, 'locked'), 'utf8')]) {
      const error = await connectSsh(
        { ...given, jumpKey },
        targets,
        jump,
        deps(temp, new Map()),
      ).catch((e: unknown) => e);
      expect((error as InputError).input).toBe('jump-host-key');
    }
    expect(acceptedOnBastion().length).toBe(before);
    expect(readdirSync(temp)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('connect-timeout', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // Accepts TCP and never says a word: only ssh's ConnectTimeout ends the wait.
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('reaches ssh: a host that never answers fails as a timeout, not a hang', async () => {
    const port = (silent.address() as { port: number }).port;
    const temp = runnerTemp();
    const given = inputs({
      knownHosts: `${sandboxKnownHosts.trim()}\n[127.0.0.1]:${port} ${sandboxKnownHosts.trim().split(' ').slice(1).join(' ')}\n`,
      connectTimeoutSeconds: 1,
    });
    const { targets } = sshTargetsFrom([`${user}@127.0.0.1:${port}`], given);
    const hosts = await connectSsh(given, targets, undefined, {
      ...deps(temp, new Map()),
      // One attempt: the retries' backoff is not what this test is about.
      openSession: (target, settings) => openSession(target, { ...settings, retries: 0 }),
    });
    const error = await hosts.open(targets[0]!).catch((e: unknown) => e);
    hosts.remove();
    expect(error).toBeInstanceOf(SshConnectionError);
    expect((error as Error).message).toMatch(/timed out/i);
    expect(sockets.length).toBe(1);
  });
});

describe('the verify action over the bastion', () => {
  it('reads jump-host, jump-host-key and ssh-key-passphrase from its inputs and checks hosts behind the bastion; its post step leaves nothing', async () => {
    const temp = runnerTemp();
    const saved = new Map<string, string>();
    const values: Record<string, string> = {
      hosts: sandboxHost,
      'ssh-key': readFileSync(join(work, 'locked'), 'utf8'),
      'ssh-key-passphrase': PASSPHRASE,
      'known-hosts': `${sandboxKnownHosts.trim()}\n${bastionKnownHost}`,
      'jump-host': bastionHost,
      'jump-host-key': bastionKey,
      'connect-timeout': '10',
      container: 'ssh-options-it-none',
      'http-url': 'http://127.0.0.1:1/health',
    };
    const inputs = verifyInputsFrom(
      readInputs(VERIFY_SCHEMA, (entry) => values[entry.name]),
      Date.now(),
    );
    const before = acceptedOnBastion().length;
    const previous = process.env.RUNNER_TEMP;
    process.env.RUNNER_TEMP = temp;
    try {
      const hosts = await connectHosts(inputs, recordingLog(), (name, value) =>
        saved.set(name, value),
      );
      const [executor] = hosts.executors;
      expect((await executor!.run(['id', '-un'])).stdout.trim()).toBe(user);
      expect(acceptedOnBastion().slice(before).join('\n')).toContain(bastionFingerprint);
      // Cancelled before close(): the post step alone, from the saved state, removes everything.
      expect(readdirSync(temp)).toHaveLength(1);
      verifyPost({
        sshDir: saved.get(SSH_STATE.dir) ?? '',
        controlDir: saved.get(SSH_STATE.controlDir) ?? '',
      });
      expect(readdirSync(temp)).toEqual([]);
      await hosts.close();
    } finally {
      if (previous === undefined) delete process.env.RUNNER_TEMP;
      else process.env.RUNNER_TEMP = previous;
    }
    expect(existsSync(marker)).toBe(false);
  });
});
