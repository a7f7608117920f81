import type { Clock } from '../../src/clock.js';
import { parseAppName, parseHealthPath } from '../../src/deploy/config.js';
import { runHolder } from '../../src/deploy/engine.js';
import { hostPrimitives } from '../../src/deploy/ports.js';
import { errorMessage, InputError } from '../../src/errors.js';
import type { FetchLike } from '../../src/health/http.js';
import { checkRemotePath } from '../../src/host/paths.js';
import type { Release } from '../../src/host/state.js';
import type { Log } from '../../src/log.js';
import { runLinks } from '../../src/notify/message.js';
import { notify, type NotifyTargets } from '../../src/notify/send.js';
import { frontendPortFrom, proxyFrom, type TrafficProxy } from '../../src/proxy/index.js';
import {
  rollback,
  RollbackError,
  type ProxyResolver,
  type RollbackReport,
  type RollbackSettings,
} from '../../src/rollback/execute.js';
import { servedBehind } from '../../src/rollback/proxy.js';
import { rollbackSummary, type RollbackOutcome } from '../../src/rollback/summary.js';
import { connectSsh, sshTargetsFrom, type SshHosts } from '../../src/ssh/connect.js';
import type { writeSshMaterial } from '../../src/ssh/secrets.js';
import type { SshSession, SshSettings } from '../../src/ssh/session.js';
import { formatTarget, type SshTarget } from '../../src/ssh/target.js';
import type { Inputs } from './inputs.js';

export interface Deps {
  log: Log;
  clock: Clock;
  env: Record<string, string | undefined>;
  fetch: FetchLike;
  setOutputs(outputs: Record<string, string | number | undefined>): void;
  writeSummary(markdown: string): void;
  saveState(name: string, value: string): void;
  writeSshMaterial: typeof writeSshMaterial;
  openSession: (target: SshTarget, settings: SshSettings) => Promise<SshSession>;
}

const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function seconds(input: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw))
    throw new InputError(input, `expected whole seconds, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new InputError(input, `must be ${min}..${max}, got ${value}`);
  return value;
}

/** Everything from the inputs first: a bad input fails before any connection. */
export function prepare(inputs: Inputs): {
  settings: RollbackSettings;
  targets: SshTarget[];
  jump?: SshTarget;
  proxy: ProxyResolver;
} {
  const app = parseAppName(inputs.app);
  // `to` defaults to 'previous' on the runner: only a named `to` conflicts with release-id.
  const named = inputs.to === 'previous' ? '' : inputs.to;
  if (named && inputs.releaseId && named !== inputs.releaseId)
    throw new InputError('release-id', `is an alias of to: give one, not both (to: ${inputs.to})`);
  const to = named || inputs.releaseId;
  if (to && to !== 'previous' && !RELEASE_ID.test(to))
    throw new InputError(
      named ? 'to' : 'release-id',
      `'${to.slice(0, 80)}' is not a release id (e.g. 20261130-041503) or 'previous'`,
    );
  let stateBase: string;
  try {
    stateBase = checkRemotePath(inputs.stateDir);
  } catch (error) {
    throw new InputError('state-dir', errorMessage(error));
  }
  const healthPath = inputs.healthPath === 'none' ? undefined : parseHealthPath(inputs.healthPath);
  const { targets, jump } = sshTargetsFrom(inputs.hosts, inputs.ssh);
  if (inputs.notify.telegramToken && !inputs.notify.chatId)
    throw new InputError('notify-chat-id', 'is required with notify-telegram-token');
  const settings: RollbackSettings = {
    app,
    stateBase,
    to: to || undefined,
    force: inputs.force,
    dryRun: inputs.dryRun,
    healthPath,
    reason: inputs.reason.slice(0, 300) || undefined,
    stopGraceSeconds: seconds('stop-grace', inputs.stopGrace, 0, 3600),
    healthTimeoutSeconds: seconds('health-timeout', inputs.healthTimeout, 1, 3600),
    drainSeconds: seconds('drain-seconds', inputs.drainSeconds, 0, 3600),
    gateWindowSeconds: seconds('gate-window', inputs.gateWindow, 0, 3600),
    lockTimeoutSeconds: seconds('lock-timeout', inputs.lockTimeout, 0, 86400),
  };
  return { settings, targets, jump, proxy: proxyResolver(app, inputs) };
}

const AS_DEPLOYED = "the app's frontend port, as deployed";

/**
 * proxy: auto (the default) switches with the proxy the current release was deployed behind (its
 * record in the state: nginx, haproxy with its frontend port, or none); for a release recorded
 * before that, with nginx when it takes HTTP traffic (it has a color and a port), and with no
 * proxy otherwise (polling, MTProto, worker).
 */
export function proxyResolver(app: string, inputs: Inputs): ProxyResolver {
  const p = inputs.proxy;
  const kind = p.kind;
  if (!['auto', 'nginx', 'haproxy', 'none'].includes(kind))
    throw new InputError(
      'proxy',
      `expected auto, nginx, haproxy or none, got ${JSON.stringify(kind)}`,
    );
  if (kind === 'none') return () => undefined;
  if (kind === 'haproxy') {
    const fixed = proxyFrom('haproxy', app, p, { frontendPortHint: AS_DEPLOYED });
    return () => fixed;
  }
  const nginx = proxyFrom('nginx', app, p); // validates the settings now
  if (kind === 'nginx') return () => nginx;
  const haproxy = new Map<number, TrafficProxy>();
  return (current: Release | undefined) => {
    const behind = servedBehind(current);
    if (!behind) return undefined;
    if (behind.kind === 'nginx') return nginx;
    // The port the release recorded; else the input; else an InputError that says so.
    const port = behind.frontendPort ?? (frontendPortFrom(p['haproxy-frontend-port']) || undefined);
    const made =
      (port !== undefined && haproxy.get(port)) ||
      proxyFrom('haproxy', app, p, {
        frontendPort: port,
        frontendPortHint: `release ${current?.id ?? '?'} was deployed behind haproxy and recorded no frontend port: ${AS_DEPLOYED}`,
      });
    if (port !== undefined) haproxy.set(port, made);
    return made;
  };
}

export async function run(inputs: Inputs, deps: Deps): Promise<void> {
  const { settings, targets, jump, proxy } = prepare(inputs);
  const { env } = deps;
  const links = runLinks(env);
  const ssh = await connectSsh(inputs.ssh, targets, jump, deps);

  const outcomes: RollbackOutcome[] = [];
  try {
    for (const target of targets) {
      const outcome = await rollbackOne(target, {
        settings,
        proxy,
        ssh,
        deps,
        runUrl: links.runUrl,
      });
      outcomes.push(outcome);
      if (outcome.error) break;
    }
  } finally {
    deps.writeSummary(rollbackSummary(settings.app, outcomes, settings.dryRun));
    ssh.remove();
  }
  const first = outcomes.find((o) => o.report)?.report;
  deps.setOutputs({
    'release-id': first?.plan.to.id ?? '',
    image: first?.plan.to.image ?? '',
    'rolled-back-from': first?.plan.from.id ?? '',
  });
  const failed = outcomes.find((o) => o.error);
  if (!settings.dryRun) await tell(inputs, settings, outcomes, failed, deps);
  if (failed) {
    const skipped = targets.length - outcomes.length;
    throw new Error(
      `${failed.host}: ${failed.error}${skipped ? ` (${skipped} host(s) not rolled back: stopped at the first failure)` : ''}`,
    );
  }
}

async function rollbackOne(
  target: SshTarget,
  ctx: {
    settings: RollbackSettings;
    proxy: ProxyResolver;
    ssh: SshHosts;
    deps: Deps;
    runUrl?: string;
  },
): Promise<RollbackOutcome> {
  const { deps } = ctx;
  const host = formatTarget(target);
  return ctx.ssh.withSession(
    target,
    async (session): Promise<RollbackOutcome> => {
      const report: RollbackReport = await deps.log.group(`roll back ${host}`, () =>
        rollback(ctx.settings, {
          exec: session,
          host: hostPrimitives,
          proxy: ctx.proxy,
          clock: deps.clock,
          log: deps.log,
          holder: runHolder(deps.env, ctx.runUrl),
        }),
      );
      return { host, report };
    },
    (error): RollbackOutcome => {
      deps.log.error(`${host}: ${errorMessage(error)}`);
      return {
        host,
        error: errorMessage(error),
        report: error instanceof RollbackError ? error.report : undefined,
      };
    },
  );
}

/** The ops chat and the webhook hear about a rollback, done or failed. Never fails the step. */
async function tell(
  inputs: Inputs,
  settings: RollbackSettings,
  outcomes: RollbackOutcome[],
  failed: RollbackOutcome | undefined,
  deps: Deps,
): Promise<void> {
  const n = inputs.notify;
  const targets: NotifyTargets = {};
  if (n.telegramToken && n.chatId)
    targets.telegram = { token: n.telegramToken, chatId: n.chatId, apiUrl: n.telegramApiUrl };
  if (n.webhookUrl) targets.webhook = { url: n.webhookUrl, secret: n.webhookSecret || undefined };
  if (!targets.telegram && !targets.webhook) return;
  const done = outcomes.filter((o) => o.report && !o.error);
  const plan = (failed ?? done[0])?.report?.plan;
  const links = runLinks(deps.env);
  await notify(
    {
      event: failed ? 'failure' : 'rollback',
      app: settings.app,
      version: plan ? `${plan.to.id} (${plan.to.image})` : (settings.to ?? 'previous'),
      environment: n.environment,
      runUrl: links.runUrl,
      commitUrl: links.commitUrl,
      details: failed
        ? `rollback failed on ${failed.host}: ${failed.error}`
        : `rolled back from ${plan?.from.id ?? '?'} on ${done.map((o) => o.host).join(', ')}${settings.reason ? `: ${settings.reason}` : ''}${plan?.forced ? ' (forced past an irreversible migration)' : ''}`,
    },
    targets,
    { fetch: deps.fetch, clock: deps.clock, log: deps.log },
  );
}
