import { systemClock } from '../../src/clock.js';
import { proxyFetch } from '../../src/github/http.js';
import { actionsLog, saveState, setOutputs, writeSummary } from '../../src/github/runtime.js';
import { writeSshMaterial } from '../../src/ssh/secrets.js';
import { openSession } from '../../src/ssh/session.js';

/**
 * The real dependencies the SSH actions (deploy, rollback) run with on a runner: the workflow-
 * command log, the system clock, the environment, outputs, summary, saved state, SSH and fetch.
 * Tests pass their own.
 */
export function runnerDeps() {
  return {
    log: actionsLog,
    clock: systemClock,
    env: process.env,
    fetch: proxyFetch,
    setOutputs,
    writeSummary,
    saveState,
    writeSshMaterial,
    openSession,
  };
}
