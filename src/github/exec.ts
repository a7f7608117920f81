import { exec } from '@actions/exec';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { localExecutor, type Executor, type ProcessOptions } from '../exec.js';

/** The local executor of the actions: localExecutor with @actions/exec starting the processes. */
export function actionsExecutor(
  defaults: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Executor {
  return localExecutor({ ...defaults, runner: runProcess });
}

/**
 * A ProcessRunner (src/exec.ts) over @actions/exec (the toolkit's ToolRunner: no shell): resolves
 * with the exit code, or null when a signal ended it. A missing program rejects with ENOENT in
 * the message, as a failed spawn does.
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
      // Given (also empty, a truthy Buffer: `cat > file` must end), stdin is written and closed.
      // Without it stdin stays an open pipe (ToolRunner's way): closing the stdin of a command
      // that never reads it races its exit and fails the run with EPIPE.
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
