import { spawn } from 'node:child_process';

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

/** Runs commands on this machine with no shell in between. */
export function localExecutor(
  defaults: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Executor {
  return {
    where: 'local',
    run: (argv, options = {}) =>
      spawnCommand('local', argv, {
        ...options,
        env: { ...defaults.env, ...options.env },
        cwd: options.cwd ?? defaults.cwd,
      }),
  };
}

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
