import type { Clock } from '../clock.js';
import type { DeployConfig } from './config.js';
import { buildChecks } from '../health/config.js';
import type { FetchLike } from '../health/http.js';
import type { ParsedCheckInputs } from '../health/inputs.js';
import { logsCheck } from '../health/logs.js';
import { windowGate, type InconclusiveMode } from './window.js';
import type { Gate, GateResult } from './gates.js';

/**
 * The verify action's checks as deploy gates (the deploy action's `verify-*` inputs). They run
 * at every canary step and every second of the post-switch window (blue-green, canary, and the
 * handover's window), next to the built-in container and health gates.
 *
 * - HTTP, Prometheus and the Telegram webhook check are built once (src/health buildChecks).
 * - Log patterns are judged in the NEW release's container over the deploy's own SSH session:
 *   its name is known only when the gate runs, so that check is made then, once per container.
 *
 * An inconclusive answer (no traffic yet, too few samples) is decided by `on-inconclusive`,
 * exactly as the rollback action decides it (window.ts windowGate):
 * `pause` (default) holds promotion and asks again every second for up to `pauseSeconds`; still
 * inconclusive then, the gate fails and the deploy rolls back (traffic stays on the old release).
 * `promote` lets it pass, with the evidence saying so. A fail rolls back either way.
 */
export interface DeployVerifyOptions {
  checks: ParsedCheckInputs;
  onInconclusive: InconclusiveMode;
  pauseSeconds: number;
}

export function hasVerifyChecks(checks: ParsedCheckInputs): boolean {
  return (
    checks.http.length > 0 ||
    checks.prometheus !== undefined ||
    checks.logPatterns.length > 0 ||
    checks.telegram !== undefined
  );
}

export function verifyGates(
  options: DeployVerifyOptions,
  deps: { fetch: FetchLike; clock: Clock; onVerdict?: (result: GateResult) => void },
): Gate[] {
  const { checks } = options;
  const policy = {
    onInconclusive: options.onInconclusive,
    pauseSeconds: options.pauseSeconds,
    onVerdict: deps.onVerdict,
  };
  const since = deps.clock.now();
  const gates: Gate[] = buildChecks(
    { http: checks.http, prometheus: checks.prometheus, telegram: checks.telegram, since },
    { fetch: deps.fetch, clock: deps.clock, executors: [] },
  ).map((check) => windowGate(check, policy));
  if (checks.logPatterns.length > 0) {
    const perContainer = new Map<string, Gate>();
    gates.push(async (ctx) => {
      let gate = perContainer.get(ctx.container);
      if (!gate) {
        const started = Date.parse(ctx.since);
        gate = windowGate(
          logsCheck(
            {
              container: ctx.container,
              patterns: checks.logPatterns,
              since: Number.isFinite(started) ? started : undefined,
              name: `logs ${ctx.container}`,
            },
            ctx.exec,
          ),
          policy,
        );
        perContainer.set(ctx.container, gate);
      }
      return gate(ctx);
    });
  }
  return gates;
}

/**
 * With webhook-url and a token, the post-switch window watches getWebhookInfo (last_error_date
 * after the deploy started fails it, so Telegram's own delivery errors roll the deploy back), as
 * verify-telegram-bot-token would. The registration step confirms the url itself: the window
 * asks only for one to be set (a canary's early gates run before the url may change).
 */
export function withWebhookWatch(
  verify: DeployVerifyOptions | undefined,
  config: Pick<DeployConfig, 'webhook' | 'telegram'>,
  defaults: { pauseSeconds: number },
): DeployVerifyOptions | undefined {
  if (!config.webhook || !config.telegram || verify?.checks.telegram) return verify;
  const telegram = { token: config.telegram.token, apiUrl: config.telegram.apiUrl };
  if (verify) return { ...verify, checks: { ...verify.checks, telegram } };
  return {
    checks: { http: [], logPatterns: [], telegram, telegramApiUrl: config.telegram.apiUrl },
    onInconclusive: 'pause',
    pauseSeconds: defaults.pauseSeconds,
  };
}
