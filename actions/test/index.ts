import { systemClock } from '../../src/clock.js';
import { githubApi } from '../../src/github/api.js';
import { actionsCache } from '../../src/github/cache.js';
import { actionsExecutor } from '../../src/github/exec.js';
import { runWithPost } from '../../src/github/post.js';
import { actionsLog, saveState, setOutputs, writeSummary } from '../../src/github/runtime.js';
import { readInputs } from './inputs.js';
import { run, saveDependencyCache } from './main.js';

// Main: restore the dependency cache, install, test, publish. Post: save the dependency cache.
runWithPost(
  () =>
    run(readInputs(), {
      exec: actionsExecutor(),
      clock: systemClock,
      log: actionsLog,
      api: (token) =>
        githubApi({ token, userAgent: 'tg-devops-test', warn: (m) => actionsLog.warn(m) }),
      summary: writeSummary,
      outputs: setOutputs,
      cache: actionsCache,
      saveState,
    }),
  (getState) => saveDependencyCache(getState, actionsCache, actionsLog),
);
