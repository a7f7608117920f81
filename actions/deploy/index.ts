import { githubApi } from '../../src/github/api.js';
import { runWithPost } from '../../src/github/post.js';
import { actionsLog } from '../../src/github/runtime.js';
import { removeSavedSshMaterial } from '../../src/ssh/connect.js';
import { runnerDeps } from '../shared/runner.js';
import { readInputs } from './inputs.js';
import { run } from './main.js';

runWithPost(
  () =>
    run(readInputs(), {
      ...runnerDeps('deploy'),
      api: (token) => githubApi({ token, warn: (m) => actionsLog.warn(m) }),
    }),
  removeSavedSshMaterial,
);
