import type { Clock } from '../clock.js';
import type { Executor } from '../exec.js';
import { containerCheck } from './container.js';
import { httpCheck, type FetchLike, type HttpCheckSpec } from './http.js';
import { logsCheck } from './logs.js';
import {
  prometheusCheck,
  prometheusClient,
  readyMadeCheck,
  type PromCheckSpec,
  type ReadyMade,
} from './prometheus.js';
import { ruleCheck, rulesCoverageCheck, type ScopedRule } from './rules.js';
import { telegramWebhookCheck } from './telegram.js';
import type { Check } from './types.js';

/** Everything the verify action (or a deploy) asks for, already validated. */
export interface ChecksConfig {
  http: HttpCheckSpec[];
  prometheus?: {
    url: string;
    readyMade: ReadyMade[];
    selector: string;
    range: string;
    minSamples: number;
    statusLabel: string;
    custom: PromCheckSpec[];
    /** Alerting rules from `prometheus-rules`, already scoped to the release (src/health/rules.ts). */
    rules?: ScopedRule[];
    /** Sent as `Authorization: Bearer` (Prometheus behind an auth proxy, hosted Prometheus). */
    token?: string;
  };
  container?: { name: string; logPatterns: readonly string[] };
  /** Epoch ms when the deploy started (logs, Telegram errors); undefined: see each check. */
  since?: number;
  telegram?: { token: string; apiUrl: string; expectedUrl?: string };
}

export interface CheckDeps {
  fetch: FetchLike;
  clock: Clock;
  /** One executor per host, for container and log checks. */
  executors: readonly Executor[];
}

/** Pure wiring: the checks a config describes, in a stable order. */
export function buildChecks(config: ChecksConfig, deps: CheckDeps): Check[] {
  const checks: Check[] = [];
  for (const spec of config.http) checks.push(httpCheck(spec, deps));
  const p = config.prometheus;
  if (p) {
    const client = prometheusClient(p.url, {
      fetch: deps.fetch,
      headers: p.token ? { authorization: `Bearer ${p.token}` } : undefined,
    });
    for (const name of p.readyMade) {
      const spec = readyMadeCheck(name, {
        selector: p.selector,
        range: p.range,
        minSamples: name === 'up' ? Math.min(p.minSamples, 2) : p.minSamples,
        statusLabel: p.statusLabel,
      });
      checks.push(prometheusCheck(spec, client));
    }
    for (const spec of p.custom) checks.push(prometheusCheck(spec, client));
    for (const rule of p.rules ?? []) checks.push(ruleCheck(rule, client));
    if (p.rules?.length) checks.push(rulesCoverageCheck(p.rules, client));
  }
  if (config.container) {
    for (const executor of deps.executors) {
      checks.push(containerCheck({ container: config.container.name }, executor));
      if (config.container.logPatterns.length > 0) {
        checks.push(
          logsCheck(
            {
              container: config.container.name,
              patterns: config.container.logPatterns,
              since: config.since,
            },
            executor,
          ),
        );
      }
    }
  }
  if (config.telegram) {
    checks.push(
      telegramWebhookCheck(
        {
          token: config.telegram.token,
          apiUrl: config.telegram.apiUrl,
          expectedUrl: config.telegram.expectedUrl,
          since: config.since ?? deps.clock.now(),
        },
        { fetch: deps.fetch },
      ),
    );
  }
  return checks;
}
