/**
 * The safety rules, checked on EVERY plan before it runs (deploy, rollback, CLI): a pure function
 * of the plan that simulates its steps (and, for every step that could fail, the undos that would
 * follow) over what the host showed. A plan that breaks a rule is refused before any change.
 * Property-tested over generated configurations and host states (tests/unit/plan-rules.test.ts).
 */
import { InputError, StepError } from '../errors.js';
import { stops, type Action, type Plan, type RouteTarget, type Step } from './steps.js';

/**
 * gated-traffic: traffic never goes to a release that has not passed its health gate.
 * drain-before-stop: the serving release is stopped only after the route away from it and the
 *   drain of its port.
 * route-undo: a route step carries an undo back to the routing before it (run also when the
 *   route itself fails: it may have taken effect).
 * one-poller: a polling or MTProto bot runs on at most one host.
 * route-follows: behind a proxy, the route follows the new release.
 * lock: the lock outlives every step: refreshed during steps, well within its TTL.
 * kept-releases: nothing that served last (state current or previous) is removed.
 * undo-ends-serving: wherever the plan fails or is cancelled, the undos end with traffic on a
 *   running release, the one that served before.
 * webhook-after-switch: the webhook's server block and setWebhook come only once the proxy sends
 *   all traffic to the plan's release, running and gated (Telegram never gets an address whose
 *   traffic reaches an ungated release); a webhook step comes only in a webhook bot's plan.
 * webhook-undo: a setWebhook step carries the undo that sets back the registration it found, and
 *   a server block step the undo that puts back the block it found (the first of its file).
 * webhook-clear: deleteWebhook is for a polling bot only, before its new poller starts.
 * canary-hold: a held canary's plan ends with both releases running and the route split at the
 *   hold weight (instead of route-follows); a promote starts from the split the hold recorded,
 *   both releases running.
 */
export type RuleName =
  | 'gated-traffic'
  | 'drain-before-stop'
  | 'route-undo'
  | 'one-poller'
  | 'route-follows'
  | 'lock'
  | 'kept-releases'
  | 'undo-ends-serving'
  | 'webhook-after-switch'
  | 'webhook-undo'
  | 'webhook-clear'
  | 'canary-hold';

export interface Violation {
  rule: RuleName;
  step?: string;
  message: string;
}

/** Kinds whose length no setting bounds (covered by the lock's timer refresh). */
const UNBOUNDED: ReadonlySet<Action['kind']> = new Set(['pull', 'pre-deploy', 'backup']);

interface Sim {
  running: Set<string>;
  gated: Set<string>;
  routed: RouteTarget[];
  /** Containers that lost their traffic and were not drained yet, with their port. */
  undrained: Map<string, number>;
}

const served = (routed: readonly RouteTarget[]) => routed.filter((t) => t.weight > 0);

function initial(plan: Plan): Sim {
  const running = new Set(plan.before.running.map((c) => c.name));
  const gated = new Set(
    [...served(plan.before.routed).map((t) => t.container), plan.current?.container].filter(
      (n): n is string => n !== undefined && running.has(n),
    ),
  );
  return { running, gated, routed: [...plan.before.routed], undrained: new Map() };
}

function apply(
  sim: Sim,
  action: Action,
  plan: Plan,
  phase: 'plan' | 'undo',
  step: string,
  out: Violation[],
): void {
  const v = (rule: RuleName, message: string) => out.push({ rule, step, message });
  switch (action.kind) {
    case 'container': {
      const name = action.container.name;
      if (action.op === 'start') {
        sim.running.add(name);
        sim.gated.delete(name); // a fresh start must pass its gate again
      }
      if (stops(action)) {
        if (action.op === 'remove' && phase === 'plan' && plan.before.kept.includes(name))
          v('kept-releases', `removes ${name}, a release that served last`);
        const share = served(sim.routed).find((t) => t.container === name);
        const acceptedGap = action.gap === true && plan.strategy === 'handover';
        // a first deploy has nothing to route back to: its undo may leave a dead route behind
        const hadTraffic = phase === 'plan' || served(plan.before.routed).length > 0;
        if (share && !acceptedGap && sim.running.has(name) && hadTraffic)
          v('drain-before-stop', `stops ${name} while the proxy sends it ${share.weight}%`);
        if (phase === 'plan' && sim.undrained.has(name) && sim.running.has(name))
          v(
            'drain-before-stop',
            `stops ${name} before its port ${sim.undrained.get(name)} was drained`,
          );
        sim.running.delete(name);
        sim.gated.delete(name);
      }
      return;
    }
    case 'gate': {
      const name = action.container.name;
      if (phase === 'plan' && !sim.running.has(name))
        v('gated-traffic', `gates ${name}, which is not running`);
      const checks = [...(action.ready?.checks ?? []), ...(action.watch?.checks ?? [])];
      if (
        checks.includes('container-running') &&
        checks.includes('http-health') &&
        sim.running.has(name)
      )
        sim.gated.add(name);
      return;
    }
    case 'route': {
      if (phase === 'plan')
        for (const t of served(action.to))
          if (!sim.running.has(t.container) || !sim.gated.has(t.container))
            v(
              'gated-traffic',
              `routes ${t.weight}% to ${t.container}, which ${sim.running.has(t.container) ? 'has not passed its health gate' : 'is not running'}`,
            );
      for (const old of served(sim.routed))
        if (!served(action.to).some((t) => t.container === old.container))
          sim.undrained.set(old.container, old.port);
      for (const t of served(action.to)) sim.undrained.delete(t.container);
      sim.routed = [...action.to];
      return;
    }
    case 'drain':
      for (const [name, port] of sim.undrained)
        if (port === action.container.port) sim.undrained.delete(name);
      return;
    default:
      return;
  }
}

const sameRouting = (a: readonly RouteTarget[], b: readonly RouteTarget[]) =>
  a.length === b.length &&
  a.every((t) =>
    b.some(
      (u) =>
        u.color === t.color &&
        u.port === t.port &&
        u.weight === t.weight &&
        u.container === t.container,
    ),
  );

/** The undos that run when step `failed` fails (it included when it may have taken effect). */
export function undosOnFailure(steps: readonly Step[], failed: number): Step[] {
  const done = steps.slice(0, failed);
  const failing = steps[failed];
  if (failing && undoneWhenFailing(failing)) done.push(failing);
  const seen = new Set<string>();
  const out: Step[] = [];
  for (const step of [...done].reverse()) {
    if (!step.undo || step.optional) continue;
    if (step.undo.key) {
      if (seen.has(step.undo.key)) continue;
      seen.add(step.undo.key);
    }
    out.push(step);
  }
  return out;
}

/** A route that failed may have taken effect (a runtime change before its file; a reload that exits 1). */
export function mayHaveTakenEffect(step: Step): boolean {
  return step.action.kind === 'route';
}

/**
 * A failed step whose own undo runs too: a route, a setWebhook (a confirmation that fails after
 * it), a server block (a reload that fails after reloading). Their undos do nothing when the
 * step changed nothing.
 */
export function undoneWhenFailing(step: Step): boolean {
  const a = step.action;
  return (
    mayHaveTakenEffect(step) ||
    (a.kind === 'webhook' && a.op === 'register') ||
    (a.kind === 'webhook-server' && a.op === 'install')
  );
}

/** The webhook rules (webhook-after-switch, webhook-undo, webhook-clear), over the plan's steps. */
function checkWebhookSteps(plan: Plan, routedAt: readonly RouteTarget[][]): Violation[] {
  const out: Violation[] = [];
  const release = plan.release.container;
  const seenFiles = new Set<string>();
  plan.steps.forEach((step, i) => {
    const a = step.action;
    const v = (rule: RuleName, message: string) => out.push({ rule, step: step.id, message });
    if (a.kind === 'webhook' && a.op === 'clear') {
      if (plan.botMode !== 'polling')
        v('webhook-clear', `deleteWebhook in a ${plan.botMode ?? 'unknown'} bot's plan`);
      const starts = plan.steps.findIndex(
        (s) =>
          s.action.kind === 'container' &&
          s.action.op === 'start' &&
          s.action.container.name === release,
      );
      if (starts >= 0 && starts < i) v('webhook-clear', `comes after ${release} started`);
      return;
    }
    const register = a.kind === 'webhook' && a.op === 'register';
    const install = a.kind === 'webhook-server' && a.op === 'install';
    if (!register && !install) return;
    if (plan.botMode !== undefined && plan.botMode !== 'webhook')
      v('webhook-after-switch', `a webhook step in a ${plan.botMode} bot's plan`);
    const routed = served(routedAt[i] ?? []);
    if (routed.length !== 1 || routed[0]!.container !== release || routed[0]!.weight !== 100)
      v(
        'webhook-after-switch',
        `comes before the proxy sends all traffic to ${release} (it routes ${routed.map((t) => `${t.container}:${t.weight}%`).join(', ') || 'nothing'})`,
      );
    const undoes = (op: string, kind: string) =>
      step.undo?.actions.some((u) => u.kind === kind && (u as { op?: string }).op === op) === true;
    if (register && !undoes('restore', 'webhook'))
      v('webhook-undo', 'setWebhook without the undo that sets back the registration it found');
    if (install && a.kind === 'webhook-server') {
      if (!seenFiles.has(a.file) && !undoes('restore', 'webhook-server'))
        v('webhook-undo', `writes ${a.file} without the undo that puts back the block it found`);
      seenFiles.add(a.file);
    }
  });
  return out;
}

export function checkPlan(plan: Plan): Violation[] {
  const out: Violation[] = [];
  // lock
  if (plan.lock.refreshSeconds <= 0 || plan.lock.refreshSeconds * 2 > plan.lock.ttlSeconds)
    out.push({
      rule: 'lock',
      message: `refresh every ${plan.lock.refreshSeconds}s does not land twice within the TTL ${plan.lock.ttlSeconds}s`,
    });
  for (const step of plan.steps)
    if (step.budgetSeconds === undefined && !UNBOUNDED.has(step.action.kind))
      out.push({ rule: 'lock', step: step.id, message: 'has no time budget for the lock TTL' });

  // the plan, step by step
  const sim = initial(plan);
  const groupStart = new Map<string, RouteTarget[]>();
  /** What the proxy routes when each step starts (the webhook rules read it). */
  const routedAt: RouteTarget[][] = [];
  for (const step of plan.steps) {
    routedAt.push(sim.routed);
    if (step.action.kind === 'route' && step.converges) {
      const to = served(step.action.to);
      if (to.length !== 1 || to[0]!.container !== plan.current?.container)
        out.push({
          rule: 'route-undo',
          step: step.id,
          message: 'a converging route (not undone) must send all traffic to the current release',
        });
    } else if (step.action.kind === 'route') {
      const back = step.undo?.actions.find(
        (a): a is Extract<Action, { kind: 'route' }> => a.kind === 'route',
      );
      const key = step.undo?.key ?? step.id;
      if (!groupStart.has(key)) groupStart.set(key, sim.routed);
      const start = groupStart.get(key)!;
      // nothing routed before: there is nothing to route back to (a first deploy)
      if (served(start).length && (!back || !sameRouting(back.to, start)))
        out.push({
          rule: 'route-undo',
          step: step.id,
          message: 'has no undo that routes back to the routing before it',
        });
    }
    apply(sim, step.action, plan, 'plan', step.id, out);
  }
  out.push(...checkWebhookSteps(plan, routedAt));
  const release = plan.release.container;
  if (!sim.running.has(release))
    out.push({
      rule: 'route-follows',
      message: `${release} is not running at the end of the plan`,
    });
  if (plan.canary) out.push(...checkHold(plan, sim));
  if (plan.canary?.phase === 'hold') {
    // ends split: checked by checkHold instead of route-follows
  } else if (plan.proxy !== 'none' && plan.release.port !== undefined) {
    const routed = served(sim.routed);
    if (routed.length !== 1 || routed[0]!.container !== release || routed[0]!.weight !== 100)
      out.push({
        rule: 'route-follows',
        message: `the proxy does not route all traffic to ${release} at the end (it routes ${routed.map((t) => `${t.container}:${t.weight}%`).join(', ') || 'nothing'})`,
      });
  }

  // every failure point (and a cancel between steps): the undos must end serving
  const serving = plan.current?.container;
  const servedBefore = serving !== undefined && plan.before.running.some((c) => c.name === serving);
  // (failed = steps.length: a failure after the last step, between it and the end: all undone)
  for (let failed = 0; failed <= plan.steps.length; failed++) {
    const failing: Pick<Step, 'id' | 'action' | 'optional'> = plan.steps[failed] ?? {
      id: 'the end',
      action: { kind: 'command', argv: [] },
    };
    if (failing.optional) continue;
    const sim2 = initial(plan);
    const ignore: Violation[] = [];
    for (const step of plan.steps.slice(0, failed))
      apply(sim2, step.action, plan, 'plan', step.id, ignore);
    const step = plan.steps[failed];
    if (step && mayHaveTakenEffect(step)) apply(sim2, step.action, plan, 'plan', step.id, ignore);
    const undoViolations: Violation[] = [];
    for (const step of undosOnFailure(plan.steps, failed))
      for (const action of step.undo!.actions)
        apply(sim2, action, plan, 'undo', `undo ${step.id}`, undoViolations);
    out.push(
      ...undoViolations.map((x) => ({ ...x, message: `if ${failing.id} fails: ${x.message}` })),
    );
    // traffic on a container that does not run, unless the host was already so before the plan
    const deadBefore = served(plan.before.routed).filter(
      (t) => !plan.before.running.some((c) => c.name === t.container),
    );
    const dead = served(sim2.routed).filter(
      (t) => !sim2.running.has(t.container) && !deadBefore.some((d) => d.container === t.container),
    );
    if (dead.length && served(plan.before.routed).length)
      out.push({
        rule: 'undo-ends-serving',
        step: failing.id,
        message: `if it fails, the undos leave traffic on ${dead.map((t) => t.container).join(', ')}, not running`,
      });
    if (servedBefore && !sim2.running.has(serving))
      out.push({
        rule: 'undo-ends-serving',
        step: failing.id,
        message: `if it fails, ${serving} (serving before) is not running again after the undos`,
      });
  }
  return out;
}

/** The routing is exactly the canary at `weight` and `current` at the rest. */
function isSplit(
  routed: readonly RouteTarget[],
  canary: string,
  current: string | undefined,
  weight: number,
): boolean {
  const on = served(routed);
  const share = (name: string | undefined) =>
    on.filter((t) => t.container === name).reduce((sum, t) => sum + t.weight, 0);
  return (
    on.every((t) => t.container === canary || t.container === current) &&
    share(canary) === weight &&
    share(current) === 100 - weight
  );
}

/** canary-hold: where a hold ends and where a promote starts (see the rule's comment above). */
function checkHold(plan: Plan, end: Sim): Violation[] {
  const { phase, weight, held } = plan.canary!;
  const current = plan.current?.container;
  const v = (message: string): Violation => ({ rule: 'canary-hold', message });
  const text = (routed: readonly RouteTarget[]) =>
    served(routed)
      .map((t) => `${t.container}:${t.weight}%`)
      .join(', ') || 'nothing';
  const out: Violation[] = [];
  if (weight <= 0 || weight >= 100) out.push(v(`holds at ${weight}%, not between 0 and 100`));
  if (phase === 'hold') {
    if (!isSplit(end.routed, held.container, current, weight))
      out.push(
        v(
          `the held plan does not end with ${held.container} at ${weight}% and ${current ?? 'the current release'} at the rest (it routes ${text(end.routed)})`,
        ),
      );
    for (const name of [held.container, current])
      if (name === undefined || !end.running.has(name))
        out.push(v(`the held plan does not end with ${name ?? 'a current release'} running`));
  }
  if (phase === 'promote') {
    const start = initial(plan);
    if (!isSplit(start.routed, held.container, current, weight))
      out.push(
        v(
          `promote starts from the recorded hold (${held.container} at ${weight}%), but the proxy routes ${text(start.routed)}`,
        ),
      );
    for (const name of [held.container, current])
      if (name === undefined || !start.running.has(name))
        out.push(
          v(`promote starts from the hold, but ${name ?? 'no current release'} is not running`),
        );
  }
  return out;
}

/** A polling or MTProto bot on more than one host: refused before any connection. */
export function checkPollers(botMode: string | undefined, hosts: number): Violation[] {
  return (botMode === 'polling' || botMode === 'mtproto') && hosts > 1
    ? [
        {
          rule: 'one-poller',
          message: `bot-mode ${botMode} on ${hosts} hosts: one token has one consumer; deploy to one host`,
        },
      ]
    : [];
}

/** The run-wide rule as an input error (names hosts and bot-mode), before any connection. */
export function refuseManyPollers(botMode: string | undefined, hosts: number): void {
  const [v] = checkPollers(botMode, hosts);
  if (v)
    throw new InputError(
      'hosts',
      `${hosts} hosts with bot-mode ${botMode}: a ${botMode} bot must run on one host only (one getUpdates consumer / one MTProto session per token); give one host, or use bot-mode webhook`,
    );
}

export class PlanRefused extends StepError {
  constructor(readonly violations: Violation[]) {
    super(
      'plan',
      `refused: the plan breaks the safety rules, nothing was changed:\n${violations
        .map((v) => `  - ${v.rule}${v.step ? ` (${v.step})` : ''}: ${v.message}`)
        .join('\n')}`,
    );
    this.name = 'PlanRefused';
  }
}

/** Throws PlanRefused when the plan breaks a rule. */
export function assertSafe(plan: Plan): void {
  const violations = checkPlan(plan);
  if (violations.length) throw new PlanRefused(violations);
}
