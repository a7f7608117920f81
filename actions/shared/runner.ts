import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/clock.js';
import { actionsExecutor } from '../../src/github/exec.js';
import { proxyFetch } from '../../src/github/http.js';
import { actionsLog, saveState, setOutputs, writeSummary } from '../../src/github/runtime.js';
import { cancelOnSignals } from '../../src/orchestrate/hosts.js';
import { writeSshMaterial } from '../../src/ssh/secrets.js';
import { openSession } from '../../src/ssh/session.js';

/**
 * The run's plans as JSON under RUNNER_TEMP (the plan-file output): a later step can upload it
 * as an artifact, a reviewer can diff or approve it. No secret is in a plan.
 */
export function writePlanFile(kind: 'deploy' | 'rollback', env = process.env) {
  return (json: string): string => {
    const dir = env.RUNNER_TEMP || tmpdir();
    const path = join(
      dir,
      `tg-devops-${kind}-plan-${env.GITHUB_RUN_ID ?? process.pid}-${Date.now()}.json`,
    );
    writeFileSync(path, json, { mode: 0o644 });
    return path;
  };
}

/**
 * The real dependencies the SSH actions (deploy, rollback) run with on a runner: the workflow-
 * command log, the system clock, the environment, outputs, summary, saved state, SSH, fetch, the
 * plan file, and a signal aborted on SIGINT/SIGTERM (the runner's cancel): the engine then runs
 * its undos, writes the audit line `cancelled` and releases the lock before the process ends.
 */
export function runnerDeps(kind: 'deploy' | 'rollback') {
  const { signal } = cancelOnSignals(process, actionsLog);
  return {
    signal,
    writePlanFile: writePlanFile(kind),
    log: actionsLog,
    clock: systemClock,
    env: process.env,
    fetch: proxyFetch,
    // ssh-keyscan and ssh-keygen while connecting (src/ssh/connect.ts), through @actions/exec
    local: actionsExecutor(),
    setOutputs,
    writeSummary,
    saveState,
    writeSshMaterial,
    openSession,
  };
}
