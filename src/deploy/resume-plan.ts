/**
 * `resume: promote|abort`: the plans that go on from a canary held for approval (canary-hold),
 * pure functions of (config, probe) like the deploy's and the rollback's. They start from what
 * state.json's hold records; rules.ts checks them like every plan (a promote starts from the
 * recorded split; nothing stops before its port is drained).
 */
import type { DeployConfig } from './config.js';
import { removeArgv } from './docker.js';
import { InputError, StepError } from '../errors.js';
import { HISTORY_LIMIT, type AppState, type Hold } from '../host/state.js';
import { hostBefore, imagePruneStep, planHead, pruneSteps, type PlanInput } from './plan.js';
import type { Probe } from './probe.js';
import type { Plan, Step } from './steps.js';
import { abortSteps, promoteSteps, refOf, type StrategyInput } from './strategies.js';
import { withWebhookSteps } from './webhook-plan.js';

/** The hold in one line: what is held, where, since when, by whom. */
export function holdText(state: AppState, hold: Hold): string {
  return `the canary ${hold.release.id} (${hold.release.image}) is held at ${hold.weight}% since ${hold.since} (run ${hold.runId} by ${hold.actor}); ${state.current?.id ?? 'the current release'} serves the rest`;
}

/**
 * A deploy or a rollback while a canary is held: refused before anything changes. The lock is
 * not held across the hold, so this record is what keeps another run off the split host.
 */
export function refuseWhileHeld(state: AppState, what: 'deploy' | 'rollback'): void {
  if (!state.hold) return;
  throw new StepError(
    what,
    `${state.app}: ${holdText(state, state.hold)}. A ${what} now is refused: resume the hold first with resume: promote or resume: abort (tg-devops deploy --resume promote|abort)`,
  );
}

export type ResumeInput = Pick<
  PlanInput,
  'config' | 'probe' | 'lock' | 'proxy' | 'verifyPauseSeconds' | 'nginxConfDir'
>;

/** The hold this resume goes on from; refused (nothing changed) when there is none to resume. */
export function heldOn(config: DeployConfig, probe: Probe): Hold {
  const hold = probe.state.hold;
  if (!hold)
    throw new StepError(
      'resume',
      `${config.app}: no canary is held on this host, nothing to ${config.resume} (see tg-devops history)`,
    );
  if (!probe.state.current)
    throw new StepError(
      'resume',
      `${config.app}: state.json holds ${hold.release.id} but records no current release to split with; fix the file by hand`,
    );
  if (hold.release.image !== config.image.raw)
    throw new InputError(
      'image',
      `${config.image.raw} is not the held canary's image ${hold.release.image} (release ${hold.release.id}): resume goes on with the held release; give its image`,
    );
  return hold;
}

/**
 * resume: abort where nothing is held (the hold ended, or this host never held: one host of
 * several failed its hold): nothing to do, an empty plan, so aborting every host is idempotent.
 */
export function nothingToAbort(input: ResumeInput): Plan {
  const { config, probe } = input;
  const current = probe.state.current;
  if (!current)
    throw new StepError(
      'resume',
      `${config.app}: nothing is deployed on this host, nothing to abort`,
    );
  const what = { color: current.color, port: current.port, container: current.container };
  return {
    ...planHead(config, input, {
      ...what,
      current,
      release: current,
      before: hostBefore(config.hostPorts, probe),
    }),
    steps: [],
    cleanup: [],
    notes: [`resume abort: no canary is held on this host, nothing to abort; ${current.id} serves`],
  };
}

export function buildResumePlan(input: ResumeInput): Plan {
  const { config, probe } = input;
  if (config.resume === 'abort' && !probe.state.hold) return nothingToAbort(input);
  const hold = heldOn(config, probe);
  const state = probe.state;
  const current = state.current!;
  const before = hostBefore(config.hostPorts, probe);
  const held = hold.release;
  const strategyInput: StrategyInput = {
    config,
    current,
    currentRunning: before.running.some((c) => c.name === current.container),
    release: held,
    next: refOf(held),
    envFile: probe.paths.envFile,
    routed: input.proxy !== undefined,
    before: before.routed,
    verifyPauseSeconds: input.verifyPauseSeconds ?? 0,
  };
  const unheld = { app: state.app, current, previous: state.previous, history: state.history };
  const record = (next: AppState, title: string): Step => ({
    id: 'record',
    title,
    action: { kind: 'record', state: next },
    undo: {
      title: 'restore the previous state file (the hold)',
      actions: [{ kind: 'record', state }],
    },
    budgetSeconds: 60,
  });
  const what = { color: held.color, port: held.port, container: held.container, current, before };
  const canary = { phase: config.resume!, weight: hold.weight, held };
  const notes = [`resume ${config.resume}: ${holdText(state, hold)}`];
  if (config.resume === 'abort') {
    const steps: Step[] = [
      ...abortSteps(strategyInput),
      record(unheld, `record the abort: no hold, ${current.id} stays current`),
      {
        id: 'remove-canary',
        title: `remove the canary ${held.container}`,
        action: {
          kind: 'container',
          op: 'remove',
          container: refOf(held),
          argv: removeArgv(held.container),
        },
        optional: true,
        budgetSeconds: config.stopGraceSeconds + 30,
      },
    ];
    return {
      ...planHead(config, input, { ...what, release: current }),
      releaseId: held.id,
      image: held.image,
      steps,
      cleanup: [],
      notes,
      canary,
    };
  }
  const promoted: AppState = {
    app: state.app,
    current: held,
    previous: current,
    history: [held, ...state.history.filter((r) => r.id !== held.id)].slice(0, HISTORY_LIMIT),
  };
  const pruned = pruneSteps(
    config,
    probe,
    new Set([held.container, current.container, ...before.kept]),
  );
  const images = imagePruneStep(probe, pruned, held.image);
  return {
    ...planHead(config, input, { ...what, release: held }),
    steps: [
      // the webhook's block and registration follow the promote's last route, as in a deploy
      ...withWebhookSteps(promoteSteps(strategyInput, hold.weight), config, held.container, {
        nginxConfDir: input.nginxConfDir,
        recorded: current.webhook,
      }),
      record(promoted, `record ${held.id} as current (previous: ${current.id}), the hold ended`),
      ...pruned,
      ...(images ? [images] : []),
    ],
    cleanup: [],
    notes,
    canary,
  };
}
