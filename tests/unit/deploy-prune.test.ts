/**
 * The deploy plan's disk pieces as data: the pull carries the free-space check (with the current
 * release's image as the size estimate), keep-releases counts the kept releases, and the image
 * prune lists exactly the images no kept container or the new release uses.
 */
import { describe, expect, it } from '@jest/globals';
import { buildConfig, type RawDeployInputs } from '../../src/deploy/config.js';
import { MIB } from '../../src/deploy/disk.js';
import { buildPlan } from '../../src/deploy/plan.js';
import type { Probe } from '../../src/deploy/probe.js';
import { planText } from '../../src/deploy/print.js';
import { checkPlan } from '../../src/deploy/rules.js';
import type { ContainerInfo } from '../../src/deploy/docker.js';
import type { Release } from '../../src/host/state.js';
import { InputError } from '../../src/errors.js';

const LOCK = { ttlSeconds: 300, refreshSeconds: 60 };
const image = (n: number) => `reg.example/bot@sha256:${String(n).repeat(64)}`;
const worker: RawDeployInputs = {
  app: 'mybot',
  image: image(9),
  'bot-mode': 'worker',
  'keep-releases': '3',
};

const release = (n: number): Release => ({
  id: `r${n}`,
  image: image(n),
  container: `mybot-r${n}`,
  startedAt: '',
  strategy: 'blue-green',
});
const container = (n: number, state = 'exited'): ContainerInfo => ({
  name: `mybot-r${n}`,
  state,
  releaseId: `r${n}`,
  image: image(n),
});

/** A host after releases 1..5 (5 current and running, 4 previous), with the state to match. */
function probe(over: Partial<Probe> = {}): Probe {
  return {
    paths: {
      dir: '/s/mybot',
      state: '/s/mybot/state.json',
      lock: '/s/mybot/lock',
      audit: '/s/mybot/audit.jsonl',
      envFile: '/s/mybot/app.env',
      backups: '/s/mybot/backups',
    },
    state: {
      app: 'mybot',
      current: release(5),
      previous: release(4),
      history: [5, 4, 3, 2, 1, 0].map(release),
    },
    containers: [1, 2, 3, 4].map((n) => container(n)).concat(container(5, 'running')),
    httpTool: 'none',
    ...over,
  };
}

const plan = (raw: RawDeployInputs = worker, p: Probe = probe()) =>
  buildPlan({ lock: LOCK, config: buildConfig(raw), probe: p, releaseId: 'r9', now: '' });

describe('keep-releases counts the kept releases', () => {
  it('with a current and a previous release, 3 means the new one, the current and the previous', () => {
    const pruned = plan()
      .steps.filter((s) => s.id.startsWith('prune-mybot'))
      .map((s) => s.id);
    expect(pruned).toEqual(['prune-mybot-r3', 'prune-mybot-r2', 'prune-mybot-r1']);
  });
  it('keep-releases 5 keeps two more', () => {
    const pruned = plan({ ...worker, 'keep-releases': '5' })
      .steps.filter((s) => s.id.startsWith('prune-mybot'))
      .map((s) => s.id);
    expect(pruned).toEqual(['prune-mybot-r1']);
  });
});

describe('the image prune step', () => {
  it("lists the pruned containers' images and gone releases' images, keeps the rest", () => {
    const p = plan();
    const step = p.steps.find((s) => s.id === 'prune-images')!;
    const action = step.action as { kind: string; images: string[]; keep: string[] };
    expect(action.kind).toBe('prune-images');
    expect([...action.images].sort()).toEqual([image(0), image(1), image(2), image(3)]);
    expect([...action.keep].sort()).toEqual([image(4), image(5), image(9)]);
    expect(step.optional).toBe(true);
    expect(p.steps.at(-1)).toBe(step);
    expect(checkPlan(p)).toEqual([]);
    expect(planText(p)).toContain(`remove the images ${action.images[0]}`);
  });
  it('an image a kept container shares is never a candidate', () => {
    const containers = [1, 2, 3, 4]
      .map((n): ContainerInfo => ({ ...container(n), image: image(4) }))
      .concat(container(5, 'running'));
    const step = plan(
      worker,
      probe({ containers, state: { app: 'mybot', history: [] } }),
    ).steps.find((s) => s.id === 'prune-images');
    expect(step).toBeUndefined();
  });
  it('nothing pruned, no release gone: no step (plans stay as they were)', () => {
    const fresh = plan(worker, probe({ containers: [], state: { app: 'mybot', history: [] } }));
    expect(fresh.steps.some((s) => s.action.kind === 'prune-images')).toBe(false);
  });
});

describe('the free-space check travels with the pull', () => {
  it('margin from min-free-disk, the estimate from the current release image', () => {
    const pull = plan({ ...worker, 'min-free-disk': '1024' }).steps.find((s) => s.id === 'pull')!;
    expect(pull.action).toMatchObject({
      kind: 'pull',
      space: { marginBytes: 1024 * MIB, estimateFrom: image(5) },
    });
    expect(planText(plan())).toContain('256 MiB min-free-disk');
  });
  it('a first deploy has no estimate: the margin alone', () => {
    const pull = plan(
      worker,
      probe({ containers: [], state: { app: 'mybot', history: [] } }),
    ).steps.find((s) => s.id === 'pull')!;
    expect(pull.action).toMatchObject({ space: { marginBytes: 256 * MIB } });
    expect('estimateFrom' in (pull.action as { space: object }).space).toBe(false);
  });
  it('min-free-disk is checked by the schema limits, the error names it', () => {
    expect(() => buildConfig({ ...worker, 'min-free-disk': '-1' })).toThrow(InputError);
    expect(() => buildConfig({ ...worker, 'min-free-disk': 'lots' })).toThrow(/min-free-disk/);
  });
});
