import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { recordingExecutor } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import {
  fingerprint,
  matchesHost,
  normalizeKey,
  parseFingerprint,
  parseKnownHosts,
  removeSshMaterial,
  writeSshMaterial,
} from '../../src/ssh/secrets.js';

const work = mkdtempSync(join(tmpdir(), 'ssh-secrets-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function keygen(name: string, passphrase = ''): { key: string; pub: string } {
  const file = join(work, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', file]);
  return { key: readFileSync(file, 'utf8'), pub: readFileSync(`${file}.pub`, 'utf8') };
}

const plain = keygen('plain');
const hostKey = plain.pub.split(' ').slice(0, 2).join(' ');
const target = { user: 'deploy', host: '127.0.0.1', port: 2222 };

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('no InputError');
}

describe('normalizeKey', () => {
  it('turns CRLF into LF and ends with exactly one newline', () => {
    const crlf = `\r\n${plain.key.trim().replace(/\n/g, '\r\n')}\r\n\r\n`;
    expect(normalizeKey(crlf)).toBe(plain.key);
  });

  it('refuses text that is not a private key, and a key with a passphrase', () => {
    expect(inputError(() => normalizeKey('ssh-ed25519 AAAA... public')).input).toBe('ssh-key');
    const locked = keygen('locked', 'hunter22');
    expect(inputError(() => normalizeKey(locked.key)).message).toMatch(/passphrase/);
  });
});

describe('known_hosts', () => {
  it('parses ssh-keyscan lines and names the line that does not parse', () => {
    const entries = parseKnownHosts(`# comment\n[127.0.0.1]:2222 ${hostKey}\n`);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      hosts: '[127.0.0.1]:2222',
      keyType: 'ssh-ed25519',
      line: 2,
    });
    expect(inputError(() => parseKnownHosts(`host ${hostKey}\nnonsense\n`)).message).toMatch(
      /^Input 'known-hosts': line 2 is not a known_hosts line/,
    );
    expect(inputError(() => parseKnownHosts('host ssh-ed25519 !!!')).message).toMatch(/base64/);
    expect(
      inputError(() => parseKnownHosts('host ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIC0H')).message,
    ).toMatch(/not valid base64 for ssh-rsa/);
    expect(inputError(() => parseKnownHosts('\n# nothing\n')).message).toMatch(
      /no known_hosts line/,
    );
  });

  it('matches hosts the way ssh looks them up: [host]:port, patterns, negation, hashed names', () => {
    const [entry] = parseKnownHosts(`[127.0.0.1]:2222 ${hostKey}`);
    expect(matchesHost(entry!, target)).toBe(true);
    expect(matchesHost(entry!, { host: '127.0.0.1', port: 22 })).toBe(false);
    const [pattern] = parseKnownHosts(`*.example.net,!evil.example.net ${hostKey}`);
    expect(matchesHost(pattern!, { host: 'prod.example.net', port: 22 })).toBe(true);
    expect(matchesHost(pattern!, { host: 'evil.example.net', port: 22 })).toBe(false);
    const hashedFile = join(work, 'hashed');
    execFileSync('sh', ['-c', `echo '[127.0.0.1]:2222 ${hostKey}' > ${hashedFile}`]);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashedFile], { stdio: 'ignore' });
    const [hashed] = parseKnownHosts(readFileSync(hashedFile, 'utf8'));
    expect(hashed!.hosts).toMatch(/^\|1\|/);
    expect(matchesHost(hashed!, target)).toBe(true);
    expect(matchesHost(hashed!, { host: '127.0.0.2', port: 2222 })).toBe(false);
  });

  it('computes the same SHA256 fingerprint as ssh-keygen -l', () => {
    const file = join(work, 'plain.pub');
    const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', file], {
      encoding: 'utf8',
    }).split(' ')[1];
    expect(fingerprint(hostKey.split(' ')[1]!)).toBe(printed);
    expect(parseFingerprint(` ${printed}= `)).toBe(printed);
    expect(inputError(() => parseFingerprint('MD5:aa:bb')).input).toBe('host-fingerprint');
  });
});

describe('writeSshMaterial', () => {
  it('writes the key 0600 in a fresh 0700 dir, masks it, and removes everything afterwards', async () => {
    const log = recordingLog();
    const material = await writeSshMaterial({
      privateKey: plain.key.replace(/\n/g, '\r\n'),
      knownHosts: `[127.0.0.1]:2222 ${hostKey}`,
      targets: [target],
      log,
      tempDir: work,
    });
    expect(statSync(material.dir).mode & 0o777).toBe(0o700);
    expect(statSync(material.privateKeyFile).mode & 0o777).toBe(0o600);
    expect(statSync(material.knownHostsFile).mode & 0o777).toBe(0o600);
    expect(statSync(material.controlDir).mode & 0o777).toBe(0o700);
    expect(readFileSync(material.privateKeyFile, 'utf8')).toBe(plain.key);
    expect(log.secrets.has(plain.key.trim())).toBe(true);
    const bodyLine = plain.key.split('\n')[1]!;
    expect(log.secrets.has(bodyLine)).toBe(true);
    log.info(`leak? ${bodyLine}`);
    expect(log.text()).toBe('leak? ***');
    removeSshMaterial(material.dir);
    expect(existsSync(material.dir)).toBe(false);
    // Only directories this module made are removed.
    removeSshMaterial(work);
    expect(existsSync(work)).toBe(true);
  });

  it('refuses to go on without host verification, and says how to get a known_hosts line', async () => {
    const error = await writeSshMaterial({
      privateKey: plain.key,
      targets: [target],
      log: recordingLog(),
      tempDir: work,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/ssh-keyscan -p PORT HOST/);
  });

  it('refuses known-hosts text with no line for a target', async () => {
    const error = await writeSshMaterial({
      privateKey: plain.key,
      knownHosts: `other.example.net ${hostKey}`,
      targets: [target],
      log: recordingLog(),
      tempDir: work,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /no line for \[127\.0\.0\.1\]:2222.*ssh-keyscan -p 2222 127\.0\.0\.1/,
    );
  });

  it('keeps only the scanned key whose fingerprint is pinned', async () => {
    const other = keygen('other').pub.split(' ').slice(0, 2).join(' ');
    const keyscan = recordingExecutor(() => ({
      stdout: `[127.0.0.1]:2222 ${other}\n[127.0.0.1]:2222 ${hostKey}\n`,
    }));
    const material = await writeSshMaterial({
      privateKey: plain.key,
      hostFingerprints: [fingerprint(hostKey.split(' ')[1]!)],
      targets: [target],
      log: recordingLog(),
      tempDir: work,
      local: keyscan,
    });
    expect(readFileSync(material.knownHostsFile, 'utf8')).toBe(`[127.0.0.1]:2222 ${hostKey}\n`);
    expect(keyscan.commands[0]!.argv).toEqual([
      'ssh-keyscan',
      '-T',
      '10',
      '-p',
      '2222',
      '--',
      '127.0.0.1',
    ]);
    removeSshMaterial(material.dir);

    const error = await writeSshMaterial({
      privateKey: plain.key,
      hostFingerprints: [fingerprint(other.split(' ')[1]!)],
      targets: [target],
      log: recordingLog(),
      tempDir: work,
      local: recordingExecutor(() => ({ stdout: `[127.0.0.1]:2222 ${hostKey}\n` })),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /no key of \[127\.0\.0\.1\]:2222 matches: it offers SHA256:/,
    );
  });
});
