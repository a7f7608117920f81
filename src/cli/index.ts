#!/usr/bin/env node
// The same engine as the actions, for an operator at a terminal on the day CI is down.
const USAGE = `usage: tg-devops <deploy|rollback|status> --config deploy.yml [--dry-run]`;

const [command] = process.argv.slice(2);
if (!command || command === '--help' || command === '-h') {
  process.stdout.write(`${USAGE}\n`);
} else {
  process.stderr.write(`tg-devops: '${command}' is not available yet\n${USAGE}\n`);
  process.exitCode = 1;
}
