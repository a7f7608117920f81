import type { Clock } from '../../src/clock.js';
import { parseAppName, parseHealthPath, splitCommand } from '../../src/deploy/config.js';
import { hostPrimitives } from '../../src/deploy/ports.js';
import { errorMessage, InputError } from '../../src/errors.js';
import { localExecutor } from '../../src/exec.js';
import type { FetchLike } from '../../src/health/http.js';
import { checkRemotePath } from '../../src/host/paths.js';
import type { Release } from '../../src/host/state.js';
import type { Log } from '../../src/log.js';
import { runLinks } from '../../src/notify/message.js';
import { notify, type NotifyTargets } from '../../src/notify/send.js';
import { createProxy, type ProxySettings, type TrafficProxy } from '../../src/proxy/index.js';
import {
  rollback,
  RollbackError,
  type ProxyResolver,
  type RollbackReport,
  type RollbackSettings,
} from '../../src/rollback/execute.js';
import { rollbackSummary, type RollbackOutcome } from '../../src/rollback/summary.js';
import { removeSshMaterial, writeSshMaterial, type SshMaterial } from '../../src/ssh/secrets.js';
import type { SshSession, SshSettings } from '../../src/ssh/session.js';
import { formatTarget, parseHost, type SshTarget } from '../../src/ssh/target.js';
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
  if (inputs.hosts.length === 0)
    throw new InputError('hosts', 'is required: one or more user@host[:port]');
  const targets = inputs.hosts.map((h) => parseHost(h, 'hosts'));
  const jump = inputs.ssh.jumpHost ? parseHost(inputs.ssh.jumpHost, 'jump-host') : undefined;
  if (!inputs.ssh.key.trim())
    throw new InputError('ssh-key', 'is required: the private key for the hosts');
  if (!inputs.ssh.knownHosts.trim() && inputs.ssh.fingerprints.length === 0)
    throw new InputError(
      'known-hosts',
      'or host-fingerprint is required: tg-devops never connects to an unverified host',
    );
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

/**
 * proxy: auto (the default) switches with nginx when the current release takes HTTP traffic (it
 * has a color and a port), and hands over with no proxy otherwise (polling, MTProto, worker).
 */
export function proxyResolver(app: string, inputs: Inputs): ProxyResolver {
  const p = inputs.proxy;
  const kind = p.kind;
  if (!['auto', 'nginx', 'haproxy', 'none'].includes(kind))
    throw new InputError(
      'proxy',
      `expected auto, nginx, haproxy or none, got ${JSON.stringify(kind)}`,
    );
  const frontendPort = p.haproxyFrontendPort ? Number(p.haproxyFrontendPort) : 0;
  if (
    kind === 'haproxy' &&
    !(Number.isInteger(frontendPort) && frontendPort > 0 && frontendPort < 65536)
  )
    throw new InputError(
      'haproxy-frontend-port',
      "is required with proxy: haproxy (the app's frontend port, as deployed)",
    );
  const make = (k: 'nginx' | 'haproxy'): TrafficProxy => {
    const settings: ProxySettings = {
      kind: k,
      app,
      nginx: {
        confDir: p.nginxConfDir,
        testCommand: splitCommand(p.nginxTestCommand, 'nginx-test-command'),
        reloadCommand: splitCommand(p.nginxReloadCommand, 'nginx-reload-command'),
      },
      haproxy: {
        socket: p.haproxySocket,
        configFile: p.haproxyConfig,
        reloadCommand: splitCommand(p.haproxyReloadCommand, 'haproxy-reload-command'),
        frontendPort: frontendPort || 1,
      },
    };
    try {
      return createProxy(settings);
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError('proxy', errorMessage(error));
    }
  };
  if (kind === 'none') return () => undefined;
  const fixed = make(kind === 'haproxy' ? 'haproxy' : 'nginx'); // validates the settings now
  if (kind !== 'auto') return () => fixed;
  return (current: Release | undefined) =>
    current?.color && current.port !== undefined ? fixed : undefined;
}

export async function run(inputs: Inputs, deps: Deps): Promise<void> {
  const { settings, targets, jump, proxy } = prepare(inputs);
  const { log, env } = deps;
  const links = runLinks(env);
  const material: SshMaterial = await deps.writeSshMaterial({
    privateKey: inputs.ssh.key,
    knownHosts: inputs.ssh.knownHosts || undefined,
    hostFingerprints: inputs.ssh.fingerprints,
    targets: jump ? [...targets, jump] : targets,
    log,
    local: localExecutor(),
  });
  // The post step removes the key and known_hosts even when this step is cancelled.
  deps.saveState('ssh-dir', material.dir);
  deps.saveState('ssh-control-dir', material.controlDir);

  const outcomes: RollbackOutcome[] = [];
  try {
    for (const target of targets) {
      const outcome = await rollbackOne(target, {
        settings,
        proxy,
        jump,
        material,
        deps,
        runUrl: links.runUrl,
      });
      outcomes.push(outcome);
      if (outcome.error) break;
    }
  } finally {
    deps.writeSummary(rollbackSummary(settings.app, outcomes, settings.dryRun));
    removeSshMaterial(material.dir, { controlDir: material.controlDir });
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
    jump?: SshTarget;
    material: SshMaterial;
    deps: Deps;
    runUrl?: string;
  },
): Promise<RollbackOutcome> {
  const { deps } = ctx;
  const host = formatTarget(target);
  let session: SshSession | undefined;
  try {
    session = await deps.openSession(target, {
      privateKeyFile: ctx.material.privateKeyFile,
      knownHostsFile: ctx.material.knownHostsFile,
      controlDir: ctx.material.controlDir,
      jump: ctx.jump,
      log: deps.log,
      clock: deps.clock,
    });
    const s = session;
    const report: RollbackReport = await deps.log.group(`roll back ${host}`, () =>
      rollback(ctx.settings, {
        exec: s,
        host: hostPrimitives,
        proxy: ctx.proxy,
        clock: deps.clock,
        log: deps.log,
        holder: {
          runId: deps.env.GITHUB_RUN_ID ?? `local-${process.pid}`,
          actor: deps.env.GITHUB_ACTOR ?? 'unknown',
          url: ctx.runUrl,
        },
      }),
    );
    return { host, report };
  } catch (error) {
    deps.log.error(`${host}: ${errorMessage(error)}`);
    return {
      host,
      error: errorMessage(error),
      report: error instanceof RollbackError ? error.report : undefined,
    };
  } finally {
    await session?.close().catch(() => undefined);
  }
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

/** The post step: the SSH key and known_hosts go away, also after a cancel. */
export function post(state: { sshDir: string; controlDir: string }): void {
  if (state.sshDir) removeSshMaterial(state.sshDir, { controlDir: state.controlDir || undefined });
}
