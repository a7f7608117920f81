import * as core from '@actions/core';
import { errorMessage, InputError } from '../errors.js';
import { redactingLog, type Annotation, type Log } from '../log.js';
import { redact } from '../redact.js';

/**
 * The runner's protocol through @actions/core: outputs and state in the GITHUB_OUTPUT and
 * GITHUB_STATE files, masks, annotations, groups and the job summary. Each kind of write has one
 * function here (writeOutput, annotate, writeSummary), so a filter on what leaves the action
 * (src/redact.ts) hooks in at one line each.
 */

/** The Log interface, as workflow commands: annotations, groups and masks; redacted (src/redact.ts). */
export const actionsLog: Log = redactingLog({
  info: (message) => core.info(message),
  warn: (message, where) => annotate('warning', message, where),
  error: (message, where) => annotate('error', message, where),
  secret: (value) => core.setSecret(value),
  group: (title, body) => core.group(title, body),
});

/** One annotation (a `::notice::`/`::warning::`/`::error::` line, escaped by @actions/core). */
export function annotate(
  level: 'notice' | 'warning' | 'error',
  message: string,
  where: Annotation = {},
): void {
  core[level](redact(message), where);
}

/** One step output. */
export function writeOutput(name: string, value: string): void {
  core.setOutput(name, redact(value));
}

export function setOutputs(outputs: Record<string, string | number | boolean | undefined>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) writeOutput(name, String(value));
  }
}

// core.summary keeps one buffer and writes it asynchronously: overlapping writes would append
// the buffer twice, so they go one after the other. runAction waits for the last one.
let summaryWrites: Promise<void> = Promise.resolve();

/**
 * Appends markdown to the job summary; a no-op when the runner gives no summary file. Returns at
 * once; runAction waits for the write before the step ends (flushSummary).
 */
export function writeSummary(markdown: string): void {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  summaryWrites = summaryWrites
    .then(async () => {
      await core.summary.addRaw(redact(markdown), true).write();
    })
    .catch((error: unknown) => core.warning(`job summary not written: ${errorMessage(error)}`));
}

/** Resolves when every summary write so far is on disk. */
export function flushSummary(): Promise<void> {
  return summaryWrites;
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
    const message = redact(errorMessage(error));
    // The runner shows debug lines only when step debugging is on.
    if (error instanceof Error && !(error instanceof InputError))
      core.debug(redact(await mappedStack(error)));
    core.setFailed(message);
    process.exitCode = 1;
  } finally {
    await flushSummary();
  }
}

/** The stack in TypeScript terms: loads the bundle's source-map support only now (see scripts/package.mjs). */
async function mappedStack(error: Error): Promise<string> {
  const register = import.meta.url.replace(/[^/]*$/, 'sourcemap-register.cjs');
  await import(register).catch(() => undefined);
  return error.stack ?? error.message;
}
