/**
 * The executor of the webhook step kinds (steps.ts WebhookServerAction, WebhookAction): the thin
 * layer between the plan's data and the world (nginx through src/proxy/webhook-server.ts, the Bot
 * API through webhook-registration.ts). What a run found before it changed anything (the block's
 * text, the registration, the secret the block accepted) stays in the run's memo, never in the plan
 * or the report, so an undo can put it back.
 */
import type { Clock } from '../clock.js';
import { StepError } from '../errors.js';
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';
import { readText } from '../proxy/files.js';
import { installIncludeFile, uninstallIncludeFile } from '../proxy/nginx.js';
import type { NginxSettings } from '../proxy/types.js';
import {
  acceptedSecrets,
  installWebhookServer,
  renderWebhookServer,
  waitServed,
} from '../proxy/webhook-server.js';
import type { WebhookAction, WebhookSecretSource, WebhookServerAction } from './steps.js';
import {
  clearWebhookForPolling,
  ensureWebhook,
  secretSha256,
  setWebhookParams,
  type BotApi,
  type RegisteredWebhook,
} from './webhook-registration.js';

/** What this run found before its first change (secrets included: memory only). */
export interface WebhookMemo {
  /** The block file before the run's first install (content undefined: there was none). */
  blockBefore?: { content: string | undefined };
  /** The secret the block accepted before the run (one only; else unknown). */
  secretBefore?: string;
  /** getWebhookInfo before this run's setWebhook, when it made one. */
  registeredBefore?: RegisteredWebhook;
}

/** The outcome for the summary and the outputs (no secret). */
export interface WebhookOutcome {
  registration?: 'set' | 'unchanged' | 'restored' | 'deleted' | 'none-set';
  url?: string;
  reasons?: string[];
}

export interface WebhookStepContext {
  exec: Executor;
  /** For the wait until nginx serves a new block (none: no wait). */
  clock?: Clock;
  log: Log;
  nginx?: NginxSettings;
  api?: BotApi;
  /** The webhook-secret input's value. */
  secret?: string;
  memo: WebhookMemo;
  outcome: WebhookOutcome;
}

/** The secret a step uses: the input's, or the one the live block accepts (a rollback's). */
function secretFrom(
  source: WebhookSecretSource | undefined,
  ctx: WebhookStepContext,
  live: readonly string[],
): string | undefined {
  if (source === 'webhook-secret') {
    if (!ctx.secret) throw new StepError('webhook', 'the plan needs webhook-secret, none given');
    return ctx.secret;
  }
  if (source === 'live-block') {
    // never guess: a registration set without its secret would drop the 403 protection's match
    if (live.length !== 1)
      throw new StepError(
        'webhook',
        `the live server block accepts ${live.length} secrets: which one Telegram signs with is unknown; set the registration by hand`,
      );
    return live[0];
  }
  return undefined;
}

const needNginx = (ctx: WebhookStepContext): NginxSettings => {
  if (!ctx.nginx)
    throw new StepError('webhook-server', 'the proxy gives no nginx settings for the block');
  return ctx.nginx;
};

export async function performWebhookServer(
  action: WebhookServerAction,
  ctx: WebhookStepContext,
): Promise<void> {
  const nginx = needNginx(ctx);
  const { exec, log, memo } = ctx;
  if (action.op === 'restore') {
    const before = memo.blockBefore;
    if (!before) return; // this run never wrote it
    if (before.content === undefined)
      await uninstallIncludeFile(exec, nginx, action.file, 'the webhook server block');
    else await installIncludeFile(exec, nginx, action.file, before.content, { force: true });
    log.info(
      `webhook server block ${action.file}: ${before.content === undefined ? 'removed' : 'put back'}`,
    );
    return;
  }
  const text = await readText(exec, action.file);
  const live = text === undefined ? [] : acceptedSecrets(text);
  if (!memo.blockBefore) {
    memo.blockBefore = { content: text };
    if (live.length === 1) memo.secretBefore = live[0];
  }
  const secret = secretFrom(action.secret, ctx, live);
  const server = {
    app: action.app,
    ...action.server!,
    secret,
    alsoAccept: action.acceptLive ? live : undefined,
  };
  const changed = await installWebhookServer(exec, nginx, server, {
    keepLive: action.acceptLive ? text : undefined,
  });
  // Telegram is moved next: only once nginx's new workers take connections
  if (changed && action.acceptLive && ctx.clock) {
    const served = await waitServed(exec, server, renderWebhookServer(server), ctx.clock);
    if (!served)
      log.warn(
        `webhook server block ${action.file}: no 204 from its served path through curl on the host; going on (nginx -t passed and it was reloaded)`,
      );
  }
  const both = action.acceptLive && secret !== undefined && live.some((s) => s !== secret);
  log.info(
    changed
      ? `webhook server block ${action.file} written, nginx -t passed, reloaded${both ? ' (accepting the earlier secret too until setWebhook takes the new one)' : ''}`
      : `webhook server block ${action.file} unchanged`,
  );
}

export async function performWebhook(
  action: WebhookAction,
  ctx: WebhookStepContext,
): Promise<void> {
  const { log, memo, outcome } = ctx;
  const api = ctx.api;
  if (!api) throw new StepError('webhook', 'the plan needs telegram-bot-token, none given');
  if (action.op === 'clear') {
    const deleted = await clearWebhookForPolling(api, log);
    if (!deleted) log.info('getWebhookInfo: no webhook set on the token; nothing to delete');
    outcome.registration = deleted ? 'deleted' : 'none-set';
    return;
  }
  if (action.op === 'restore') {
    const before = memo.registeredBefore;
    if (!before) return; // this run set nothing
    if (!before.url) {
      await api.call('deleteWebhook', { drop_pending_updates: false });
      log.info('deleteWebhook: there was no webhook before this run');
    } else {
      await api.call(
        'setWebhook',
        setWebhookParams({
          url: before.url,
          secret: memo.secretBefore,
          allowedUpdates: before.allowed_updates,
          maxConnections: before.max_connections,
        }),
      );
      log.info(
        `setWebhook back to ${before.url}${memo.secretBefore ? ' with the secret it had' : ' (its secret is unknown: set without one)'}`,
      );
    }
    outcome.registration = 'restored';
    return;
  }
  const wanted = action.wanted!;
  const live =
    action.secret === 'live-block' && action.file ? await liveSecrets(ctx, action.file) : [];
  const secret = secretFrom(action.secret, ctx, live);
  const result = await ensureWebhook(api, { ...wanted, secret }, action.recorded, log, {
    dropPendingUpdates: action.dropPendingUpdates,
    onChange: (before) => {
      memo.registeredBefore = before;
      // no block told the earlier secret: it is this one when the state recorded it as unchanged
      if (
        memo.secretBefore === undefined &&
        action.recorded?.url === before.url &&
        action.recorded.secretSha256 !== undefined &&
        action.recorded.secretSha256 === secretSha256(secret)
      )
        memo.secretBefore = secret;
    },
  });
  outcome.registration = result.changed ? 'set' : 'unchanged';
  outcome.url = wanted.url;
  outcome.reasons = result.reasons;
}

/** The secrets the app's live block accepts (a rollback keeps the live one). */
async function liveSecrets(ctx: WebhookStepContext, file: string): Promise<string[]> {
  const text = await readText(ctx.exec, file);
  return text === undefined ? [] : acceptedSecrets(text);
}
