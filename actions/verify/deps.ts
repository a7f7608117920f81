import { systemClock } from '../../src/clock.js';
import type { Executor } from '../../src/exec.js';
import { actionsExecutor } from '../../src/github/exec.js';
import { proxyFetch } from '../../src/github/http.js';
import { actionsLog, saveState, setOutputs, writeSummary } from '../../src/github/runtime.js';
import { openSession, type SshSession } from '../../src/ssh/session.js';
import { connectSsh, removeSavedSshMaterial, SSH_STATE } from '../../src/ssh/connect.js';
import { writeSshMaterial } from '../../src/ssh/secrets.js';
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
    return { executors: [actionsExecutor()], close: async () => undefined };
  }
  const ssh = await connectSsh(inputs.ssh, inputs.hosts, inputs.jump, {
    log,
    local: actionsExecutor(),
    writeSshMaterial,
    openSession,
    // For the post step: a cancelled run never reaches close() below.
    saveState: save,
  });
  let sessions: SshSession[];
  try {
    sessions = await ssh.openAll(inputs.hosts);
  } catch (error) {
    ssh.remove();
    throw error;
  }
  const close = async () => {
    for (const s of sessions) await s.close().catch(() => undefined);
    ssh.remove();
  };
  return { executors: sessions, close };
}

export function defaultDeps(): Deps {
  return {
    log: actionsLog,
    clock: systemClock,
    fetch: proxyFetch,
    env: process.env,
    connect: (inputs) => connectHosts(inputs, actionsLog, saveState),
    outputs: setOutputs,
    summary: writeSummary,
  };
}

/** The post step (always, also on cancel): ends ControlMasters and deletes the key material. */
export function post(state: { sshDir: string; controlDir: string }): void {
  removeSavedSshMaterial((name) => (name === SSH_STATE.dir ? state.sshDir : state.controlDir));
}
