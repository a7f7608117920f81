import { getSecret, getString } from '../../src/github/inputs.js';
import { readInputs, type InputSchema, type InputValues } from '../../src/inputs/schema.js';

/**
 * Every input of an action's schema (src/inputs/entries.ts), read from the runner through
 * src/github (secrets masked first) and checked by kind. The CLI reads the same schema from YAML.
 */
export function readActionInputs<N extends string>(schema: InputSchema<N>): InputValues<N> {
  return readInputs(schema, (entry) =>
    entry.kind === 'secret' ? getSecret(entry.name) : getString(entry.name),
  );
}
