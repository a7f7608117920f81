import type { Clock } from '../../src/clock.js';
import { buildConfig, type DeployConfig } from '../../src/deploy/config.js';
import {
  deploy,
  DeployError,
  lockTtl,
  releaseIdAt,
  runHolder,
  type DeployReport,
} from '../../src/deploy/engine.js';
import type { Gate } from '../../src/deploy/gates.js';
import { createDeployment, type GithubDeployment } from '../../src/deploy/github-deployment.js';
import { hostPrimitives } from '../../src/deploy/ports.js';
import { summaryMarkdown, type HostOutcome } from '../../src/deploy/summary.js';
import {
  hasVerifyChecks,
  verifyGates,
  type DeployVerifyOptions,
} from '../../src/deploy/verify-gates.js';
import { errorMessage, InputError } from '../../src/errors.js';
import type { GitHubApi } from '../../src/github/api.js';
import type { FetchLike } from '../../src/health/http.js';
import { parseCheckInputs, type CheckInputName } from '../../src/health/inputs.js';
import type { Log } from '../../src/log.js';
import type { NotifyEventName } from '../../src/notify/message.js';
import { runLinks } from '../../src/notify/message.js';
import { notify, type NotifyTargets } from '../../src/notify/send.js';
import { proxyFrom, type TrafficProxy } from '../../src/proxy/index.js';
import { connectSsh, sshTargetsFrom, type SshHosts } from '../../src/ssh/connect.js';
import type { writeSshMaterial } from '../../src/ssh/secrets.js';
import type { SshSession, SshSettings } from '../../src/ssh/session.js';
import { formatTarget, type SshTarget } from '../../src/ssh/target.js';
import type { Inputs } from './inputs.js';

export interface Deps {
  log: Log;
  clock: Clock;
  env: Record<string, string | undefined>;
  setOutputs(outputs: Record<string, string | number | undefined>): void;
  writeSummary(markdown: string): void;
  saveState(name: string, value: string): void;
  writeSshMaterial: typeof writeSshMaterial;
  openSession: (target: SshTarget, settings: SshSettings) => Promise<SshSession>;
  api?: (token: string) => GitHubApi;
  /** For the verify checks (HTTP, Prometheus, Telegram) and the notifications. */
  fetch?: FetchLike;
}

/** Builds everything from the inputs first: a bad input fails before any connection. */
export function prepare(inputs: Inputs): {
  config: DeployConfig;
  targets: SshTarget[];
  jump?: SshTarget;
  proxy?: TrafficProxy;
  verify?: DeployVerifyOptions;
  notifyTargets: NotifyTargets;
} {
  let config = buildConfig(inputs.raw);
  const { targets, jump } = sshTargetsFrom(inputs.hosts, inputs.ssh);
  const checks = parseCheckInputs(inputs.verify.checks, {
    name: (base: CheckInputName) => (base === 'telegram-api-url' ? base : `verify-${base}`),
  });
  const verify: DeployVerifyOptions | undefined = hasVerifyChecks(checks)
    ? {
        checks,
        onInconclusive: inputs.verify.onInconclusive,
        pauseSeconds: inputs.verify.pauseSeconds,
      }
    : undefined;
  if (inputs.verify.windowSeconds >= 0) {
    if (!verify)
      throw new InputError(
        'verify-window',
        'needs a check to watch: set verify-http-url, verify-prometheus-url, verify-log-patterns or verify-telegram-bot-token',
      );
    config = { ...config, gateWindowSeconds: inputs.verify.windowSeconds };
  }
  return {
    config,
    targets,
    jump,
    proxy: proxyFor(config, inputs),
    verify,
    notifyTargets: notifyTargets(inputs, checks.telegramApiUrl),
  };
}

function notifyTargets(inputs: Inputs, apiUrl: string): NotifyTargets {
  const n = inputs.notify;
  if (n.telegramToken && !n.chatId)
    throw new InputError('notify-chat-id', 'is required with notify-telegram-token');
  if (n.chatId && !n.telegramToken)
    throw new InputError('notify-telegram-token', 'is required with notify-chat-id');
  if (n.webhookUrl) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(n.webhookUrl).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new InputError('notify-webhook-url', 'is not an http(s) URL');
  }
  return {
    telegram: n.telegramToken ? { token: n.telegramToken, chatId: n.chatId, apiUrl } : undefined,
    webhook: n.webhookUrl ? { url: n.webhookUrl, secret: n.webhookSecret || undefined } : undefined,
  };
}

/** The version a notification names: the tag, else the short digest. */
export function versionOf(config: DeployConfig): string {
  const { tag, digest } = config.image;
  if (tag) return tag;
  if (digest) return digest.slice(0, 19);
  return config.image.raw;
}

export function proxyFor(config: DeployConfig, inputs: Inputs): TrafficProxy | undefined {
  if (config.proxy === 'none') return undefined;
  return proxyFrom(config.proxy, config.app, inputs.proxy);
}

export async function run(inputs: Inputs, deps: Deps): Promise<void> {
  const { config, targets, jump, proxy, verify, notifyTargets } = prepare(inputs);
  const { log, env } = deps;
  const releaseId = releaseIdAt(deps.clock.now());
  const runUrl =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  const fetchFn: FetchLike = deps.fetch ?? ((url, init) => fetch(url, init));
  const links = runLinks(env);
  const tell = async (event: NotifyEventName, details?: string): Promise<void> => {
    if (config.dryRun || (!notifyTargets.telegram && !notifyTargets.webhook)) return;
    // notify() never throws; the catch is for anything around it: a notice never fails a deploy.
    await notify(
      {
        event,
        app: config.app,
        version: versionOf(config),
        environment: inputs.github.environment,
        runUrl: links.runUrl,
        commitUrl: links.commitUrl,
        details,
      },
      notifyTargets,
      { fetch: fetchFn, clock: deps.clock, log },
    ).catch((error: unknown) => log.warn(`notify: ${errorMessage(error)}`));
  };
  await tell('start', `release ${releaseId} to ${targets.map(formatTarget).join(', ')}`);
  // Whatever ends the run after this (the SSH material, the GitHub API), the chat hears of it.
  let told = false;
  try {
    const ssh = await connectSsh(inputs.ssh, targets, jump, deps);

    let deployment: GithubDeployment | undefined;
    if (inputs.github.token && !config.dryRun && deps.api && env.GITHUB_REPOSITORY) {
      deployment = await createDeployment(deps.api(inputs.github.token), {
        repository: env.GITHUB_REPOSITORY,
        ref: env.GITHUB_SHA ?? env.GITHUB_REF ?? 'HEAD',
        environment: inputs.github.environment,
        environmentUrl: inputs.github.environmentUrl || undefined,
        transient: inputs.github.transient,
        description: `${config.app} ${config.image.raw}`,
        logUrl: runUrl,
      });
      await deployment.status('in_progress', `deploying ${config.app} release ${releaseId}`);
    }

    const outcomes: HostOutcome[] = [];
    let failure: Error | undefined;
    try {
      for (let i = 0; i < targets.length && !failure; i += inputs.batchSize) {
        const batch = targets.slice(i, i + inputs.batchSize);
        const results = await Promise.all(
          batch.map((target) =>
            deployOne(target, {
              config,
              proxy,
              releaseId,
              runUrl,
              ssh,
              deps,
              extraGates: verify ? verifyGates(verify, { fetch: fetchFn, clock: deps.clock }) : [],
              pauseSeconds: verify?.pauseSeconds ?? 0,
            }),
          ),
        );
        outcomes.push(...results);
        const failed = results.find((o) => o.error);
        if (failed) failure = new Error(`${failed.host}: ${failed.error}`);
      }
    } finally {
      deps.writeSummary(summaryMarkdown(config.app, outcomes, config.dryRun));
      ssh.remove();
    }
    const first = outcomes.find((o) => o.report)?.report;
    deps.setOutputs({
      image: config.image.raw,
      'previous-image': first?.plan.current?.image ?? '',
      color: first?.plan.color,
      'release-id': releaseId,
      'gap-ms': first?.facts.gapMs,
    });
    if (deployment)
      await deployment
        .status(
          failure ? 'failure' : 'success',
          !failure
            ? `release ${releaseId} is live`
            : outcomeEvent(outcomes) === 'rollback'
              ? 'deploy failed, rolled back'
              : 'deploy failed',
        )
        .catch((error: unknown) =>
          log.warn(`GitHub deployment status not set: ${errorMessage(error)}`),
        );
    const stopped = targets.length - outcomes.length;
    const message = failure
      ? `${failure.message}${stopped ? ` (${stopped} host(s) not deployed: stopped at the first failure)` : ''}`
      : '';
    told = true;
    if (!failure)
      await tell('success', `release ${releaseId} is live on ${outcomes.length} host(s)`);
    else await tell(outcomeEvent(outcomes), message);
    if (failure) throw new Error(message);
  } catch (error) {
    if (!told) await tell('failure', errorMessage(error));
    throw error;
  }
}

/**
 * rollback: every failed host was put back by its undo steps (the engine's DeployError);
 * failure: something else (no connection, a busy lock, an undo that failed).
 */
export function outcomeEvent(outcomes: readonly HostOutcome[]): NotifyEventName {
  const failed = outcomes.filter((o) => o.error);
  const rolledBack = failed.every(
    (o) =>
      o.report?.result &&
      !o.report.result.ok &&
      !o.report.result.records.some((r) => r.status === 'undo-failed'),
  );
  return failed.length && rolledBack ? 'rollback' : 'failure';
}

async function deployOne(
  target: SshTarget,
  ctx: {
    config: DeployConfig;
    proxy?: TrafficProxy;
    releaseId: string;
    runUrl?: string;
    ssh: SshHosts;
    deps: Deps;
    extraGates: Gate[];
    pauseSeconds: number;
  },
): Promise<HostOutcome> {
  const { deps } = ctx;
  const host = formatTarget(target);
  return ctx.ssh.withSession(
    target,
    async (session): Promise<HostOutcome> => {
      const report: DeployReport = await deps.log.group(`deploy to ${host}`, () =>
        deploy(ctx.config, {
          exec: session,
          host: hostPrimitives,
          proxy: ctx.proxy,
          clock: deps.clock,
          log: deps.log,
          releaseId: ctx.releaseId,
          extraGates: ctx.extraGates,
          // Each verify gate may hold one step for up to verify-pause seconds: the lock outlives it.
          lockTtlSeconds: ctx.extraGates.length
            ? lockTtl(ctx.config) + 2 * ctx.pauseSeconds * ctx.extraGates.length
            : undefined,
          holder: runHolder(deps.env, ctx.runUrl),
        }),
      );
      return { host, report, ssh: { ...session.stats } };
    },
    (error, session): HostOutcome => {
      deps.log.error(`${host}: ${errorMessage(error)}`);
      return {
        host,
        error: errorMessage(error),
        report: error instanceof DeployError ? error.report : undefined,
        gate: error instanceof DeployError ? error.gate : undefined,
        ssh: session ? { ...session.stats } : undefined,
      };
    },
  );
}
