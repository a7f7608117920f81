import { InputError, StepError } from '../errors.js';

/**
 * A route that failed, saying whether it may have changed what the proxy runs. `tookEffect:
 * false` is a definite "nothing changed": it failed before the live config or the running proxy
 * was touched (the backends did not validate, the candidate check or `nginx -t` failed, a command
 * was not found, a read-only probe failed). Anything else that fails in a route may have taken
 * effect (HAProxy's runtime change comes before its file; a reload command can exit 1 after nginx
 * reloaded), so the engine undoes it.
 */
export class RouteError extends StepError {
  constructor(
    step: string,
    problem: string,
    readonly tookEffect: boolean,
  ) {
    super(step, problem);
    this.name = 'RouteError';
  }
}

/** True only for a route failure that definitely changed nothing (bad input changes nothing). */
export function changedNothing(error: unknown): boolean {
  return (error instanceof RouteError && !error.tookEffect) || error instanceof InputError;
}

/** The same failure, as a definite "nothing changed" (the message kept, its step prefix too). */
export function unchanged(error: unknown, step: string): RouteError | InputError {
  if (changedNothing(error)) return error as RouteError | InputError;
  if (error instanceof StepError)
    return new RouteError(error.step, error.message.slice(error.step.length + 2), false);
  return new RouteError(step, error instanceof Error ? error.message : String(error), false);
}

/** Runs the part of a route before anything changes: whatever it throws changed nothing. */
export async function beforeAnyChange<T>(step: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw unchanged(error, step);
  }
}

/**
 * Runs the part of a route after something may have changed: a "nothing changed" from a nested
 * call (nginx's own test, after HAProxy's runtime change) is no longer true for the whole route.
 */
export async function afterAChange<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RouteError && !error.tookEffect)
      throw new RouteError(error.step, error.message.slice(error.step.length + 2), true);
    if (error instanceof InputError) throw new RouteError('proxy', error.message, true);
    throw error;
  }
}
