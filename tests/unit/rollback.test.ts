import { fakeClock } from '../../src/clock.js';
import { StepError } from '../../src/errors.js';
import { recordingExecutor } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import type { Backend, HostPrimitives, TrafficProxy } from '../../src/deploy/ports.js';
import type { AppState, AuditEntry, Release } from '../../src/host/state.js';
import { appPaths } from '../../src/host/state.js';
import type { Check, ProbeResult } from '../../src/health/types.js';
import { planRollback, stateAfter, type RollbackSettings } from '../../src/deploy/rollback-plan.js';
import { rollback, RollbackError } from '../../src/deploy/engine.js';
import { windowGate } from '../../src/deploy/window.js';
import { planJson } from '../../src/deploy/print.js';

const rel = (n: number, extra: Partial<Release> = {}): Release => ({
  id: `20260101-00000${n}`,
  image: `reg/bot:v${n}`,
  container: `bot-20260101-00000${n}`,
  startedAt: `2026-01-01T00:00:0${n}.000Z`,
  strategy: 'blue-green',
  color: n % 2 ? 'blue' : 'green',
  port: n % 2 ? 8001 : 8002,
  ...extra,
});

// history newest first, as the deploy engine writes it
const state = (releases: Release[], previous?: Release): AppState => ({
  app: 'bot',
  current: releases[0],
  previous: previous ?? releases[1],
  history: releases,
});

describe('planRollback', () => {
  const [r4, r3, r2, r1] = [rel(4), rel(3), rel(2), rel(1)];

  it('goes to the previous release by default', () => {
    const plan = planRollback(state([r4!, r3!, r2!, r1!]), undefined, { force: false });
    expect(plan.from.id).toBe(r4!.id);
    expect(plan.to.id).toBe(r3!.id);
    expect(plan.over.map((r) => r.id)).toEqual([r4!.id]);
    expect(plan.forced).toBe(false);
    expect(plan.forward).toBe(false);
  });

  it('falls back to the newest older release when no previous is recorded', () => {
    const s: AppState = { app: 'bot', current: r4, history: [r1!, r4!, r2!] };
    expect(planRollback(s, 'previous', { force: false }).to.id).toBe(r2!.id);
  });

  it('goes to a named release and lists every release rolled over, newest first', () => {
    const plan = planRollback(state([r4!, r3!, r2!, r1!]), r1!.id, { force: false });
    expect(plan.to.id).toBe(r1!.id);
    expect(plan.over.map((r) => r.id)).toEqual([r4!.id, r3!.id, r2!.id]);
  });

  it('refuses an unknown release, naming the known ones', () => {
    expect(() => planRollback(state([r2!, r1!]), '20990101-000000', { force: false })).toThrow(
      /release 20990101-000000 is not in the host's history; known: 20260101-000002, 20260101-000001/,
    );
  });

  it('refuses the current release and an empty host', () => {
    expect(() => planRollback(state([r2!, r1!]), r2!.id, { force: false })).toThrow(
      /is the current release already/,
    );
    expect(() => planRollback({ app: 'bot', history: [] }, undefined, { force: false })).toThrow(
      /nothing is deployed/,
    );
    expect(() =>
      planRollback({ app: 'bot', current: r1, history: [r1!] }, undefined, { force: false }),
    ).toThrow(/no previous release recorded/);
  });

  it('refuses to cross an irreversible migration unless forced; the target own mark does not count', () => {
    const mig = rel(3, { irreversibleMigration: true });
    const s = state([r4!, mig, r2!, rel(1, { irreversibleMigration: true })]);
    expect(() => planRollback(s, r2!.id, { force: false })).toThrow(StepError);
    expect(() => planRollback(s, r2!.id, { force: false })).toThrow(
      /release 20260101-000003 \(reg\/bot:v3\) declared an irreversible migration.*force: true/,
    );
    // going to 3 itself crosses only 4: fine
    expect(planRollback(s, mig.id, { force: false }).forced).toBe(false);
    const forced = planRollback(s, r2!.id, { force: true });
    expect(forced.forced).toBe(true);
    expect(forced.irreversible.map((r) => r.id)).toEqual([mig.id]);
  });

  it('a mark in any copy of a release counts (history vs previous)', () => {
    const s = state([r4!, r3!, r2!]);
    s.history = s.history.map((r) => (r.id === r3!.id ? { ...r, irreversibleMigration: true } : r));
    expect(() => planRollback(s, r2!.id, { force: false })).toThrow(
      /20260101-000003 .* irreversible/,
    );
  });

  it('the current release declaring an irreversible migration blocks going to previous', () => {
    const s = state([rel(2, { irreversibleMigration: true }), r1!]);
    expect(() => planRollback(s, undefined, { force: false })).toThrow(/irreversible/);
  });

  it('after a rollback, previous is the newer release: a roll forward crosses nothing', () => {
    const after = stateAfter(
      state([r2!, r1!]),
      planRollback(state([r2!, r1!]), undefined, { force: false }),
    );
    expect(after.current?.id).toBe(r1!.id);
    expect(after.previous?.id).toBe(r2!.id);
    const again = planRollback(
      { ...after, history: [rel(2, { irreversibleMigration: true }), r1!] },
      undefined,
      { force: false },
    );
    expect(again.forward).toBe(true);
    expect(again.to.id).toBe(r2!.id);
    expect(again.over).toEqual([]);
  });
});

describe('windowGate', () => {
  const scripted = (answers: ProbeResult['status'][]): Check & { asked: number } => {
    const check = {
      name: 'error-rate',
      kind: 'prometheus' as const,
      asked: 0,
      async probe(): Promise<ProbeResult> {
        const status = answers[Math.min(check.asked, answers.length - 1)]!;
        check.asked++;
        return { status, summary: `answer ${check.asked}` };
      },
    };
    return check;
  };
  const ctx = () => ({
    exec: recordingExecutor(),
    clock: fakeClock(1_000_000),
    log: recordingLog(),
    container: 'c',
    since: '0',
    httpTool: 'none' as const,
  });

  it('pause (the default): waits for a conclusive answer, then passes', async () => {
    const check = scripted(['inconclusive', 'inconclusive', 'pass']);
    const c = ctx();
    const result = await windowGate(check)(c);
    expect(result).toEqual({ name: 'error-rate', ok: true, evidence: 'pass: answer 3' });
    expect(check.asked).toBe(3);
    expect(c.clock.slept).toEqual([1000, 1000]);
  });

  it('pause: still inconclusive after pauseSeconds fails the gate (the deploy rolls back)', async () => {
    const check = scripted(['inconclusive']);
    const verdicts: boolean[] = [];
    const result = await windowGate(check, {
      pauseSeconds: 5,
      onVerdict: (r) => verdicts.push(r.ok),
    })(ctx());
    expect(result.ok).toBe(false);
    expect(result.evidence).toMatch(/^inconclusive for 5s \(6 probes; on-inconclusive: fail\)/);
    expect(verdicts).toEqual([false]);
  });

  it('promote: an inconclusive answer passes at once and says so', async () => {
    const check = scripted(['inconclusive']);
    const result = await windowGate(check, { onInconclusive: 'promote' })(ctx());
    expect(result.ok).toBe(true);
    expect(result.evidence).toMatch(/inconclusive, promoted/);
    expect(check.asked).toBe(1);
  });

  it('a fail fails at once in both modes, fatal when final', async () => {
    for (const mode of ['pause', 'promote'] as const) {
      const result = await windowGate(scripted(['fail']), { onInconclusive: mode })(ctx());
      expect(result).toMatchObject({ ok: false, fatal: false, evidence: 'fail: answer 1' });
    }
  });
});

describe('rollback execution (recorded commands, in-memory host)', () => {
  const paths = appPaths('/srv/state', 'bot');
  const makeHost = (initial: AppState) => {
    const h = {
      state: initial,
      audit: [] as AuditEntry[],
      locks: [] as string[],
      released: 0,
    };
    const primitives: HostPrimitives = {
      appPaths,
      readState: async () => h.state,
      writeState: async (_e, _p, s) => void (h.state = s),
      appendAudit: async (_e, _p, entry) => void h.audit.push(entry),
      acquireLock: async (_e, dir) => {
        h.locks.push(dir);
        return { release: async () => void h.released++, refresh: async () => undefined };
      },
      writeFileAtomic: async () => undefined,
    };
    return { h, primitives };
  };
  const proxyStub = (routed: Backend[]) => {
    const calls: Backend[][] = [];
    const p: TrafficProxy & { calls: Backend[][] } = {
      kind: 'haproxy',
      calls,
      current: async () => routed,
      route: async (_e, b) => void calls.push(b),
      drain: async () => 0,
    };
    return p;
  };
  const settings = (extra: Partial<RollbackSettings> = {}): RollbackSettings => ({
    app: 'bot',
    stateBase: '/srv/state',
    force: false,
    dryRun: false,
    healthPath: '/health',
    stopGraceSeconds: 5,
    healthTimeoutSeconds: 3,
    drainSeconds: 2,
    gateWindowSeconds: 2,
    lockTimeoutSeconds: 10,
    ...extra,
  });
  const docker = (running: string[], exited: string[], health = '200') =>
    recordingExecutor((argv) => {
      if (argv[1] === 'ps')
        return {
          stdout: [...running.map((n) => [n, 'running']), ...exited.map((n) => [n, 'exited'])]
            .map(([n, s]) => JSON.stringify({ Names: n, State: s, Labels: 'tg-devops.app=bot' }))
            .join('\n'),
        };
      if (argv[0] === 'sh') return { stdout: '/usr/bin/curl\n' };
      if (argv[1] === 'inspect')
        return { stdout: JSON.stringify({ Status: 'running', Running: true, Restarting: false }) };
      if (argv[0] === 'curl') return { stdout: health };
      if (argv[1] === 'image') return { stdout: '{"org.opencontainers.image.version":"x"}' };
      if (argv[1] === 'logs') return { stdout: 'polling\n' };
      return undefined;
    });
  const r1 = rel(1);
  const r2 = rel(2);
  const deps = (exec: ReturnType<typeof docker>, host: HostPrimitives, proxy?: TrafficProxy) => ({
    exec,
    host,
    proxy,
    clock: fakeClock(Date.parse('2026-01-02T00:00:00Z')),
    log: recordingLog(),
    holder: { runId: '7', actor: 'octocat' },
  });
  const verbs = (exec: ReturnType<typeof docker>) =>
    exec.commands
      .map((c) => c.argv)
      .filter((a) => a[0] === 'docker' && ['start', 'stop'].includes(a[1]!))
      .map((a) => `${a[1]} ${a.at(-1)}`);

  it('proxy mode: starts the kept target, gates it, routes to it, stops the current; state and audit', async () => {
    const { h, primitives } = makeHost(state([r2, r1]));
    const exec = docker([r2.container], [r1.container]);
    const proxy = proxyStub([{ color: 'green', port: 8002, weight: 100 }]);
    const report = await rollback(
      settings({ reason: 'manual rollback by octocat' }),
      deps(exec, primitives, proxy),
    );
    expect(report.plan.strategy).toBe('proxy switch');
    expect(verbs(exec)).toEqual([`start ${r1.container}`, `stop ${r2.container}`]);
    // the current line stays at 0 (nginx: down) while its port drains
    expect(proxy.calls).toEqual([
      [
        { color: 'blue', port: 8001, weight: 100 },
        { color: 'green', port: 8002, weight: 0 },
      ],
    ]);
    const curl = exec.commands.find((c) => c.argv[0] === 'curl')!.argv;
    expect(curl.at(-1)).toBe('http://127.0.0.1:8001/health');
    expect(h.state.current?.id).toBe(r1.id);
    expect(h.state.previous?.id).toBe(r2.id);
    expect(h.audit).toEqual([
      expect.objectContaining({
        action: 'rollback',
        release: r1.id,
        result: 'success',
        actor: 'octocat',
        detail: `from ${r2.id}; manual rollback by octocat`,
      }),
    ]);
    expect(h.locks).toEqual([paths.lock]);
    expect(h.released).toBe(1);
  });

  it('proxy mode: a target that fails its health gate is stopped again; nothing routed; the current serves', async () => {
    const { h, primitives } = makeHost(state([r2, r1]));
    const exec = docker([r2.container], [r1.container], '500');
    const proxy = proxyStub([{ color: 'green', port: 8002, weight: 100 }]);
    const error = await rollback(settings(), deps(exec, primitives, proxy)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RollbackError);
    expect((error as Error).message).toMatch(
      /gate http-health failed: GET http:\/\/127\.0\.0\.1:8001\/health -> 500.*undone: 20260101-000002 still serves/,
    );
    expect(verbs(exec)).toEqual([`start ${r1.container}`, `stop ${r1.container}`]);
    expect(proxy.calls).toEqual([]);
    expect(h.state.current?.id).toBe(r2.id);
    expect(h.audit[0]).toMatchObject({ action: 'rollback', result: 'failure' });
    expect(h.released).toBe(1);
  });

  it('handover mode (polling bot, no proxy): stops the current before starting the target', async () => {
    const p1 = rel(1, { color: undefined, port: undefined, strategy: 'handover' });
    const p2 = rel(2, { color: undefined, port: undefined, strategy: 'handover' });
    const { h, primitives } = makeHost(state([p2, p1]));
    const exec = docker([p2.container], [p1.container]);
    const report = await rollback(settings({ healthPath: undefined }), deps(exec, primitives));
    expect(report.plan.strategy).toBe('handover');
    expect(verbs(exec)).toEqual([`stop ${p2.container}`, `start ${p1.container}`]);
    expect(exec.commands.some((c) => c.argv[1] === 'logs')).toBe(true);
    expect(h.state.current?.id).toBe(p1.id);
  });

  it('refuses a pruned target and an irreversible migration before any change, holding the lock', async () => {
    const { h, primitives } = makeHost(state([r2, r1]));
    const exec = docker([r2.container], []);
    await expect(rollback(settings(), deps(exec, primitives))).rejects.toThrow(
      /container bot-20260101-000001 of release 20260101-000001 is gone.*deploy its image reg\/bot:v1 again/,
    );
    const mig = makeHost(state([rel(2, { irreversibleMigration: true }), r1]));
    const exec2 = docker([r2.container], [r1.container]);
    await expect(rollback(settings(), deps(exec2, mig.primitives))).rejects.toThrow(/irreversible/);
    for (const e of [exec, exec2]) expect(verbs(e)).toEqual([]);
    expect(h.audit).toEqual([]);
    expect(mig.h.released).toBe(1);
  });

  it('the image label org.tg-devops.migration=irreversible counts as a declaration', async () => {
    const { primitives } = makeHost(state([r2, r1]));
    const exec = recordingExecutor((argv) => {
      if (argv[1] === 'image' && argv.at(-1) === r2.image)
        return { stdout: '{"org.tg-devops.migration":"irreversible"}' };
      if (argv[1] === 'ps')
        return {
          stdout: [r2.container, r1.container]
            .map((n) => JSON.stringify({ Names: n, State: 'running' }))
            .join('\n'),
        };
      return undefined;
    });
    await expect(rollback(settings(), deps(exec as never, primitives))).rejects.toThrow(
      /20260101-000002 \(reg\/bot:v2\) declared an irreversible migration/,
    );
  });

  it('the dry-run plan JSON lists an effect for every step and every undo', async () => {
    const { primitives } = makeHost(state([r2, r1]));
    const exec = docker([r2.container], [r1.container]);
    const report = await rollback(
      settings({ dryRun: true }),
      deps(exec, primitives, proxyStub([{ color: 'green', port: 8002, weight: 100 }])),
    );
    const json = JSON.parse(planJson(report.plan)) as {
      kind: string;
      steps: { effect: string; undo?: { effects: string[] } }[];
    };
    expect(json.kind).toBe('rollback');
    expect(json.steps).toHaveLength(6);
    for (const step of json.steps) {
      expect(step.effect).toMatch(/\S{3,}/);
      for (const e of step.undo?.effects ?? []) expect(e).toMatch(/\S{3,}/);
    }
  });

  it('dry-run prints the plan and runs only read-only commands, without the lock', async () => {
    const { h, primitives } = makeHost(state([r2, r1]));
    const exec = docker([r2.container], [r1.container]);
    const d = deps(exec, primitives, proxyStub([{ color: 'green', port: 8002, weight: 100 }]));
    const report = await rollback(settings({ dryRun: true }), d);
    expect(report.dryRun).toBe(true);
    expect(report.plan.steps.map((s) => s.action.kind)).toEqual([
      'container',
      'gate',
      'route',
      'drain',
      'container',
      'record',
    ]);
    expect(report.plan.steps.find((s) => s.action.kind === 'drain')!.action).toMatchObject({
      container: { name: r2.container, port: 8002 },
    });
    for (const c of exec.commands)
      expect(
        ['cat', 'docker ps', 'docker image', 'sh'].some((p) => c.argv.join(' ').startsWith(p)),
      ).toBe(true);
    expect(h.locks).toEqual([]);
    expect((d.log as ReturnType<typeof recordingLog>).text()).toMatch(
      /dry-run: nothing changes on recorded\nRollback of bot: proxy switch, release 20260101-000001[\s\S]*note {5}roll back bot from 20260101-000002/,
    );
  });
});
