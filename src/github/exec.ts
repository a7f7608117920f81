import { exec } from '@actions/exec';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

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
    return (await exec(onPath(file, options.env.PATH), [...args], {
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

/**
 * The program as spawn would find it: on the PATH of the environment given to the command
 * (@actions/exec looks only at this process's PATH). Unchanged when it has a slash or is not found.
 */
function onPath(file: string, path: string | undefined): string {
  if (!path || file.includes('/') || isAbsolute(file)) return file;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, file);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return file;
}
