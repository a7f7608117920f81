import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The sandbox's env file (scripts/sandbox/sandbox.sh up): the addresses of the real services. */
export function sandboxEnv(): Record<string, string> {
  const dir = process.env.TG_SANDBOX_DIR ?? '/tmp/tg-devops-sandbox';
  const file = join(dir, 'sandbox.env');
  if (!existsSync(file)) {
    throw new Error(
      `The sandbox is not up (${file} is missing): run 'bash scripts/sandbox/sandbox.sh up' first.`,
    );
  }
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = line.match(/^([A-Z0-9_]+)=(.*)$/);
    if (match) env[match[1]!] = match[2]!.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
  }
  return env;
}
