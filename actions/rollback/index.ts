import { systemClock } from '../../src/clock.js';
import {
  actionsLog,
  getState,
  runAction,
  saveState,
  setOutputs,
  writeSummary,
} from '../../src/github/runtime.js';
import { writeSshMaterial } from '../../src/ssh/secrets.js';
import { openSession } from '../../src/ssh/session.js';
import { readInputs } from './inputs.js';
import { post, run } from './main.js';

// One bundle, two entries (like actions/checkout): the post step finds the flag saved by main.
if (getState('isPost') === 'true') {
  void runAction(async () =>
    post({ sshDir: getState('ssh-dir'), controlDir: getState('ssh-control-dir') }),
  );
} else {
  saveState('isPost', 'true');
  void runAction(() =>
    run(readInputs(), {
      log: actionsLog,
      clock: systemClock,
      env: process.env,
      fetch: (url, init) => fetch(url, init),
      setOutputs,
      writeSummary,
      saveState,
      writeSshMaterial,
      openSession,
    }),
  );
}
