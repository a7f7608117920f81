import {
  GateError,
  httpGate,
  logGate,
  runningGate,
  waitReady,
  watchWindow,
  type GateContext,
} from '../gates.js';
import {
  createStep,
  inspectState,
  startStep,
  stopOldStep,
  type Step,
  type StepContext,
  type StrategyInput,
} from '../plan.js';

/**
 * Handover (polling and MTProto bots): two instances never run at the same moment.
 * create the new container first (so the gap holds only a start), stop the old one with its
 * grace period, start the new one, measure the gap from docker's own timestamps, then gate:
 * running, healthy, and no 409 Conflict / AUTH_KEY_DUPLICATED in its logs for a window.
 * A failed gate stops the new one (undo of start) before it starts the old one again.
 */
export function handoverSteps(input: StrategyInput): Step[] {
  const { config, current, container } = input;
  const paths = input.probe.paths;
  const steps: Step[] = [createStep(input, paths.envFile)];
  const oldRunning =
    current &&
    input.probe.containers.some((c) => c.name === current.container && c.state === 'running');
  if (current && oldRunning) steps.push(stopOldStep(current, config.stopGraceSeconds));
  steps.push(startStep(container, config.stopGraceSeconds));
  if (current && oldRunning) {
    steps.push({
      id: 'gap',
      title: `measure the gap between ${current.container} stopping and ${container} starting`,
      run: async (ctx) => {
        const before = await inspectState(ctx.exec, current.container);
        const after = await inspectState(ctx.exec, container);
        const gap = Date.parse(after.StartedAt) - Date.parse(before.FinishedAt);
        if (Number.isFinite(gap)) {
          ctx.facts.gapMs = gap;
          ctx.log.info(`handover gap: ${gap} ms (no instance ran in between; none ran twice)`);
        }
      },
    });
  }
  steps.push({
    id: 'gate',
    title: `gate ${container}: running${config.healthPath ? `, ${config.healthPath} answers` : ''}, no 409/Conflict/AUTH_KEY_DUPLICATED for ${config.gateWindowSeconds}s`,
    run: async (ctx) => {
      const gctx = gateContext(ctx, input, new Date(ctx.clock.now() - 5000).toISOString());
      const ready = [runningGate, httpGate];
      const started = ctx.clock.now();
      await waitReady(gctx, ready, config.healthTimeoutSeconds);
      const window = await watchWindow(
        gctx,
        [runningGate, logGate(), ...ctx.extraGates],
        config.gateWindowSeconds,
      );
      ctx.facts.waitMs += ctx.clock.now() - started;
      ctx.facts.gateChecks = window.checks;
      ctx.facts.gateResults = window.results.map((r) => `${r.name}: ${r.evidence}`);
    },
  });
  return steps;
}

export function gateContext(ctx: StepContext, input: StrategyInput, since: string): GateContext {
  return {
    exec: ctx.exec,
    clock: ctx.clock,
    log: ctx.log,
    container: input.container,
    port: input.port,
    healthPath: input.config.healthPath,
    since,
    httpTool: ctx.httpTool,
  };
}

export { GateError };
