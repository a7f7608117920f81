/** An error in what the user gave us: it names the input, and nothing has changed yet. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    problem: string,
  ) {
    super(`Input '${input}': ${problem}`);
    this.name = 'InputError';
  }
}

/** A failure while acting on the world (a remote command, a registry call). */
export class StepError extends Error {
  constructor(
    readonly step: string,
    problem: string,
  ) {
    super(`${step}: ${problem}`);
    this.name = 'StepError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
