import { InputError } from '../errors.js';
import { parseJsonPath, type HttpCheckSpec } from './http.js';
import { parsePattern } from './logs.js';
import { parseQueryLine, READY_MADE, type ReadyMade } from './prometheus.js';
import { loadScopedRules } from './rules.js';
import { parseSelector } from './scope.js';
import { isPromRange } from './time.js';
import type { ChecksConfig } from './config.js';
import type { CheckInputBaseName } from '../inputs/entries.js';
import type { InputValues } from '../inputs/schema.js';

/**
 * The check inputs shared by the verify action and the deploy action (which prefixes them with
 * `verify-`): raw values as the adapters read them, validated here once. Errors name the input
 * as the action calls it, through `name` (the base name, e.g. 'http-url', in; the action's input
 * name out).
 */
export interface RawCheckInputs {
  httpUrls: readonly string[];
  httpStatus: readonly string[];
  httpBody: string;
  httpJsonPath: string;
  /** 0: no latency budget. */
  httpLatencyMs: number;
  prometheusUrl: string;
  prometheusChecks: readonly string[];
  prometheusQueries: readonly string[];
  prometheusSelector: string;
  prometheusRange: string;
  minSamples: number;
  prometheusStatusLabel: string;
  prometheusToken: string;
  /** Path of a Prometheus rules file in the repository (`prometheus-rules`); '' or absent: none. */
  prometheusRules?: string;
  /** Lines as given; `none` alone turns the log check off. */
  logPatterns: readonly string[];
  telegramBotToken: string;
  telegramApiUrl: string;
  telegramWebhookUrl: string;
}

export type CheckInputName =
  | 'http-url'
  | 'http-status'
  | 'http-json-path'
  | 'prometheus-url'
  | 'prometheus-range'
  | 'prometheus-status-label'
  | 'prometheus-checks'
  | 'prometheus-queries'
  | 'prometheus-selector'
  | 'prometheus-rules'
  | 'log-patterns'
  | 'telegram-api-url'
  | 'telegram-bot-token'
  | 'telegram-webhook-url';

export interface ParsedCheckInputs {
  http: HttpCheckSpec[];
  prometheus?: ChecksConfig['prometheus'];
  /** Validated patterns; `defaultLogPatterns` when none were given, [] for `none`. */
  logPatterns: string[];
  telegram?: ChecksConfig['telegram'];
  telegramApiUrl: string;
}

/** An http(s) URL, or an InputError naming the input. */
export function httpUrlInput(name: string, raw: string): string {
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

export function parseCheckInputs(
  raw: RawCheckInputs,
  options: {
    name?: (base: CheckInputName) => string;
    defaultLogPatterns?: readonly string[];
    /** Reads `prometheus-rules` (default: the file under `workspace`). */
    readFile?: (path: string) => string;
    /** Where `prometheus-rules` is resolved (default: GITHUB_WORKSPACE, else the working directory). */
    workspace?: string;
    /** `prometheus-rules` may point outside the workspace (the CLI: see loadScopedRules). */
    rulesAnywhere?: boolean;
  } = {},
): ParsedCheckInputs {
  const name = options.name ?? ((base: CheckInputName) => base);

  // --- HTTP
  for (const s of raw.httpStatus) {
    if (!/^[1-5][0-9xX]{2}$/.test(s)) {
      throw new InputError(
        name('http-status'),
        `expected codes like 200 or 2xx, got ${JSON.stringify(s)}`,
      );
    }
  }
  if (raw.httpJsonPath) {
    try {
      parseJsonPath(raw.httpJsonPath);
    } catch (error) {
      throw new InputError(name('http-json-path'), (error as Error).message);
    }
  }
  const http: HttpCheckSpec[] = raw.httpUrls.map((url) => ({
    url: httpUrlInput(name('http-url'), url),
    status: raw.httpStatus.length ? [...raw.httpStatus] : ['2xx'],
    bodyContains: raw.httpBody || undefined,
    jsonPath: raw.httpJsonPath || undefined,
    latencyBudgetMs: raw.httpLatencyMs > 0 ? raw.httpLatencyMs : undefined,
  }));

  // --- Prometheus
  let prometheus: ParsedCheckInputs['prometheus'];
  if (raw.prometheusUrl) {
    httpUrlInput(name('prometheus-url'), raw.prometheusUrl);
    if (!isPromRange(raw.prometheusRange)) {
      throw new InputError(
        name('prometheus-range'),
        `expected a PromQL range like 5m or 90s, got ${JSON.stringify(raw.prometheusRange)}`,
      );
    }
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(raw.prometheusStatusLabel)) {
      throw new InputError(
        name('prometheus-status-label'),
        `is not a label name: ${JSON.stringify(raw.prometheusStatusLabel)}`,
      );
    }
    const unknown = raw.prometheusChecks.filter(
      (n) => n !== 'none' && !(READY_MADE as readonly string[]).includes(n),
    );
    if (unknown.length) {
      throw new InputError(
        name('prometheus-checks'),
        `unknown check(s) ${unknown.join(', ')}; expected ${READY_MADE.join(', ')} or none`,
      );
    }
    const custom = raw.prometheusQueries.map((line) => {
      try {
        return parseQueryLine(line);
      } catch (error) {
        throw new InputError(name('prometheus-queries'), (error as Error).message);
      }
    });
    const readyMade = raw.prometheusChecks.includes('none')
      ? []
      : ([...raw.prometheusChecks] as ReadyMade[]);
    if (readyMade.length && !raw.prometheusSelector) {
      throw new InputError(
        name('prometheus-selector'),
        `is required with ${name('prometheus-checks')}: the label matchers of the new release's series, e.g. job="bot",version="v2"`,
      );
    }
    // Parsed with Prometheus' grammar: a typo fails here, naming the input, not as a query error
    // (inconclusive) at every probe.
    let selector = raw.prometheusSelector.trim();
    if (selector) {
      try {
        selector = parseSelector(selector)
          .map((m) => m.text)
          .join(',');
      } catch (error) {
        throw new InputError(name('prometheus-selector'), (error as Error).message);
      }
    }
    const rulesPath = raw.prometheusRules?.trim() ?? '';
    if (rulesPath && !raw.prometheusSelector) {
      throw new InputError(
        name('prometheus-selector'),
        `is required with ${name('prometheus-rules')}: each rule is scoped to the release's series by it, e.g. job="bot",version="v2"`,
      );
    }
    const rules = rulesPath
      ? loadScopedRules(rulesPath, raw.prometheusSelector, raw.prometheusRange, {
          input: name('prometheus-rules'),
          selectorInput: name('prometheus-selector'),
          readFile: options.readFile,
          workspace: options.workspace,
          anywhere: options.rulesAnywhere,
        })
      : [];
    prometheus = {
      url: raw.prometheusUrl,
      readyMade,
      selector,
      range: raw.prometheusRange,
      minSamples: raw.minSamples,
      statusLabel: raw.prometheusStatusLabel,
      custom,
      rules,
      token: raw.prometheusToken.trim() || undefined,
    };
  } else if (raw.prometheusQueries.length) {
    throw new InputError(name('prometheus-url'), `is required with ${name('prometheus-queries')}`);
  } else if (raw.prometheusRules?.trim()) {
    throw new InputError(name('prometheus-url'), `is required with ${name('prometheus-rules')}`);
  }

  // --- Log patterns
  const given = raw.logPatterns;
  const logPatterns =
    given.length === 1 && given[0] === 'none'
      ? []
      : given.length
        ? [...given]
        : [...(options.defaultLogPatterns ?? [])];
  for (const p of logPatterns) {
    try {
      parsePattern(p);
    } catch (error) {
      throw new InputError(
        name('log-patterns'),
        `${JSON.stringify(p)}: ${(error as Error).message}`,
      );
    }
  }

  // --- Telegram webhook
  const token = raw.telegramBotToken.trim();
  const telegramApiUrl = httpUrlInput(name('telegram-api-url'), raw.telegramApiUrl);
  if (raw.telegramWebhookUrl && !token) {
    throw new InputError(
      name('telegram-bot-token'),
      `is required with ${name('telegram-webhook-url')}`,
    );
  }
  return {
    http,
    prometheus,
    logPatterns,
    telegram: token
      ? { token, apiUrl: telegramApiUrl, expectedUrl: raw.telegramWebhookUrl || undefined }
      : undefined,
    telegramApiUrl,
  };
}

/**
 * The raw check inputs from the schema's checked values (src/inputs/entries.ts: CHECK_INPUTS),
 * under the names the action gives them (verify as they are, deploy prefixed `verify-`).
 */
export function rawCheckInputsFrom<N extends string>(
  values: Pick<InputValues<N>, 'string' | 'integer' | 'list'>,
  name: (base: CheckInputBaseName) => N,
): RawCheckInputs {
  const text = (base: CheckInputBaseName) => values.string(name(base));
  const list = (base: CheckInputBaseName) => values.list(name(base));
  return {
    httpUrls: list('http-url'),
    httpStatus: list('http-status'),
    httpBody: text('http-body'),
    httpJsonPath: text('http-json-path'),
    httpLatencyMs: values.integer(name('http-latency-ms')) ?? 0,
    prometheusUrl: text('prometheus-url'),
    prometheusChecks: list('prometheus-checks'),
    prometheusQueries: list('prometheus-queries'),
    prometheusSelector: text('prometheus-selector'),
    prometheusRules: text('prometheus-rules'),
    prometheusRange: text('prometheus-range'),
    minSamples: values.integer(name('min-samples')) ?? 0,
    prometheusStatusLabel: text('prometheus-status-label'),
    prometheusToken: text('prometheus-token'),
    logPatterns: list('log-patterns'),
    telegramBotToken: text('telegram-bot-token'),
    telegramApiUrl: text('telegram-api-url'),
    telegramWebhookUrl: text('telegram-webhook-url'),
  };
}
