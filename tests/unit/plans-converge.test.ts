/**
 * How the next deploy converges after a cut-off one, decided on the plan alone (buildPlan is a
 * pure function of the probe): what the integration suite proved with two slow cut-off runs
 * over SSH. The real edges (a killed connection, the stale lock taken over, docker rm on the
 * host) stay in tests/integration/deploy-killed.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { buildConfig, type RawDeployInputs } from '../../src/deploy/config.js';
import type { ContainerInfo } from '../../src/deploy/docker.js';
import { buildPlan } from '../../src/deploy/plan.js';
import type { Probe } from '../../src/deploy/probe.js';
import { appPaths, type Release } from '../../src/host/state.js';

const LOCK = { ttlSeconds: 300, refreshSeconds: 60 };
const IMAGE = `ghcr.io/org/bot@sha256:${'c'.repeat(64)}`;
const raw = (extra: Partial<RawDeployInputs> = {}): RawDeployInputs => ({
  app: 'mybot',
  image: IMAGE,
  'bot-mode': 'webhook',
  'health-path': '/health',
  ...extra,
});

const old: Release = {
  id: '20260101-000001',
  image: 'ghcr.io/org/bot:v1',
  color: 'blue',
  port: 8001,
  container: 'mybot-20260101-000001',
  startedAt: '2026-01-01T00:00:01Z',
  strategy: 'blue-green',
};

const container = (id: string, color: 'blue' | 'green', state = 'running'): ContainerInfo => ({
  name: `mybot-${id}`,
  state,
  releaseId: id,
  color,
  image: IMAGE,
  createdAt: `2026-01-01T00:00:0${id.slice(-1)}Z`,
});

function probe(over: Partial<Probe>): Probe {
  return {
    paths: appPaths('/var/lib/tg-devops', 'mybot'),
    state: { app: 'mybot', current: old, history: [old] },
    containers: [],
    httpTool: 'curl',
    ...over,
  };
}

const plan = (config: RawDeployInputs, p: Probe) =>
  buildPlan({
    lock: LOCK,
    config: buildConfig(config),
    releaseId: '20260101-000009',
    now: '',
    probe: p,
  });

/** The container actions of a plan, as `op name`. */
const containerOps = (steps: ReturnType<typeof plan>['steps']) =>
  steps.flatMap((s) =>
    s.action.kind === 'container' ? [`${s.action.op} ${s.action.container.name}`] : [],
  );

describe('after a blue-green cut off once its new color had started (never routed)', () => {
  const cut = probe({
    routed: [
      { color: 'blue', port: 8001, weight: 100 },
      { color: 'green', port: 8002, weight: 0 },
    ],
    containers: [container('20260101-000001', 'blue'), container('20260101-000005', 'green')],
  });

  it('keeps the release the proxy routes to as current and removes the stray new color first', () => {
    const p = plan(raw(), cut);
    expect(p.current?.id).toBe(old.id);
    const ops = containerOps(p.steps);
    expect(ops[0]).toMatch(/^remove mybot-20260101-000005$/);
    // the release that serves is never touched before the new one has taken over
    const firstOld = ops.findIndex((o) => o.endsWith(old.container));
    expect(firstOld === -1 || firstOld > ops.findIndex((o) => o.startsWith('start '))).toBe(true);
  });
});

describe('after a handover cut off once its new container had started (no proxy)', () => {
  const cut = probe({
    state: { app: 'mybot', current: { ...old, strategy: 'handover' }, history: [old] },
    containers: [
      container('20260101-000001', 'blue', 'exited'),
      container('20260101-000005', 'green'),
    ],
  });

  it('adopts the container that runs as the current release: nothing running is removed', () => {
    const p = plan(raw({ 'bot-mode': 'polling', 'health-path': '', proxy: 'none' }), cut);
    expect(p.current?.container).toBe('mybot-20260101-000005');
    expect(containerOps(p.steps).some((o) => /^remove mybot-20260101-000005$/.test(o))).toBe(false);
    expect(p.notes.join('\n')).toMatch(/adopting mybot-20260101-000005/);
  });
});
