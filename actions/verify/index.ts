import { getState, runAction, saveState } from '../../src/github/runtime.js';
import { defaultDeps, post } from './deps.js';
import { readInputs } from './inputs.js';
import { run } from './main.js';

// One bundle, two entries (like actions/checkout): the post step finds the flag saved by main.
if (getState('isPost') === 'true') {
  void runAction(async () =>
    post({ sshDir: getState('ssh-dir'), controlDir: getState('ssh-control-dir') }),
  );
} else {
  saveState('isPost', 'true');
  void runAction(async () => {
    await run(readInputs(), defaultDeps());
  });
}
