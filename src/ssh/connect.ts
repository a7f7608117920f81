/**
 * SSH to a list of hosts, the one way the deploy, rollback and verify actions do it: credentials
 * checked first (pure, InputErrors naming the input), then the key and known_hosts written 0600
 * (saved for the post step, which removes them also after a cancel), then one verified session
 * per host, always closed, and the material removed at the end.
 */
import type { Clock } from '../clock.js';
import { InputError } from '../errors.js';
import { localExecutor, type Executor } from '../exec.js';
import type { Log } from '../log.js';
import { removeSshMaterial, type SshMaterial, type SshMaterialOptions } from './secrets.js';
import type { SshSession, SshSettings } from './session.js';
import { parseHost, type SshTarget } from './target.js';

/**
 * The SSH input group as read (ssh-key, known-hosts, host-fingerprint, jump-host, jump-host-key,
 * ssh-key-passphrase, connect-timeout).
 */
export interface SshInputs {
  key: string;
  knownHosts: string;
  fingerprints: string[];
  /** Empty when not given. */
  jumpHost: string;
  /** ssh-key-passphrase; empty or absent: the key has none. */
  keyPassphrase?: string;
  /** jump-host-key; empty or absent: the jump host takes ssh-key. */
  jumpKey?: string;
  /** connect-timeout in seconds; default 15. */
  connectTimeoutSeconds?: number;
}

/** The names under which the material is saved for the post step. */
export const SSH_STATE = { dir: 'ssh-dir', controlDir: 'ssh-control-dir' } as const;

/**
 * hosts (required) and the credentials, checked before any connection: each host parsed, a key,
 * and known-hosts or host-fingerprint (never an unverified host).
 */
export function sshTargetsFrom(
  hosts: readonly string[],
  ssh: SshInputs,
): { targets: SshTarget[]; jump?: SshTarget } {
  if (hosts.length === 0)
    throw new InputError('hosts', 'is required: one or more user@host[:port]');
  const targets = hosts.map((h) => parseHost(h, 'hosts'));
  const jump = ssh.jumpHost ? parseHost(ssh.jumpHost, 'jump-host') : undefined;
  if (!jump && ssh.jumpKey?.trim())
    throw new InputError('jump-host-key', "is given without jump-host: it is the bastion's key");
  if (!ssh.key.trim())
    throw new InputError('ssh-key', 'is required: the private key for the hosts');
  if (!ssh.knownHosts.trim() && ssh.fingerprints.length === 0)
    throw new InputError(
      'known-hosts',
      'or host-fingerprint is required: tg-devops never connects to an unverified host',
    );
  return { targets, jump };
}

export interface SshConnectDeps {
  log: Log;
  clock?: Clock;
  writeSshMaterial(options: SshMaterialOptions): Promise<SshMaterial>;
  openSession(target: SshTarget, settings: SshSettings): Promise<SshSession>;
  /** Saves the material's paths for the post step (the action's saveState). */
  saveState?(name: string, value: string): void;
  /** Runs ssh-keyscan for host-fingerprint; default the runner's own executor. */
  local?: Executor;
}

export interface SshHosts {
  readonly material: SshMaterial;
  /** A verified session to one host (over the jump host when given). */
  open(target: SshTarget): Promise<SshSession>;
  /**
   * Opens a session, runs body, closes the session whatever happens. A failure (to connect or in
   * body) goes to onError with the session when one was opened (its stats), never thrown.
   */
  withSession<T>(
    target: SshTarget,
    body: (session: SshSession) => Promise<T>,
    onError: (error: unknown, session: SshSession | undefined) => T,
  ): Promise<T>;
  /** One session per target, opened in order; on a failure the opened ones are closed. */
  openAll(targets: readonly SshTarget[]): Promise<SshSession[]>;
  /** Deletes the key material and ends ControlMasters (idempotent). */
  remove(): void;
}

/** Writes the key material for every target (and the jump host) and saves it for the post step. */
export async function connectSsh(
  ssh: Omit<SshInputs, 'jumpHost'>,
  targets: readonly SshTarget[],
  jump: SshTarget | undefined,
  deps: SshConnectDeps,
): Promise<SshHosts> {
  const material = await deps.writeSshMaterial({
    privateKey: ssh.key,
    keyPassphrase: ssh.keyPassphrase || undefined,
    jumpKey: jump ? ssh.jumpKey || undefined : undefined,
    keyscanTimeoutSeconds: ssh.connectTimeoutSeconds,
    knownHosts: ssh.knownHosts || undefined,
    hostFingerprints: ssh.fingerprints,
    targets: jump ? [...targets, jump] : [...targets],
    log: deps.log,
    local: deps.local ?? localExecutor(),
  });
  // The post step removes the key and known_hosts even when this step is cancelled.
  deps.saveState?.(SSH_STATE.dir, material.dir);
  deps.saveState?.(SSH_STATE.controlDir, material.controlDir);
  let removed = false;
  const open = (target: SshTarget) =>
    deps.openSession(target, {
      privateKeyFile: material.privateKeyFile,
      knownHostsFile: material.knownHostsFile,
      controlDir: material.controlDir,
      jump,
      jumpKeyFile: material.jumpKeyFile,
      connectTimeoutSeconds: ssh.connectTimeoutSeconds,
      log: deps.log,
      clock: deps.clock,
    });
  return {
    material,
    open,
    async withSession(target, body, onError) {
      let session: SshSession | undefined;
      try {
        session = await open(target);
        return await body(session);
      } catch (error) {
        return onError(error, session);
      } finally {
        await session?.close().catch(() => undefined);
      }
    },
    async openAll(list) {
      const sessions: SshSession[] = [];
      try {
        for (const target of list) sessions.push(await open(target));
      } catch (error) {
        for (const s of sessions) await s.close().catch(() => undefined);
        throw error;
      }
      return sessions;
    },
    remove() {
      if (removed) return;
      removed = true;
      removeSshMaterial(material.dir, { controlDir: material.controlDir });
    },
  };
}

/** The post step: the material a cancelled main step saved goes away (nothing saved: nothing). */
export function removeSavedSshMaterial(getState: (name: string) => string): void {
  const dir = getState(SSH_STATE.dir);
  if (dir) removeSshMaterial(dir, { controlDir: getState(SSH_STATE.controlDir) || undefined });
}
