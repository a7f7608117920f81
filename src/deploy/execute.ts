import { errorMessage, StepError } from '../errors.js';
import { GateError } from './gates.js';
import type { Plan, Step, StepContext } from './plan.js';

export interface StepRecord {
  id: string;
  title: string;
  status: 'ok' | 'failed' | 'warned' | 'undone' | 'undo-failed' | 'not-run';
  ms: number;
  detail?: string;
}

export interface ExecuteResult {
  ok: boolean;
  records: StepRecord[];
  /** The step that failed and why (a GateError names its gate). */
  error?: StepError;
  failedGate?: string;
}

export interface ExecuteHooks {
  /** Called after each step succeeds (tests measure the canary split here). */
  afterStep?: (step: Step) => Promise<void>;
  /** Called between steps (the engine refreshes the lock here). */
  between?: () => Promise<void>;
}

/**
 * Runs the steps in order. When one fails, the undos of the steps already done run in reverse
 * (an undo shared by several steps, by key, runs once), then the cleanup steps run whatever
 * happened. Never throws for a step failure: the result says what happened.
 */
export async function execute(
  plan: Plan,
  ctx: StepContext,
  hooks: ExecuteHooks = {},
): Promise<ExecuteResult> {
  const records: StepRecord[] = [];
  const done: Step[] = [];
  let error: StepError | undefined;
  let failedGate: string | undefined;
  for (const [index, step] of plan.steps.entries()) {
    const started = ctx.clock.now();
    try {
      await ctx.log.group(`${index + 1}/${plan.steps.length} ${step.title}`, () => step.run(ctx));
      records.push({ id: step.id, title: step.title, status: 'ok', ms: ctx.clock.now() - started });
      done.push(step);
      await hooks.afterStep?.(step);
      await hooks.between?.();
    } catch (cause) {
      const message = errorMessage(cause);
      if (step.optional) {
        ctx.log.warn(`${step.title}: ${message} (best effort, continuing)`);
        records.push({
          id: step.id,
          title: step.title,
          status: 'warned',
          ms: ctx.clock.now() - started,
          detail: message,
        });
        continue;
      }
      records.push({
        id: step.id,
        title: step.title,
        status: 'failed',
        ms: ctx.clock.now() - started,
        detail: message,
      });
      if (cause instanceof GateError) failedGate = cause.result.name;
      error = new StepError(`step ${index + 1} (${step.title})`, message);
      ctx.log.error(error.message);
      for (const rest of plan.steps.slice(index + 1))
        records.push({ id: rest.id, title: rest.title, status: 'not-run', ms: 0 });
      await undoAll(done, ctx, records);
      break;
    }
  }
  for (const step of plan.cleanup) {
    try {
      await step.run(ctx);
    } catch (cause) {
      ctx.log.warn(`${step.title}: ${errorMessage(cause)}`);
    }
  }
  return { ok: !error, records, error, failedGate };
}

async function undoAll(done: Step[], ctx: StepContext, records: StepRecord[]): Promise<void> {
  const seen = new Set<string>();
  for (const step of [...done].reverse()) {
    const undo = step.undo;
    if (!undo) continue;
    if (undo.key) {
      if (seen.has(undo.key)) continue;
      seen.add(undo.key);
    }
    const started = ctx.clock.now();
    try {
      await ctx.log.group(`undo: ${undo.title}`, () => undo.run(ctx));
      records.push({
        id: `undo-${step.id}`,
        title: `undo: ${undo.title}`,
        status: 'undone',
        ms: ctx.clock.now() - started,
      });
    } catch (cause) {
      const detail = errorMessage(cause);
      ctx.log.error(`undo failed: ${undo.title}: ${detail}`);
      records.push({
        id: `undo-${step.id}`,
        title: `undo: ${undo.title}`,
        status: 'undo-failed',
        ms: ctx.clock.now() - started,
        detail,
      });
    }
  }
}
