import { createHash, randomBytes } from 'node:crypto';
import { StepError } from '../errors.js';
import { CommandError, type Executor } from '../exec.js';
import { checkRemotePath, isInside } from './paths.js';

/**
 * Remote files through argv only: content travels on stdin, never in an argument. Where one
 * round trip has to do several things, the work is a FIXED script run as
 * `sh -c SCRIPT NAME ARG...`: the script never changes, values reach it only as positional
 * parameters ("$1"), which src/ssh/quote.ts quotes like any other argument.
 */

/**
 * Atomic replace: write a temp file beside the target (umask 077), check its size and sha256
 * against what was sent (a connection cut mid-upload leaves a short file, which must never be
 * renamed over the real one), chmod, then rename(2) over the target.
 */
export const WRITE_SCRIPT = [
  'set -e',
  'umask 077',
  'mkdir -p -- "$(dirname -- "$1")"',
  't="$1.tmp.$$"',
  'trap \'rm -f -- "$t"\' EXIT',
  // A dropped connection closes our pipes: die through exit, so the EXIT trap still runs.
  "trap 'exit 75' HUP INT TERM PIPE",
  'cat > "$t"',
  'n=$(wc -c < "$t")',
  '[ "$n" -eq "$3" ] || { echo "short write: $n of $3 bytes" >&2; exit 75; }',
  'h=$(sha256sum < "$t")',
  '[ "${h%% *}" = "$4" ] || { echo "checksum mismatch" >&2; exit 75; }',
  'chmod "$2" -- "$t"',
  'mv -f -- "$t" "$1"',
  'trap - EXIT',
].join('\n');

/** Appends one verified record (same checks as WRITE_SCRIPT, then one append on the host). */
export const APPEND_SCRIPT = [
  'set -e',
  'umask 077',
  'mkdir -p -- "$(dirname -- "$1")"',
  't="$1.tmp.$$"',
  'trap \'rm -f -- "$t"\' EXIT',
  // A dropped connection closes our pipes: die through exit, so the EXIT trap still runs.
  "trap 'exit 75' HUP INT TERM PIPE",
  'cat > "$t"',
  'n=$(wc -c < "$t")',
  '[ "$n" -eq "$2" ] || { echo "short write: $n of $2 bytes" >&2; exit 75; }',
  'h=$(sha256sum < "$t")',
  '[ "${h%% *}" = "$3" ] || { echo "checksum mismatch" >&2; exit 75; }',
  'cat -- "$t" >> "$1"',
].join('\n');

/** The file's text, or undefined when it does not exist. Other failures throw. */
export async function readFile(exec: Executor, path: string): Promise<string | undefined> {
  const file = checkRemotePath(path);
  const result = await exec.run(['cat', '--', file], { allowFailure: true });
  if (result.exitCode === 0) return result.stdout;
  // Decide "absent" by asking, not by parsing a (possibly translated) error message.
  const exists = await exec.run(['test', '-e', file], { allowFailure: true });
  if (exists.exitCode !== 0) return undefined;
  throw new CommandError(exec.where, ['cat', '--', file], result);
}

/** Replaces a file atomically: readers see the old content or the new, never a part. */
export async function writeFileAtomic(
  exec: Executor,
  path: string,
  content: string,
  mode = '0600',
): Promise<void> {
  const file = checkRemotePath(path);
  if (!/^[0-7]{3,4}$/.test(mode)) throw new Error(`file mode '${mode}' is not octal`);
  const bytes = Buffer.from(content, 'utf8');
  await script(
    exec,
    `writing ${file}`,
    [WRITE_SCRIPT, 'tg-write', file, mode, String(bytes.length), sha256(bytes)],
    content,
  );
}

/** Appends `content` whole or not at all (the upload is verified before the append). */
export async function appendFile(exec: Executor, path: string, content: string): Promise<void> {
  const file = checkRemotePath(path);
  const bytes = Buffer.from(content, 'utf8');
  await script(
    exec,
    `appending to ${file}`,
    [APPEND_SCRIPT, 'tg-append', file, String(bytes.length), sha256(bytes)],
    content,
  );
}

/** `rm -rf` of a path that must lie strictly inside `dir` (checked here, before anything runs). */
export async function removeInside(exec: Executor, dir: string, path: string): Promise<void> {
  if (!isInside(dir, path)) {
    throw new Error(`refusing to remove '${path}': it is not inside '${dir}'`);
  }
  await exec.run(['rm', '-rf', '--', checkRemotePath(path)]);
}

/** Runs a fixed script; a failure names what was being done, not the whole script text. */
async function script(
  exec: Executor,
  what: string,
  args: readonly string[],
  input: string,
): Promise<void> {
  const result = await exec.run(['sh', '-c', ...args], { input, allowFailure: true });
  if (result.exitCode !== 0) {
    const detail = result.stderr.trim().split('\n').slice(-3).join(' | ');
    throw new StepError(
      'host',
      `${exec.where}: ${what} failed (exit ${result.exitCode})${detail ? `: ${detail}` : ''}; the file was left as it was`,
    );
  }
}

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
