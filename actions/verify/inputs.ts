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
import { parseJsonPath, type HttpCheckSpec } from '../../src/health/http.js';
import { DEFAULT_LOG_PATTERNS, parsePattern } from '../../src/health/logs.js';
import {
  parseQueryLine,
  READY_MADE,
  type PromCheckSpec,
  type ReadyMade,
} from '../../src/health/prometheus.js';
import { isPromRange, parseDuration, parseSince } from '../../src/health/time.js';
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

function httpUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(name, `is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(name, `must be http or https, got ${url.protocol}`);
  }
  return raw;
}

export function readInputs(now: number = Date.now()): Inputs {
  // --- HTTP
  const statuses = getList('http-status');
  for (const s of statuses) {
    if (!/^[1-5][0-9xX]{2}$/.test(s)) {
      throw new InputError(
        'http-status',
        `expected codes like 200 or 2xx, got ${JSON.stringify(s)}`,
      );
    }
  }
  const body = getString('http-body');
  const jsonPath = getString('http-json-path');
  if (jsonPath) {
    try {
      parseJsonPath(jsonPath);
    } catch (error) {
      throw new InputError('http-json-path', (error as Error).message);
    }
  }
  const latency = getInt('http-latency-ms', 0, { min: 0 });
  const http: HttpCheckSpec[] = getLines('http-url').map((url) => ({
    url: httpUrl('http-url', url),
    status: statuses.length ? statuses : ['2xx'],
    bodyContains: body || undefined,
    jsonPath: jsonPath || undefined,
    latencyBudgetMs: latency > 0 ? latency : undefined,
  }));

  // --- Prometheus
  const promUrl = getString('prometheus-url');
  const readyRaw = getList('prometheus-checks');
  const queries = getLines('prometheus-queries');
  const selector = getString('prometheus-selector');
  const range = getString('prometheus-range', '5m');
  const minSamples = getInt('min-samples', 20, { min: 0 });
  const statusLabel = getString('prometheus-status-label', 'code');
  let prometheus: Inputs['prometheus'];
  if (promUrl) {
    httpUrl('prometheus-url', promUrl);
    if (!isPromRange(range)) {
      throw new InputError(
        'prometheus-range',
        `expected a PromQL range like 5m or 90s, got ${JSON.stringify(range)}`,
      );
    }
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(statusLabel)) {
      throw new InputError(
        'prometheus-status-label',
        `is not a label name: ${JSON.stringify(statusLabel)}`,
      );
    }
    const unknown = readyRaw.filter(
      (n) => n !== 'none' && !(READY_MADE as readonly string[]).includes(n),
    );
    if (unknown.length) {
      throw new InputError(
        'prometheus-checks',
        `unknown check(s) ${unknown.join(', ')}; expected ${READY_MADE.join(', ')} or none`,
      );
    }
    const custom = queries.map((line) => {
      try {
        return parseQueryLine(line);
      } catch (error) {
        throw new InputError('prometheus-queries', (error as Error).message);
      }
    });
    const readyMade = readyRaw.includes('none') ? [] : (readyRaw as ReadyMade[]);
    if (readyMade.length && !selector) {
      throw new InputError(
        'prometheus-selector',
        'is required with prometheus-checks: the label matchers of the new release\'s series, e.g. job="bot",version="v2"',
      );
    }
    const token = getSecret('prometheus-token').trim() || undefined;
    prometheus = {
      url: promUrl,
      readyMade,
      selector,
      range,
      minSamples,
      statusLabel,
      custom,
      token,
    };
  } else if (queries.length) {
    throw new InputError('prometheus-url', 'is required with prometheus-queries');
  }

  // --- Container and logs, over SSH (or the runner's own Docker when hosts is empty)
  const containerName = getString('container');
  const patternsRaw = getLines('log-patterns');
  const logPatterns =
    patternsRaw.length === 1 && patternsRaw[0] === 'none'
      ? []
      : patternsRaw.length
        ? patternsRaw
        : [...DEFAULT_LOG_PATTERNS];
  for (const p of logPatterns) {
    try {
      parsePattern(p);
    } catch (error) {
      throw new InputError('log-patterns', `${JSON.stringify(p)}: ${(error as Error).message}`);
    }
  }
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

  // --- Telegram webhook
  const botToken = getSecret('telegram-bot-token').trim();
  const apiUrl = httpUrl(
    'telegram-api-url',
    getString('telegram-api-url', 'https://api.telegram.org'),
  );
  const webhookUrl = getString('telegram-webhook-url');
  if (webhookUrl && !botToken) {
    throw new InputError('telegram-bot-token', 'is required with telegram-webhook-url');
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
    telegram: botToken
      ? { token: botToken, apiUrl, expectedUrl: webhookUrl || undefined }
      : undefined,
    telegramApiUrl: apiUrl,
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
