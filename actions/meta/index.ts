import { proxyFetch } from '../../src/github/http.js';
import { actionsLog, runAction } from '../../src/github/runtime.js';
import { readInputs } from './inputs.js';
import { run } from './main.js';

void runAction(() => run(readInputs(), { env: process.env, log: actionsLog, fetch: proxyFetch }));
