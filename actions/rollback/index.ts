import { runWithPost } from '../../src/github/post.js';
import { removeSavedSshMaterial } from '../../src/ssh/connect.js';
import { runnerDeps } from '../shared/runner.js';
import { readInputs } from './inputs.js';
import { run } from './main.js';

runWithPost(() => run(readInputs(), runnerDeps('rollback')), removeSavedSshMaterial);
