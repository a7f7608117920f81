import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { recordingExecutor } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import {
  connectSsh,
  removeSavedSshMaterial,
  SSH_STATE,
  sshTargetsFrom,
  type SshInputs,
} from '../../src/ssh/connect.js';
import type { SshMaterial, SshMaterialOptions } from '../../src/ssh/secrets.js';
import type { SshSession, SshSettings } from '../../src/ssh/session.js';
import { formatTarget, parseHost, type SshTarget } from '../../src/ssh/target.js';

const ssh: SshInputs = {
  key: 'KEY',
  knownHosts: '[h1]:22 ssh-ed25519 AAAA',
  fingerprints: [],
  jumpHost: '',
};

describe('sshTargetsFrom: the SSH inputs checked before any connection', () => {
  it('parses hosts and the jump host', () => {
    const { targets, jump } = sshTargetsFrom(['deploy@h1', 'deploy@h2:2222'], {
      ...ssh,
      jumpHost: 'bastion@j:2200',
    });
    expect(targets.map(formatTarget)).toEqual(['deploy@h1:22', 'deploy@h2:2222']);
    expect(jump && formatTarget(jump)).toBe('bastion@j:2200');
    expect(sshTargetsFrom(['deploy@h1'], ssh).jump).toBeUndefined();
    // a pinned fingerprint instead of known_hosts is enough
    expect(() =>
      sshTargetsFrom(['deploy@h1'], { ...ssh, knownHosts: ' ', fingerprints: ['SHA256:x'] }),
    ).not.toThrow();
  });

  it.each([
    ['hosts', [], ssh, /is required/],
    ['hosts', ['deploy@h1', 'a b'], ssh, /./],
    ['jump-host', ['deploy@h1'], { ...ssh, jumpHost: 'x y' }, /./],
    ['ssh-key', ['deploy@h1'], { ...ssh, key: '  ' }, /is required/],
    ['known-hosts', ['deploy@h1'], { ...ssh, knownHosts: '' }, /never connects to an unverified/],
  ] as const)('refuses a bad %s by name', (input, hosts, given, message) => {
    let error: unknown;
    try {
      sshTargetsFrom(hosts, given);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).message).toMatch(message);
  });
});

/** Real material dirs (named like writeSshMaterial's) and fake sessions that record their life. */
function fakes(failOn?: string) {
  const base = mkdtempSync(join(tmpdir(), 'deploy-connect-'));
  const events: string[] = [];
  const saved = new Map<string, string>();
  let written: SshMaterialOptions | undefined;
  const material: SshMaterial = {
    dir: join(base, 'tg-ssh-1'),
    privateKeyFile: join(base, 'tg-ssh-1', 'key'),
    knownHostsFile: join(base, 'tg-ssh-1', 'known_hosts'),
    controlDir: join(base, 'tg-ssh-2', 'c'),
  };
  mkdirSync(material.dir, { recursive: true });
  mkdirSync(material.controlDir, { recursive: true });
  const deps = {
    log: recordingLog(),
    saveState: (name: string, value: string) => void saved.set(name, value),
    local: recordingExecutor(),
    writeSshMaterial: async (options: SshMaterialOptions) => {
      written = options;
      return material;
    },
    openSession: async (target: SshTarget, settings: SshSettings): Promise<SshSession> => {
      const host = formatTarget(target);
      events.push(`open ${host}${settings.jump ? ` via ${formatTarget(settings.jump)}` : ''}`);
      expect(settings).toMatchObject({
        privateKeyFile: material.privateKeyFile,
        knownHostsFile: material.knownHostsFile,
        controlDir: material.controlDir,
      });
      if (host === failOn) throw new Error(`${host}: connection refused`);
      const exec = recordingExecutor();
      return Object.assign(exec, {
        stats: { connectionsOpened: 1, commands: 0, retries: 0 },
        close: async () => void events.push(`close ${host}`),
      }) as unknown as SshSession;
    },
  };
  return {
    base,
    material,
    events,
    saved,
    deps,
    written: () => written,
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

const h1 = parseHost('deploy@h1');
const h2 = parseHost('deploy@h2');
const jump = parseHost('bastion@j');

describe('connectSsh: material, sessions, cleanup', () => {
  it('writes material for every host and the jump host, saves it for the post step', async () => {
    const f = fakes();
    try {
      const hosts = await connectSsh(
        { key: 'KEY', knownHosts: '', fingerprints: ['SHA256:x'] },
        [h1, h2],
        jump,
        f.deps,
      );
      expect(f.written()).toMatchObject({
        privateKey: 'KEY',
        knownHosts: undefined,
        hostFingerprints: ['SHA256:x'],
      });
      expect(f.written()!.targets.map(formatTarget)).toEqual([
        'deploy@h1:22',
        'deploy@h2:22',
        'bastion@j:22',
      ]);
      expect(Object.fromEntries(f.saved)).toEqual({
        [SSH_STATE.dir]: f.material.dir,
        [SSH_STATE.controlDir]: f.material.controlDir,
      });
      hosts.remove();
      hosts.remove(); // idempotent
      expect(existsSync(f.material.dir)).toBe(false);
      expect(existsSync(join(f.material.controlDir, '..'))).toBe(false);
    } finally {
      f.cleanup();
    }
  });

  it('withSession: the body result, the session always closed, errors to onError with the session', async () => {
    const f = fakes('deploy@h2:22');
    try {
      const hosts = await connectSsh(ssh, [h1, h2], jump, f.deps);
      const ok = await hosts.withSession(
        h1,
        async (s) => `ran on ${s.where}`,
        () => 'failed',
      );
      expect(ok).toMatch(/^ran on /);
      const failedInBody = await hosts.withSession(
        h1,
        async () => {
          throw new Error('gate failed');
        },
        (error, session) => `${(error as Error).message}; session ${session ? 'open' : 'none'}`,
      );
      expect(failedInBody).toBe('gate failed; session open');
      const failedToConnect = await hosts.withSession(
        h2,
        async () => 'never',
        (error, session) => `${(error as Error).message}; session ${session ? 'open' : 'none'}`,
      );
      expect(failedToConnect).toBe('deploy@h2:22: connection refused; session none');
      expect(f.events).toEqual([
        'open deploy@h1:22 via bastion@j:22',
        'close deploy@h1:22',
        'open deploy@h1:22 via bastion@j:22',
        'close deploy@h1:22',
        'open deploy@h2:22 via bastion@j:22',
      ]);
      hosts.remove();
    } finally {
      f.cleanup();
    }
  });

  it('openAll: one session per host in order; a failure closes the opened ones and throws', async () => {
    const ok = fakes();
    const bad = fakes('deploy@h2:22');
    try {
      const sessions = await (
        await connectSsh(ssh, [h1, h2], undefined, ok.deps)
      ).openAll([h1, h2]);
      expect(sessions).toHaveLength(2);
      expect(ok.events).toEqual(['open deploy@h1:22', 'open deploy@h2:22']);
      const hosts = await connectSsh(ssh, [h1, h2], undefined, bad.deps);
      await expect(hosts.openAll([h1, h2])).rejects.toThrow('deploy@h2:22: connection refused');
      expect(bad.events).toEqual(['open deploy@h1:22', 'open deploy@h2:22', 'close deploy@h1:22']);
    } finally {
      ok.cleanup();
      bad.cleanup();
    }
  });

  it('removeSavedSshMaterial: the post step removes what main saved, nothing when nothing was', () => {
    const f = fakes();
    try {
      const state = new Map<string, string>([
        [SSH_STATE.dir, f.material.dir],
        [SSH_STATE.controlDir, f.material.controlDir],
      ]);
      removeSavedSshMaterial(() => '');
      expect(existsSync(f.material.dir)).toBe(true);
      removeSavedSshMaterial((name) => state.get(name) ?? '');
      expect(existsSync(f.material.dir)).toBe(false);
      expect(existsSync(join(f.material.controlDir, '..'))).toBe(false);
    } finally {
      f.cleanup();
    }
  });
});
