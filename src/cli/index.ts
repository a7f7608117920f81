#!/usr/bin/env node
// tg-devops deploy|rollback|status --config deploy.yml: the deploy action's engine from a terminal,
// for the day CI is down. Exit codes: 0 ok, 1 failure, 2 usage. Entry only; logic in main.ts.
import { proxyFetch } from '../github/http.js';
import { redact } from '../redact.js';
import { main } from './main.js';

main(process.argv.slice(2), { fetch: proxyFetch }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`tg-devops: ${redact(message)}\n`);
    process.exitCode = 1;
  },
);
