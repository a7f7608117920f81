import { runAction } from '../../src/github/runtime.js';
import { defaultDeps } from './deps.js';
import { readInputs } from './inputs.js';
import { run } from './main.js';

void runAction(async () => {
  await run(readInputs(), defaultDeps());
});
