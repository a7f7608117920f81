import { actionsExecutor } from '../../src/github/exec.js';
import { proxyFetch } from '../../src/github/http.js';
import { actionsLog, annotate, runAction } from '../../src/github/runtime.js';
import { readInputs } from './inputs.js';
import { run } from './main.js';

void runAction(() =>
  run(readInputs(), {
    env: process.env,
    log: actionsLog,
    // The registry calls through the runner's proxy; docker through @actions/exec.
    fetch: proxyFetch,
    exec: actionsExecutor(),
    // What the builder cannot do (cache export, annotations) is a notice, not a warning.
    notice: (message) => annotate('notice', message),
  }),
);
