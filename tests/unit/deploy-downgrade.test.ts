/**
 * A downgrade deploy (issue 12) meets the rollback's irreversible-migration rule through the same
 * function (irreversibleCrossed in src/deploy/rollback-plan.ts): refused before anything changes,
 * naming both releases, unless force; a normal deploy is not held by it.
 */
import { describe, expect, it } from '@jest/globals';
import { fakeClock } from '../../src/clock.js';
import { buildConfig, type RawDeployInputs } from '../../src/deploy/config.js';
import { deploy } from '../../src/deploy/engine.js';
import { READ_ONLY_COMMANDS } from '../../src/deploy/probe.js';
import { planDowngrade, planRollback } from '../../src/deploy/rollback-plan.js';
import { StepError } from '../../src/errors.js';
import type { AppState, Release } from '../../src/host/state.js';
import { recordingLog } from '../../src/log.js';
import { dockerHost, memoryHost, type FakeContainer } from '../helpers/memory-host.js';

const release = (n: number, extra: Partial<Release> = {}): Release => ({
  id: `2026010${n}-000000`,
  image: `ghcr.io/org/bot:v${n}`,
  color: n % 2 ? 'blue' : 'green',
  container: `mybot-2026010${n}-000000`,
  startedAt: `2026-01-0${n}T00:00:00Z`,
  strategy: 'blue-green',
  ...extra,
});
const v1 = release(1);
const v2 = release(2, { irreversibleMigration: true });
const v3 = release(3);

const worker = (extra: Partial<RawDeployInputs> = {}): RawDeployInputs => ({
  app: 'mybot',
  image: 'ghcr.io/org/bot:v1',
  'bot-mode': 'worker',
  'gate-window': '0',
  ...extra,
});

function world(state: AppState, labels?: string) {
  const containers = new Map<string, FakeContainer>();
  for (const r of state.history)
    containers.set(r.container, {
      state: r.id === state.current?.id ? 'running' : 'exited',
      release: r.id,
      color: r.color,
      image: r.image,
    });
  const exec = dockerHost('mybot', containers, { labels });
  const host = memoryHost(state);
  const log = recordingLog();
  const run = (raw: RawDeployInputs) =>
    deploy(buildConfig(raw), {
      exec,
      host,
      clock: fakeClock(Date.parse('2026-01-09T00:00:00Z')),
      log,
      holder: { runId: '1', actor: 'tester' },
      releaseId: '20260109-000000',
    });
  const changed = () =>
    exec.commands
      .map((c) => c.argv)
      .filter((a) => a[0] !== 'mkdir')
      .filter((a) => !READ_ONLY_COMMANDS.some((p) => p.every((w, i) => a[i] === w)));
  return { exec, host, log, run, changed, containers };
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e as StepError,
  );

describe('downgrade: true meets the rollback rule', () => {
  it('refuses to replace a current release that declared an irreversible migration, naming both, changing nothing', async () => {
    const state: AppState = { app: 'mybot', current: v2, previous: v1, history: [v2, v1] };
    const w = world(state);
    const error = await refusal(w.run(worker({ downgrade: 'true' })));
    expect(error).toBeInstanceOf(StepError);
    expect(error.step).toBe('downgrade');
    expect(error.message).toContain(`downgrade ${v2.id} (${v2.image})`);
    expect(error.message).toContain(`release 20260109-000000 (ghcr.io/org/bot:v1)`);
    expect(error.message).toMatch(/declared an irreversible migration.*force: true/);
    expect(w.changed()).toEqual([]);
    expect(w.host.state).toBe(state);
    expect(w.host.audits).toEqual([]);
  });

  it('force: true goes past it, saying so in the plan, the log and the audit line', async () => {
    const w = world({ app: 'mybot', current: v2, previous: v1, history: [v2, v1] });
    const report = await w.run(worker({ downgrade: 'true', force: 'true' }));
    expect(report.result?.ok).toBe(true);
    expect(w.host.state.current?.id).toBe('20260109-000000');
    expect(report.plan.notes.join('\n')).toContain(
      `downgrading past the irreversible migration of ${v2.id}`,
    );
    expect(w.log.text()).toContain('force: downgrading past');
    expect(w.host.audits.at(-1)).toMatchObject({ result: 'success' });
    expect(w.host.audits.at(-1)?.detail).toContain(`downgrade forced past`);
  });

  it('without downgrade the same deploy is not held (a normal release replaces any release)', async () => {
    const w = world({ app: 'mybot', current: v2, previous: v1, history: [v2, v1] });
    const report = await w.run(worker());
    expect(report.result?.ok).toBe(true);
    expect(report.plan.notes.join('\n')).not.toContain('downgrading');
  });

  it('a current release marked only by its image label is refused too', async () => {
    const unmarked = { ...v2, irreversibleMigration: undefined };
    const w = world(
      { app: 'mybot', current: unmarked, previous: v1, history: [unmarked, v1] },
      JSON.stringify({ 'org.tg-devops.migration': 'irreversible' }),
    );
    const error = await refusal(w.run(worker({ downgrade: 'true' })));
    expect(error.message).toContain(`release ${v2.id} (${v2.image}) declared`);
    expect(w.changed()).toEqual([]);
  });

  it('a reversible current release downgrades', async () => {
    const w = world({ app: 'mybot', current: v3, previous: v1, history: [v3, v1] });
    const report = await w.run(worker({ downgrade: 'true', image: 'ghcr.io/org/bot:v0' }));
    expect(report.result?.ok).toBe(true);
  });
});

describe('planDowngrade: what a downgrade crosses', () => {
  const state: AppState = { app: 'mybot', current: v3, previous: v2, history: [v3, v2, v1] };

  it('back to an image the history holds: the releases between, as a rollback to it would', () => {
    const refused = (() => {
      try {
        planDowngrade(state, { id: 'r9', image: v1.image }, { force: false });
      } catch (e) {
        return e as StepError;
      }
    })();
    expect(refused?.message).toContain(`release ${v2.id} (${v2.image}) declared`);
    // the rollback to v1 is refused by the same words
    expect(() => planRollback(state, v1.id, { force: false })).toThrow(
      `release ${v2.id} (${v2.image}) declared an irreversible migration`,
    );
    const forced = planDowngrade(state, { id: 'r9', image: v1.image }, { force: true });
    expect(forced.over.map((r) => r.id)).toEqual([v3.id, v2.id]);
    expect(forced).toMatchObject({ forced: true, irreversible: [v2] });
  });

  it('to an image the host never ran: only the current release is crossed', () => {
    const crossing = planDowngrade(state, { id: 'r9', image: 'x:v0' }, { force: false });
    expect(crossing).toEqual({ over: [v3], irreversible: [], forced: false });
  });

  it('nothing deployed: nothing crossed', () => {
    expect(
      planDowngrade({ app: 'mybot', history: [] }, { id: 'r9', image: 'x' }, { force: false }),
    ).toEqual({ over: [], irreversible: [], forced: false });
  });
});
