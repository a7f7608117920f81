import { fakeClock } from '../../src/clock.js';
import { recordingExecutor } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import type { Gate, GateContext } from '../../src/deploy/gates.js';
import { checkAsGate } from '../../src/health/gate.js';
import { logsCheck } from '../../src/health/logs.js';
import type { Check } from '../../src/health/types.js';

const ctx = (): GateContext => ({
  exec: recordingExecutor(),
  clock: fakeClock(5000),
  log: recordingLog(),
  container: 'bot-green',
  since: '0',
  httpTool: 'curl',
});

describe('checks as deploy gates', () => {
  it('fits the deploy engine Gate type and marks final failures fatal', async () => {
    const exec = recordingExecutor(() => ({ stderr: 'AUTH_KEY_DUPLICATED\n' }));
    const gate: Gate = checkAsGate(
      logsCheck({ container: 'bot-green', patterns: ['AUTH_KEY_DUPLICATED'] }, exec),
    );
    expect(await gate(ctx())).toEqual({
      name: 'logs bot-green@recorded',
      ok: false,
      fatal: true,
      evidence: 'fail: fatal pattern "AUTH_KEY_DUPLICATED" in "AUTH_KEY_DUPLICATED"',
    });
  });

  it('lets inconclusive through only when told, and probes with the context clock', async () => {
    const seen: number[] = [];
    const check: Check = {
      name: 'prometheus error-rate',
      kind: 'prometheus',
      probe: async (now) => {
        seen.push(now);
        return { status: 'inconclusive', summary: 'no data' };
      },
    };
    expect((await checkAsGate(check)(ctx())).ok).toBe(false);
    expect(await checkAsGate(check, { onInconclusive: 'pass' })(ctx())).toEqual({
      name: 'prometheus error-rate',
      ok: true,
      fatal: false,
      evidence: 'inconclusive: no data',
    });
    expect(seen).toEqual([5000, 5000]);
  });
});
