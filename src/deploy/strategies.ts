/**
 * The three deploy strategies as step lists (pure data). Each builds on the same step kinds as a
 * rollback; rules.ts checks them all.
 *
 * - blue-green: start the new color beside the serving one, gate it directly on its port, route
 *   to it (the old line stays in the upstream at weight 0), watch a window, drain the old PORT,
 *   stop the old container and keep it.
 * - canary: the same, with a route at each step weight and a hold-and-gate after each; all route
 *   steps share one undo (key `route`): back to the routing probed before the deploy.
 * - handover (polling, MTProto; and webhook bots that ask for it): create the new container,
 *   stop the old one, start the new one (two instances never run at once), measure the gap, gate;
 *   behind a proxy the route then follows the new release, then its window is watched.
 */
import type { DeployConfig } from './config.js';
import { createArgv, removeArgv, startArgv, stopArgv } from './docker.js';
import type { Release } from '../host/state.js';
import type { Action, ContainerRef, GateCheck, RouteTarget, Step, Undo } from './steps.js';

export interface StrategyInput {
  config: DeployConfig;
  /** The release serving now (after reconcile), and whether its container runs. */
  current?: Release;
  currentRunning: boolean;
  release: Release;
  /** The new release's container. */
  next: ContainerRef;
  envFile: string;
  /** A proxy routes to the new release (it has a port and proxy is not none). */
  routed: boolean;
  /** What the proxy routes before the plan (the route undo goes back to it). */
  before: RouteTarget[];
  /** Extra seconds a watch may take for the verify checks' on-inconclusive pause. */
  verifyPauseSeconds: number;
}

export const refOf = (r: Release): ContainerRef => ({
  name: r.container,
  release: r.id,
  color: r.color,
  port: r.port,
});

const READY: GateCheck[] = ['container-running', 'http-health'];

export function createStep(input: StrategyInput): Step {
  const { next, config } = input;
  return {
    id: 'create',
    title: `create ${next.name} (${next.color}${next.port ? `, 127.0.0.1:${next.port}` : ''})`,
    action: {
      kind: 'container',
      op: 'create',
      container: next,
      argv: createArgv({
        config,
        releaseId: next.release,
        color: next.color ?? 'blue',
        envFile: input.envFile,
        port: next.port,
      }),
    },
    undo: {
      title: `remove ${next.name}`,
      actions: [{ kind: 'container', op: 'remove', container: next, argv: removeArgv(next.name) }],
    },
    budgetSeconds: 60,
  };
}

export function startStep(container: ContainerRef, graceSeconds: number, title?: string): Step {
  return {
    id: `start-${container.name}`,
    title: title ?? `start ${container.name}`,
    action: { kind: 'container', op: 'start', container, argv: startArgv(container.name) },
    undo: {
      title: `stop ${container.name}`,
      actions: [
        {
          kind: 'container',
          op: 'stop',
          container,
          argv: stopArgv(container.name, graceSeconds),
        },
      ],
    },
    budgetSeconds: 60,
  };
}

/** Starts a stopped container again, then waits until it is ready (before traffic returns). */
export function restartUndo(
  container: ContainerRef,
  healthTimeoutSeconds: number,
  healthPath: string | undefined,
): Undo {
  return {
    title: `start ${container.name} again${container.port && healthPath ? ' and wait until it is ready' : ''}`,
    actions: [
      { kind: 'container', op: 'start', container, argv: startArgv(container.name) },
      {
        kind: 'gate',
        container,
        ready: { checks: READY, timeoutSeconds: healthTimeoutSeconds },
      },
    ],
  };
}

export function stopStep(
  container: ContainerRef,
  config: Pick<DeployConfig, 'stopGraceSeconds' | 'healthTimeoutSeconds' | 'healthPath'>,
  options: { gap?: boolean; id?: string; title?: string; undo?: boolean } = {},
): Step {
  const grace = config.stopGraceSeconds;
  return {
    id: options.id ?? `stop-${container.name}`,
    title:
      options.title ?? `stop ${container.name} (SIGTERM, up to ${grace}s), keep it for rollback`,
    action: {
      kind: 'container',
      op: 'stop',
      container,
      argv: stopArgv(container.name, grace),
      gap: options.gap || undefined,
    },
    undo:
      options.undo === false
        ? undefined
        : restartUndo(container, config.healthTimeoutSeconds, config.healthPath),
    budgetSeconds: grace + 30,
  };
}

export function readyGate(
  container: ContainerRef,
  timeoutSeconds: number,
  healthPath: string | undefined,
  id = 'ready',
): Step {
  return {
    id,
    title: `health-gate ${container.name} directly: running${container.port && healthPath ? `, GET 127.0.0.1:${container.port}${healthPath}` : ''} (up to ${timeoutSeconds}s)`,
    action: { kind: 'gate', container, ready: { checks: READY, timeoutSeconds } },
    budgetSeconds: timeoutSeconds + 30,
  };
}

export function watchGate(
  container: ContainerRef,
  checks: GateCheck[],
  seconds: number,
  pauseSeconds: number,
  id = 'watch',
): Step {
  return {
    id,
    title: `watch ${container.name} for ${seconds}s: ${checks.join(', ')}`,
    action: { kind: 'gate', container, watch: { checks, seconds } },
    budgetSeconds: seconds + pauseSeconds + 30,
  };
}

/**
 * Routes to `to`; its undo (shared by every route of the plan) restores `before`, then drains the
 * ports that lose their traffic by it, so the container behind them is not stopped under requests
 * nginx's old workers still send (after a reload returns) before the undos go on.
 */
export function routeStep(
  id: string,
  title: string,
  to: RouteTarget[],
  before: RouteTarget[],
  options: { serving?: boolean; drainSeconds?: number } = {},
): Step {
  const servedBefore = (t: RouteTarget) =>
    before.some((b) => b.weight > 0 && b.port === t.port && b.container === t.container);
  const losing = to.filter((t) => t.weight > 0 && !servedBefore(t));
  return {
    id,
    title,
    action: { kind: 'route', to },
    undo: before.some((b) => b.weight > 0)
      ? {
          title: `route back: ${before.map((b) => `${b.color}:${b.weight}%`).join(', ')}`,
          key: 'route',
          actions: [
            { kind: 'route', to: before },
            ...losing.map((t): Action => ({
              kind: 'drain',
              container: { name: t.container, release: t.container, color: t.color, port: t.port },
              seconds: options.drainSeconds ?? 0,
            })),
          ],
        }
      : undefined,
    budgetSeconds: 90,
    serving: options.serving || undefined,
  };
}

export function drainStep(container: ContainerRef, seconds: number): Step[] {
  if (!container.color || container.port === undefined) return [];
  return [
    {
      id: `drain-${container.name}`,
      title: `drain ${container.color} (${container.name}, port ${container.port}) for up to ${seconds}s`,
      action: {
        kind: 'drain',
        container: { ...container, color: container.color, port: container.port },
        seconds,
      },
      budgetSeconds: seconds + 30,
    },
  ];
}

/** The new release at `weight`, the current one at the rest (kept at 0: its line stays). */
export function targets(input: StrategyInput, weight: number): RouteTarget[] {
  const { next, current } = input;
  const out: RouteTarget[] = [];
  if (next.port !== undefined && next.color)
    out.push({ color: next.color, port: next.port, weight, container: next.name });
  if (
    input.currentRunning &&
    current?.color &&
    current.port !== undefined &&
    current.color !== next.color
  )
    out.push({
      color: current.color,
      port: current.port,
      weight: 100 - weight,
      container: current.container,
    });
  return out;
}

function startAndGate(input: StrategyInput): Step[] {
  const { config, next } = input;
  return [
    createStep(input),
    startStep(next, config.stopGraceSeconds),
    readyGate(next, config.healthTimeoutSeconds, config.healthPath),
  ];
}

function switchAll(input: StrategyInput): Step[] {
  const { config, next } = input;
  return [
    ...(input.routed
      ? [
          routeStep(
            'route-100',
            `switch the ${config.proxy} upstream to ${next.color} (port ${next.port})`,
            targets(input, 100),
            input.before,
            { serving: true, drainSeconds: input.config.drainSeconds },
          ),
        ]
      : []),
    watchGate(
      next,
      ['container-running', 'http-health', 'verify'],
      config.gateWindowSeconds,
      input.verifyPauseSeconds,
    ),
  ];
}

/** Drain the old color's port (behind a proxy), then stop the old container and keep it. */
function finish(input: StrategyInput): Step[] {
  const { config, current } = input;
  if (!current || !input.currentRunning) return [];
  const old = refOf(current);
  return [...(input.routed ? drainStep(old, config.drainSeconds) : []), stopStep(old, config)];
}

export function blueGreenSteps(input: StrategyInput): Step[] {
  return [...startAndGate(input), ...switchAll(input), ...finish(input)];
}

/** One canary step: route `weight`% to the new release, hold step-interval, then gate it. */
export function canaryStep(input: StrategyInput, weight: number): Step[] {
  const { config, next } = input;
  return [
    routeStep(
      `route-${weight}`,
      `route ${weight}% to ${next.color}, ${100 - weight}% to ${input.current?.color}`,
      targets(input, weight),
      input.before,
      { drainSeconds: config.drainSeconds },
    ),
    {
      id: `gate-${weight}`,
      title: `hold ${weight}% for ${config.stepIntervalSeconds}s, then gate ${next.name}`,
      action: {
        kind: 'gate',
        container: next,
        holdSeconds: config.stepIntervalSeconds,
        watch: { checks: CANARY_CHECKS, seconds: 0 },
      },
      budgetSeconds: config.stepIntervalSeconds + input.verifyPauseSeconds + 30,
    },
  ];
}

const CANARY_CHECKS: GateCheck[] = ['container-running', 'http-health', 'verify'];

/** A canary can split traffic only with a running current release behind a proxy. */
export const canSplit = (input: StrategyInput): boolean =>
  Boolean(input.current && input.currentRunning && input.routed);

export function canarySteps(input: StrategyInput): Step[] {
  if (!canSplit(input)) return blueGreenSteps(input);
  const steps: Step[] = startAndGate(input);
  for (const weight of input.config.canarySteps.filter((w) => w < 100))
    steps.push(...canaryStep(input, weight));
  return [...steps, ...switchAll(input), ...finish(input)];
}

/**
 * canary-hold: the canary steps below the hold weight, then the hold weight itself (each routed
 * and gated); with hold-watch, the gates keep running on the canary for that long (a failure
 * undoes the run: traffic back, the canary stopped and removed). The plan ends split.
 */
export function canaryHoldSteps(
  input: StrategyInput,
  weight: number,
  watchSeconds: number,
): Step[] {
  const steps: Step[] = startAndGate(input);
  for (const w of [...input.config.canarySteps.filter((s) => s < weight), weight])
    steps.push(...canaryStep(input, w));
  if (watchSeconds > 0)
    steps.push(
      watchGate(input.next, CANARY_CHECKS, watchSeconds, input.verifyPauseSeconds, 'hold-watch'),
    );
  return steps;
}

/**
 * resume: promote: the gates again on the held canary first, then the canary steps above the
 * hold weight, the switch to 100% with its window, the old release drained and stopped.
 */
export function promoteSteps(input: StrategyInput, weight: number): Step[] {
  const { next } = input;
  const steps: Step[] = [
    {
      id: 'gate-resume',
      title: `gate ${next.name} again before promoting it from ${weight}%`,
      action: {
        kind: 'gate',
        container: next,
        ready: { checks: READY, timeoutSeconds: input.config.healthTimeoutSeconds },
        watch: { checks: CANARY_CHECKS, seconds: 0 },
      },
      budgetSeconds: input.config.healthTimeoutSeconds + input.verifyPauseSeconds + 30,
    },
  ];
  for (const w of input.config.canarySteps.filter((s) => s > weight && s < 100))
    steps.push(...canaryStep(input, w));
  return [...steps, ...switchAll(input), ...finish(input)];
}

/**
 * resume: abort: all traffic back to the release that served before (the canary's line kept at
 * 0: requests nginx's old workers still send find it), the canary's port drained, the canary
 * stopped (the resume plan removes it after recording).
 */
export function abortSteps(input: StrategyInput): Step[] {
  const { config, next, current } = input;
  return [
    routeStep(
      'route-back',
      `route all traffic back to ${current?.color} (${current?.container}); the canary ${next.name} gets none`,
      targets(input, 0),
      input.before,
      { serving: true, drainSeconds: config.drainSeconds },
    ),
    ...drainStep(next, config.drainSeconds),
    stopStep(next, config, {
      title: `stop the canary ${next.name} (SIGTERM, up to ${config.stopGraceSeconds}s)`,
    }),
  ];
}

export function handoverSteps(input: StrategyInput): Step[] {
  const { config, current, next } = input;
  const steps: Step[] = [createStep(input)];
  const old = current && input.currentRunning ? refOf(current) : undefined;
  const oldRouted =
    old !== undefined && input.before.some((b) => b.container === old.name && b.weight > 0);
  if (old) steps.push(stopStep(old, config, { gap: oldRouted }));
  steps.push(startStep(next, config.stopGraceSeconds));
  if (old)
    steps.push({
      id: 'gap',
      title: `measure the gap between ${old.name} stopping and ${next.name} starting`,
      action: { kind: 'measure-gap', from: old.name, to: next.name },
      budgetSeconds: 30,
    });
  const watchChecks: GateCheck[] = ['container-running', 'log-conflicts', 'verify'];
  if (input.routed) {
    // Behind a proxy: traffic follows the new release as soon as it is ready, then the window.
    steps.push(
      readyGate(next, config.healthTimeoutSeconds, config.healthPath),
      routeStep(
        'route-100',
        `route the ${config.proxy} upstream to ${next.color} (port ${next.port}): the handover's traffic follows the new release`,
        targets(input, 100),
        input.before,
        { serving: true, drainSeconds: input.config.drainSeconds },
      ),
      watchGate(next, watchChecks, config.gateWindowSeconds, input.verifyPauseSeconds),
    );
  } else {
    steps.push({
      id: 'gate',
      title: `gate ${next.name}: running${config.healthPath ? `, ${config.healthPath} answers` : ''}, no 409/Conflict/AUTH_KEY_DUPLICATED for ${config.gateWindowSeconds}s`,
      action: {
        kind: 'gate',
        container: next,
        ready: { checks: READY, timeoutSeconds: config.healthTimeoutSeconds },
        watch: { checks: watchChecks, seconds: config.gateWindowSeconds },
      },
      budgetSeconds:
        config.healthTimeoutSeconds + config.gateWindowSeconds + input.verifyPauseSeconds + 30,
      serving: true,
    });
  }
  return steps;
}
