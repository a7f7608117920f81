/** The only place this action reads its inputs. */
export type Inputs = Record<string, never>;

export function readInputs(): Inputs {
  return {};
}
