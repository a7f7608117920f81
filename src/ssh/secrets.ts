import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';
import { knownHostsName, type SshTarget } from './target.js';

/** Files one run uses to reach its hosts; all of them go away in removeSshMaterial. */
export interface SshMaterial {
  /** The 0700 directory that holds everything below. */
  dir: string;
  privateKeyFile: string;
  /** The jump host's own key (jump-host-key), when it has one; else the jump host takes privateKeyFile. */
  jumpKeyFile?: string;
  knownHostsFile: string;
  /** Where ControlMaster sockets live (kept short: unix socket paths are limited to ~104 bytes). */
  controlDir: string;
}

export interface SshMaterialOptions {
  /** The private key text (ssh-key input). */
  privateKey: string;
  /** ssh-key-passphrase: decrypts a protected ssh-key into the private copy. */
  keyPassphrase?: string;
  /** jump-host-key: the jump host's own private key (no passphrase). */
  jumpKey?: string;
  /** known_hosts lines (known-hosts input); or hostFingerprints. */
  knownHosts?: string;
  /** SHA256:... fingerprints (host-fingerprint input): the hosts' keys are fetched with ssh-keyscan and only matching keys are trusted. */
  hostFingerprints?: readonly string[];
  /** Every host this run connects to (jump host included): each must be covered. */
  targets: readonly SshTarget[];
  log: Log;
  /** RUNNER_TEMP; default process.env.RUNNER_TEMP or the OS temp dir. */
  tempDir?: string;
  /** Runs ssh-keyscan locally (only for fingerprints). */
  local?: Executor;
  keyscanTimeoutSeconds?: number;
  /** Default 'ssh-keygen' (decrypts a key given with a passphrase). */
  sshKeygenBinary?: string;
}

const PREFIX = 'tg-ssh-';

/** Private key, known_hosts and a socket dir, 0600/0700 in a fresh dir under RUNNER_TEMP. */
export async function writeSshMaterial(options: SshMaterialOptions): Promise<SshMaterial> {
  const passphrase = options.keyPassphrase ?? '';
  if (passphrase) options.log.secret(passphrase);
  const { key, encrypted } = parseKey(options.privateKey, 'ssh-key');
  maskKey(options.privateKey, key, options.log);
  if (encrypted && !passphrase) throw new InputError('ssh-key', passphraseProblem);
  if (passphrase && /[\r\n\0]/.test(passphrase))
    throw new InputError(
      'ssh-key-passphrase',
      'contains a line break or NUL, which ssh cannot take',
    );
  let jumpKey: string | undefined;
  if (options.jumpKey?.trim()) {
    jumpKey = normalizeKey(options.jumpKey, 'jump-host-key');
    maskKey(options.jumpKey, jumpKey, options.log);
  }

  let knownHosts: string;
  if (options.knownHosts?.trim()) {
    const entries = parseKnownHosts(options.knownHosts, 'known-hosts');
    for (const target of options.targets) {
      if (!entries.some((e) => e.marker !== '@revoked' && matchesHost(e, target))) {
        throw new InputError(
          'known-hosts',
          `has no line for ${knownHostsName(target)}. Get one with \`ssh-keyscan -p ${target.port} ${target.host}\` ` +
            `from a network you trust and compare its fingerprint (\`ssh-keygen -lf <file>\`) with the host's console, out of band.`,
        );
      }
    }
    knownHosts = `${options.knownHosts.replace(/\r\n?/g, '\n').trim()}\n`;
  } else if (options.hostFingerprints && options.hostFingerprints.length > 0) {
    if (!options.local) throw new Error('writeSshMaterial: fingerprints need a local executor');
    knownHosts = await pinnedKnownHosts(
      options.local,
      options.targets,
      options.hostFingerprints,
      options.keyscanTimeoutSeconds ?? 10,
    );
  } else {
    throw new InputError(
      'known-hosts',
      'is required (or host-fingerprint): without host verification tg-devops does not connect. ' +
        'Get a line with `ssh-keyscan -p PORT HOST` from a network you trust and compare its fingerprint ' +
        '(`ssh-keygen -lf <file>`) with the one the host shows on its console, out of band.',
    );
  }

  const base = options.tempDir ?? process.env.RUNNER_TEMP ?? tmpdir();
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, PREFIX));
  chmodSync(dir, 0o700);
  const privateKeyFile = join(dir, 'id');
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(privateKeyFile, key, { mode: 0o600 });
  chmodSync(privateKeyFile, 0o600);
  try {
    if (encrypted) decryptKeyFile(privateKeyFile, passphrase, options.sshKeygenBinary);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let jumpKeyFile: string | undefined;
  if (jumpKey !== undefined) {
    jumpKeyFile = join(dir, 'jump_id');
    writeFileSync(jumpKeyFile, jumpKey, { mode: 0o600 });
    chmodSync(jumpKeyFile, 0o600);
  }
  writeFileSync(knownHostsFile, knownHosts, { mode: 0o600 });
  // Socket paths: <controlDir>/<12 hex> plus ssh's own 17-character temporary suffix.
  let controlDir = join(dir, 'c');
  if (controlDir.length > 60) controlDir = join(mkdtempSync(join(tmpdir(), PREFIX)), 'c');
  mkdirSync(controlDir, { mode: 0o700 });
  chmodSync(controlDir, 0o700);
  return { dir, privateKeyFile, jumpKeyFile, knownHostsFile, controlDir };
}

/** The runner masks line by line: register the whole key and each of its body lines. */
function maskKey(given: string, key: string, log: Log): void {
  log.secret(given.trim());
  log.secret(key.trim());
  for (const line of key.split('\n')) {
    if (line.length >= 8 && !line.startsWith('-----')) log.secret(line);
  }
}

/**
 * Removes the passphrase of the key copy in place (`ssh-keygen -p -N '' -f FILE`). The passphrase
 * never is an argument (argv is visible to every user in ps): ssh-keygen asks for it through
 * SSH_ASKPASS, a fixed script beside the copy that prints an environment variable of this child
 * alone. The script is removed right after; the decrypted copy stays 0600 in the 0700 dir.
 */
export function decryptKeyFile(file: string, passphrase: string, sshKeygen = 'ssh-keygen'): void {
  const askpass = join(dirname(file), 'askpass');
  writeFileSync(askpass, '#!/bin/sh\nprintf \'%s\\n\' "$TG_DEVOPS_KEY_PASSPHRASE"\n', {
    mode: 0o700,
  });
  chmodSync(askpass, 0o700);
  let result: SpawnSyncReturns<string>;
  try {
    const env: NodeJS.ProcessEnv = { ...process.env };
    // stdin is not a terminal, so ssh-keygen asks askpass (forced: no DISPLAY needed).
    env.SSH_ASKPASS = askpass;
    env.SSH_ASKPASS_REQUIRE = 'force';
    // OpenSSH before 8.4 ignores SSH_ASKPASS_REQUIRE and asks askpass only when DISPLAY is set.
    env.DISPLAY ??= ':0';
    env.TG_DEVOPS_KEY_PASSPHRASE = passphrase;
    result = spawnSync(sshKeygen, ['-p', '-N', '', '-f', file], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 30_000,
    });
  } finally {
    rmSync(askpass, { force: true });
  }
  if (result.error)
    throw new Error(`cannot run ${sshKeygen} to decrypt ssh-key: ${result.error.message}`);
  if (result.status !== 0 && /ssh_askpass: exec/.test(String(result.stderr))) {
    // Not the passphrase's fault: the helper beside the copy could not be executed.
    throw new Error(
      `could not decrypt ssh-key: ssh-keygen could not run its askpass helper in ${dirname(file)} ` +
        `(is RUNNER_TEMP mounted noexec?): ${String(result.stderr).trim().split('\n')[0]}`,
    );
  }
  if (result.status !== 0) {
    const said =
      String(result.stderr ?? '')
        .trim()
        .split('\n')
        .slice(-1)[0] ?? '';
    throw new InputError(
      'ssh-key-passphrase',
      /passphrase|incorrect|Failed to load key/i.test(said)
        ? 'does not decrypt ssh-key (wrong passphrase)'
        : `could not decrypt ssh-key (ssh-keygen exit ${result.status}${said ? `: ${said.replace(passphrase, '***')}` : ''})`,
    );
  }
  const after = parseKey(readFileSync(file, 'utf8'), 'ssh-key');
  if (after.encrypted) throw new Error('ssh-keygen left the key copy encrypted');
}

/**
 * The post step (also on cancel): ends any ControlMaster left in the control dir, then deletes
 * the key, known_hosts and sockets. Only removes directories this module created.
 */
export function removeSshMaterial(
  dir: string,
  options: { controlDir?: string; sshBinary?: string } = {},
): void {
  const dirs = [dir, options.controlDir ? join(options.controlDir, '..') : undefined];
  for (const d of dirs) {
    if (!d || !basename(d).startsWith(PREFIX) || !existsSync(d)) continue;
    const control = join(d, 'c');
    if (existsSync(control)) {
      for (const socket of readdirSync(control)) {
        spawnSync(
          options.sshBinary ?? 'ssh',
          ['-F', 'none', '-o', `ControlPath=${join(control, socket)}`, '-O', 'exit', '--', 'x'],
          { stdio: 'ignore', timeout: 10_000 },
        );
      }
    }
    rmSync(d, { recursive: true, force: true });
  }
}

/**
 * CRLF to LF, surrounding blank lines trimmed, exactly one trailing newline; a key protected by a
 * passphrase is refused (the jump host's key, or ssh-key without ssh-key-passphrase).
 */
export function normalizeKey(text: string, input = 'ssh-key'): string {
  const { key, encrypted } = parseKey(text, input);
  if (encrypted) throw new InputError(input, passphraseProblem);
  return key;
}

/** The key normalised (see normalizeKey), and whether a passphrase protects it. */
export function parseKey(text: string, input = 'ssh-key'): { key: string; encrypted: boolean } {
  const key = `${text.replace(/\r\n?/g, '\n').trim()}\n`;
  const match =
    /^-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----\n([\s\S]*?)\n-----END \1PRIVATE KEY-----\n$/.exec(
      key,
    );
  if (!match) {
    throw new InputError(
      input,
      'is not a private key in PEM/OpenSSH form (-----BEGIN ... PRIVATE KEY----- ... -----END ... PRIVATE KEY-----)',
    );
  }
  if (/Proc-Type: 4,ENCRYPTED/.test(match[2]!) || match[1] === 'ENCRYPTED ') {
    return { key, encrypted: true };
  }
  if (match[1] === 'OPENSSH ') {
    const blob = Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64');
    const magic = 'openssh-key-v1\0';
    if (
      blob.length < magic.length + 4 ||
      blob.subarray(0, magic.length).toString('latin1') !== magic
    ) {
      throw new InputError(input, 'is not a valid OpenSSH private key');
    }
    const cipherLength = blob.readUInt32BE(magic.length);
    const cipher = blob.subarray(magic.length + 4, magic.length + 4 + cipherLength).toString();
    return { key, encrypted: cipher !== 'none' };
  }
  return { key, encrypted: false };
}

const passphraseProblem =
  'is protected by a passphrase: give it in ssh-key-passphrase (for ssh-key; a jump-host-key must have none), or use a dedicated deploy key without a passphrase, kept in an encrypted secret';

export interface KnownHostsEntry {
  marker?: '@cert-authority' | '@revoked';
  /** Comma-separated patterns, or one hashed name (|1|salt|hash). */
  hosts: string;
  keyType: string;
  key: string;
  line: number;
}

const KEY_TYPES = new Set([
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'ssh-dss',
]);

/** Parses known_hosts text; any line that does not parse is an InputError naming the line. */
export function parseKnownHosts(text: string, input = 'known-hosts'): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostsEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift()!;
      if (m !== '@cert-authority' && m !== '@revoked') {
        throw new InputError(input, `line ${index + 1}: unknown marker ${m}`);
      }
      marker = m;
    }
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) {
      throw new InputError(
        input,
        `line ${index + 1} is not a known_hosts line ("host key-type base64-key"), as ssh-keyscan prints`,
      );
    }
    const baseType = keyType.replace(/-cert-v01@openssh\.com$/, '');
    if (!KEY_TYPES.has(baseType)) {
      throw new InputError(input, `line ${index + 1}: unknown key type ${keyType}`);
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || blobType(key) !== keyType) {
      throw new InputError(input, `line ${index + 1}: the key is not valid base64 for ${keyType}`);
    }
    entries.push({ marker, hosts, keyType, key, line: index + 1 });
  });
  if (entries.length === 0) throw new InputError(input, 'has no known_hosts line');
  return entries;
}

function blobType(key: string): string | undefined {
  const blob = Buffer.from(key, 'base64');
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length > blob.length - 4) return undefined;
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** Whether a known_hosts entry names this host, the way ssh looks it up (patterns, hashes). */
export function matchesHost(
  entry: KnownHostsEntry,
  target: Pick<SshTarget, 'host' | 'port'>,
): boolean {
  const name = knownHostsName(target);
  if (entry.hosts.startsWith('|1|')) {
    const [, , salt, hash] = entry.hosts.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const pattern of entry.hosts.split(',')) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (glob(body, name) || (target.port === 22 && glob(body, `[${target.host}]:22`))) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function glob(pattern: string, name: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'i').test(name);
}

/** SHA256 fingerprint of a base64 public key blob, as `ssh-keygen -l` prints it. */
export function fingerprint(key: string): string {
  const digest = createHash('sha256').update(Buffer.from(key, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** Normalizes a SHA256:... fingerprint input; an InputError when it is not one. */
export function parseFingerprint(text: string, input = 'host-fingerprint'): string {
  const value = text.trim();
  const match = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(value);
  if (!match) {
    throw new InputError(
      input,
      `'${value.slice(0, 80)}' is not a SHA256:... fingerprint (43 base64 characters, as \`ssh-keygen -lf\` prints)`,
    );
  }
  return `SHA256:${match[1]}`;
}

/**
 * known_hosts built from pinned fingerprints: ssh-keyscan fetches each host's keys and only a key
 * whose fingerprint is pinned is written. A host offering no pinned key is refused.
 */
async function pinnedKnownHosts(
  local: Executor,
  targets: readonly SshTarget[],
  fingerprints: readonly string[],
  timeoutSeconds: number,
): Promise<string> {
  const pinned = new Set(fingerprints.map((f) => parseFingerprint(f)));
  const lines: string[] = [];
  for (const target of targets) {
    const result = await local.run(
      ['ssh-keyscan', '-T', String(timeoutSeconds), '-p', String(target.port), '--', target.host],
      { allowFailure: true },
    );
    const offered: string[] = [];
    let found = false;
    for (const line of result.stdout.split('\n')) {
      const [, keyType, key] = line.trim().split(/\s+/);
      if (!keyType || !key || line.startsWith('#')) continue;
      const print = fingerprint(key);
      offered.push(`${print} (${keyType})`);
      if (pinned.has(print)) {
        lines.push(`${knownHostsName(target)} ${keyType} ${key}`);
        found = true;
      }
    }
    if (!found) {
      throw new InputError(
        'host-fingerprint',
        offered.length
          ? `no key of ${knownHostsName(target)} matches: it offers ${offered.join(', ')}. ` +
              `Compare with the host's console out of band before changing the pin.`
          : `could not fetch the host keys of ${knownHostsName(target)} with ssh-keyscan ` +
              `(${result.stderr.trim().split('\n').slice(-1)[0] || `exit ${result.exitCode}`}); ` +
              `a host behind a jump host needs the known-hosts input instead.`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
