import { exec } from '@actions/exec';

/** What one local process needs: no shell, the whole environment, what to write to stdin. */
export interface ProcessOptions {
  cwd?: string;
  env: Record<string, string>;
  /**
   * Written to stdin, which is then closed (also when empty: `cat > file` must end). Without it
   * stdin stays an open pipe (ToolRunner's way): closing stdin of a command that never reads it
   * races its exit and fails the run with EPIPE.
   */
  input?: string;
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
}

/**
 * Runs one process through @actions/exec (the toolkit's ToolRunner: PATH lookup, no shell) and resolves with its exit code, or null when a signal ended it. A missing program
 * rejects with ENOENT in the message, as a failed spawn does. src/exec.ts's localExecutor is the
 * Executor around it.
 */
export async function runProcess(
  file: string,
  args: readonly string[],
  options: ProcessOptions,
): Promise<number | null> {
  try {
    return (await exec(file, [...args], {
      cwd: options.cwd,
      env: options.env,
      // An empty Buffer is truthy for ToolRunner: it still ends stdin.
      input: options.input === undefined ? undefined : Buffer.from(options.input),
      silent: true,
      ignoreReturnCode: true,
      listeners: {
        stdout: options.onStdout,
        stderr: options.onStderr,
      },
    })) as number | null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // which() finds no such program before anything is spawned.
    if (/Unable to locate executable/i.test(message))
      throw new Error(`spawn ${file} ENOENT (not found on PATH)`);
    throw error;
  }
}
