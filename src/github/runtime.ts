import * as core from './commands.js';
import { appendFileSync } from 'node:fs';
import { errorMessage, InputError } from '../errors.js';
import type { Log } from '../log.js';

/** The Log interface, as workflow commands: annotations, groups and masks. */
export const actionsLog: Log = {
  info: (message) => core.info(message),
  warn: (message, where) => core.warning(message, where ?? {}),
  error: (message, where) => core.error(message, where ?? {}),
  secret: (value) => core.setSecret(value),
  group: (title, body) => core.group(title, body),
};

export function setOutputs(outputs: Record<string, string | number | boolean | undefined>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) core.setOutput(name, String(value));
  }
}

/** Appends markdown to the job summary; a no-op when the runner gives no summary file. */
export function writeSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, `${markdown}\n`);
}

export function saveState(name: string, value: string): void {
  core.saveState(name, value);
}

export function getState(name: string): string {
  return core.getState(name);
}

/** Runs an action's body: any error fails the step with one clear message and exit code 1. */
export async function runAction(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const message = errorMessage(error);
    // The runner shows debug lines only when step debugging is on.
    if (error instanceof Error && !(error instanceof InputError))
      core.debug(await mappedStack(error));
    core.setFailed(message);
    process.exitCode = 1;
  }
}

/** The stack in TypeScript terms: loads the bundle's source-map support only now (see scripts/package.mjs). */
async function mappedStack(error: Error): Promise<string> {
  const register = import.meta.url.replace(/[^/]*$/, 'sourcemap-register.cjs');
  await import(register).catch(() => undefined);
  return error.stack ?? error.message;
}
