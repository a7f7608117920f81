import * as core from '@actions/core';
import { InputError } from '../errors.js';
import {
  parseBoolean,
  parseChoice,
  parseInteger,
  splitList,
  type IntegerLimits,
} from '../inputs/kinds.js';
import { registerSecret } from '../redact.js';

/**
 * Typed readers over core.getInput. Adapters (actions/<name>/inputs.ts) call only these, with the
 * input name as a string literal: the layout test reads those literals to check action.yml.
 */

/** trimWhitespace: false keeps the value exactly (metadata-action's separators: a space stays a space). */
export function getString(
  name: string,
  fallback = '',
  options: { trimWhitespace?: boolean } = {},
): string {
  const value = core.getInput(name, { trimWhitespace: options.trimWhitespace ?? true });
  return value === '' ? fallback : value;
}

export function getRequired(name: string): string {
  const value = core.getInput(name, { trimWhitespace: true });
  if (value === '') throw new InputError(name, 'is required but was empty');
  return value;
}

/**
 * A secret input: masked before anything else can print it, whole, line by line and, for dotenv
 * text, each secret value on its own (src/redact.ts). Not trimmed inside.
 */
export function getSecret(name: string): string {
  const value = core.getInput(name, { trimWhitespace: false });
  for (const part of registerSecret(value)) core.setSecret(part);
  return value.trim() === '' ? '' : value;
}

/** true or false in any letter case (the input kinds' one boolean parser). */
export function getBool(name: string, fallback = false): boolean {
  const raw = getString(name);
  return raw === '' ? fallback : parseBoolean(name, raw);
}

export function getInt(name: string, fallback: number, range: IntegerLimits): number {
  const raw = getString(name);
  return raw === '' ? fallback : parseInteger(name, raw, range);
}

export function getEnum<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
export function getEnum<T extends string>(name: string, allowed: readonly T[]): T | undefined;
export function getEnum<T extends string>(
  name: string,
  allowed: readonly T[],
  fallback?: T,
): T | undefined {
  const raw = getString(name);
  return raw === '' ? fallback : parseChoice(name, raw, allowed);
}

/** A list given one item per line or comma separated; blank items and # comments dropped. */
export function getList(name: string, options: { commas?: boolean } = { commas: true }): string[] {
  return splitList(core.getInput(name), options.commas ?? true);
}

/** A multi-line input kept line by line (tag rules, label lines), blank lines dropped. */
export function getLines(name: string): string[] {
  return splitList(core.getInput(name), false);
}

export { splitList };
