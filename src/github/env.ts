import { appendFileSync } from 'node:fs';
import { formatKeyValue } from './commands.js';

/** Sets an environment variable for the following steps (the runner's GITHUB_ENV file). */
export function exportVariable(name: string, value: string): void {
  process.env[name] = value;
  const file = process.env.GITHUB_ENV;
  if (file) appendFileSync(file, formatKeyValue(name, value), 'utf8');
}
