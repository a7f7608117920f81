import { describe, expect, it } from '@jest/globals';
import { fakeClock } from '../../src/clock.js';
import {
  GateError,
  httpGate,
  isConflictLine,
  logGate,
  runningGate,
  waitReady,
  watchWindow,
  type GateContext,
} from '../../src/deploy/gates.js';
import { recordingExecutor } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';

const state = (s: object) =>
  JSON.stringify({
    Status: 'running',
    Running: true,
    Restarting: false,
    ExitCode: 0,
    StartedAt: 'T',
    FinishedAt: '',
    ...s,
  });

function ctx(
  answers: (argv: readonly string[]) => { stdout?: string; exitCode?: number } | undefined,
  over: Partial<GateContext> = {},
) {
  const exec = recordingExecutor(answers);
  const clock = fakeClock(0);
  const c: GateContext = {
    exec,
    clock,
    log: recordingLog(),
    container: 'bot-r1',
    port: 8001,
    healthPath: '/health',
    since: '2026-01-01T00:00:00Z',
    httpTool: 'curl',
    ...over,
  };
  return { c, exec, clock };
}

describe('gates', () => {
  it('running: healthy containers pass, starting ones wait, exited ones are fatal', async () => {
    expect((await runningGate(ctx(() => ({ stdout: state({}) })).c)).ok).toBe(true);
    const starting = await runningGate(
      ctx(() => ({ stdout: state({ Health: { Status: 'starting' } }) })).c,
    );
    expect(starting).toMatchObject({ ok: false, fatal: false, name: 'container-healthcheck' });
    const exited = await runningGate(
      ctx(() => ({ stdout: state({ Status: 'exited', Running: false, ExitCode: 1 }) })).c,
    );
    expect(exited).toMatchObject({
      ok: false,
      fatal: true,
      evidence: 'bot-r1 is exited (exit code 1)',
    });
  });

  it('http: curl or wget on the host, 2xx only', async () => {
    const { c, exec } = ctx((a) => (a[0] === 'curl' ? { stdout: '503' } : undefined));
    expect(await httpGate(c)).toMatchObject({
      ok: false,
      evidence: 'GET http://127.0.0.1:8001/health -> 503',
    });
    expect(exec.commands[0]!.argv).toEqual([
      'curl',
      '--silent',
      '--output',
      '/dev/null',
      '--write-out',
      '%{http_code}',
      '--max-time',
      '5',
      'http://127.0.0.1:8001/health',
    ]);
    const wget = ctx(() => undefined, { httpTool: 'wget' });
    expect((await httpGate(wget.c)).ok).toBe(true);
    expect(wget.exec.commands[0]!.argv.slice(0, 3)).toEqual(['timeout', '6', 'wget']);
    expect(await httpGate(ctx(() => undefined, { httpTool: 'none' }).c)).toMatchObject({
      ok: false,
      fatal: true,
      evidence: expect.stringMatching(/install curl or wget/),
    });
  });

  it('logs: a 409 or AUTH_KEY_DUPLICATED fails at once', async () => {
    const gate = logGate();
    expect((await gate(ctx(() => ({ stdout: 'polling ok\n' })).c)).ok).toBe(true);
    expect(
      await gate(ctx(() => ({ stdout: 'x\ntelethon: AUTH_KEY_DUPLICATED\n' })).c),
    ).toMatchObject({
      ok: false,
      fatal: true,
      evidence: 'log line: telethon: AUTH_KEY_DUPLICATED',
    });
  });

  // Real conflict signals, and lines that merely contain 409 (update ids, ports, counts).
  const conflictLines = [
    'HTTP Request: POST https://api.telegram.org/bot***/getUpdates "HTTP/1.1 409 Conflict"',
    'pollbot 2: getUpdates: 409 Conflict: terminated by other getUpdates request',
    'telegram.error.Conflict: Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    'aiogram: TelegramConflictError: Telegram server says - Conflict: terminated by other getUpdates request',
    '{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request"}',
    'response: {"ok": false, "error_code": 409}',
    'telethon: AUTH_KEY_DUPLICATED',
    'RPCError 406: AUTH_KEY_DUPLICATED (caused by GetStateRequest)',
  ];
  const harmlessLines = [
    'webhook: update 409 handled',
    'update_id=840912345 processed',
    'listening on 0.0.0.0:4090',
    'processed 1409 updates in 409 ms',
    '{"ok":true,"result":[{"update_id":409}]}',
    'merge Conflicts resolved in user settings',
    'ConflictResolver started',
    'error_code: 4091',
  ];
  it.each(conflictLines)('conflict line: %s', (line) => {
    expect(isConflictLine(line)).toBe(true);
  });
  it.each(harmlessLines)('not a conflict: %s', (line) => {
    expect(isConflictLine(line)).toBe(false);
  });

  it('logs: a line that only contains 409 (an update id, a port) passes the gate', async () => {
    const gate = logGate();
    const quiet = ctx(() => ({ stdout: `${harmlessLines.join('\n')}\n` }));
    expect(await gate(quiet.c)).toMatchObject({ ok: true });
    const loud = ctx(() => ({ stdout: `update 409 handled\n${conflictLines[0]}\n` }));
    expect(await gate(loud.c)).toMatchObject({
      ok: false,
      fatal: true,
      evidence: `log line: ${conflictLines[0]}`,
    });
  });

  it('waitReady polls once a second until ready, and gives up at the timeout naming the gate', async () => {
    let n = 0;
    const { c, clock } = ctx((a) =>
      a[0] === 'curl' ? { stdout: ++n >= 3 ? '200' : '502' } : { stdout: state({}) },
    );
    await waitReady(c, [runningGate, httpGate], 10);
    expect(clock.slept).toEqual([1000, 1000]);
    const never = ctx((a) => (a[0] === 'curl' ? { stdout: '502' } : { stdout: state({}) }));
    const error = await waitReady(never.c, [runningGate, httpGate], 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GateError);
    expect((error as GateError).result.name).toBe('http-health');
    expect(never.clock.slept).toHaveLength(3);
  });

  it('watchWindow checks for the whole window and stops at the first failure', async () => {
    const ok = ctx(() => ({ stdout: state({}) }));
    expect((await watchWindow(ok.c, [runningGate], 5)).checks).toBe(6);
    let n = 0;
    const bad = ctx(() => ({
      stdout: ++n > 2 ? state({ Status: 'exited', Running: false }) : state({}),
    }));
    await expect(watchWindow(bad.c, [runningGate], 5)).rejects.toThrow(
      /gate container-running failed/,
    );
  });
});
