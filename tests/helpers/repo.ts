import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SCHEMAS } from '../../src/inputs/entries.js';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const ACTIONS = ['meta', 'build', 'test', 'deploy', 'verify', 'rollback'] as const;
export type ActionName = (typeof ACTIONS)[number];

export interface ActionSpec {
  name: string;
  description: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
  runs: { using: string; main?: string; post?: string; 'post-if'?: string; steps?: unknown[] };
}

export function readAction(dir: string): ActionSpec {
  return parse(readFileSync(join(ROOT, dir, 'action.yml'), 'utf8')) as ActionSpec;
}

/**
 * Input names an adapter reads: its schema's entries when it reads through one
 * (readActionInputs(<NAME>_SCHEMA), src/inputs/entries.ts), else the string literals passed to the
 * src/github/inputs.ts readers.
 */
export function inputsReadBy(action: string): string[] {
  const file = join(ROOT, 'actions', action, 'inputs.ts');
  if (!existsSync(file)) return [];
  const source = readFileSync(file, 'utf8');
  const schema = SCHEMAS.find((s) => s.action === action);
  if (schema && source.includes(`readActionInputs(${action.toUpperCase()}_SCHEMA)`))
    return schema.entries.map((e) => e.name).sort();
  const names = [
    ...source.matchAll(/\bget(?:String|Required|Secret|Bool|Int|Enum|List|Lines)\(\s*'([^']+)'/g),
  ].map((m) => m[1]!);
  return [...new Set(names)].sort();
}
