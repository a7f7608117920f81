/** The only place this action reads its inputs. */
import { InputError } from '../../src/errors.js';
import {
  getEnum,
  getInt,
  getLines,
  getList,
  getSecret,
  getString,
} from '../../src/github/inputs.js';
import type { HttpCheckSpec } from '../../src/health/http.js';
import { parseCheckInputs } from '../../src/health/inputs.js';
import { DEFAULT_LOG_PATTERNS } from '../../src/health/logs.js';
import type { PromCheckSpec, ReadyMade } from '../../src/health/prometheus.js';
import { parseDuration, parseSince } from '../../src/health/time.js';
import { parseHost, type SshTarget } from '../../src/ssh/target.js';

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
    token?: string;
  };
  container?: { name: string; logPatterns: string[] };
  hosts: SshTarget[];
  ssh: { key: string; knownHosts: string; fingerprints: string[] };
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
    app: string;
    version: string;
    environment: string;
  };
}

function duration(name: string, raw: string): number {
  const ms = parseDuration(raw);
  if (ms === undefined) {
    throw new InputError(
      name,
      `expected a duration like 90, 90s, 5m or 500ms, got ${JSON.stringify(raw)}`,
    );
  }
  return ms;
}

export function readInputs(now: number = Date.now()): Inputs {
  // --- HTTP, Prometheus, log patterns, Telegram webhook: validated in src/health/inputs.ts
  const checks = parseCheckInputs(
    {
      httpUrls: getLines('http-url'),
      httpStatus: getList('http-status'),
      httpBody: getString('http-body'),
      httpJsonPath: getString('http-json-path'),
      httpLatencyMs: getInt('http-latency-ms', 0, { min: 0 }),
      prometheusUrl: getString('prometheus-url'),
      prometheusChecks: getList('prometheus-checks'),
      prometheusQueries: getLines('prometheus-queries'),
      prometheusSelector: getString('prometheus-selector'),
      prometheusRange: getString('prometheus-range', '5m'),
      minSamples: getInt('min-samples', 20, { min: 0 }),
      prometheusStatusLabel: getString('prometheus-status-label', 'code'),
      prometheusToken: getString('prometheus-url') ? getSecret('prometheus-token') : '',
      logPatterns: getLines('log-patterns'),
      telegramBotToken: getSecret('telegram-bot-token'),
      telegramApiUrl: getString('telegram-api-url', 'https://api.telegram.org'),
      telegramWebhookUrl: getString('telegram-webhook-url'),
    },
    { defaultLogPatterns: DEFAULT_LOG_PATTERNS },
  );
  const { http, prometheus, logPatterns } = checks;

  // --- Container and logs, over SSH (or the runner's own Docker when hosts is empty)
  const containerName = getString('container');
  const hosts = getList('hosts').map((h) => parseHost(h, 'hosts'));
  const ssh = {
    key: getSecret('ssh-key'),
    knownHosts: getString('known-hosts'),
    fingerprints: getList('host-fingerprint'),
  };
  if (hosts.length && !containerName) {
    throw new InputError('container', 'is required with hosts: the name of the container to check');
  }
  if (hosts.length && !ssh.key) throw new InputError('ssh-key', 'is required with hosts');

  const sinceRaw = getString('since');
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
  const timeoutMs = duration('timeout', getString('timeout', '120s'));
  const windowMs = duration('window', getString('window', '0'));
  const intervalMs = duration('interval', getString('interval', '5s'));
  if (intervalMs < 100) throw new InputError('interval', 'must be at least 100ms');
  const consecutive = getInt('consecutive', 3, { min: 1, max: 100 });
  const failuresRaw = getString('failures');
  const failures = failuresRaw ? getInt('failures', 1, { min: 1, max: 1000 }) : undefined;
  const onInconclusive = getEnum('on-inconclusive', ['fail', 'pass'] as const, 'fail');
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
      telegramToken: getSecret('notify-telegram-token').trim(),
      chatId: getSecret('notify-chat-id').trim(),
      webhookUrl: getSecret('notify-webhook-url').trim(),
      webhookSecret: getSecret('notify-webhook-secret').trim(),
      app: getString('app'),
      version: getString('version'),
      environment: getString('environment', 'production'),
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
