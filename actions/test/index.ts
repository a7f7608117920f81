import { systemClock } from '../../src/clock.js';
import { localExecutor } from '../../src/exec.js';
import { githubApi } from '../../src/github/api.js';
import { actionsLog, runAction, setOutputs, writeSummary } from '../../src/github/runtime.js';
import { readInputs } from './inputs.js';
import { run } from './main.js';

void runAction(() =>
  run(readInputs(), {
    exec: localExecutor(),
    clock: systemClock,
    log: actionsLog,
    api: (token) =>
      githubApi({ token, userAgent: 'tg-devops-test', warn: (m) => actionsLog.warn(m) }),
    summary: writeSummary,
    outputs: setOutputs,
  }),
);
