import { GateError, httpGate, runningGate } from '../gates.js';
import type { Step, StrategyInput } from '../plan.js';
import { finish, routeStep, startAndGate, switchTo } from './bluegreen.js';
import { gateContext } from './handover.js';

/**
 * Canary (webhook bots): both colors run and the proxy weights move step by step. After each
 * step and its interval the gates run (container, health, and any plugged-in checks); a failure
 * routes everything back to the current color (the shared undo) and removes the canary.
 * Promotion (100) ends like blue-green.
 */
export function canarySteps(input: StrategyInput): Step[] {
  const { config } = input;
  if (!input.current) return [...startAndGate(input), ...switchTo(input, 100), ...finish(input)];
  const steps: Step[] = [...startAndGate(input)];
  for (const weight of config.canarySteps) {
    if (weight === 100) break;
    steps.push(...routeStep(input, weight), {
      id: `gate-${weight}`,
      title: `hold ${weight}% for ${config.stepIntervalSeconds}s, then gate ${input.container}`,
      run: async (ctx) => {
        const started = ctx.clock.now();
        await ctx.clock.sleep(config.stepIntervalSeconds * 1000);
        const gctx = gateContext(ctx, input, new Date(started).toISOString());
        for (const gate of [runningGate, httpGate, ...ctx.extraGates]) {
          const result = await gate(gctx);
          if (!result.ok) throw new GateError(result);
        }
        ctx.facts.waitMs += ctx.clock.now() - started;
        ctx.facts.gateChecks = (ctx.facts.gateChecks ?? 0) + 1;
      },
    });
  }
  return [...steps, ...switchTo(input, 100), ...finish(input)];
}
