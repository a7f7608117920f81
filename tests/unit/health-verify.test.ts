import { fakeClock } from '../../src/clock.js';
import { recordingLog } from '../../src/log.js';
import {
  checkOutcome,
  deadlineDecision,
  earlyDecision,
  initialState,
  recordProbe,
  verify,
  type CheckState,
} from '../../src/health/verify.js';
import type { Check, ProbeResult, ProbeStatus } from '../../src/health/types.js';
import { verdictMarkdown } from '../../src/health/summary.js';

/** A check that answers from a script, one entry per probe (the last one repeats). */
function scripted(
  name: string,
  script: (ProbeStatus | ProbeResult)[],
): Check & { probes: number[] } {
  const probes: number[] = [];
  return {
    name,
    kind: 'http',
    probes,
    async probe(now) {
      probes.push(now);
      const step = script[Math.min(probes.length - 1, script.length - 1)]!;
      return typeof step === 'string'
        ? { status: step, summary: `${name} ${step} #${probes.length}` }
        : step;
    },
  };
}

function stateAfter(statuses: (ProbeStatus | ProbeResult)[], required = 2): CheckState {
  let s = initialState(scripted('c', []), required);
  statuses.forEach((st, i) => {
    const r = typeof st === 'string' ? { status: st, summary: st } : st;
    s = recordProbe(s, { ...r, at: i * 1000, round: i + 1 }, 5);
  });
  return s;
}

describe('pure verdict rules', () => {
  it('counts streaks and keeps only the last N probes as evidence', () => {
    const s = stateAfter(['fail', 'pass', 'pass', 'inconclusive', 'pass', 'pass', 'pass']);
    expect(s.passStreak).toBe(3);
    expect(s.failStreak).toBe(0);
    expect(s.last.map((r) => r.round)).toEqual([3, 4, 5, 6, 7]);
    expect(s.counts).toEqual({ pass: 5, fail: 1, inconclusive: 1 });
  });

  it('decides early: a final failure, N failures in a row, or every check passing N times', () => {
    const final = stateAfter([{ status: 'fail', summary: 'Traceback', final: true }]);
    expect(earlyDecision([final], 'until', 99)).toEqual({
      outcome: 'fail',
      failedCheck: 'c',
      reason: 'c: Traceback',
    });
    expect(earlyDecision([stateAfter(['fail', 'fail'])], 'until', 3)).toBeUndefined();
    expect(earlyDecision([stateAfter(['fail', 'fail', 'fail'])], 'until', 3)?.outcome).toBe('fail');
    expect(earlyDecision([stateAfter(['pass', 'pass'])], 'until', 2)?.outcome).toBe('pass');
    // A window never passes early: it has to be watched to its end.
    expect(earlyDecision([stateAfter(['pass', 'pass'])], 'window', 1)).toBeUndefined();
    expect(earlyDecision([stateAfter(['pass', 'fail'])], 'window', 1)?.outcome).toBe('fail');
  });

  it('names the first of several final failures in one round and gives all reasons', () => {
    const exited = {
      ...stateAfter([{ status: 'fail', summary: 'exited', final: true }]),
      name: 'container',
    };
    const traceback = {
      ...stateAfter([{ status: 'fail', summary: 'Traceback', final: true }]),
      name: 'logs',
    };
    expect(earlyDecision([stateAfter(['pass']), exited, traceback], 'until', 5)).toEqual({
      outcome: 'fail',
      failedCheck: 'container',
      reason: 'container: exited; logs: Traceback',
    });
  });

  it('decides at the deadline from the last results', () => {
    expect(checkOutcome(stateAfter(['pass', 'pass'])).outcome).toBe('pass');
    expect(checkOutcome(stateAfter(['pass', 'fail'])).outcome).toBe('fail');
    expect(checkOutcome(stateAfter(['inconclusive', 'inconclusive'])).outcome).toBe('inconclusive');
    // Passing now but not long enough: inconclusive, unless it failed just before (flapping).
    expect(checkOutcome(stateAfter(['inconclusive', 'pass'])).outcome).toBe('inconclusive');
    expect(checkOutcome(stateAfter(['fail', 'pass'])).outcome).toBe('fail');
    const d = deadlineDecision([stateAfter(['pass', 'pass']), stateAfter(['inconclusive'])]);
    expect(d.outcome).toBe('inconclusive');
    // A failing check outranks an inconclusive one.
    const states = [stateAfter(['inconclusive']), { ...stateAfter(['fail']), name: 'bad' }];
    expect(deadlineDecision(states)).toMatchObject({ outcome: 'fail', failedCheck: 'bad' });
  });
});

describe('verify()', () => {
  it('passes once every check has its consecutive passes, probing every interval', async () => {
    const clock = fakeClock(1_000_000);
    const a = scripted('a', ['fail', 'pass', 'pass', 'pass']);
    const b = scripted('b', ['pass']);
    const verdict = await verify([a, b], {
      clock,
      log: recordingLog(),
      intervalMs: 2000,
      timeoutMs: 60_000,
      requiredConsecutive: 3,
    });
    expect(verdict).toMatchObject({ outcome: 'pass', accepted: true, rounds: 4 });
    expect(a.probes).toEqual([1_000_000, 1_002_000, 1_004_000, 1_006_000]);
    expect(clock.slept).toEqual([2000, 2000, 2000]);
    expect(verdict.evidence.map((e) => [e.name, e.counts])).toEqual([
      ['a', { pass: 3, fail: 1, inconclusive: 0 }],
      ['b', { pass: 4, fail: 0, inconclusive: 0 }],
    ]);
  });

  it('fails after N failures in a row and names the check', async () => {
    const clock = fakeClock();
    const log = recordingLog();
    const verdict = await verify([scripted('ok', ['pass']), scripted('web', ['pass', 'fail'])], {
      clock,
      log,
      intervalMs: 1000,
      timeoutMs: 60_000,
      requiredConsecutive: 5,
      failures: 2,
    });
    expect(verdict).toMatchObject({
      outcome: 'fail',
      accepted: false,
      failedCheck: 'web',
      rounds: 3,
    });
    expect(verdict.reason).toBe('web: failed 2 time(s) in a row: web fail #3');
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'verdict: fail (not accepted): web: failed 2 time(s) in a row: web fail #3',
    ]);
  });

  it('stops at once on a final failure', async () => {
    const verdict = await verify(
      [
        scripted('logs', [
          'pass',
          { status: 'fail', summary: 'fatal pattern "Traceback"', final: true },
        ]),
      ],
      {
        clock: fakeClock(),
        log: recordingLog(),
        intervalMs: 1000,
        timeoutMs: 60_000,
        requiredConsecutive: 3,
        failures: 10,
      },
    );
    expect(verdict).toMatchObject({ outcome: 'fail', failedCheck: 'logs', rounds: 2 });
  });

  it('is inconclusive at the deadline when a check never saw data, and on-inconclusive decides', async () => {
    const run = (onInconclusive?: 'fail' | 'pass') =>
      verify([scripted('http', ['pass']), scripted('prometheus error-rate', ['inconclusive'])], {
        clock: fakeClock(),
        log: recordingLog(),
        intervalMs: 5000,
        timeoutMs: 30_000,
        requiredConsecutive: 2,
        onInconclusive,
      });
    const strict = await run();
    expect(strict).toMatchObject({
      outcome: 'inconclusive',
      accepted: false,
      failedCheck: 'prometheus error-rate',
      rounds: 7,
    });
    expect(strict.reason).toMatch(/^no decision in time from prometheus error-rate/);
    expect((await run('pass')).accepted).toBe(true);
  });

  it('watches a whole window and fails on the first failure inside it', async () => {
    const clock = fakeClock();
    const healthy = await verify([scripted('a', ['pass'])], {
      clock,
      log: recordingLog(),
      mode: 'window',
      intervalMs: 10_000,
      timeoutMs: 60_000,
    });
    expect(healthy).toMatchObject({ outcome: 'pass', rounds: 7 });
    const broken = await verify([scripted('a', ['pass', 'pass', 'fail'])], {
      clock: fakeClock(),
      log: recordingLog(),
      mode: 'window',
      intervalMs: 10_000,
      timeoutMs: 60_000,
    });
    expect(broken).toMatchObject({ outcome: 'fail', failedCheck: 'a', rounds: 3 });
  });

  it('keeps rounds on a fixed grid when probes take time, skipping slots a slow probe overran', async () => {
    const clock = fakeClock(0);
    const durations = [300, 300, 7000, 300, 300];
    const starts: number[] = [];
    const slow: Check = {
      name: 'slow',
      kind: 'http',
      probe: async (now) => {
        starts.push(now);
        await clock.sleep(durations[starts.length - 1] ?? 300);
        return { status: 'inconclusive', summary: 'slow' };
      },
    };
    const verdict = await verify([slow], {
      clock,
      log: recordingLog(),
      intervalMs: 5000,
      timeoutMs: 20_000,
    });
    // 0, 5 s, 10 s (takes 7 s, so 15 s is taken), then the next slot at 20 s = the deadline.
    expect(starts).toEqual([0, 5000, 10_000, 20_000]);
    expect(verdict).toMatchObject({ outcome: 'inconclusive', rounds: 4 });
  });

  it('turns a throwing probe into an inconclusive result', async () => {
    const check: Check = {
      name: 'boom',
      kind: 'prometheus',
      probe: () => Promise.reject(new Error('connection refused')),
    };
    const verdict = await verify([check], {
      clock: fakeClock(),
      log: recordingLog(),
      intervalMs: 1000,
      timeoutMs: 2000,
    });
    expect(verdict.outcome).toBe('inconclusive');
    expect(verdict.evidence[0]!.last.map((r) => r.summary)).toEqual([
      'probe error: connection refused',
      'probe error: connection refused',
      'probe error: connection refused',
    ]);
  });

  it('renders the evidence as a markdown table with escaped cells', async () => {
    const verdict = await verify(
      [scripted('x|y', [{ status: 'fail', summary: 'got <b>|', final: true }])],
      {
        clock: fakeClock(0),
        log: recordingLog(),
        intervalMs: 1000,
        timeoutMs: 1000,
      },
    );
    const md = verdictMarkdown(verdict);
    expect(md).toContain('### Verification: ❌ fail (not accepted)');
    expect(md).toContain(
      '| `x\\|y` | ❌ fail: got &lt;b&gt;\\| | 0 | 1 | 0 | ❌ #1 +0s got &lt;b&gt;\\| |',
    );
  });
});
