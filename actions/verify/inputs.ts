/** The only place this action reads its inputs: every entry of VERIFY_SCHEMA (src/inputs/entries.ts). */
import { InputError } from '../../src/errors.js';
import type { HttpCheckSpec } from '../../src/health/http.js';
import { parseCheckInputs, rawCheckInputsFrom } from '../../src/health/inputs.js';
import { DEFAULT_LOG_PATTERNS } from '../../src/health/logs.js';
import type { PromCheckSpec, ReadyMade } from '../../src/health/prometheus.js';
import type { ScopedRule } from '../../src/health/rules.js';
import { parseSince } from '../../src/health/time.js';
import {
  VERIFY_SCHEMA,
  type InconclusiveChoice,
  type VerifyInputName,
} from '../../src/inputs/entries.js';
import type { InputValues } from '../../src/inputs/schema.js';
import type { SshInputs } from '../../src/ssh/connect.js';
import { parseHost, type SshTarget } from '../../src/ssh/target.js';
import { readActionInputs } from '../shared/input-source.js';
import type { WebhookFormat } from '../../src/notify/formats.js';

export interface Inputs {
  http: HttpCheckSpec[];
  prometheus?: {
    url: string;
    readyMade: ReadyMade[];
    selector: string;
    range: string;
    minSamples: number;
    statusLabel: string;
    custom: PromCheckSpec[];
    /** prometheus-rules, scoped to the release (src/health/rules.ts). */
    rules?: ScopedRule[];
    token?: string;
  };
  container?: { name: string; logPatterns: string[] };
  hosts: SshTarget[];
  /** The bastion (jump-host) the hosts are reached through. */
  jump?: SshTarget;
  ssh: Omit<SshInputs, 'jumpHost'>;
  since?: number;
  telegram?: { token: string; apiUrl: string; expectedUrl?: string };
  /** The Bot API for the webhook check and the notification. */
  telegramApiUrl: string;
  timeoutMs: number;
  windowMs: number;
  intervalMs: number;
  consecutive: number;
  failures?: number;
  onInconclusive: 'fail' | 'pass';
  notify: {
    telegramToken: string;
    chatId: string;
    webhookUrl: string;
    webhookSecret: string;
    /** notify-webhook-format; undefined: guessed from the URL. */
    webhookFormat?: WebhookFormat;
    app: string;
    version: string;
    environment: string;
  };
}

export function readInputs(now: number = Date.now()): Inputs {
  return verifyInputsFrom(readActionInputs(VERIFY_SCHEMA), now);
}

/** The verify action's Inputs from checked values (durations, counts and choices by the schema). */
export function verifyInputsFrom(v: InputValues<VerifyInputName>, now: number): Inputs {
  // --- HTTP, Prometheus, log patterns, Telegram webhook: validated in src/health/inputs.ts
  const checks = parseCheckInputs(
    rawCheckInputsFrom(v, (base) => base),
    { defaultLogPatterns: DEFAULT_LOG_PATTERNS },
  );
  const { http, prometheus, logPatterns } = checks;

  // --- Container and logs, over SSH (or the runner's own Docker when hosts is empty)
  const containerName = v.string('container');
  const hosts = v.list('hosts').map((h) => parseHost(h, 'hosts'));
  const ssh = {
    key: v.raw('ssh-key'),
    knownHosts: v.raw('known-hosts'),
    fingerprints: v.list('host-fingerprint'),
    jumpKey: v.raw('jump-host-key'),
    keyPassphrase: v.string('ssh-key-passphrase'),
    connectTimeoutSeconds: v.integer('connect-timeout'),
  };
  const jumpHost = v.string('jump-host');
  const jump = jumpHost ? parseHost(jumpHost, 'jump-host') : undefined;
  if (!jump && ssh.jumpKey.trim())
    throw new InputError('jump-host-key', "is given without jump-host: it is the bastion's key");
  if (hosts.length && !containerName) {
    throw new InputError('container', 'is required with hosts: the name of the container to check');
  }
  if (hosts.length && !ssh.key) throw new InputError('ssh-key', 'is required with hosts');

  const sinceRaw = v.string('since');
  let since: number | undefined;
  if (sinceRaw) {
    since = parseSince(sinceRaw, now);
    if (since === undefined) {
      throw new InputError(
        'since',
        `expected RFC 3339 time, unix seconds or a duration ago like 10m, got ${JSON.stringify(sinceRaw)}`,
      );
    }
  }

  // --- Timing and the decision
  const timeoutMs = v.durationMs('timeout')!;
  const windowMs = v.durationMs('window')!;
  const intervalMs = v.durationMs('interval')!;
  const consecutive = v.integer('consecutive')!;
  const failures = v.integer('failures');
  const onInconclusive = v.choice('on-inconclusive') as InconclusiveChoice;
  const span = windowMs > 0 ? windowMs : timeoutMs;
  const rounds = Math.floor(span / intervalMs) + 1;
  if (rounds < consecutive) {
    throw new InputError(
      'consecutive',
      `${consecutive} consecutive passes cannot fit: ${windowMs > 0 ? 'window' : 'timeout'} ${span / 1000}s with interval ${intervalMs / 1000}s allows ${rounds} round(s)`,
    );
  }

  const inputs: Inputs = {
    http,
    prometheus,
    container: containerName ? { name: containerName, logPatterns } : undefined,
    hosts,
    jump,
    ssh,
    since,
    telegram: checks.telegram,
    telegramApiUrl: checks.telegramApiUrl,
    timeoutMs,
    windowMs,
    intervalMs,
    consecutive,
    failures,
    onInconclusive,
    notify: {
      telegramToken: v.string('notify-telegram-token'),
      chatId: v.string('notify-chat-id'),
      webhookUrl: v.string('notify-webhook-url'),
      webhookSecret: v.string('notify-webhook-secret'),
      webhookFormat: (v.choice('notify-webhook-format') || undefined) as WebhookFormat | undefined,
      app: v.string('app'),
      version: v.string('version'),
      environment: v.string('environment'),
    },
  };
  if (inputs.notify.telegramToken && !inputs.notify.chatId) {
    throw new InputError('notify-chat-id', 'is required with notify-telegram-token');
  }
  if (!http.length && !prometheus && !inputs.container && !inputs.telegram) {
    throw new InputError(
      'http-url',
      'no checks configured: set http-url, prometheus-url, container or telegram-bot-token',
    );
  }
  return inputs;
}
