import { systemClock } from '../../src/clock.js';
import { runWithPost } from '../../src/github/post.js';
import { actionsLog, saveState, setOutputs, writeSummary } from '../../src/github/runtime.js';
import { removeSavedSshMaterial } from '../../src/ssh/connect.js';
import { writeSshMaterial } from '../../src/ssh/secrets.js';
import { openSession } from '../../src/ssh/session.js';
import { readInputs } from './inputs.js';
import { run } from './main.js';

runWithPost(
  () =>
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
  removeSavedSshMaterial,
);
