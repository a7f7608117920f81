/**
 * The proxy's user-given commands (nginx-test-command, nginx-reload-command,
 * haproxy-check-command, haproxy-reload-command) run through one function, so a command that is
 * not on the host (exit 127, "not found": /usr/sbin is not on a deploy user's PATH over SSH on
 * Debian) fails with the name of the input that sets it.
 */
import { StepError } from '../errors.js';
import { CommandError, type CommandResult, type Executor, type RunOptions } from '../exec.js';

/** The inputs (and CLI config keys) that hold the proxy's commands. */
export type ProxyCommandInput =
  | 'nginx-test-command'
  | 'nginx-reload-command'
  | 'haproxy-check-command'
  | 'haproxy-reload-command';

/**
 * The program that was not found: argv[0] for exit 127; for another failure, the word of argv that
 * sh, bash or sudo report as "<name>: (command) not found" (`sudo haproxy ...`). Else undefined.
 */
export function commandNotFound(
  argv: readonly string[],
  result: CommandResult,
): string | undefined {
  if (result.exitCode === 0) return undefined;
  const first = argv[0] ?? '';
  for (const word of argv) {
    const name = word.split('/').pop() ?? '';
    if (!name || word.startsWith('-')) continue;
    const escaped = [word, name].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const said = new RegExp(`(^|[\\s:])(${escaped.join('|')}): (command )?not found`, 'm');
    if (said.test(result.stderr)) return word;
  }
  return result.exitCode === 127 ? first : undefined;
}

/** The message for a command that is not on the host: which input to set, and an example. */
export function notFoundMessage(
  input: ProxyCommandInput,
  argv: readonly string[],
  where: string,
  detail = '',
  name = argv[0] ?? '',
): string {
  const example = name.startsWith('/')
    ? ''
    : ` (e.g. '${argv.map((a) => (a === name ? `/usr/sbin/${name}` : a)).join(' ')}')`;
  return (
    `\`${name}\` was not found on ${where}${detail ? ` (${detail})` : ''}: ` +
    `set the ${input} input to a command that exists there, with its full path when its directory ` +
    `is not on the deploy user's PATH over SSH${example}`
  );
}

/**
 * Runs one of the proxy's commands. Not found: a StepError naming the input (its example shows
 * `template`, the command as the user wrote it, e.g. with `{config}`). Otherwise as exec.run: a
 * failure throws CommandError unless allowFailure.
 */
export async function runProxyCommand(
  exec: Executor,
  step: 'nginx' | 'haproxy',
  input: ProxyCommandInput,
  argv: readonly string[],
  options: RunOptions & { template?: readonly string[] } = {},
): Promise<CommandResult> {
  const { template = argv, ...runOptions } = options;
  let result: CommandResult;
  try {
    result = await exec.run(argv, { ...runOptions, allowFailure: true });
  } catch (error) {
    // a local executor cannot spawn a missing program at all
    if (error instanceof Error && /\bENOENT\b/.test(error.message))
      throw new StepError(step, notFoundMessage(input, template, exec.where, 'ENOENT'));
    throw error;
  }
  const missing = commandNotFound(argv, result);
  if (missing !== undefined)
    throw new StepError(
      step,
      notFoundMessage(input, template, exec.where, detailOf(result), missing),
    );
  if (result.exitCode !== 0 && !options.allowFailure)
    throw new CommandError(exec.where, argv, result);
  return result;
}

function detailOf(result: CommandResult): string {
  const last = result.stderr.trim().split('\n').slice(-1)[0] ?? '';
  return `exit ${result.exitCode}${last ? `: ${last}` : ''}`;
}
