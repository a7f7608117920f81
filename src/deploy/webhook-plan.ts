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
    ...(w.tls ? { server: { ...w.tls } } : {}),
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
      action: install(Boolean(secret && config.telegram)),
      undo: restoreBlock(config.app, file),
      budgetSeconds: 90,
    });
    if (secret && config.telegram)
      // after setWebhook: only the new secret (an earlier one Telegram no longer signs with is refused)
      steps.push(registerStep(config, options.recorded), {
        id: 'webhook-server-secret',
        title: `webhook server block: accept the new secret only`,
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
