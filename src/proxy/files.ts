/**
 * Files on the proxy host, through an Executor: content travels over stdin, paths as plain
 * arguments, no shell. Writes go to a temporary sibling first and are renamed into place, so a
 * reader (nginx -t, haproxy -c, another deploy) never sees half a file.
 */
import { createHash } from 'node:crypto';
import type { Executor } from '../exec.js';

/** The file's text, or undefined when it does not exist. */
export async function readText(exec: Executor, path: string): Promise<string | undefined> {
  const result = await exec.run(['cat', '--', path], { allowFailure: true });
  if (result.exitCode === 0) return result.stdout;
  if (/No such file/i.test(result.stderr)) return undefined;
  throw new Error(`${exec.where}: cannot read ${path}: ${result.stderr.trim()}`);
}

/** Writes content to `path` (via `<path>.tg-tmp` and a rename). */
export async function writeText(exec: Executor, path: string, content: string): Promise<void> {
  const tmp = `${path}.tg-tmp`;
  await exec.run(['dd', `of=${tmp}`, 'status=none'], { input: content });
  await exec.run(['mv', '-f', '--', tmp, path]);
}

export async function removeFile(exec: Executor, path: string): Promise<void> {
  await exec.run(['rm', '-f', '--', path]);
}

/** The same digest `sha256sum` prints, or 'absent' for a missing file. */
export function digest(content: string | undefined): string {
  return content === undefined ? 'absent' : createHash('sha256').update(content).digest('hex');
}

/** Exit status of the compare-and-swap when the file changed since it was read. */
export const CHANGED = 75;

/**
 * Renames `candidate` onto `path` only if `path` still has the digest it had when read, under
 * an flock on `<path>.tg-lock` shared by every tg-devops deploy on the host. The script is a
 * constant; the paths and the digest arrive as positional arguments ($1..$3), never in it.
 */
export const SWAP_SCRIPT = [
  'if [ -e "$1" ]; then h=$(sha256sum < "$1") || exit 1; h=${h%% *}; else h=absent; fi',
  `[ "$h" = "$2" ] || { echo "$1 changed since it was read" >&2; exit ${CHANGED}; }`,
  'mv -f -- "$3" "$1"',
].join('\n');

export function swapCommand(path: string, expected: string, candidate: string): string[] {
  return [
    'flock',
    '-w',
    '30',
    `${path}.tg-lock`,
    'sh',
    '-c',
    SWAP_SCRIPT,
    'tg-devops-swap',
    path,
    expected,
    candidate,
  ];
}
