import type { Inputs } from './inputs.js';

export async function run(_inputs: Inputs): Promise<void> {
  throw new Error('tg-devops rollback: not implemented yet');
}
