import type { Gate, GateResult } from './gates.js';
import type { Check } from '../health/types.js';

/**
 * What an inconclusive check (no traffic yet, no samples in the range) does in the post-switch
 * window and at canary steps:
 *
 * - `pause` (the default, the safe choice): promotion waits. The check is asked again every
 *   second for up to `pauseSeconds`; a pass continues, a fail fails, and still inconclusive at
 *   the end fails the gate, so the deploy rolls back rather than promote on no evidence.
 * - `promote`: an inconclusive answer passes (the evidence says so).
 *
 * A final failure (a fatal log line, a crash loop) is fatal either way.
 */
export const INCONCLUSIVE_MODES = ['pause', 'promote'] as const;
export type InconclusiveMode = (typeof INCONCLUSIVE_MODES)[number];

export interface WindowGateOptions {
  onInconclusive?: InconclusiveMode;
  /** How long `pause` waits for a conclusive answer (default 60). */
  pauseSeconds?: number;
  /** Called with every verdict, in order (the benchmark stamps the failed one). */
  onVerdict?: (result: GateResult, at: number) => void;
}

export function windowGate(check: Check, options: WindowGateOptions = {}): Gate {
  const mode = options.onInconclusive ?? 'pause';
  const pauseMs = (options.pauseSeconds ?? 60) * 1000;
  return async (ctx) => {
    const started = ctx.clock.now();
    let asked = 0;
    for (;;) {
      const probe = await check.probe(ctx.clock.now());
      asked++;
      const now = ctx.clock.now();
      let result: GateResult | undefined;
      if (probe.status === 'pass')
        result = { name: check.name, ok: true, evidence: `pass: ${probe.summary}` };
      else if (probe.status === 'fail')
        result = {
          name: check.name,
          ok: false,
          fatal: probe.final === true,
          evidence: `fail: ${probe.summary}`,
        };
      else if (mode === 'promote')
        result = {
          name: check.name,
          ok: true,
          evidence: `inconclusive, promoted (on-inconclusive: pass): ${probe.summary}`,
        };
      else if (now - started >= pauseMs)
        result = {
          name: check.name,
          ok: false,
          evidence: `inconclusive for ${Math.round((now - started) / 1000)}s (${asked} probes; on-inconclusive: fail): ${probe.summary}`,
        };
      if (result) {
        options.onVerdict?.(result, now);
        return result;
      }
      if (asked === 1)
        ctx.log.info(`${check.name}: inconclusive (${probe.summary}); paused, asking again`);
      await ctx.clock.sleep(1000);
    }
  };
}
