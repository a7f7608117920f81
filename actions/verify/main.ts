import type { Clock } from '../../src/clock.js';
import { StepError } from '../../src/errors.js';
import type { Executor } from '../../src/exec.js';
import { buildChecks } from '../../src/health/config.js';
import type { FetchLike } from '../../src/health/http.js';
import { verdictMarkdown } from '../../src/health/summary.js';
import type { Verdict } from '../../src/health/types.js';
import { verify } from '../../src/health/verify.js';
import { redact, type Log } from '../../src/log.js';
import { runLinks } from '../../src/notify/message.js';
import { notify, type NotifyTargets } from '../../src/notify/send.js';
import type { Inputs } from './inputs.js';

export interface Deps {
  log: Log;
  clock: Clock;
  fetch: FetchLike;
  env: Record<string, string | undefined>;
  /** Executors for container and log checks: one per host over SSH, or the runner's Docker. */
  connect(inputs: Inputs): Promise<{ executors: Executor[]; close(): Promise<void> }>;
  outputs(values: Record<string, string>): void;
  summary(markdown: string): void;
}

export async function run(inputs: Inputs, deps: Deps): Promise<Verdict> {
  const { log, clock } = deps;
  // Outputs and the job summary are not masked by the runner the way log lines are.
  const secrets = [
    inputs.telegram?.token,
    inputs.prometheus?.token,
    inputs.notify.telegramToken,
    inputs.notify.webhookUrl,
    inputs.notify.webhookSecret,
  ].filter((s): s is string => Boolean(s));
  for (const secret of secrets) log.secret(secret);
  const hide = (text: string) => redact(text, secrets);
  const needsDocker = inputs.container !== undefined;
  const connection = needsDocker
    ? await deps.connect(inputs)
    : { executors: [], close: async () => undefined };
  let verdict: Verdict;
  try {
    const checks = buildChecks(inputs, {
      fetch: deps.fetch,
      clock,
      executors: connection.executors,
    });
    const window = inputs.windowMs > 0;
    log.info(
      `verify: ${checks.length} check(s) (${checks.map((c) => c.name).join(', ')}), ` +
        (window
          ? `watching a ${inputs.windowMs / 1000}s window`
          : `until ${inputs.consecutive} consecutive pass(es) or ${inputs.timeoutMs / 1000}s`) +
        `, every ${inputs.intervalMs / 1000}s`,
    );
    verdict = await verify(checks, {
      clock,
      log,
      mode: window ? 'window' : 'until',
      intervalMs: inputs.intervalMs,
      timeoutMs: window ? inputs.windowMs : inputs.timeoutMs,
      requiredConsecutive: inputs.consecutive,
      failures: inputs.failures,
      onInconclusive: inputs.onInconclusive,
    });
  } finally {
    await connection.close();
  }

  const outputs: Record<string, string> = {
    verdict: verdict.outcome,
    'failed-check': verdict.failedCheck ?? '',
    reason: verdict.reason,
    accepted: String(verdict.accepted),
    evidence: JSON.stringify(
      verdict.evidence.map((e) => ({
        name: e.name,
        kind: e.kind,
        outcome: e.outcome,
        reason: e.reason,
        last: e.last.map((r) => ({
          at: new Date(r.at).toISOString(),
          status: r.status,
          summary: r.summary,
        })),
      })),
    ),
  };
  deps.outputs(Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, hide(v)])));
  deps.summary(hide(verdictMarkdown(verdict, { onInconclusive: inputs.onInconclusive })));

  if (!verdict.accepted) {
    await notifyFailure(inputs, verdict, deps);
    throw new StepError(
      'verify',
      hide(
        `${verdict.outcome}${verdict.outcome === 'inconclusive' ? ' (on-inconclusive: fail)' : ''}: ${verdict.reason}`,
      ),
    );
  }
  return verdict;
}

/** Verify tells the ops chat only when it stops a release; start/success belong to deploy. */
async function notifyFailure(inputs: Inputs, verdict: Verdict, deps: Deps): Promise<void> {
  const n = inputs.notify;
  const targets: NotifyTargets = {};
  if (n.telegramToken && n.chatId) {
    targets.telegram = {
      token: n.telegramToken,
      chatId: n.chatId,
      apiUrl: inputs.telegramApiUrl,
    };
  }
  if (n.webhookUrl)
    targets.webhook = {
      url: n.webhookUrl,
      secret: n.webhookSecret || undefined,
      format: n.webhookFormat,
    };
  if (!targets.telegram && !targets.webhook) return;
  const links = runLinks(deps.env);
  await notify(
    {
      event: 'failure',
      app: n.app || links.repository?.split('/').pop() || 'bot',
      version: n.version || links.sha?.slice(0, 12) || 'unknown',
      environment: n.environment,
      runUrl: links.runUrl,
      commitUrl: links.commitUrl,
      details: `verification ${verdict.outcome}: ${verdict.reason}`,
    },
    targets,
    { fetch: deps.fetch, clock: deps.clock, log: deps.log },
  );
}
