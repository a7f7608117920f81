import {
  rawDeployInputsFrom,
  windowModeFor,
  type RawDeployInputs,
} from '../../src/deploy/config.js';
import { rawCheckInputsFrom, type RawCheckInputs } from '../../src/health/inputs.js';
import {
  DEPLOY_SCHEMA,
  deployCheckName,
  proxyInputsFrom,
  type DeployInputName,
} from '../../src/inputs/entries.js';
import type { InputValues } from '../../src/inputs/schema.js';
import type { RawProxyInputs } from '../../src/proxy/index.js';
import type { SshInputs } from '../../src/ssh/connect.js';
import { readActionInputs } from '../shared/input-source.js';
import type { WebhookFormat } from '../../src/notify/formats.js';

/**
 * The only place this action reads its inputs: every entry of DEPLOY_SCHEMA (src/inputs/entries.ts),
 * checked by kind there; validated further in src/deploy/config.ts and src/health/inputs.ts.
 */
export interface Inputs {
  raw: RawDeployInputs;
  hosts: string[];
  batchSize: number;
  ssh: SshInputs;
  proxy: RawProxyInputs;
  github: { token: string; environment: string; environmentUrl: string; transient: boolean };
  /** The verify checks plugged into the deploy gates (validated by src/health/inputs.ts). */
  verify: {
    checks: RawCheckInputs;
    /** Seconds of the post-switch window when set; -1: gate-window decides. */
    windowSeconds: number;
    pauseSeconds: number;
    /** The window's mode for on-inconclusive (fail: pause, then fail; pass: promote). */
    onInconclusive: 'pause' | 'promote';
  };
  notify: {
    telegramToken: string;
    chatId: string;
    webhookUrl: string;
    webhookSecret: string;
    /** notify-webhook-format; undefined: guessed from the URL. */
    webhookFormat?: WebhookFormat;
  };
}

export function readInputs(): Inputs {
  return deployInputsFrom(readActionInputs(DEPLOY_SCHEMA));
}

/** The deploy action's Inputs from checked values (the action's INPUT_* or a test's). */
export function deployInputsFrom(v: InputValues<DeployInputName>): Inputs {
  return {
    raw: rawDeployInputsFrom(v),
    hosts: v.list('hosts'),
    batchSize: v.integer('batch-size')!,
    ssh: {
      key: v.raw('ssh-key'),
      knownHosts: v.raw('known-hosts'),
      fingerprints: v.list('host-fingerprint'),
      jumpHost: v.string('jump-host'),
      jumpKey: v.raw('jump-host-key'),
      keyPassphrase: v.string('ssh-key-passphrase'),
      connectTimeoutSeconds: v.integer('connect-timeout'),
    },
    proxy: proxyInputsFrom(v),
    github: {
      token: v.string('github-token'),
      environment: v.string('environment'),
      environmentUrl: v.string('environment-url'),
      transient: v.boolean('transient-environment'),
    },
    verify: {
      checks: rawCheckInputsFrom(v, deployCheckName),
      windowSeconds: v.integer('verify-window') ?? -1,
      pauseSeconds: v.integer('verify-pause')!,
      onInconclusive: windowModeFor(v.choice('on-inconclusive')),
    },
    notify: {
      telegramToken: v.string('notify-telegram-token'),
      chatId: v.string('notify-chat-id'),
      webhookUrl: v.string('notify-webhook-url'),
      webhookSecret: v.string('notify-webhook-secret'),
      webhookFormat: (v.choice('notify-webhook-format') || undefined) as WebhookFormat | undefined,
    },
  };
}
