import type { Clock } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { Log } from '../log.js';
import type {
  Check,
  CheckEvidence,
  CheckKind,
  Outcome,
  ProbeRecord,
  ProbeStatus,
  Verdict,
} from './types.js';

/**
 * 'until': probe until every check has its consecutive passes (pass), a check fails `failures`
 * times in a row or finally (fail), or the timeout comes (decided from the last results).
 * 'window': the service must stay healthy for the whole window; a failure ends it at once.
 */
export type VerifyMode = 'until' | 'window';

export interface VerifyOptions {
  clock: Clock;
  log: Log;
  /** Rounds of probes start this far apart (on a fixed grid from the first round). */
  intervalMs: number;
  /** 'until': the deadline; 'window': how long to watch. */
  timeoutMs: number;
  mode?: VerifyMode;
  /** Consecutive passes a check needs (default 1; a check's own `consecutive` wins). */
  requiredConsecutive?: number;
  /** Consecutive failures that fail a check before the deadline ('until': the pass count, 'window': 1). */
  failures?: number;
  /** What an inconclusive verdict lets the caller do (default 'fail': a gate that cannot see stays shut). */
  onInconclusive?: 'fail' | 'pass';
  /** Probe results kept per check as evidence (default 5). */
  evidenceSize?: number;
}

/** What verify() knows about one check between rounds. */
export interface CheckState {
  name: string;
  kind: CheckKind;
  required: number;
  last: ProbeRecord[];
  counts: Record<ProbeStatus, number>;
  passStreak: number;
  failStreak: number;
  finalFailure?: ProbeRecord;
}

export function initialState(check: Check, required: number): CheckState {
  return {
    name: check.name,
    kind: check.kind,
    required: Math.max(1, check.consecutive ?? required),
    last: [],
    counts: { pass: 0, fail: 0, inconclusive: 0 },
    passStreak: 0,
    failStreak: 0,
  };
}

/** Pure: the state after one more probe result. */
export function recordProbe(state: CheckState, record: ProbeRecord, keep: number): CheckState {
  return {
    ...state,
    last: [...state.last, record].slice(-Math.max(1, keep)),
    counts: { ...state.counts, [record.status]: state.counts[record.status] + 1 },
    passStreak: record.status === 'pass' ? state.passStreak + 1 : 0,
    failStreak: record.status === 'fail' ? state.failStreak + 1 : 0,
    finalFailure:
      state.finalFailure ?? (record.status === 'fail' && record.final ? record : undefined),
  };
}

export interface Decision {
  outcome: Outcome;
  failedCheck?: string;
  reason: string;
}

/** Pure: a decision before the deadline, or undefined to keep probing. */
export function earlyDecision(
  states: readonly CheckState[],
  mode: VerifyMode,
  failures: number,
): Decision | undefined {
  const finals = states.filter((s) => s.finalFailure);
  if (finals.length > 0) {
    // Several checks can fail for good in the same round (a crash: exit AND Traceback): name
    // the first, say all.
    return {
      outcome: 'fail',
      failedCheck: finals[0]!.name,
      reason: finals.map((s) => `${s.name}: ${s.finalFailure!.summary}`).join('; '),
    };
  }
  for (const s of states) {
    if (s.failStreak >= failures) {
      const last = s.last[s.last.length - 1];
      return {
        outcome: 'fail',
        failedCheck: s.name,
        reason: `${s.name}: failed ${s.failStreak} time(s) in a row: ${last?.summary ?? ''}`.trim(),
      };
    }
  }
  if (mode === 'until' && states.length > 0 && states.every((s) => s.passStreak >= s.required)) {
    return { outcome: 'pass', reason: passReason(states) };
  }
  return undefined;
}

/** Pure: how one check ended when time ran out. */
export function checkOutcome(s: CheckState): { outcome: Outcome; reason: string } {
  const last = s.last[s.last.length - 1];
  if (!last) return { outcome: 'inconclusive', reason: 'never probed' };
  if (s.finalFailure) return { outcome: 'fail', reason: s.finalFailure.summary };
  if (s.passStreak >= s.required) {
    return { outcome: 'pass', reason: `${s.passStreak} consecutive pass(es): ${last.summary}` };
  }
  if (last.status === 'fail') return { outcome: 'fail', reason: last.summary };
  if (last.status === 'pass') {
    // Passing now, but not long enough: flapping if it failed within the evidence, else too slow.
    const flapped = s.last.some((r) => r.status === 'fail');
    return {
      outcome: flapped ? 'fail' : 'inconclusive',
      reason: `${s.passStreak} of ${s.required} consecutive passes${flapped ? ' after a failure' : ''}: ${last.summary}`,
    };
  }
  return { outcome: 'inconclusive', reason: last.summary };
}

/** Pure: the decision when the timeout (or the window) is over. */
export function deadlineDecision(states: readonly CheckState[]): Decision {
  const ends = states.map((s) => ({ s, ...checkOutcome(s) }));
  const failed = ends.find((e) => e.outcome === 'fail');
  if (failed) {
    return {
      outcome: 'fail',
      failedCheck: failed.s.name,
      reason: `${failed.s.name}: ${failed.reason}`,
    };
  }
  const unsure = ends.find((e) => e.outcome === 'inconclusive');
  if (unsure) {
    const all = ends.filter((e) => e.outcome === 'inconclusive').map((e) => e.s.name);
    return {
      outcome: 'inconclusive',
      failedCheck: unsure.s.name,
      reason: `no decision in time from ${all.join(', ')}: ${unsure.reason}`,
    };
  }
  if (states.length === 0) return { outcome: 'inconclusive', reason: 'no checks configured' };
  return { outcome: 'pass', reason: passReason(states) };
}

function passReason(states: readonly CheckState[]): string {
  return `all ${states.length} check(s) passed: ${states
    .map((s) => `${s.name} ×${s.passStreak}`)
    .join(', ')}`;
}

export function evidenceOf(states: readonly CheckState[]): CheckEvidence[] {
  return states.map((s) => {
    const end = checkOutcome(s);
    return {
      name: s.name,
      kind: s.kind,
      last: s.last,
      counts: s.counts,
      outcome: end.outcome,
      reason: end.reason,
    };
  });
}

/** One probe, never throwing: an error while looking means we could not see (inconclusive). */
export async function safeProbe(check: Check, now: number, round: number): Promise<ProbeRecord> {
  try {
    const result = await check.probe(now);
    return { ...result, at: now, round };
  } catch (error) {
    return {
      status: 'inconclusive',
      summary: `probe error: ${errorMessage(error)}`,
      at: now,
      round,
    };
  }
}

/** Polls the checks and decides. Never throws for a failing check: the verdict says it. */
export async function verify(checks: readonly Check[], options: VerifyOptions): Promise<Verdict> {
  const { clock, log } = options;
  const mode = options.mode ?? 'until';
  const required = Math.max(1, options.requiredConsecutive ?? 1);
  const failures = Math.max(1, options.failures ?? (mode === 'window' ? 1 : required));
  const keep = options.evidenceSize ?? 5;
  const interval = Math.max(1, options.intervalMs);
  const startedAt = clock.now();
  const end = startedAt + Math.max(0, options.timeoutMs);
  let states = checks.map((c) => initialState(c, required));
  let round = 0;
  let tick = 0;
  let decision: Decision | undefined;

  for (;;) {
    round += 1;
    const now = clock.now();
    const records = await Promise.all(checks.map((c) => safeProbe(c, now, round)));
    states = states.map((s, i) => {
      const record = records[i]!;
      const previous = s.last[s.last.length - 1];
      if (!previous || previous.status !== record.status) {
        log.info(`verify round ${round}: ${s.name} ${record.status}: ${record.summary}`);
      }
      return recordProbe(s, record, keep);
    });
    decision = earlyDecision(states, mode, failures);
    if (decision) break;
    // Rounds start on a fixed grid (start + k × interval), so slow probes do not push the last
    // round past the deadline; a round that overran its slot skips to the next free one.
    const after = clock.now();
    tick = Math.max(tick + 1, Math.ceil((after - startedAt) / interval));
    const next = startedAt + tick * interval;
    if (next > end) break;
    if (next > after) await clock.sleep(next - after);
  }
  decision ??= deadlineDecision(states);
  const accepted =
    decision.outcome === 'pass' ||
    (decision.outcome === 'inconclusive' && options.onInconclusive === 'pass');
  const verdict: Verdict = {
    ...decision,
    accepted,
    rounds: round,
    startedAt,
    decidedAt: clock.now(),
    evidence: evidenceOf(states),
  };
  const line = `verdict: ${verdict.outcome}${accepted ? '' : ' (not accepted)'}: ${verdict.reason}`;
  if (verdict.outcome === 'pass') log.info(line);
  else log.warn(line);
  return verdict;
}
