import { actionsLog, annotate, runAction } from '../../src/github/runtime.js';
import { readInputs } from './inputs.js';
import { run } from './main.js';

void runAction(() =>
  run(readInputs(), {
    env: process.env,
    log: actionsLog,
    // What the builder cannot do (cache export, annotations) is a notice, not a warning.
    notice: (message) => annotate('notice', message),
  }),
);
