import { buildConfig, type DeployConfig } from '../../src/deploy/config.js';
import { releaseIdAt, runHolder } from '../../src/deploy/engine.js';
import { refuseManyPollers } from '../../src/deploy/rules.js';
import { hasVerifyChecks, type DeployVerifyOptions } from '../../src/deploy/verify-gates.js';
import { InputError } from '../../src/errors.js';
import type { GitHubApi } from '../../src/github/api.js';
import { parseCheckInputs, type CheckInputName } from '../../src/health/inputs.js';
import { runLinks } from '../../src/notify/message.js';
import type { NotifyTargets } from '../../src/notify/send.js';
import { runDeploy } from '../../src/orchestrate/deploy.js';
import type { RunDeps } from '../../src/orchestrate/hosts.js';
import { proxyFrom, type TrafficProxy } from '../../src/proxy/index.js';
import { sshTargetsFrom } from '../../src/ssh/connect.js';
import type { SshTarget } from '../../src/ssh/target.js';
import type { Inputs } from './inputs.js';

export { outcomeEvent, versionOf } from '../../src/orchestrate/deploy.js';

/** The runner's world (actions/shared/runner.ts) or a test's. */
export interface Deps extends RunDeps {
  env: Record<string, string | undefined>;
  setOutputs(outputs: Record<string, string | number | undefined>): void;
  writeSummary(markdown: string): void;
  saveState(name: string, value: string): void;
  api?: (token: string) => GitHubApi;
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
  refuseManyPollers(config.botMode, targets.length);
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
    webhook: n.webhookUrl
      ? { url: n.webhookUrl, secret: n.webhookSecret || undefined, format: n.webhookFormat }
      : undefined,
  };
}

export function proxyFor(config: DeployConfig, inputs: Inputs): TrafficProxy | undefined {
  if (config.proxy === 'none') return undefined;
  return proxyFrom(config.proxy, config.app, inputs.proxy);
}

export async function run(inputs: Inputs, deps: Deps): Promise<void> {
  const { config, targets, jump, proxy, verify, notifyTargets } = prepare(inputs);
  const { env } = deps;
  const links = runLinks(env);
  const token = inputs.github.token;
  const { failure, outputs } = await runDeploy(
    {
      config,
      proxy,
      targets,
      jump,
      ssh: inputs.ssh,
      batchSize: inputs.batchSize,
      releaseId: releaseIdAt(deps.clock.now()),
      holder: runHolder(env, links.runUrl),
      verify,
      notify: { targets: notifyTargets, environment: inputs.github.environment, links },
      github:
        token && deps.api && env.GITHUB_REPOSITORY
          ? {
              api: deps.api(token),
              repository: env.GITHUB_REPOSITORY,
              ref: env.GITHUB_SHA ?? env.GITHUB_REF ?? 'HEAD',
              environment: inputs.github.environment,
              environmentUrl: inputs.github.environmentUrl || undefined,
              transient: inputs.github.transient,
              logUrl: links.runUrl,
            }
          : undefined,
    },
    deps,
  );
  deps.setOutputs(outputs);
  if (failure) throw new Error(failure);
}
