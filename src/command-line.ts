import { InputError } from './errors.js';

/**
 * A leaf module (errors.js only) so src/proxy can split the nginx/haproxy command inputs without
 * importing the deploy configuration.
 */

/** A command line split into argv: whitespace separates, '…' and "…" group; nothing expands. */
export function splitCommand(value: string, input: string): string[] {
  const argv: string[] = [];
  let current: string | undefined;
  let quote: "'" | '"' | undefined;
  for (const ch of value) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current = (current ?? '') + ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current = current ?? '';
    } else if (/\s/.test(ch)) {
      if (current !== undefined) argv.push(current);
      current = undefined;
    } else current = (current ?? '') + ch;
  }
  if (quote) throw new InputError(input, `unbalanced ${quote} quote`);
  if (current !== undefined) argv.push(current);
  if (!argv.length) throw new InputError(input, 'is empty');
  if (argv.some((a) => a.includes('\0'))) throw new InputError(input, 'NUL byte');
  return argv;
}
