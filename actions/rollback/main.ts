import { parseAppName, parseHealthPath } from '../../src/deploy/config.js';
import { runHolder } from '../../src/deploy/engine.js';
import type { ProxyResolver } from '../../src/deploy/probe.js';
import type { RollbackSettings } from '../../src/deploy/rollback-plan.js';
import { errorMessage, InputError } from '../../src/errors.js';
import { ROLLBACK_SCHEMA, type RollbackInputName } from '../../src/inputs/entries.js';
import { parseInteger } from '../../src/inputs/kinds.js';
import { integerLimits } from '../../src/inputs/schema.js';
import { checkRemotePath } from '../../src/host/paths.js';
import { runLinks } from '../../src/notify/message.js';
import type { NotifyTargets } from '../../src/notify/send.js';
import type { RunDeps } from '../../src/orchestrate/hosts.js';
import { proxyResolver as resolveProxy } from '../../src/orchestrate/proxy.js';
import { runRollback } from '../../src/orchestrate/rollback.js';
import { sshTargetsFrom } from '../../src/ssh/connect.js';
import type { SshTarget } from '../../src/ssh/target.js';
import type { Inputs } from './inputs.js';

/** The runner's world (actions/shared/runner.ts) or a test's. */
export interface Deps extends RunDeps {
  env: Record<string, string | undefined>;
  setOutputs(outputs: Record<string, string | number | undefined>): void;
  writeSummary(markdown: string): void;
  saveState(name: string, value: string): void;
}

const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A timing input, checked against the one schema's limits (shared with the deploy). */
function seconds(input: RollbackInputName, raw: string): number {
  return parseInteger(input, raw, integerLimits(ROLLBACK_SCHEMA, input));
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
    stopGraceSeconds: seconds('stop-grace', inputs.stopGrace),
    healthTimeoutSeconds: seconds('health-timeout', inputs.healthTimeout),
    drainSeconds: seconds('drain-seconds', inputs.drainSeconds),
    gateWindowSeconds: seconds('gate-window', inputs.gateWindow),
    lockTimeoutSeconds: seconds('lock-timeout', inputs.lockTimeout),
    telegram: telegramFrom(inputs.telegram),
  };
  return { settings, targets, jump, proxy: proxyResolver(app, inputs) };
}

/** The token for the webhook registration, with its Bot API URL checked; none: undefined. */
function telegramFrom(t: Inputs['telegram']): RollbackSettings['telegram'] {
  if (!t.token) return undefined;
  const apiUrl = (t.apiUrl || 'https://api.telegram.org').replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(apiUrl))
    throw new InputError('telegram-api-url', 'is not an http(s) URL');
  return { token: t.token, apiUrl };
}

/** proxy: auto follows the proxy the current release recorded (src/orchestrate/proxy.ts). */
export function proxyResolver(app: string, inputs: Inputs): ProxyResolver {
  return resolveProxy(app, inputs.proxy.kind, inputs.proxy);
}

export async function run(inputs: Inputs, deps: Deps): Promise<void> {
  const { settings, targets, jump, proxy } = prepare(inputs);
  const links = runLinks(deps.env);
  const n = inputs.notify;
  const notifyTargets: NotifyTargets = {};
  if (n.telegramToken && n.chatId)
    notifyTargets.telegram = { token: n.telegramToken, chatId: n.chatId, apiUrl: n.telegramApiUrl };
  if (n.webhookUrl)
    notifyTargets.webhook = {
      url: n.webhookUrl,
      secret: n.webhookSecret || undefined,
      format: n.webhookFormat,
    };
  const { failure, outputs } = await runRollback(
    {
      settings,
      proxy,
      targets,
      jump,
      ssh: inputs.ssh,
      holder: runHolder(deps.env, links.runUrl),
      notify: { targets: notifyTargets, environment: n.environment, links },
    },
    deps,
  );
  deps.setOutputs(outputs);
  if (failure) throw new Error(failure);
}
