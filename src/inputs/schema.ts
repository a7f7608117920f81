import { InputError } from '../errors.js';
import {
  parseBoolean,
  parseChoice,
  parseDurationInput,
  parseInteger,
  splitList,
  type DurationLimits,
  type IntegerLimits,
} from './kinds.js';

/**
 * The shape of one input, and the one reader that turns raw strings (INPUT_* through src/github,
 * or the CLI's YAML) into checked values. The entries themselves live in src/inputs/entries.ts.
 *
 * Kinds:
 * - string: one trimmed line of text (validated further by its consumer, e.g. an image reference)
 * - multiline: text kept line by line (dotenv, docker options, patterns); `list()` gives the lines
 * - list: items one per line or comma separated
 * - secret: masked before anything can print it; kept as given (a key's trailing newline matters)
 * - integer: a whole number within min..max
 * - boolean: true or false
 * - enum: one of `choices` (old spellings through `aliases`)
 * - duration: 90, 90s, 5m, 500ms (within minMs..maxMs)
 */
export type InputKind =
  'string' | 'multiline' | 'list' | 'secret' | 'integer' | 'boolean' | 'enum' | 'duration';

/** Where the CLI takes a secret from instead of the config file (never written inline). */
export interface CliSecretSource {
  /** The config key naming a file that holds it, relative to the config file. */
  file: string;
  /** The environment variable that may hold it. */
  variable: string;
  /** Accepted inline too (the bot's `env`, which may hold settings that are not secret). */
  inline?: boolean;
}

interface InputBase {
  name: string;
  description: string;
  /** The default as action.yml writes it; also what the CLI uses when the key is absent. */
  default?: string;
  /** Required in action.yml; the reader refuses an empty value. */
  required?: boolean;
  /**
   * How the CLI config treats the input: 'use' (default), 'ignore' (GitHub-only: accepted and
   * noted), 'refuse' (the action does it, the CLI cannot: refused by name).
   */
  cli?: 'use' | 'ignore' | 'refuse';
}

export interface TextInput extends InputBase {
  kind: 'string' | 'multiline' | 'list';
}

export interface SecretInput extends InputBase {
  kind: 'secret';
  /** Multi-line secret (an SSH key, dotenv): kept whole. Else trimmed like a string. */
  multiline?: boolean;
  cliSource?: CliSecretSource;
}

export interface IntegerInput extends InputBase, IntegerLimits {
  kind: 'integer';
  /** Shown in the docs: what the number counts (seconds, hosts, ...). */
  unit?: string;
}

export interface BooleanInput extends InputBase {
  kind: 'boolean';
}

export interface EnumInput extends InputBase {
  kind: 'enum';
  choices: readonly string[];
  /** Old spellings accepted and mapped to a choice (documented). */
  aliases?: Readonly<Record<string, string>>;
}

export interface DurationInput extends InputBase, DurationLimits {
  kind: 'duration';
}

export type InputSpec =
  TextInput | SecretInput | IntegerInput | BooleanInput | EnumInput | DurationInput;

/** An action's inputs in action.yml order. */
export interface InputSchema<N extends string = string> {
  action: 'deploy' | 'rollback' | 'verify';
  entries: readonly (InputSpec & { name: N })[];
}

/** Builds a schema, refusing duplicates (a programming error, caught by the unit tests). */
export function defineSchema<N extends string>(
  action: InputSchema['action'],
  entries: readonly (InputSpec & { name: N })[],
): InputSchema<N> {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) throw new Error(`${action}: input ${entry.name} is listed twice`);
    seen.add(entry.name);
  }
  return { action, entries };
}

export function entryOf<N extends string>(schema: InputSchema<N>, name: N): InputSpec {
  const entry = schema.entries.find((e) => e.name === name);
  if (!entry) throw new Error(`${schema.action} has no input ${name}`);
  return entry;
}

/**
 * Where raw values come from: the runner's INPUT_* (through src/github) or the CLI's YAML.
 * undefined or '' means not given.
 */
export type InputSource = (entry: InputSpec) => string | undefined;

/** The checked values of one schema, by input name. */
export interface InputValues<N extends string = string> {
  readonly schema: InputSchema<N>;
  /** Whether the user gave a non-empty value (a default does not count). */
  given(name: N): boolean;
  /**
   * The value as text with the default applied: trimmed, except a multi-line secret (kept as
   * given). For the validators that take strings (src/deploy/config.ts, src/proxy).
   */
  raw(name: N): string;
  /** string, multiline, secret, or any kind as its text. */
  string(name: N): string;
  /** integer kind; undefined when empty with no default. */
  integer(name: N): number | undefined;
  boolean(name: N): boolean;
  /** enum kind: the canonical choice (aliases mapped); '' when empty with no default. */
  choice(name: N): string;
  /** duration kind, in milliseconds; undefined when empty with no default. */
  durationMs(name: N): number | undefined;
  /** list (lines and commas) or multiline (lines) kind, blank items and # comments dropped. */
  list(name: N): string[];
}

type Parsed = string | number | boolean | string[] | undefined;

/**
 * Reads every input of the schema from the source and checks it by its kind: required, integer
 * limits, booleans, choices, durations. Errors are InputErrors naming the input, in schema order.
 */
export function readInputs<N extends string>(
  schema: InputSchema<N>,
  source: InputSource,
): InputValues<N> {
  const texts = new Map<string, string>();
  const given = new Set<string>();
  const parsed = new Map<string, Parsed>();
  for (const entry of schema.entries) {
    const value = source(entry) ?? '';
    const keepWhole = entry.kind === 'secret' && entry.multiline === true;
    const text = keepWhole ? (value.trim() === '' ? '' : value) : value.trim();
    if (text !== '') given.add(entry.name);
    if (text === '' && entry.required) throw new InputError(entry.name, 'is required');
    const effective = text === '' ? (entry.default ?? '') : text;
    texts.set(entry.name, effective);
    parsed.set(entry.name, parseKind(entry, effective));
  }

  const lookup = (name: N, kinds: readonly InputKind[]): Parsed => {
    const entry = entryOf(schema, name);
    if (!kinds.includes(entry.kind))
      throw new Error(`input ${name} is ${entry.kind}, read as ${kinds.join('/')}`);
    return parsed.get(name);
  };
  return {
    schema,
    given: (name) => (entryOf(schema, name), given.has(name)),
    raw: (name) => (entryOf(schema, name), texts.get(name) ?? ''),
    string: (name) => (entryOf(schema, name), texts.get(name) ?? ''),
    integer: (name) => lookup(name, ['integer']) as number | undefined,
    boolean: (name) => lookup(name, ['boolean']) as boolean,
    choice: (name) => lookup(name, ['enum']) as string,
    durationMs: (name) => lookup(name, ['duration']) as number | undefined,
    list: (name) => lookup(name, ['list', 'multiline']) as string[],
  };
}

function parseKind(entry: InputSpec, text: string): Parsed {
  switch (entry.kind) {
    case 'integer':
      return text === '' ? undefined : parseInteger(entry.name, text, entry);
    case 'boolean':
      return text === '' ? false : parseBoolean(entry.name, text);
    case 'enum':
      return text === ''
        ? ''
        : parseChoice(entry.name, text, entry.choices, entry.aliases as Record<string, string>);
    case 'duration':
      return text === '' ? undefined : parseDurationInput(entry.name, text, entry);
    case 'list':
      return splitList(text, true);
    case 'multiline':
      return splitList(text, false);
    default:
      return text;
  }
}

/** The limits of an integer entry, for the validators that check a value again. */
export function integerLimits<N extends string>(schema: InputSchema<N>, name: N): IntegerLimits {
  const entry = entryOf(schema, name);
  if (entry.kind !== 'integer') throw new Error(`input ${name} is not an integer`);
  return { min: entry.min, max: entry.max };
}

/** The text a raw value stands for when not given: the entry's default, else ''. */
export function defaultOf<N extends string>(schema: InputSchema<N>, name: N): string {
  return entryOf(schema, name).default ?? '';
}
