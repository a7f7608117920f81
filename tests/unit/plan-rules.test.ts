/**
 * The safety rules (src/deploy/rules.ts) hold on every plan the engine builds: generated
 * configurations and host states (fast-check), at least 1,000 plans per strategy (blue-green,
 * canary, handover, rollback; a canary held, promoted and aborted). And each rule refuses a plan
 * that breaks it (mutations).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { buildConfig, type RawDeployInputs } from '../../src/deploy/config.js';
import type { ContainerInfo } from '../../src/deploy/docker.js';
import { deployBudget, lockFor, rollbackBudget } from '../../src/deploy/engine.js';
import { buildPlan } from '../../src/deploy/plan.js';
import { planJson, planText } from '../../src/deploy/print.js';
import type { Probe } from '../../src/deploy/probe.js';
import {
  buildRollbackPlan,
  planRollback,
  type RollbackSettings,
} from '../../src/deploy/rollback-plan.js';
import { hostBefore } from '../../src/deploy/plan.js';
import { buildResumePlan, refuseWhileHeld } from '../../src/deploy/resume-plan.js';
import {
  assertSafe,
  checkPlan,
  checkPollers,
  PlanRefused,
  type Violation,
} from '../../src/deploy/rules.js';
import { effect, type Plan, type Step } from '../../src/deploy/steps.js';
import { appPaths, type AppState, type Release } from '../../src/host/state.js';
import type { Backend, Color } from '../../src/proxy/types.js';

const RUNS = 1000;
const DIGEST = `sha256:${'d'.repeat(64)}`;
const PORTS = { blue: 8001, green: 8002 };
const paths = appPaths('/var/lib/tg-devops', 'bot');

const release = (n: number, color: Color | undefined, extra: Partial<Release> = {}): Release => ({
  id: `2026010${n}-000000`,
  image: `reg/bot:v${n}`,
  container: `bot-2026010${n}-000000`,
  startedAt: `2026-01-0${n}T00:00:00Z`,
  strategy: 'blue-green',
  color,
  port: color ? PORTS[color] : undefined,
  ...extra,
});

/** A host as a cut-off or a clean earlier run may have left it. */
interface HostShape {
  current?: Release;
  previous?: Release;
  currentRunning: boolean;
  previousRunning: boolean;
  stray?: { color: Color; running: boolean };
  routing: 'none' | 'current' | 'current+zero' | 'split' | 'stray';
}

const colorArb = fc.constantFrom<Color>('blue', 'green');

function hostArb(takesTraffic: boolean): fc.Arbitrary<HostShape> {
  return fc
    .record({
      hasCurrent: fc.boolean(),
      hasPrevious: fc.boolean(),
      color: colorArb,
      currentRunning: fc.boolean(),
      previousRunning: fc.boolean(),
      stray: fc.option(fc.record({ color: colorArb, running: fc.boolean() }), { nil: undefined }),
      routing: fc.constantFrom('none', 'current', 'current+zero', 'split', 'stray') as fc.Arbitrary<
        HostShape['routing']
      >,
    })
    .map((h): HostShape => {
      const other: Color = h.color === 'blue' ? 'green' : 'blue';
      const current = h.hasCurrent
        ? release(3, takesTraffic ? h.color : undefined, { proxy: 'nginx' })
        : undefined;
      const previous =
        h.hasCurrent && h.hasPrevious
          ? release(2, takesTraffic ? other : undefined, { proxy: 'nginx' })
          : undefined;
      return {
        current,
        previous,
        currentRunning: h.currentRunning && Boolean(current),
        previousRunning: h.previousRunning && Boolean(previous),
        stray: h.stray,
        routing: takesTraffic ? h.routing : 'none',
      };
    });
}

function probeOf(shape: HostShape, proxy: boolean): Probe {
  const containers: ContainerInfo[] = [];
  const add = (r: Release | undefined, running: boolean) => {
    if (r)
      containers.push({
        name: r.container,
        state: running ? 'running' : 'exited',
        releaseId: r.id,
        color: r.color,
        image: r.image,
      });
  };
  add(shape.current, shape.currentRunning);
  add(shape.previous, shape.previousRunning);
  if (shape.stray)
    containers.push({
      name: 'bot-20260109-000000',
      state: shape.stray.running ? 'running' : 'exited',
      releaseId: '20260109-000000',
      color: shape.stray.color,
    });
  let routed: Backend[] | undefined;
  if (proxy) {
    const c = shape.current;
    const s = shape.stray;
    routed = [];
    if (c?.color && c.port) {
      if (shape.routing === 'current') routed = [{ color: c.color, port: c.port, weight: 100 }];
      if (shape.routing === 'current+zero')
        routed = [
          { color: c.color, port: c.port, weight: 100 },
          {
            color: c.color === 'blue' ? 'green' : 'blue',
            port: PORTS[c.color === 'blue' ? 'green' : 'blue'],
            weight: 0,
          },
        ];
      if (shape.routing === 'split' && s && s.color !== c.color)
        routed = [
          { color: c.color, port: c.port, weight: 90 },
          { color: s.color, port: PORTS[s.color], weight: 10 },
        ];
    }
    if (shape.routing === 'stray' && s)
      routed = [{ color: s.color, port: PORTS[s.color], weight: 100 }];
  }
  const state: AppState = {
    app: 'bot',
    current: shape.current,
    previous: shape.previous,
    history: [shape.current, shape.previous].filter((r): r is Release => r !== undefined),
  };
  return { paths, state, containers, routed, httpTool: 'curl' };
}

type Strategy = 'blue-green' | 'canary' | 'handover';

function configArb(strategy: Strategy): fc.Arbitrary<RawDeployInputs> {
  const botMode =
    strategy === 'handover'
      ? fc.constantFrom('polling', 'mtproto', 'webhook', 'worker')
      : strategy === 'canary'
        ? fc.constant('webhook')
        : fc.constantFrom('webhook', 'worker');
  return fc
    .record({
      botMode,
      proxy:
        strategy === 'canary'
          ? fc.constantFrom('nginx', 'haproxy')
          : fc.constantFrom('nginx', 'haproxy', 'none'),
      health: fc.boolean(),
      steps: fc.constantFrom('10,50,100', '25,100', '5,10,20,50,100', '100'),
      window: fc.integer({ min: 0, max: 120 }),
      interval: fc.integer({ min: 1, max: 300 }),
      drain: fc.integer({ min: 0, max: 60 }),
      grace: fc.integer({ min: 1, max: 120 }),
      timeout: fc.integer({ min: 1, max: 600 }),
      preDeploy: fc.boolean(),
      registry: fc.boolean(),
      keep: fc.integer({ min: 2, max: 6 }),
      // issue 13: the webhook's server block and registration; a polling bot's deleteWebhook
      webhook: fc.constantFrom('none', 'register', 'block', 'block+secret', 'all'),
      token: fc.boolean(),
    })
    .map((c) => {
      const webhook = c.botMode === 'webhook';
      const raw: RawDeployInputs = {
        app: 'bot',
        image: `reg.example.com/bot@${DIGEST}`,
        'bot-mode': c.botMode,
        strategy,
        proxy: c.botMode === 'polling' || c.botMode === 'mtproto' ? 'none' : c.proxy,
        'health-path': webhook || c.health ? '/health' : '',
        'canary-steps': c.steps,
        'gate-window': String(c.window),
        'step-interval': String(c.interval),
        'drain-seconds': String(c.drain),
        'stop-grace': String(c.grace),
        'health-timeout': String(c.timeout),
        'keep-releases': String(c.keep),
        env: 'BOT_TOKEN=123:SECRET-TOKEN\nDATABASE_URL=postgres://u:PGPASS@db/bot',
      };
      if (c.preDeploy) raw['pre-deploy'] = 'alembic upgrade head';
      if (webhook && raw.proxy !== 'none' && c.webhook !== 'none') {
        raw['webhook-url'] = 'https://bot.example.net:8443/tg/hook';
        if (c.webhook !== 'register') {
          raw['tls-certificate'] = '/etc/letsencrypt/live/bot/fullchain.pem';
          raw['tls-key'] = '/etc/letsencrypt/live/bot/privkey.pem';
        }
        if (c.webhook === 'block+secret' || c.webhook === 'all')
          raw['webhook-secret'] = 'HOOK-SECRET';
        if (c.webhook === 'register' || c.webhook === 'all') raw['telegram-bot-token'] = BOT_TOKEN;
      }
      if (c.botMode === 'polling' && c.token) raw['telegram-bot-token'] = BOT_TOKEN;
      if (c.registry) {
        raw.registry = 'reg.example.com';
        raw['registry-username'] = 'ci';
        raw['registry-password'] = 'REGISTRY-SECRET';
      }
      return raw;
    });
}

const BOT_TOKEN = '123456789:BOT-TOKEN-SECRET-abcdefghijklmnopqrstuvwxyz';
const LOCK = lockFor(300);
let count: Record<string, number> = {};

function deployPlan(raw: RawDeployInputs, shape: HostShape): Plan {
  const config = buildConfig(raw);
  const proxied = config.proxy !== 'none';
  return buildPlan({
    config,
    probe: probeOf(shape, proxied),
    releaseId: '20260110-000000',
    now: '2026-01-10T00:00:00Z',
    proxy: proxied ? { kind: config.proxy as 'nginx' | 'haproxy', frontendPort: 9000 } : undefined,
    lock: LOCK,
    verifyPauseSeconds: 5,
    nginxConfDir: proxied ? '/etc/nginx/conf.d' : undefined,
  });
}

/** The engine's lock (taken before the plan, from the settings) covers every bounded step. */
function lockCovers(plan: Plan, lock: { ttlSeconds: number }): void {
  const longest = Math.max(
    ...plan.steps.map((s) => s.budgetSeconds ?? 0),
    ...plan.steps.flatMap((s) => (s.undo ? [s.budgetSeconds ?? 0] : [])),
  );
  expect(lock.ttlSeconds).toBeGreaterThanOrEqual(Math.min(900, longest + 60));
}

/** Every step prints an effect; the JSON holds no secret. */
function printable(plan: Plan): void {
  for (const s of [...plan.steps, ...plan.cleanup]) {
    expect(effect(s.action).length).toBeGreaterThan(8);
    for (const a of s.undo?.actions ?? []) expect(effect(a).length).toBeGreaterThan(8);
  }
  const json = planJson(plan);
  for (const secret of ['SECRET-TOKEN', 'PGPASS', 'REGISTRY-SECRET', 'HOOK-SECRET', BOT_TOKEN]) {
    expect(json).not.toContain(secret);
    expect(planText(plan)).not.toContain(secret);
  }
}

describe('every generated plan passes the safety rules (fast-check)', () => {
  count = {};
  for (const strategy of ['blue-green', 'canary', 'handover'] as const) {
    it(`${strategy}: ${RUNS} generated configurations and host states`, () => {
      fc.assert(
        fc.property(
          configArb(strategy).chain((raw) =>
            hostArb(raw['bot-mode'] === 'webhook' || Boolean(raw['health-path'])).map(
              (shape) => [raw, shape] as const,
            ),
          ),
          ([raw, shape]) => {
            const plan = deployPlan(raw, shape);
            const violations = checkPlan(plan);
            if (violations.length) throw new Error(JSON.stringify({ violations, raw, shape }));
            printable(plan);
            lockCovers(plan, lockFor(deployBudget(buildConfig(raw), 5)));
            count[strategy] = (count[strategy] ?? 0) + 1;
            for (const step of plan.steps)
              if (step.action.kind === 'webhook' || step.action.kind === 'webhook-server')
                count[`${strategy} ${step.id}`] = (count[`${strategy} ${step.id}`] ?? 0) + 1;
          },
        ),
        { numRuns: RUNS },
      );
      expect(count[strategy]).toBeGreaterThanOrEqual(RUNS);
    });
  }

  it(`rollback: ${RUNS} generated states, targets and proxies`, () => {
    fc.assert(
      fc.property(
        fc.record({
          web: fc.boolean(),
          currentColor: colorArb,
          sameColor: fc.boolean(),
          currentRunning: fc.boolean(),
          targetRunning: fc.boolean(),
          proxy: fc.constantFrom('nginx', 'haproxy', 'none'),
          routing: fc.constantFrom('current', 'current+zero', 'none'),
          health: fc.boolean(),
          window: fc.integer({ min: 0, max: 60 }),
          drain: fc.integer({ min: 0, max: 60 }),
          grace: fc.integer({ min: 0, max: 120 }),
          timeout: fc.integer({ min: 1, max: 600 }),
          // issue 13: what each release recorded of its webhook, and whether a token can set it
          currentHook: fc.constantFrom('none', 'a', 'a+block', 'b+block'),
          targetHook: fc.constantFrom('none', 'a', 'a+block', 'b+block'),
          registers: fc.boolean(),
        }),
        (r) => {
          const other: Color = r.currentColor === 'blue' ? 'green' : 'blue';
          const targetColor = r.sameColor ? r.currentColor : other;
          const hook = (h: string): Partial<Release> =>
            h === 'none' || !r.web
              ? {}
              : {
                  webhook: {
                    url: `https://${h[0]}.example.net/hook`,
                    secretSha256: h === 'a' ? undefined : `${h[0]}`.repeat(64),
                    ...(h.endsWith('+block')
                      ? { server: { certificate: '/etc/tls/c.pem', key: '/etc/tls/k.pem' } }
                      : {}),
                  },
                };
          const current = release(3, r.web ? r.currentColor : undefined, hook(r.currentHook));
          const target = release(2, r.web ? targetColor : undefined, hook(r.targetHook));
          const state: AppState = {
            app: 'bot',
            current,
            previous: target,
            history: [current, target],
          };
          const shape: HostShape = {
            current,
            previous: target,
            currentRunning: r.currentRunning,
            previousRunning: r.targetRunning,
            routing: r.web ? r.routing : 'none',
          };
          const proxied = r.web && r.proxy !== 'none';
          const probe = probeOf(shape, proxied);
          const settings: RollbackSettings = {
            app: 'bot',
            stateBase: '/var/lib/tg-devops',
            force: false,
            dryRun: false,
            healthPath: r.health ? '/health' : undefined,
            stopGraceSeconds: r.grace,
            healthTimeoutSeconds: r.timeout,
            drainSeconds: r.drain,
            gateWindowSeconds: r.window,
            lockTimeoutSeconds: 60,
          };
          const plan = buildRollbackPlan({
            choice: planRollback(state, undefined, { force: false }),
            settings,
            state,
            before: hostBefore(undefined, probe),
            proxy: proxied ? { kind: r.proxy as 'nginx' | 'haproxy' } : undefined,
            lock: LOCK,
            webhook: {
              nginxConfDir: proxied ? '/etc/nginx/conf.d' : undefined,
              registers: r.registers,
            },
          });
          const violations = checkPlan(plan);
          if (violations.length) throw new Error(JSON.stringify({ violations, r }));
          for (const step of plan.steps)
            if (step.action.kind === 'webhook' || step.action.kind === 'webhook-server')
              count[`rollback ${step.id}`] = (count[`rollback ${step.id}`] ?? 0) + 1;
          printable(plan);
          lockCovers(plan, lockFor(rollbackBudget(settings)));
          // the drain waits on the port of the release it leaves, whatever the upstream says
          for (const s of plan.steps)
            if (s.action.kind === 'drain') expect(s.action.container.port).toBe(current.port);
          count.rollback = (count.rollback ?? 0) + 1;
        },
      ),
      { numRuns: RUNS },
    );
    expect(count.rollback).toBeGreaterThanOrEqual(RUNS);
  });
});

// ---- each rule refuses a plan that breaks it -----------------------------------------------------

const web: RawDeployInputs = {
  app: 'bot',
  image: `reg.example.com/bot@${DIGEST}`,
  'bot-mode': 'webhook',
  'health-path': '/health',
};
const serving: HostShape = {
  current: release(3, 'blue'),
  previous: release(2, 'green'),
  currentRunning: true,
  previousRunning: false,
  routing: 'current',
};
const rules = (plan: Plan) => checkPlan(plan).map((v: Violation) => v.rule);
const without = (plan: Plan, kind: Step['action']['kind']): Plan => ({
  ...plan,
  steps: plan.steps.filter((s) => s.action.kind !== kind),
});

describe('the generated plans cover the webhook steps (issue 13)', () => {
  it('server block, registration and the new-secret block in every strategy; deleteWebhook in handover', () => {
    for (const strategy of ['blue-green', 'canary', 'handover'])
      for (const id of ['webhook-server', 'webhook-register', 'webhook-server-secret'])
        expect(count[`${strategy} ${id}`] ?? 0).toBeGreaterThan(20);
    expect(count['handover webhook-clear'] ?? 0).toBeGreaterThan(20);
    expect(count['rollback webhook-server'] ?? 0).toBeGreaterThan(20);
    expect(count['rollback webhook-register'] ?? 0).toBeGreaterThan(20);
  });
});

describe('the webhook rules refuse a plan that breaks them', () => {
  const hook: RawDeployInputs = {
    ...web,
    strategy: 'blue-green',
    'webhook-url': 'https://bot.example.net/tg/hook',
    'tls-certificate': '/etc/tls/fullchain.pem',
    'tls-key': '/etc/tls/privkey.pem',
    'webhook-secret': 'HOOK-SECRET',
    'telegram-bot-token': BOT_TOKEN,
  };
  const plan = deployPlan(hook, serving);
  const ids = plan.steps.map((s) => s.id);
  const move = (id: string, before: string): Plan => {
    const steps = plan.steps.filter((s) => s.id !== id);
    steps.splice(
      steps.findIndex((s) => s.id === before),
      0,
      plan.steps.find((s) => s.id === id)!,
    );
    return { ...plan, steps };
  };

  it('as built: block, setWebhook, the new secret only, right after the switch and before the window', () => {
    expect(checkPlan(plan)).toEqual([]);
    const route = ids.indexOf('route-100');
    expect(ids.slice(route, route + 5)).toEqual([
      'route-100',
      'webhook-server',
      'webhook-register',
      'webhook-server-secret',
      'watch',
    ]);
    printable(plan);
  });

  it('webhook-after-switch: setWebhook or the block before the route to the gated release', () => {
    expect(rules(move('webhook-register', 'route-100'))).toContain('webhook-after-switch');
    expect(rules(move('webhook-server', 'ready'))).toContain('webhook-after-switch');
  });

  it('webhook-undo: setWebhook without the undo that sets it back; the block without its restore', () => {
    const strip = (id: string): Plan => ({
      ...plan,
      steps: plan.steps.map((s) => (s.id === id ? { ...s, undo: undefined } : s)),
    });
    expect(rules(strip('webhook-register'))).toContain('webhook-undo');
    expect(rules(strip('webhook-server'))).toContain('webhook-undo');
    // the new-secret block shares the first one's restore: no undo of its own is needed
    expect(rules(strip('webhook-server-secret'))).toEqual([]);
  });

  it('webhook-clear: deleteWebhook is for a polling bot, before the new poller starts', () => {
    const polling = deployPlan(
      {
        app: 'bot',
        image: web.image,
        'bot-mode': 'polling',
        'telegram-bot-token': BOT_TOKEN,
      },
      { ...serving, current: release(3, undefined), previous: undefined, routing: 'none' },
    );
    expect(checkPlan(polling)).toEqual([]);
    const pids = polling.steps.map((s) => s.id);
    expect(pids.indexOf('webhook-clear')).toBe(pids.findIndex((id) => id.startsWith('start-')) - 1);
    const clear = polling.steps.find((s) => s.id === 'webhook-clear')!;
    const late = { ...polling, steps: [...polling.steps.filter((s) => s !== clear), clear] };
    expect(rules(late)).toContain('webhook-clear');
    expect(rules({ ...plan, steps: [clear, ...plan.steps] })).toContain('webhook-clear');
  });
});

describe('each rule refuses a plan that breaks it', () => {
  const bg = deployPlan({ ...web, strategy: 'blue-green' }, serving);

  it('the plans as built pass', () => {
    expect(checkPlan(bg)).toEqual([]);
    expect(() => assertSafe(bg)).not.toThrow();
  });

  it('gated-traffic: a route before the health gate', () => {
    const ready = bg.steps.findIndex((s) => s.id === 'ready');
    const route = bg.steps.findIndex((s) => s.action.kind === 'route');
    const steps = [...bg.steps];
    [steps[ready], steps[route]] = [steps[route]!, steps[ready]!];
    expect(rules({ ...bg, steps })).toContain('gated-traffic');
  });

  it('drain-before-stop: the old release stopped without its drain, or while still routed', () => {
    expect(rules(without(bg, 'drain'))).toContain('drain-before-stop');
    expect(rules(without(bg, 'route'))).toContain('drain-before-stop');
  });

  it('the nginx-behind-rollback bug: the drain must wait on the old PORT', () => {
    const drain = bg.steps.find((s) => s.action.kind === 'drain')!;
    if (drain.action.kind !== 'drain') throw new Error('no drain');
    expect(drain.action.container.port).toBe(8001);
    const elsewhere = bg.steps.map((s) =>
      s === drain && s.action.kind === 'drain'
        ? { ...s, action: { ...s.action, container: { ...s.action.container, port: 8002 } } }
        : s,
    );
    expect(rules({ ...bg, steps: elsewhere })).toContain('drain-before-stop');
  });

  it('route-undo: a route without an undo back to the routing before it', () => {
    const steps = bg.steps.map((s) => (s.action.kind === 'route' ? { ...s, undo: undefined } : s));
    expect(rules({ ...bg, steps })).toContain('route-undo');
  });

  it('route-follows: a webhook handover behind a proxy must route to the new release', () => {
    const handover = deployPlan({ ...web, strategy: 'handover' }, serving);
    expect(checkPlan(handover)).toEqual([]);
    expect(handover.steps.some((s) => s.action.kind === 'route')).toBe(true);
    expect(rules(without(handover, 'route'))).toContain('route-follows');
  });

  it('kept-releases: the last verified release is never removed', () => {
    const stop = bg.steps.find((s) => s.action.kind === 'container' && s.action.op === 'stop')!;
    if (stop.action.kind !== 'container') throw new Error('no stop');
    const removing = { ...stop, action: { ...stop.action, op: 'remove' as const } };
    expect(rules({ ...bg, steps: bg.steps.map((s) => (s === stop ? removing : s)) })).toContain(
      'kept-releases',
    );
  });

  it('undo-ends-serving: an undo that does not start the old release again', () => {
    const steps = bg.steps.map((s) =>
      s.action.kind === 'container' && s.action.op === 'stop' ? { ...s, undo: undefined } : s,
    );
    expect(rules({ ...bg, steps })).toContain('undo-ends-serving');
  });

  it('lock: a refresh that would not land twice within the TTL; a step without a budget', () => {
    expect(rules({ ...bg, lock: { ttlSeconds: 60, refreshSeconds: 40 } })).toContain('lock');
    const steps = bg.steps.map((s) =>
      s.action.kind === 'gate' ? { ...s, budgetSeconds: undefined } : s,
    );
    expect(rules({ ...bg, steps })).toContain('lock');
  });

  it('one-poller: a polling or MTProto bot on more than one host', () => {
    expect(checkPollers('polling', 2).map((v) => v.rule)).toEqual(['one-poller']);
    expect(checkPollers('mtproto', 3).map((v) => v.rule)).toEqual(['one-poller']);
    expect(checkPollers('polling', 1)).toEqual([]);
    expect(checkPollers('webhook', 5)).toEqual([]);
  });

  it('assertSafe refuses with every violation named', () => {
    expect(() => assertSafe(without(bg, 'drain'))).toThrow(PlanRefused);
    expect(() => assertSafe(without(bg, 'drain'))).toThrow(
      /drain-before-stop.*nothing was changed|nothing was changed[\s\S]*drain-before-stop/,
    );
  });
});

describe('convergence never costs the last good release', () => {
  it('a cut-off blue-green whose new color took the traffic: the old verified release is stopped and kept', () => {
    const shape: HostShape = {
      current: release(3, 'blue'),
      previous: release(2, 'green'),
      currentRunning: true,
      previousRunning: false,
      stray: { color: 'green', running: true },
      routing: 'stray',
    };
    const plan = deployPlan({ ...web, strategy: 'blue-green' }, shape);
    expect(checkPlan(plan)).toEqual([]);
    const removed = plan.steps.flatMap((s) =>
      s.action.kind === 'container' && s.action.op === 'remove' ? [s.action.container.name] : [],
    );
    expect(removed).not.toContain(release(3, 'blue').container);
  });
});

// ---- a canary held for approval: hold, promote, abort ------------------------------------------

/** A host with a canary held: the current release at 100-w, the held one at w (state.hold). */
interface HeldShape {
  currentColor: Color;
  weight: number;
  heldRunning: boolean;
  previousKept: boolean;
  /** What the proxy routes: the recorded split, or the current release alone (changed by hand). */
  routing: 'split' | 'current';
}

const heldRelease = release(4, 'green');

function heldProbe(h: HeldShape): Probe {
  const other: Color = h.currentColor === 'blue' ? 'green' : 'blue';
  const current = release(3, h.currentColor, { proxy: 'nginx' });
  const held = release(4, other, { proxy: 'nginx', strategy: 'canary' });
  const previous = h.previousKept ? release(2, other, { proxy: 'nginx' }) : undefined;
  const containers: ContainerInfo[] = [
    { name: current.container, state: 'running', releaseId: current.id, color: current.color },
    {
      name: held.container,
      state: h.heldRunning ? 'running' : 'exited',
      releaseId: held.id,
      color: held.color,
    },
  ];
  if (previous)
    containers.push({
      name: previous.container,
      state: 'exited',
      releaseId: previous.id,
      color: previous.color,
    });
  const routed: Backend[] =
    h.routing === 'split'
      ? [
          { color: h.currentColor, port: PORTS[h.currentColor], weight: 100 - h.weight },
          { color: other, port: PORTS[other], weight: h.weight },
        ]
      : [{ color: h.currentColor, port: PORTS[h.currentColor], weight: 100 }];
  const state: AppState = {
    app: 'bot',
    current,
    previous,
    history: [current, ...(previous ? [previous] : [])],
    hold: {
      release: held,
      weight: h.weight,
      since: '2026-01-04T00:00:00Z',
      runId: '7',
      actor: 'octocat',
    },
  };
  return { paths, state, containers, routed, httpTool: 'curl' };
}

function resumePlan(raw: RawDeployInputs, probe: Probe): Plan {
  const config = buildConfig(raw);
  return buildResumePlan({
    config,
    probe,
    lock: LOCK,
    proxy: { kind: config.proxy as 'nginx' | 'haproxy', frontendPort: 9000 },
    verifyPauseSeconds: 5,
    nginxConfDir: '/etc/nginx/conf.d',
  });
}

const routes = (plan: Plan) =>
  plan.steps.flatMap((s) =>
    s.action.kind === 'route'
      ? [s.action.to.find((t) => t.container === plan.canary!.held.container)?.weight]
      : [],
  );

describe('a canary held for approval: every generated plan passes the safety rules', () => {
  it(`hold: ${RUNS} generated configurations, hold weights and host states`, () => {
    let held = 0;
    fc.assert(
      fc.property(
        configArb('canary').chain((raw) =>
          fc
            .record({
              hold: fc.integer({ min: 1, max: 99 }),
              watch: fc.constantFrom(0, 0, 1, 5),
              shape: hostArb(true),
            })
            .map((x) => [raw, x] as const),
        ),
        ([raw, { hold, watch, shape }]) => {
          const withHold = { ...raw, 'canary-hold': String(hold), 'hold-watch': String(watch) };
          let plan: Plan;
          try {
            plan = deployPlan(withHold, shape);
          } catch (error) {
            // nothing routed and running to split with: refused naming canary-hold
            expect((error as Error).message).toMatch(/canary-hold/);
            return;
          }
          const violations = checkPlan(plan);
          if (violations.length) throw new Error(JSON.stringify({ violations, withHold, shape }));
          printable(plan);
          lockCovers(plan, lockFor(deployBudget(buildConfig(withHold), 5)));
          // it routes up to the hold weight, never past it, and records the hold last
          const weights = routes(plan);
          expect(weights[weights.length - 1]).toBe(hold);
          expect(weights.every((w) => (w ?? 0) <= hold)).toBe(true);
          expect(plan.steps[plan.steps.length - 1]!.id).toBe('record-hold');
          expect(plan.steps.some((s) => s.id === 'hold-watch')).toBe(watch > 0);
          held++;
        },
      ),
      { numRuns: RUNS },
    );
    expect(held).toBeGreaterThan(RUNS / 10);
  });

  for (const resume of ['promote', 'abort'] as const)
    it(`${resume}: ${RUNS} generated configurations and held hosts`, () => {
      let withWebhook = 0;
      fc.assert(
        fc.property(
          configArb('canary'),
          fc.record({
            currentColor: colorArb,
            weight: fc.integer({ min: 1, max: 99 }),
            heldRunning: resume === 'abort' ? fc.boolean() : fc.constant(true),
            previousKept: fc.boolean(),
            routing: fc.constant<'split'>('split'),
          }),
          (raw, h) => {
            const probe = heldProbe(h);
            const plan = resumePlan(
              { ...raw, image: probe.state.hold!.release.image, resume },
              probe,
            );
            const violations = checkPlan(plan);
            if (violations.length) throw new Error(JSON.stringify({ violations, raw, h }));
            printable(plan);
            const weights = routes(plan);
            if (resume === 'promote') {
              // the gates run again first, weights only rise from the hold, ending at 100
              expect(plan.steps[0]!.id).toBe('gate-resume');
              expect(weights[weights.length - 1]).toBe(100);
              expect(weights.every((w) => (w ?? 0) > h.weight)).toBe(true);
              expect(plan.release.id).toBe(probe.state.hold!.release.id);
              // a promote moves the webhook's block and registration after its last route
              if (plan.steps.some((s) => s.action.kind.startsWith('webhook'))) withWebhook++;
            } else {
              expect(weights).toEqual([0]);
              expect(plan.release.id).toBe(probe.state.current!.id);
              const removed = plan.steps.filter(
                (s) => s.action.kind === 'container' && s.action.op === 'remove',
              );
              expect(removed.map((s) => s.id)).toEqual(['remove-canary']);
            }
            const record = plan.steps.find((s) => s.id === 'record')!;
            if (record.action.kind !== 'record') throw new Error('no record');
            expect(record.action.state.hold).toBeUndefined();
          },
        ),
        { numRuns: RUNS },
      );
      if (resume === 'promote') expect(withWebhook).toBeGreaterThan(RUNS / 20);
    });
});

describe('a canary held for approval: the rules refuse what breaks it', () => {
  const canary = { ...web, strategy: 'canary', 'canary-steps': '10,50,100' };

  it('hold: a plan that does not end split at the hold weight', () => {
    const plan = deployPlan({ ...canary, 'canary-hold': '10' }, serving);
    expect(checkPlan(plan)).toEqual([]);
    expect(rules({ ...plan, canary: { ...plan.canary!, weight: 50 } })).toContain('canary-hold');
    // a hold that also went to 100 (or never routed) is not a hold
    expect(rules(without(plan, 'route'))).toContain('canary-hold');
  });

  it('hold: refused before any change where nothing serves to split with', () => {
    expect(() =>
      deployPlan({ ...canary, 'canary-hold': '10' }, { ...serving, currentRunning: false }),
    ).toThrow(/canary-hold/);
  });

  it('promote: starts from the recorded hold, not from a routing changed by hand', () => {
    const shape: HeldShape = {
      currentColor: 'blue',
      weight: 10,
      heldRunning: true,
      previousKept: false,
      routing: 'split',
    };
    const raw = { ...canary, image: heldRelease.image, resume: 'promote' };
    expect(checkPlan(resumePlan(raw, heldProbe(shape)))).toEqual([]);
    expect(rules(resumePlan(raw, heldProbe({ ...shape, routing: 'current' })))).toContain(
      'canary-hold',
    );
    expect(rules(resumePlan(raw, heldProbe({ ...shape, heldRunning: false })))).toContain(
      'canary-hold',
    );
  });

  it('abort: the canary is not stopped before its port is drained', () => {
    const probe = heldProbe({
      currentColor: 'blue',
      weight: 10,
      heldRunning: true,
      previousKept: false,
      routing: 'split',
    });
    const plan = resumePlan({ ...canary, image: heldRelease.image, resume: 'abort' }, probe);
    expect(checkPlan(plan)).toEqual([]);
    expect(rules(without(plan, 'drain'))).toContain('drain-before-stop');
    expect(rules(without(plan, 'route'))).toContain('drain-before-stop');
  });

  it('resume: refused with no hold, or another image than the held one', () => {
    const probe = heldProbe({
      currentColor: 'blue',
      weight: 10,
      heldRunning: true,
      previousKept: false,
      routing: 'split',
    });
    const raw = { ...canary, resume: 'promote' };
    expect(() => resumePlan(raw, probe)).toThrow(/image.*held canary's image/);
    expect(() =>
      resumePlan(
        { ...raw, image: heldRelease.image },
        { ...probe, state: { ...probe.state, hold: undefined } },
      ),
    ).toThrow(/no canary is held/);
  });

  it('a deploy or a rollback while a canary is held is refused naming resume', () => {
    const { state } = heldProbe({
      currentColor: 'blue',
      weight: 10,
      heldRunning: true,
      previousKept: false,
      routing: 'split',
    });
    expect(() => refuseWhileHeld(state, 'deploy')).toThrow(
      /held at 10%.*resume: promote or resume: abort/,
    );
    expect(() => refuseWhileHeld(state, 'rollback')).toThrow(/rollback now is refused/);
    expect(() => refuseWhileHeld({ ...state, hold: undefined }, 'deploy')).not.toThrow();
  });
});
