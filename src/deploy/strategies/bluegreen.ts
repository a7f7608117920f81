import { httpGate, runningGate, waitReady, watchWindow } from '../gates.js';
import {
  createStep,
  startStep,
  stopOldStep,
  type Step,
  type StepContext,
  type StrategyInput,
} from '../plan.js';
import type { Backend, Release } from '../ports.js';
import { gateContext } from './handover.js';

/**
 * Blue-green (webhook and worker bots): start the new color on its own loopback port, gate it
 * directly, switch the proxy, watch a window, drain the old color, stop it and keep it.
 */
export function blueGreenSteps(input: StrategyInput): Step[] {
  return [...startAndGate(input), ...switchTo(input, 100), ...finish(input)];
}

export function startAndGate(input: StrategyInput): Step[] {
  const { config, container } = input;
  return [
    createStep(input, input.probe.paths.envFile),
    startStep(container, config.stopGraceSeconds),
    {
      id: 'ready',
      title: `health-gate ${container} directly: running${input.port && config.healthPath ? `, GET 127.0.0.1:${input.port}${config.healthPath}` : ''} (up to ${config.healthTimeoutSeconds}s)`,
      run: async (ctx) => {
        const started = ctx.clock.now();
        await waitReady(
          gateContext(ctx, input, new Date(started).toISOString()),
          [runningGate, httpGate],
          config.healthTimeoutSeconds,
        );
        ctx.facts.waitMs += ctx.clock.now() - started;
      },
    },
  ];
}

/** The backends that route `weight` percent to the new color, the rest to the current one. */
export function backends(input: StrategyInput, weight: number): Backend[] {
  const out: Backend[] = [];
  if (input.port !== undefined) out.push({ color: input.color, port: input.port, weight });
  const old = input.current;
  if (weight < 100 && old?.color && old.port !== undefined)
    out.push({ color: old.color, port: old.port, weight: 100 - weight });
  return out;
}

export function routeStep(input: StrategyInput, weight: number): Step[] {
  if (!input.port || input.config.proxy === 'none') return [];
  const before = input.probe.routed ?? [];
  const target = backends(input, weight);
  return [
    {
      id: `route-${weight}`,
      title:
        weight === 100
          ? `switch the ${input.config.proxy} upstream to ${input.color} (port ${input.port})`
          : `route ${weight}% to ${input.color}, ${100 - weight}% to ${input.current?.color}`,
      run: async (ctx) => {
        if (!ctx.proxy) throw new Error('no traffic proxy configured');
        await ctx.proxy.route(ctx.exec, target);
      },
      undo: before.length
        ? {
            title: `route back to ${before.map((b) => `${b.color}:${b.weight}%`).join(', ')}`,
            key: 'route',
            run: async (ctx) => {
              await ctx.proxy?.route(ctx.exec, before);
            },
          }
        : undefined,
    },
  ];
}

export function switchTo(input: StrategyInput, weight: number): Step[] {
  const { config, container } = input;
  return [
    ...routeStep(input, weight),
    {
      id: `watch-${weight}`,
      title: `watch ${container} for ${config.gateWindowSeconds}s after the switch`,
      run: async (ctx) => {
        const started = ctx.clock.now();
        const window = await watchWindow(
          gateContext(ctx, input, new Date(started).toISOString()),
          [runningGate, httpGate, ...ctx.extraGates],
          config.gateWindowSeconds,
        );
        ctx.facts.waitMs += ctx.clock.now() - started;
        ctx.facts.gateChecks = (ctx.facts.gateChecks ?? 0) + window.checks;
        ctx.facts.gateResults = window.results.map((r) => `${r.name}: ${r.evidence}`);
      },
    },
  ];
}

export function finish(input: StrategyInput): Step[] {
  const { config, current } = input;
  if (!current) return [];
  const running = input.probe.containers.some(
    (c) => c.name === current.container && c.state === 'running',
  );
  if (!running) return [];
  const steps: Step[] = [];
  if (input.port && config.proxy !== 'none' && current.color)
    steps.push(drainStep(current, config.drainSeconds));
  steps.push(
    stopOldStep(current, config.stopGraceSeconds, async (ctx) => {
      // Back in service before the route undo sends traffic to it again.
      await waitReady(
        {
          ...gateContext(ctx, input, new Date(ctx.clock.now()).toISOString()),
          container: current.container,
          port: current.port,
        },
        [runningGate, httpGate],
        config.healthTimeoutSeconds,
      ).catch((error: unknown) =>
        ctx.log.warn(`${current.container} not ready again: ${String(error)}`),
      );
    }),
  );
  return steps;
}

function drainStep(current: Release, seconds: number): Step {
  return {
    id: 'drain',
    title: `drain ${current.color} (${current.container}) for up to ${seconds}s`,
    run: async (ctx: StepContext) => {
      const started = ctx.clock.now();
      await ctx.proxy?.drain(ctx.exec, current.color!, seconds, ctx.clock);
      ctx.facts.waitMs += ctx.clock.now() - started;
    },
  };
}
