import type { Clock } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';
import { redact } from '../redact.js';
import { inspectArgv, logsArgv, parseState } from './docker.js';

/**
 * Gates decide whether a new release may take (more) traffic or stay up. They are pluggable:
 * a Gate is any async function of the context, so the verify action's checks (HTTP, Prometheus,
 * Telegram webhook info) plug into canary steps and the post-switch window.
 *
 * The HTTP health probe runs ON THE HOST against the loopback port: with curl when the host has
 * it, else with wget (wrapped in `timeout`, as busybox wget's -T is unreliable). Which one is
 * found once, read-only, by the probe. A host with neither gets a clear error asking for one;
 * the container's own HEALTHCHECK (docker inspect) is always consulted too.
 */

export type HttpTool = 'curl' | 'wget' | 'none';

export interface GateContext {
  exec: Executor;
  clock: Clock;
  log: Log;
  container: string;
  port?: number;
  healthPath?: string;
  /** RFC 3339 time or unix seconds: logs before it are not judged. */
  since: string;
  httpTool: HttpTool;
}

export interface GateResult {
  name: string;
  ok: boolean;
  evidence: string;
  /** The container is gone for good (exited, dead): waiting longer cannot help. */
  fatal?: boolean;
}

export type Gate = (ctx: GateContext) => Promise<GateResult>;

export class GateError extends Error {
  constructor(readonly result: GateResult) {
    super(`gate ${result.name} failed: ${result.evidence}`);
    this.name = 'GateError';
  }
}

/** Running, not restarting, and healthy when the image has a HEALTHCHECK. */
export const runningGate: Gate = async (ctx) => {
  const name = 'container-running';
  const result = await ctx.exec.run(inspectArgv(ctx.container), { allowFailure: true });
  if (result.exitCode !== 0)
    return { name, ok: false, fatal: true, evidence: `no container ${ctx.container}` };
  const state = parseState(result.stdout);
  if (!state.Running || state.Restarting) {
    return {
      name,
      ok: false,
      fatal: state.Status === 'exited' || state.Status === 'dead' || state.Restarting,
      evidence: `${ctx.container} is ${state.Restarting ? 'restarting' : state.Status} (exit code ${state.ExitCode})`,
    };
  }
  if (state.Health && state.Health.Status !== 'healthy') {
    const last = state.Health.Log?.at(-1)?.Output?.trim().slice(0, 200) ?? '';
    return {
      name: 'container-healthcheck',
      ok: false,
      fatal: false,
      evidence: `health ${state.Health.Status}${last ? `: ${last}` : ''}`,
    };
  }
  return {
    name,
    ok: true,
    evidence: `running since ${state.StartedAt}${state.Health ? ', healthy' : ''}`,
  };
};

export function httpProbeArgv(tool: HttpTool, url: string): string[] {
  if (tool === 'curl')
    return [
      'curl',
      '--silent',
      '--output',
      '/dev/null',
      '--write-out',
      '%{http_code}',
      '--max-time',
      '5',
      url,
    ];
  if (tool === 'wget') return ['timeout', '6', 'wget', '-q', '-O', '/dev/null', url];
  throw new Error('no HTTP client on the host: install curl or wget for the health gate');
}

/** GET http://127.0.0.1:<port><health-path> from the host answers 2xx. */
export const httpGate: Gate = async (ctx) => {
  const name = 'http-health';
  if (ctx.port === undefined || !ctx.healthPath)
    return { name, ok: true, evidence: 'no health-path: skipped' };
  const url = `http://127.0.0.1:${ctx.port}${ctx.healthPath}`;
  try {
    const result = await ctx.exec.run(httpProbeArgv(ctx.httpTool, url), { allowFailure: true });
    if (ctx.httpTool === 'curl') {
      const code = result.stdout.trim();
      return { name, ok: /^2\d\d$/.test(code), evidence: `GET ${url} -> ${code || 'no answer'}` };
    }
    return {
      name,
      ok: result.exitCode === 0,
      evidence: `GET ${url} -> ${result.exitCode === 0 ? '2xx' : `failed (${result.stderr.trim().slice(0, 120) || `exit ${result.exitCode}`})`}`,
    };
  } catch (error) {
    return { name, ok: false, fatal: true, evidence: errorMessage(error) };
  }
};

/**
 * What two instances fighting over one bot look like in a log, and nothing else: Telegram's
 * status `409 Conflict` (httpx prints `"HTTP/1.1 409 Conflict"`), its description `Conflict:
 * terminated by other getUpdates request`, a Bot API JSON body with `"error_code":409`, and
 * MTProto's AUTH_KEY_DUPLICATED. A bare 409 is not one: update ids, ports and counts contain it.
 */
export const CONFLICT_PATTERNS: readonly RegExp[] = [
  /\b409 Conflict\b/i,
  /\bConflict: terminated by other getUpdates request/i,
  /"error_code"\s*:\s*409\b/,
  /\bAUTH_KEY_DUPLICATED\b/,
];

/** True when a log line is a real conflict signal (see CONFLICT_PATTERNS). */
export function isConflictLine(
  line: string,
  patterns: readonly RegExp[] = CONFLICT_PATTERNS,
): boolean {
  return patterns.some((pattern) => pattern.test(line));
}

export function logGate(patterns: readonly RegExp[] = CONFLICT_PATTERNS): Gate {
  return async (ctx) => {
    const name = 'log-conflicts';
    const result = await ctx.exec.run(logsArgv(ctx.container, ctx.since), { allowFailure: true });
    const lines = `${result.stdout}\n${result.stderr}`.split('\n');
    const hit = lines.find((line) => isConflictLine(line, patterns));
    return hit
      ? { name, ok: false, fatal: true, evidence: `log line: ${redact(hit.trim()).slice(0, 200)}` }
      : { name, ok: true, evidence: 'no 409 Conflict / AUTH_KEY_DUPLICATED in the logs' };
  };
}

async function runGates(ctx: GateContext, gates: readonly Gate[]): Promise<GateResult[]> {
  const results: GateResult[] = [];
  for (const gate of gates) {
    const result = await gate(ctx);
    results.push(result);
    if (!result.ok) break;
  }
  return results;
}

/**
 * Polls the gates once a second until all pass (ready) or the timeout; a fatal result (the
 * container exited) fails at once. Throws GateError naming the gate that held it back.
 */
export async function waitReady(
  ctx: GateContext,
  gates: readonly Gate[],
  timeoutSeconds: number,
): Promise<GateResult[]> {
  const deadline = ctx.clock.now() + timeoutSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    const results = await runGates(ctx, gates);
    const failed = results.find((r) => !r.ok);
    if (!failed) {
      ctx.log.info(
        `ready after ${attempt} check(s): ${results.map((r) => `${r.name}: ${r.evidence}`).join('; ')}`,
      );
      return results;
    }
    if (failed.fatal || ctx.clock.now() >= deadline)
      throw new GateError({
        ...failed,
        evidence: `${failed.evidence}${failed.fatal ? '' : ` (still failing after ${timeoutSeconds}s)`}`,
      });
    await ctx.clock.sleep(1000);
  }
}

/** Runs the gates once a second for a window; the first failure ends it with a GateError. */
export async function watchWindow(
  ctx: GateContext,
  gates: readonly Gate[],
  windowSeconds: number,
): Promise<{ checks: number; results: GateResult[] }> {
  const end = ctx.clock.now() + windowSeconds * 1000;
  let checks = 0;
  for (;;) {
    const results = await runGates(ctx, gates);
    checks++;
    const failed = results.find((r) => !r.ok);
    if (failed) throw new GateError(failed);
    if (ctx.clock.now() >= end) return { checks, results };
    await ctx.clock.sleep(1000);
  }
}
