import { systemClock } from '../../src/clock.js';
import { localExecutor, type Executor } from '../../src/exec.js';
import { actionsLog, saveState, setOutputs, writeSummary } from '../../src/github/runtime.js';
import { openSession, type SshSession } from '../../src/ssh/session.js';
import { removeSshMaterial, writeSshMaterial } from '../../src/ssh/secrets.js';
import type { Inputs } from './inputs.js';
import type { Deps } from './main.js';

/**
 * Container and log checks: over SSH to every host (host key verified first, one ControlMaster
 * each), or against the runner's own Docker when no hosts are given (self-hosted runners).
 */
export async function connectHosts(
  inputs: Inputs,
  log = actionsLog,
  save: (name: string, value: string) => void = () => undefined,
): Promise<{ executors: Executor[]; close(): Promise<void> }> {
  if (inputs.hosts.length === 0) {
    return { executors: [localExecutor()], close: async () => undefined };
  }
  const material = await writeSshMaterial({
    privateKey: inputs.ssh.key,
    knownHosts: inputs.ssh.knownHosts || undefined,
    hostFingerprints: inputs.ssh.fingerprints,
    targets: inputs.hosts,
    log,
    local: localExecutor(),
  });
  // For the post step: a cancelled run never reaches close() below.
  save('ssh-dir', material.dir);
  save('ssh-control-dir', material.controlDir);
  const sessions: SshSession[] = [];
  const close = async () => {
    for (const s of sessions) await s.close().catch(() => undefined);
    removeSshMaterial(material.dir, { controlDir: material.controlDir });
  };
  try {
    for (const target of inputs.hosts) {
      sessions.push(
        await openSession(target, {
          privateKeyFile: material.privateKeyFile,
          knownHostsFile: material.knownHostsFile,
          controlDir: material.controlDir,
          log,
        }),
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { executors: sessions, close };
}

export function defaultDeps(): Deps {
  return {
    log: actionsLog,
    clock: systemClock,
    fetch: (url, init) => fetch(url, init),
    env: process.env,
    connect: (inputs) => connectHosts(inputs, actionsLog, saveState),
    outputs: setOutputs,
    summary: writeSummary,
  };
}

/** The post step (always, also on cancel): ends ControlMasters and deletes the key material. */
export function post(state: { sshDir: string; controlDir: string }): void {
  if (state.sshDir) removeSshMaterial(state.sshDir, { controlDir: state.controlDir || undefined });
}
