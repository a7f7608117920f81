import {
  proxyInputsFrom,
  ROLLBACK_SCHEMA,
  type RollbackInputName,
} from '../../src/inputs/entries.js';
import type { InputValues } from '../../src/inputs/schema.js';
import type { RawProxyInputs } from '../../src/proxy/index.js';
import type { SshInputs } from '../../src/ssh/connect.js';
import { readActionInputs } from '../shared/input-source.js';
import type { WebhookFormat } from '../../src/notify/formats.js';

/**
 * The only place this action reads its inputs: every entry of ROLLBACK_SCHEMA
 * (src/inputs/entries.ts), checked by kind there (the timing inputs share the deploy's entries
 * and limits); the rest is validated in main.ts (prepare).
 */
export interface Inputs {
  hosts: string[];
  ssh: SshInputs;
  app: string;
  stateDir: string;
  /** `to` and its alias `release-id` (what the reusable workflow passes). */
  to: string;
  releaseId: string;
  force: boolean;
  dryRun: boolean;
  reason: string;
  healthPath: string;
  /** The timing inputs as text, already checked against the schema's limits. */
  stopGrace: string;
  healthTimeout: string;
  drainSeconds: string;
  gateWindow: string;
  lockTimeout: string;
  /** The same timing as numbers (present when read through the schema). */
  timing?: {
    stopGraceSeconds: number;
    healthTimeoutSeconds: number;
    drainSeconds: number;
    gateWindowSeconds: number;
    lockTimeoutSeconds: number;
  };
  /** telegram-bot-token and telegram-api-url: the webhook registration follows the target. */
  telegram: { token: string; apiUrl: string };
  /** proxy (auto, nginx, haproxy, none) and the proxy settings by input name. */
  proxy: RawProxyInputs & { kind: string };
  notify: {
    telegramToken: string;
    chatId: string;
    telegramApiUrl: string;
    webhookUrl: string;
    webhookSecret: string;
    /** notify-webhook-format; undefined: guessed from the URL. */
    webhookFormat?: WebhookFormat;
    environment: string;
  };
}

export function readInputs(): Inputs {
  return rollbackInputsFrom(readActionInputs(ROLLBACK_SCHEMA));
}

/** The rollback action's Inputs from checked values. */
export function rollbackInputsFrom(v: InputValues<RollbackInputName>): Inputs {
  return {
    hosts: v.list('hosts'),
    ssh: {
      key: v.raw('ssh-key'),
      knownHosts: v.raw('known-hosts'),
      fingerprints: v.list('host-fingerprint'),
      jumpHost: v.string('jump-host'),
      jumpKey: v.raw('jump-host-key'),
      keyPassphrase: v.string('ssh-key-passphrase'),
      connectTimeoutSeconds: v.integer('connect-timeout'),
    },
    app: v.string('app'),
    stateDir: v.string('state-dir'),
    to: v.string('to'),
    releaseId: v.string('release-id'),
    force: v.boolean('force'),
    dryRun: v.boolean('dry-run'),
    reason: v.string('reason'),
    healthPath: v.string('health-path'),
    stopGrace: v.raw('stop-grace'),
    healthTimeout: v.raw('health-timeout'),
    drainSeconds: v.raw('drain-seconds'),
    gateWindow: v.raw('gate-window'),
    lockTimeout: v.raw('lock-timeout'),
    timing: {
      stopGraceSeconds: v.integer('stop-grace')!,
      healthTimeoutSeconds: v.integer('health-timeout')!,
      drainSeconds: v.integer('drain-seconds')!,
      gateWindowSeconds: v.integer('gate-window')!,
      lockTimeoutSeconds: v.integer('lock-timeout')!,
    },
    telegram: { token: v.string('telegram-bot-token'), apiUrl: v.string('telegram-api-url') },
    proxy: { kind: v.choice('proxy'), ...proxyInputsFrom(v) },
    notify: {
      telegramToken: v.string('notify-telegram-token'),
      chatId: v.string('notify-chat-id'),
      telegramApiUrl: v.string('notify-telegram-api-url'),
      webhookUrl: v.string('notify-webhook-url'),
      webhookSecret: v.string('notify-webhook-secret'),
      webhookFormat: (v.choice('notify-webhook-format') || undefined) as WebhookFormat | undefined,
      environment: v.string('environment'),
    },
  };
}
