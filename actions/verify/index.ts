import { runWithPost } from '../../src/github/post.js';
import { removeSavedSshMaterial } from '../../src/ssh/connect.js';
import { defaultDeps } from './deps.js';
import { readInputs } from './inputs.js';
import { run } from './main.js';

// One bundle, two entries (like deploy and rollback): the post step removes the SSH material.
runWithPost(() => run(readInputs(), defaultDeps()), removeSavedSshMaterial);
