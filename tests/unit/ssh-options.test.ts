/**
 * ssh-key-passphrase, jump-host-key and connect-timeout, without a network: the key copy and its
 * decryption (real ssh-keygen), the argv ssh gets (a recording spawn), and how connectSsh hands
 * the inputs to both. The real sshd cases are in tests/integration/ssh-options.test.ts.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployInputsFrom } from '../../actions/deploy/inputs.js';
import { rollbackInputsFrom } from '../../actions/rollback/inputs.js';
import { verifyInputsFrom } from '../../actions/verify/inputs.js';
import { parseConfigText } from '../../src/cli/config-file.js';
import { fakeClock } from '../../src/clock.js';
import { InputError } from '../../src/errors.js';
import type { CommandResult, RunOptions } from '../../src/exec.js';
import { DEPLOY_SCHEMA, ROLLBACK_SCHEMA, VERIFY_SCHEMA } from '../../src/inputs/entries.js';
import { readInputs } from '../../src/inputs/schema.js';
import { recordingLog } from '../../src/log.js';
import { connectSsh, sshTargetsFrom, type SshInputs } from '../../src/ssh/connect.js';
import {
  parseKey,
  writeSshMaterial,
  type SshMaterial,
  type SshMaterialOptions,
} from '../../src/ssh/secrets.js';
import { openSession, SshConnectionError, type SshSettings } from '../../src/ssh/session.js';
import type { SshTarget } from '../../src/ssh/target.js';

const work = mkdtempSync(join(tmpdir(), 'ssh-options-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const marker = join(work, 'ran');
const PASSPHRASE = `it's "$(touch ${marker})" \`touch ${marker}\`; touch ${marker} ✓`;

function keygen(name: string, passphrase = ''): string {
  const file = join(work, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', file]);
  return readFileSync(file, 'utf8');
}
const plain = keygen('plain');
const locked = keygen('locked', PASSPHRASE);
const jumpKey = keygen('jump');
const host: SshTarget = { user: 'deploy', host: '127.0.0.1', port: 2222 };
const KNOWN = `[127.0.0.1]:2222 ${readFileSync(join(work, 'plain.pub'), 'utf8').split(' ').slice(0, 2).join(' ')}\n`;

function temp(): string {
  const dir = join(work, `t-${Math.random().toString(16).slice(2, 10)}`);
  mkdirSync(dir);
  return dir;
}

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof InputError) return error;
  throw new Error(`expected an InputError, got ${String(error)}`);
}

describe('ssh-key-passphrase', () => {
  it('decrypts a protected key into the private copy; the passphrase is never an argument', async () => {
    // A wrapper around the real ssh-keygen that records the argv it was given.
    const argvLog = join(work, 'keygen-argv');
    const wrapper = join(work, 'keygen-wrapper');
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argvLog}'\nexec ssh-keygen "$@"\n`);
    chmodSync(wrapper, 0o700);
    const dir = temp();
    const log = recordingLog();
    const m = await writeSshMaterial({
      privateKey: locked,
      keyPassphrase: PASSPHRASE,
      knownHosts: KNOWN,
      targets: [host],
      log,
      tempDir: dir,
      sshKeygenBinary: wrapper,
    });
    expect(readFileSync(argvLog, 'utf8')).toBe(`-p\n-N\n\n-f\n${m.privateKeyFile}\n`);
    const copy = readFileSync(m.privateKeyFile, 'utf8');
    expect(parseKey(copy).encrypted).toBe(false);
    // The same key: its public half is the locked key's public half.
    const publicHalf = (text: string) => text.split(' ').slice(0, 2).join(' ').trim();
    expect(
      publicHalf(execFileSync('ssh-keygen', ['-y', '-f', m.privateKeyFile], { encoding: 'utf8' })),
    ).toBe(publicHalf(readFileSync(join(work, 'locked.pub'), 'utf8')));
    expect(statSync(m.dir).mode & 0o777).toBe(0o700);
    expect(statSync(m.privateKeyFile).mode & 0o777).toBe(0o600);
    expect(existsSync(join(m.dir, 'askpass'))).toBe(false);
    expect(log.secrets.has(PASSPHRASE)).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  it('a wrong passphrase, a missing one or a line break is named, and nothing stays on disk', async () => {
    const dir = temp();
    const base = { knownHosts: KNOWN, targets: [host], log: recordingLog(), tempDir: dir };
    const wrong = await inputError(
      writeSshMaterial({ ...base, privateKey: locked, keyPassphrase: 'nope' }),
    );
    expect(wrong.input).toBe('ssh-key-passphrase');
    expect(wrong.message).not.toContain('nope');
    const missing = await inputError(writeSshMaterial({ ...base, privateKey: locked }));
    expect(missing.input).toBe('ssh-key');
    expect(missing.message).toMatch(/ssh-key-passphrase/);
    const newline = await inputError(
      writeSshMaterial({ ...base, privateKey: locked, keyPassphrase: 'a\nb' }),
    );
    expect(newline.input).toBe('ssh-key-passphrase');
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });

  it('an askpass helper that cannot run (RUNNER_TEMP noexec) is said as such, not as a wrong passphrase', async () => {
    const wrapper = join(work, 'keygen-noexec');
    writeFileSync(wrapper, '#!/bin/sh\nchmod 600 "$SSH_ASKPASS"\nexec ssh-keygen "$@"\n');
    chmodSync(wrapper, 0o700);
    const dir = temp();
    const error = await writeSshMaterial({
      privateKey: locked,
      keyPassphrase: PASSPHRASE,
      knownHosts: KNOWN,
      targets: [host],
      log: recordingLog(),
      tempDir: dir,
      sshKeygenBinary: wrapper,
    }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/askpass helper .*noexec/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a passphrase given for a key without one is harmless', async () => {
    const m = await writeSshMaterial({
      privateKey: plain,
      keyPassphrase: 'unused',
      knownHosts: KNOWN,
      targets: [host],
      log: recordingLog(),
      tempDir: temp(),
    });
    expect(readFileSync(m.privateKeyFile, 'utf8')).toBe(plain);
  });
});

describe('jump-host-key', () => {
  it('is written 0600 beside the hosts key; a non-key or a protected key is named', async () => {
    const dir = temp();
    const base = { privateKey: plain, knownHosts: KNOWN, targets: [host], tempDir: dir };
    const log = recordingLog();
    const m = await writeSshMaterial({ ...base, jumpKey, log });
    expect(m.jumpKeyFile).toBe(join(m.dir, 'jump_id'));
    expect(readFileSync(m.jumpKeyFile!, 'utf8')).toBe(jumpKey);
    expect(statSync(m.jumpKeyFile!).mode & 0o777).toBe(0o600);
    // Masked like ssh-key: whole and line by line.
    expect(log.secrets.has(jumpKey.trim())).toBe(true);
    const dir2 = temp();
    for (const bad of ['$(id)', locked]) {
      const error = await inputError(
        writeSshMaterial({ ...base, tempDir: dir2, jumpKey: bad, log: recordingLog() }),
      );
      expect(error.input).toBe('jump-host-key');
    }
    expect(readdirSync(dir2)).toEqual([]);
  });
});

// ---- the argv ssh gets --------------------------------------------------------------------------

const PROBE_OUT = "a'b\n$x `y` \\z\n*\n";

function recordingSpawn(answer: (argv: readonly string[]) => Partial<CommandResult> = () => ({})) {
  const calls: (readonly string[])[] = [];
  const spawn = async (_where: string, argv: readonly string[], _options: RunOptions) => {
    calls.push(argv);
    return {
      exitCode: 0,
      stdout: argv.includes('ControlPath=none') ? PROBE_OUT : '',
      stderr: '',
      ...answer(argv),
    };
  };
  return { calls, spawn };
}

/** The words /bin/sh makes of a ProxyCommand (after ssh turns %% back into %). */
function proxyWords(argv: readonly string[]): string[] {
  const proxy = argv.find((a) => a.startsWith('ProxyCommand='))!.slice('ProxyCommand='.length);
  const out = execFileSync(
    'sh',
    ['-c', `set -- ${proxy.replace(/%%/g, '%')}; printf '%s\\0' "$@"`],
    {
      encoding: 'utf8',
    },
  );
  return out.split('\0').slice(0, -1);
}

describe('the ssh argv', () => {
  const jump: SshTarget = { user: 'jump', host: 'bastion.example.net', port: 2200 };
  const knownFile = join(work, 'known_hosts');
  writeFileSync(knownFile, KNOWN);
  const settings = (spawn: SshSettings['spawn'], extra: Partial<SshSettings>): SshSettings => ({
    privateKeyFile: '/tmp/k/id',
    knownHostsFile: knownFile,
    controlDir: '/tmp/k/c',
    clock: fakeClock(),
    log: recordingLog(),
    spawn,
    ...extra,
  });

  it('the bastion authenticates with jump-host-key inside the ProxyCommand, the host with ssh-key; connect-timeout reaches both', async () => {
    const ssh = recordingSpawn();
    // A path with a space, a quote, $() and % arrives as ONE literal word.
    const jumpKeyFile = `/tmp/k/jump id's $(touch ${marker}) %h`;
    await openSession(host, settings(ssh.spawn, { jump, jumpKeyFile, connectTimeoutSeconds: 7 }));
    const verify = ssh.calls[0]!;
    expect(verify).toEqual(expect.arrayContaining(['IdentityFile=/tmp/k/id', 'ConnectTimeout=7']));
    const words = proxyWords(verify);
    expect(words).toEqual(
      expect.arrayContaining([
        `IdentityFile=${jumpKeyFile}`,
        'ConnectTimeout=7',
        'StrictHostKeyChecking=yes',
        `UserKnownHostsFile=${knownFile}`,
        'IdentitiesOnly=yes',
      ]),
    );
    expect(words).not.toContain('IdentityFile=/tmp/k/id');
    expect(words.slice(-4)).toEqual(['-W', '127.0.0.1:2222', '--', 'bastion.example.net']);
    expect(existsSync(marker)).toBe(false);
  });

  it('without jump-host-key the bastion takes ssh-key; the default timeout is 15 s', async () => {
    const ssh = recordingSpawn();
    await openSession(host, settings(ssh.spawn, { jump }));
    expect(ssh.calls[0]).toContain('ConnectTimeout=15');
    expect(proxyWords(ssh.calls[0]!)).toEqual(
      expect.arrayContaining(['IdentityFile=/tmp/k/id', 'ConnectTimeout=15']),
    );
  });

  it('a key refused through a bastion names the input to check', async () => {
    const denied = () => ({
      exitCode: 255,
      stderr: 'jump@bastion: Permission denied (publickey).\n',
    });
    for (const [jumpKeyFile, input] of [
      ['/tmp/k/jump', 'jump-host-key'],
      [undefined, 'give the key it takes in jump-host-key'],
    ] as const) {
      const ssh = recordingSpawn(denied);
      const error = await openSession(host, settings(ssh.spawn, { jump, jumpKeyFile })).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SshConnectionError);
      expect((error as Error).message).toContain('jump host jump@bastion.example.net:2200');
      expect((error as Error).message).toContain(input);
      expect(ssh.calls).toHaveLength(1); // an auth failure is final
    }
  });
});

// ---- connectSsh: from the inputs to the material and the sessions --------------------------------

describe('connectSsh', () => {
  function fakes() {
    const material: SshMaterial = {
      dir: '/nonexistent/tg-ssh-x',
      privateKeyFile: '/nonexistent/tg-ssh-x/id',
      jumpKeyFile: '/nonexistent/tg-ssh-x/jump_id',
      knownHostsFile: '/nonexistent/tg-ssh-x/known_hosts',
      controlDir: '/nonexistent/tg-ssh-x/c',
    };
    const written: SshMaterialOptions[] = [];
    const opened: SshSettings[] = [];
    return {
      written,
      opened,
      deps: {
        log: recordingLog(),
        writeSshMaterial: async (o: SshMaterialOptions) => (written.push(o), material),
        openSession: async (_t: SshTarget, s: SshSettings) => {
          opened.push(s);
          return {} as never;
        },
      },
    };
  }
  const given: SshInputs = {
    key: plain,
    knownHosts: KNOWN,
    fingerprints: [],
    jumpHost: 'jump@bastion.example.net:2200',
    jumpKey: jumpKey,
    keyPassphrase: 'pw',
    connectTimeoutSeconds: 42,
  };

  it('hands the passphrase, the jump key and the timeout to the material and every session', async () => {
    const f = fakes();
    const { targets, jump } = sshTargetsFrom(['deploy@127.0.0.1:2222'], given);
    const hosts = await connectSsh(given, targets, jump, f.deps);
    await hosts.open(targets[0]!);
    expect(f.written[0]).toMatchObject({
      keyPassphrase: 'pw',
      jumpKey,
      keyscanTimeoutSeconds: 42,
    });
    expect(f.opened[0]).toMatchObject({
      jump: { user: 'jump', host: 'bastion.example.net', port: 2200 },
      jumpKeyFile: '/nonexistent/tg-ssh-x/jump_id',
      connectTimeoutSeconds: 42,
    });
  });

  it('refuses jump-host-key without jump-host, and a hostile jump-host, by name', () => {
    expect(() => sshTargetsFrom(['deploy@h'], { ...given, jumpHost: '' })).toThrow(
      expect.objectContaining({ input: 'jump-host-key' }),
    );
    for (const hostile of ['-oProxyCommand=id', 'x@h;id', 'x@$(id)', 'x@h -p 1']) {
      expect(() => sshTargetsFrom(['deploy@h'], { ...given, jumpHost: hostile })).toThrow(
        expect.objectContaining({ input: 'jump-host' }),
      );
    }
  });
});

// ---- the readers: every action and the CLI read the new inputs the same way ---------------------

describe('the readers', () => {
  const from =
    (values: Record<string, string>) =>
    (entry: { name: string }): string | undefined =>
      values[entry.name];
  const ssh = {
    hosts: 'deploy@127.0.0.1:2222',
    'ssh-key': plain,
    'known-hosts': KNOWN,
    'jump-host': 'jump@bastion.example.net:2200',
    'jump-host-key': jumpKey,
    'ssh-key-passphrase': 'pw',
    'connect-timeout': '30',
  };
  const expected = {
    jumpKey,
    keyPassphrase: 'pw',
    connectTimeoutSeconds: 30,
  };

  it('deploy and rollback: the SSH options and notify-webhook-format', () => {
    const deploy = deployInputsFrom(
      readInputs(
        DEPLOY_SCHEMA,
        from({
          ...ssh,
          app: 'shop-bot',
          image: 'ghcr.io/o/b:1',
          'bot-mode': 'polling',
          'notify-webhook-format': 'discord',
        }),
      ),
    );
    expect(deploy.ssh).toMatchObject({ ...expected, jumpHost: 'jump@bastion.example.net:2200' });
    expect(deploy.notify.webhookFormat).toBe('discord');
    const rollback = rollbackInputsFrom(
      readInputs(
        ROLLBACK_SCHEMA,
        from({ ...ssh, app: 'shop-bot', 'notify-webhook-format': 'slack' }),
      ),
    );
    expect(rollback.ssh).toMatchObject(expected);
    expect(rollback.notify.webhookFormat).toBe('slack');
    // Defaults: 15 s, and the format left to the URL's host.
    const bare = rollbackInputsFrom(
      readInputs(ROLLBACK_SCHEMA, from({ hosts: ssh.hosts, 'ssh-key': plain, app: 'shop-bot' })),
    );
    expect(bare.ssh.connectTimeoutSeconds).toBe(15);
    expect(bare.notify.webhookFormat).toBeUndefined();
  });

  it('refuses a bad connect-timeout or format by name', () => {
    for (const [name, value] of [
      ['connect-timeout', '0'],
      ['connect-timeout', '301'],
      ['connect-timeout', '5; id'],
      ['notify-webhook-format', 'teams'],
    ]) {
      expect(() =>
        readInputs(ROLLBACK_SCHEMA, from({ ...ssh, app: 'shop-bot', [name!]: value! })),
      ).toThrow(expect.objectContaining({ input: name }));
    }
  });

  it('verify: jump-host (new there), its key, the passphrase and the timeout', () => {
    const inputs = verifyInputsFrom(
      readInputs(
        VERIFY_SCHEMA,
        from({ ...ssh, container: 'shop-bot-1', 'http-url': 'http://127.0.0.1:1/h' }),
      ),
      0,
    );
    expect(inputs.jump).toEqual({ user: 'jump', host: 'bastion.example.net', port: 2200 });
    expect(inputs.ssh).toMatchObject(expected);
    expect(() =>
      verifyInputsFrom(
        readInputs(
          VERIFY_SCHEMA,
          from({ ...ssh, 'jump-host': '', container: 'c', 'http-url': 'http://127.0.0.1:1/h' }),
        ),
        0,
      ),
    ).toThrow(expect.objectContaining({ input: 'jump-host-key' }));
    expect(() =>
      verifyInputsFrom(
        readInputs(
          VERIFY_SCHEMA,
          from({
            ...ssh,
            'jump-host': '-oProxyCommand=id',
            container: 'c',
            'http-url': 'http://127.0.0.1:1/h',
          }),
        ),
        0,
      ),
    ).toThrow(expect.objectContaining({ input: 'jump-host' }));
  });

  it('the CLI: the secrets from their files or variables, never inline; the format is refused', () => {
    const files: Record<string, string> = {
      '/k': plain,
      '/kh': KNOWN,
      '/jk': jumpKey,
      '/pp': 'pw\n',
    };
    const config = (extra: string, env: Record<string, string> = {}) =>
      parseConfigText(
        `hosts: [deploy@127.0.0.1:2222]\nssh-key-file: /k\nknown-hosts-file: /kh\napp: shop-bot\nimage: ghcr.io/o/b:1\nbot-mode: polling\n${extra}`,
        '/ops/deploy.yml',
        { readFile: (p) => files[p] ?? '', env, home: '/home/ops' },
      );
    const cli = config(
      'jump-host: jump@bastion.example.net:2200\njump-host-key-file: /jk\nssh-key-passphrase-file: /pp\nconnect-timeout: 30\n',
    );
    expect(cli.ssh).toMatchObject({ ...expected, jumpHost: 'jump@bastion.example.net:2200' });
    expect(config('', { TG_DEVOPS_SSH_KEY_PASSPHRASE: 'from-env' }).ssh.keyPassphrase).toBe(
      'from-env',
    );
    expect(() => config('ssh-key-passphrase: inline\n')).toThrow(/ssh-key-passphrase/);
    expect(() => config('notify-webhook-format: slack\n')).toThrow(/notify-webhook-format/);
  });
});
