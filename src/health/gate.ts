import type { Check } from './types.js';

/**
 * A Check as a deploy gate (src/deploy/gates.ts's shape, structurally: `(ctx) => GateResult`),
 * so canary steps and the post-switch window can run verify's checks without importing them.
 * Inconclusive opens the gate only when onInconclusive is 'pass'; a final failure is fatal.
 */
export interface GateLikeResult {
  name: string;
  ok: boolean;
  evidence: string;
  fatal?: boolean;
}

export function checkAsGate(
  check: Check,
  options: { onInconclusive?: 'fail' | 'pass'; now?: () => number } = {},
): (ctx: { clock?: { now(): number } }) => Promise<GateLikeResult> {
  return async (ctx) => {
    const now = ctx.clock?.now() ?? options.now?.() ?? Date.now();
    let result;
    try {
      result = await check.probe(now);
    } catch (error) {
      result = { status: 'inconclusive' as const, summary: `probe error: ${String(error)}` };
    }
    const ok =
      result.status === 'pass' ||
      (result.status === 'inconclusive' && options.onInconclusive === 'pass');
    return {
      name: check.name,
      ok,
      evidence: `${result.status}: ${result.summary}`,
      fatal: result.status === 'fail' && result.final === true,
    };
  };
}
