import { spawn } from 'node:child_process';
import { errorMessage } from './errors.js';

/** One command's outcome. Output is kept whole: callers decide what to show. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the command's stdin, then closed (passwords go here, never into argv). */
  input?: string;
  /** Return a non-zero exit instead of throwing CommandError. */
  allowFailure?: boolean;
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Called for each complete output line, for progress on long steps. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/**
 * Runs argv somewhere: here (localExecutor), on a host over SSH (src/ssh), into a list (tests),
 * or onto the screen (dry-run). argv is never a shell string.
 */
export interface Executor {
  readonly where: string;
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
}

export class CommandError extends Error {
  constructor(
    readonly where: string,
    readonly argv: readonly string[],
    readonly result: CommandResult,
  ) {
    const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
    super(`${where}: \`${argv.join(' ')}\` exited ${result.exitCode}${tail ? `:\n${tail}` : ''}`);
    this.name = 'CommandError';
  }
}

/** What starting one local process needs: no shell, the whole environment, stdin's text. */
export interface ProcessOptions {
  cwd?: string;
  env: Record<string, string>;
  /**
   * Written to stdin, which is then closed (also when empty). Without it, spawnProcess closes
   * stdin at once; @actions/exec's runner leaves it open (see src/github/exec.ts).
   */
  input?: string;
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
}

/** Starts one process; resolves with its exit code, or null when a signal ended it. */
export type ProcessRunner = (
  file: string,
  args: readonly string[],
  options: ProcessOptions,
) => Promise<number | null>;

/**
 * Runs commands on this machine, with no shell in between. The process starter is injected:
 * the actions pass @actions/exec's (src/github/exec.ts actionsExecutor); tests, scripts and the
 * CLI use node's spawn. RunOptions.timeoutMs is enforced as the SSH executor does it, with
 * timeout(1) around the command (exit 124), where the platform has it.
 */
export function localExecutor(
  defaults: {
    env?: Record<string, string | undefined>;
    cwd?: string;
    runner?: ProcessRunner;
  } = {},
): Executor {
  const runner = defaults.runner ?? spawnProcess;
  return {
    where: 'local',
    run: (argv, options = {}) =>
      execCommand('local', argv, runner, {
        ...options,
        env: { ...defaults.env, ...options.env },
        cwd: options.cwd ?? defaults.cwd,
      }),
  };
}

async function execCommand(
  where: string,
  argv: readonly string[],
  runner: ProcessRunner,
  options: RunOptions,
): Promise<CommandResult> {
  const [file, ...args] = withTimeout(argv, options.timeoutMs);
  if (!file) throw new Error(`${where}: empty command`);
  const out = lineCollector((line) => options.onLine?.(line, 'stdout'));
  const err = lineCollector((line) => options.onLine?.(line, 'stderr'));
  let exitCode: number | null;
  try {
    exitCode = await runner(file, args, {
      cwd: options.cwd,
      env: mergedEnv(options.env),
      input: options.input,
      onStdout: out.push,
      onStderr: err.push,
    });
  } catch (error) {
    throw new Error(`${where}: cannot run ${file}: ${errorMessage(error)}`);
  }
  const result = {
    // null: a signal ended it (as a shell reports SIGTERM).
    exitCode: exitCode ?? 128 + 15,
    stdout: out.end(),
    stderr: err.end(),
  };
  if (result.exitCode !== 0 && !options.allowFailure) throw new CommandError(where, argv, result);
  return result;
}

/** Keeps a stream's chunks whole and reports each complete line; end() flushes the last one. */
function lineCollector(onLine: (line: string) => void): {
  push(chunk: Buffer): void;
  end(): string;
} {
  const chunks: Buffer[] = [];
  let pending = '';
  return {
    push(chunk) {
      chunks.push(chunk);
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    },
    end() {
      if (pending) onLine(pending);
      pending = '';
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

function withTimeout(argv: readonly string[], timeoutMs: number | undefined): readonly string[] {
  if (timeoutMs === undefined || process.platform === 'win32') return argv;
  return ['timeout', String(Math.max(1, Math.ceil(timeoutMs / 1000))), ...argv];
}

function mergedEnv(env: Record<string, string | undefined> = {}): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, ...env }))
    if (value !== undefined) merged[name] = value;
  return merged;
}

/** The default ProcessRunner: node's spawn; stdin always closed (a write error there is moot). */
export function spawnProcess(
  file: string,
  args: readonly string[],
  options: ProcessOptions,
): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.on('data', options.onStdout);
    child.stderr.on('data', options.onStderr);
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
    child.stdin.on('error', () => undefined); // a command that ignores stdin may close it early
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Spawns one process directly (the SSH executor's local ssh client; it keeps its own timing).
 * In its own process group: a signal sent to the whole group (a terminal's Ctrl-C reaches every
 * process of the foreground group) would kill an ssh client in the middle of its command, whose
 * result is then lost ("the connection broke"), before the run's cancel can let that step finish
 * and run its undos. The run handles SIGINT and SIGTERM itself and waits for its commands.
 */
export function spawnCommand(
  where: string,
  argv: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error(`${where}: empty command`));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
      // (Windows has no process groups; detached would open a console window there)
      detached: process.platform !== 'win32',
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    collect(child.stdout, out, (line) => options.onLine?.(line, 'stdout'));
    collect(child.stderr, err, (line) => options.onLine?.(line, 'stderr'));
    child.on('error', (error) =>
      reject(new Error(`${where}: cannot run ${file}: ${error.message}`)),
    );
    child.on('close', (code, signal) => {
      const result = {
        exitCode: code ?? (signal ? 128 + 15 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.exitCode !== 0 && !options.allowFailure)
        reject(new CommandError(where, argv, result));
      else resolve(result);
    });
    child.stdin.on('error', () => undefined); // a command that ignores stdin may close it early
    child.stdin.end(options.input ?? '');
  });
}

function collect(
  stream: NodeJS.ReadableStream,
  chunks: Buffer[],
  onLine: (line: string) => void,
): void {
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => pending && onLine(pending));
}

export interface RecordedCommand {
  argv: readonly string[];
  options: RunOptions;
}

/** For tests: records every command and answers from a responder. */
export function recordingExecutor(
  respond: (argv: readonly string[]) => Partial<CommandResult> | undefined = () => undefined,
  where = 'recorded',
): Executor & { commands: RecordedCommand[] } {
  const commands: RecordedCommand[] = [];
  return {
    where,
    commands,
    async run(argv, options = {}) {
      commands.push({ argv, options });
      const result = { exitCode: 0, stdout: '', stderr: '', ...respond(argv) };
      if (result.exitCode !== 0 && !options.allowFailure)
        throw new CommandError(where, argv, result);
      return result;
    },
  };
}
