/**
 * Checks and verdicts. A check probes one signal (an HTTP endpoint, a PromQL expression, a
 * container, its logs, a Telegram webhook) and answers pass, fail or inconclusive; verify()
 * (src/health/verify.ts) polls checks with an injected clock and turns their answers into a
 * verdict. Deploy gates (canary steps, the post-switch window) adapt a Check directly.
 */

export type CheckKind = 'http' | 'prometheus' | 'container' | 'logs' | 'telegram';

export type ProbeStatus = 'pass' | 'fail' | 'inconclusive';

export interface ProbeResult {
  status: ProbeStatus;
  /** One line a human can read in the job summary: what was seen. Never carries a secret. */
  summary: string;
  /** The number the check compared, when it has one (status code, ratio, latency ms …). */
  value?: number;
  /**
   * A failure that no later probe can undo (a fatal log line was written, the container
   * restarted, Telegram recorded a delivery error): verify() stops at once.
   */
  final?: boolean;
}

export interface Check {
  readonly name: string;
  readonly kind: CheckKind;
  /** Consecutive passes this check needs (overrides the verify option). */
  readonly consecutive?: number;
  /** `now` is the clock's time (epoch ms) when the round started. */
  probe(now: number): Promise<ProbeResult>;
}

export interface ProbeRecord extends ProbeResult {
  /** Epoch ms (from the injected clock) when the probe started. */
  at: number;
  /** 1-based round in which the probe ran. */
  round: number;
}

export interface CheckEvidence {
  name: string;
  kind: CheckKind;
  /** The last probe results, oldest first. */
  last: ProbeRecord[];
  /** All probes, by status. */
  counts: Record<ProbeStatus, number>;
  /** How this check ended, on its own. */
  outcome: ProbeStatus;
  reason: string;
}

export type Outcome = ProbeStatus;

export interface Verdict {
  outcome: Outcome;
  /** Whether the caller may go on: pass, or inconclusive with onInconclusive 'pass'. */
  accepted: boolean;
  /** The check that decided a fail (or the first inconclusive one). */
  failedCheck?: string;
  reason: string;
  rounds: number;
  /** Epoch ms: first probe and decision. */
  startedAt: number;
  decidedAt: number;
  evidence: CheckEvidence[];
}
