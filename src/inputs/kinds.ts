import { InputError } from '../errors.js';

/**
 * The parsers behind the input kinds (src/inputs/schema.ts): one integer parser, one boolean
 * parser, one choice parser, one duration parser, one list splitter, shared by the actions'
 * INPUT_* reader, the CLI's YAML reader and the validators in src/deploy and src/health. Each
 * refusal is an InputError naming the input.
 */

export interface IntegerLimits {
  min: number;
  max: number;
}

/** A whole number within the limits ('-' allowed only when min is negative). */
export function parseInteger(input: string, raw: string, limits: IntegerLimits): number {
  const text = raw.trim();
  if (!/^-?\d{1,15}$/.test(text))
    throw new InputError(input, `expected a whole number, got ${JSON.stringify(raw)}`);
  const value = Number(text);
  if (value < limits.min || value > limits.max)
    throw new InputError(
      input,
      `must be a whole number between ${limits.min} and ${limits.max}, got ${value}`,
    );
  return value;
}

/** true or false, in any letter case (what @actions/core's getBooleanInput accepts). */
export function parseBoolean(input: string, raw: string): boolean {
  const text = raw.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new InputError(input, `expected true or false, got ${JSON.stringify(raw)}`);
}

/** One of the choices, or an old spelling the aliases map to one of them. */
export function parseChoice<T extends string>(
  input: string,
  raw: string,
  choices: readonly T[],
  aliases: Readonly<Record<string, T>> = {},
): T {
  const text = raw.trim();
  if ((choices as readonly string[]).includes(text)) return text as T;
  if (Object.hasOwn(aliases, text)) return aliases[text]!;
  throw new InputError(input, `expected one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
}

/** Durations like `90` (seconds), `90s`, `5m`, `1h`, `500ms`, in milliseconds; undefined if not one. */
export function parseDuration(text: string): number | undefined {
  const m = text.trim().match(/^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/);
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

export interface DurationLimits {
  minMs?: number;
  maxMs?: number;
}

/** A duration input in milliseconds, or an InputError naming the input. */
export function parseDurationInput(
  input: string,
  raw: string,
  limits: DurationLimits = {},
): number {
  const ms = parseDuration(raw);
  if (ms === undefined)
    throw new InputError(
      input,
      `expected a duration like 90, 90s, 5m or 500ms, got ${JSON.stringify(raw)}`,
    );
  if (limits.minMs !== undefined && ms < limits.minMs)
    throw new InputError(input, `must be at least ${formatMs(limits.minMs)}, got ${raw.trim()}`);
  if (limits.maxMs !== undefined && ms > limits.maxMs)
    throw new InputError(input, `must be at most ${formatMs(limits.maxMs)}, got ${raw.trim()}`);
  return ms;
}

export function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * Items given one per line, or (commas) also comma separated; items trimmed, blank items and
 * `#` comments dropped.
 */
export function splitList(raw: string, commas: boolean): string[] {
  return raw
    .split(/\r?\n/)
    .flatMap((line) => (commas ? line.split(',') : [line]))
    .map((item) => item.trim())
    .filter((item) => item !== '' && !item.startsWith('#'));
}
