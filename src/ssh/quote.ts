/**
 * The ONE place where argv becomes a remote shell command.
 *
 * OpenSSH joins everything after the destination with spaces and hands that single string to the
 * remote user's login shell. So every argument is quoted here, exactly once, for a POSIX shell
 * (sh, dash, bash, zsh, ksh). Nothing else in the project builds remote command strings.
 */

/** Arguments made only of these characters mean the same quoted or not, in every POSIX shell. */
const PLAIN = /^[A-Za-z0-9_./:@,+-]+$/;

/** POSIX single-quote quoting: the result is read back by the shell as exactly `arg`. */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) {
    throw new Error('a command argument cannot contain a NUL byte');
  }
  if (PLAIN.test(arg)) return arg;
  // Inside single quotes nothing is special except the closing quote: end the quoted part,
  // add an escaped quote, and reopen. Newlines, $, `, \, !, *, ~ and unicode stay literal.
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** argv -> one remote command string; each argument stays one literal argument on the host. */
export function remoteCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('an empty command cannot run on a host');
  return argv.map(shellQuote).join(' ');
}
