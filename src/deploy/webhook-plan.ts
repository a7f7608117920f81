/**
 * The webhook's steps in a plan (pure data; rules.ts checks them): right after the route that
 * sends all traffic to the new, gated release, the server block (accepting the earlier secret
 * too while it changes), setWebhook when the registration differs, then the block with the new
 * secret only; each with the undo that puts back what it found. A polling bot's token gets
 * deleteWebhook before the new poller starts.
 */
import type { DeployConfig } from './config.js';
import { StepError } from '../errors.js';
import type { RecordedWebhook } from '../host/state.js';
import { webhookServerFile } from '../proxy/nginx.js';
import { parseWebhookUrl } from '../proxy/webhook-server.js';
import type { Step, WebhookAction, WebhookServerAction } from './steps.js';
import { recordOf } from './webhook-registration.js';

/** What the release records of its webhook (no secret: its hash). */
export function webhookRecord(config: DeployConfig): RecordedWebhook | undefined {
  const w = config.webhook;
  if (!w) return undefined;
  return {
    ...recordOf({
      url: w.url,
      secret: w.secret,
      allowedUpdates: w.allowedUpdates,
      maxConnections: w.maxConnections,
    }),
    ...(w.tls
      ? {
          server: {
            ...w.tls,
            ...(w.listenAddress ? { listenAddress: w.listenAddress } : {}),
          },
        }
      : {}),
  };
}

const restoreBlock = (app: string, file: string): NonNullable<Step['undo']> => ({
  title: `put back the webhook server block ${file} as it was (or remove it)`,
  key: 'webhook-server',
  actions: [{ kind: 'webhook-server', op: 'restore', app, file }],
});

/** The webhook steps after the switch; empty without webhook-url (or without a token and TLS). */
export function webhookSteps(
  config: DeployConfig,
  options: { nginxConfDir?: string; recorded?: RecordedWebhook },
): Step[] {
  const w = config.webhook;
  if (!w) return [];
  const steps: Step[] = [];
  const secret = w.secret !== undefined ? ('webhook-secret' as const) : undefined;
  let file: string | undefined;
  if (w.tls) {
    if (!options.nginxConfDir)
      throw new StepError('plan', 'the webhook server block needs the nginx settings of the proxy');
    file = webhookServerFile(options.nginxConfDir, config.app);
    const install = (acceptLive: boolean): WebhookServerAction => ({
      kind: 'webhook-server',
      op: 'install',
      app: config.app,
      file: file!,
      server: {
        host: w.host,
        port: w.port,
        path: w.path,
        ...w.tls!,
        ...(w.listenAddress ? { listenAddress: w.listenAddress } : {}),
      },
      secret,
      acceptLive: acceptLive || undefined,
    });
    steps.push({
      id: 'webhook-server',
      title: `write the webhook server block for ${w.url} (TLS, ${secret ? '403 without the secret token, ' : ''}to the upstream): nginx -t, reload`,
      // a registration follows: the live block's secret and server stay until setWebhook moved
      action: install(Boolean(config.telegram)),
      undo: restoreBlock(config.app, file),
      budgetSeconds: 90,
    });
    if (config.telegram)
      // after setWebhook: the new registration only (an earlier secret or URL is refused)
      steps.push(registerStep(config, options.recorded), {
        id: 'webhook-server-secret',
        title: `webhook server block: the new secret and URL only`,
        action: install(false),
        budgetSeconds: 90,
      });
  }
  if (config.telegram && !steps.some((s) => s.id === 'webhook-register'))
    steps.push(registerStep(config, options.recorded));
  return steps;
}

function registerStep(config: DeployConfig, recorded: RecordedWebhook | undefined): Step {
  const w = config.webhook!;
  const action: WebhookAction = {
    kind: 'webhook',
    op: 'register',
    wanted: {
      url: w.url,
      ...(w.allowedUpdates ? { allowedUpdates: w.allowedUpdates } : {}),
      ...(w.maxConnections !== undefined ? { maxConnections: w.maxConnections } : {}),
    },
    secret: w.secret !== undefined ? 'webhook-secret' : 'none',
    recorded: recorded ? { ...recorded } : undefined,
    dropPendingUpdates: w.dropPendingUpdates || undefined,
  };
  return {
    id: 'webhook-register',
    title: `register the webhook ${w.url} with Telegram when it differs (setWebhook, then getWebhookInfo confirms)`,
    action,
    undo: {
      title: 'set back the webhook registration this run found (when it changed it)',
      key: 'webhook',
      actions: [{ kind: 'webhook', op: 'restore' }],
    },
    budgetSeconds: 60,
  };
}

/** A polling bot with a token: deleteWebhook (when set) before its first start. */
export function clearWebhookStep(config: DeployConfig): Step | undefined {
  if (config.botMode !== 'polling' || !config.telegram) return undefined;
  return {
    id: 'webhook-clear',
    title:
      'make sure the token has no webhook before the poller starts (deleteWebhook when one is set: every getUpdates would get 409)',
    action: { kind: 'webhook', op: 'clear' },
    budgetSeconds: 60,
  };
}

/**
 * Puts the webhook steps right after the route that makes the new release serve, and the
 * polling clear right before the new container starts.
 */
export function withWebhookSteps(
  steps: Step[],
  config: DeployConfig,
  next: string,
  options: { nginxConfDir?: string; recorded?: RecordedWebhook },
): Step[] {
  const out = [...steps];
  const hook = webhookSteps(config, options);
  if (hook.length) {
    const at = out.findIndex((s) => s.serving && s.action.kind === 'route');
    if (at < 0)
      throw new StepError(
        'plan',
        'webhook-url needs a route to the new release (a proxy): Telegram is told only after the switch',
      );
    out.splice(at + 1, 0, ...hook);
  }
  const clear = clearWebhookStep(config);
  if (clear) {
    const at = out.findIndex(
      (s) =>
        s.action.kind === 'container' &&
        s.action.op === 'start' &&
        s.action.container.name === next,
    );
    out.splice(at < 0 ? out.length : at, 0, clear);
  }
  return out;
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x) => (b ?? []).includes(x));

/**
 * A rollback's webhook steps (after its serving route): the target release's server block and
 * registration when they differ from the current one's. The secret stays the live one: the
 * state keeps only hashes, so an earlier secret cannot come back (and a rotated secret should
 * not). `live` is what the record says is registered after the rollback.
 */
export function rollbackWebhookSteps(
  app: string,
  from: RecordedWebhook | undefined,
  to: RecordedWebhook | undefined,
  options: { nginxConfDir?: string; registers: boolean },
): { steps: Step[]; notes: string[]; live: RecordedWebhook | undefined } {
  const notes: string[] = [];
  if (!to) {
    if (from) notes.push(`the target recorded no webhook: the registration of ${from.url} stays`);
    return { steps: [], notes, live: from };
  }
  const registration =
    !from ||
    from.url !== to.url ||
    !sameList(from.allowedUpdates, to.allowedUpdates) ||
    from.maxConnections !== to.maxConnections;
  const server =
    to.server !== undefined &&
    options.nginxConfDir !== undefined &&
    (from?.server === undefined ||
      from.url !== to.url ||
      from.server.certificate !== to.server.certificate ||
      from.server.key !== to.server.key);
  if (!registration && !server) return { steps: [], notes, live: from };
  const file = options.nginxConfDir ? webhookServerFile(options.nginxConfDir, app) : undefined;
  const steps: Step[] = [];
  if (server) {
    const { host, port, path } = parseWebhookUrl(to.url);
    steps.push({
      id: 'webhook-server',
      title: `put the webhook server block of ${to.url} back (the live secret kept): nginx -t, reload`,
      action: {
        kind: 'webhook-server',
        op: 'install',
        app,
        file: file!,
        server: { host, port, path, ...to.server! },
        secret: 'live-block',
      },
      undo: restoreBlock(app, file!),
      budgetSeconds: 90,
    });
  }
  // a secret only the live block knows: without the block the rollback cannot keep it
  const secretKnown =
    from?.secretSha256 === undefined || (file !== undefined && from.server !== undefined);
  if (registration && options.registers && secretKnown)
    steps.push({
      id: 'webhook-register',
      title: `set the webhook registration back to ${to.url} (setWebhook when it differs, the live secret kept)`,
      action: {
        kind: 'webhook',
        op: 'register',
        wanted: {
          url: to.url,
          ...(to.allowedUpdates ? { allowedUpdates: to.allowedUpdates } : {}),
          ...(to.maxConnections !== undefined ? { maxConnections: to.maxConnections } : {}),
        },
        secret: from?.secretSha256 === undefined ? 'none' : 'live-block',
        ...(file ? { file } : {}),
        recorded: from ? { ...from } : undefined,
      },
      undo: {
        title: 'set back the webhook registration this run found (when it changed it)',
        key: 'webhook',
        actions: [{ kind: 'webhook', op: 'restore' }],
      },
      budgetSeconds: 60,
    });
  else if (registration)
    notes.push(
      `the webhook registration stays ${from?.url ?? 'as it is'} (the target's is ${to.url}): ${options.registers ? 'its secret is known only to a server block the deploy writes' : 'no telegram-bot-token'}; set it by hand`,
    );
  if (from?.secretSha256 !== to.secretSha256)
    notes.push(
      'the webhook secret stays the live one: the state keeps only its hash, an earlier secret cannot come back',
    );
  const registered = steps.some((s) => s.id === 'webhook-register');
  const live: RecordedWebhook = {
    ...(registered ? to : (from ?? to)),
    ...(from?.secretSha256 !== undefined ? { secretSha256: from.secretSha256 } : {}),
    ...(server ? { server: to.server } : from?.server ? { server: from.server } : {}),
  };
  if (from?.secretSha256 === undefined) delete live.secretSha256;
  return { steps, notes, live };
}
