/**
 * The orchestration shared by the actions and the CLI (actions/ -> orchestrate -> engine): SSH
 * to the hosts, in batches, stopping at the first failure or a cancel; the plans of the run as
 * one JSON file (the `plan-file` output); cancellation from SIGINT/SIGTERM.
 */
import type { Clock } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { FetchLike } from '../health/http.js';
import type { Log } from '../log.js';
import type { RunReport } from '../deploy/engine.js';
import type { HostPrimitives } from '../deploy/ports.js';
import type { HostOutcome } from '../deploy/summary.js';
import { planDocument } from '../deploy/print.js';
import { botApi, type BotApi } from '../deploy/webhook-registration.js';
import { connectSsh, type SshHosts, type SshInputs } from '../ssh/connect.js';
import type { SshMaterial, SshMaterialOptions } from '../ssh/secrets.js';
import type { SshSession, SshSettings } from '../ssh/session.js';
import { formatTarget, type SshTarget } from '../ssh/target.js';

/**
 * The Bot API for the webhook steps: the token registered as a secret (it reaches only the Bot
 * API URL) and the run's fetch (a runner's proxy settings hold).
 */
export function telegramApi(
  telegram: { token: string; apiUrl: string } | undefined,
  deps: Pick<RunDeps, 'log' | 'fetch'>,
): BotApi | undefined {
  if (!telegram) return undefined;
  deps.log.secret(telegram.token);
  return botApi(telegram.token, {
    fetch: deps.fetch,
    apiUrl: telegram.apiUrl,
  });
}

/** What a run needs from the world; the action adapters and the CLI give their own. */
export interface RunDeps {
  log: Log;
  clock: Clock;
  writeSshMaterial(options: SshMaterialOptions): Promise<SshMaterial>;
  openSession(target: SshTarget, settings: SshSettings): Promise<SshSession>;
  /** Saves the SSH material's paths for the post step (actions). */
  saveState?(name: string, value: string): void;
  /** For the verify checks and the notifications: proxyFetch (src/github/http.ts) in a run. */
  fetch: FetchLike;
  /** Aborted on SIGINT/SIGTERM: the current step's wait ends, the undos run, no further host. */
  signal?: AbortSignal;
  writeSummary?(markdown: string): void;
  /** Writes the run's plans as JSON and returns the file's path (the plan-file output). */
  writePlanFile?(json: string): string;
  /** The engine's host primitives (state, lock, audit); default the real ones (tests: in memory). */
  host?: HostPrimitives;
}

export interface HostsRequest {
  targets: SshTarget[];
  jump?: SshTarget;
  ssh: SshInputs;
  batchSize: number;
}

/**
 * Runs `body` on each host over a verified session, `batchSize` hosts at a time; stops after a
 * batch with a failure, or when cancelled. The key material is removed at the end.
 */
export async function onHosts<R extends RunReport>(
  request: HostsRequest,
  deps: RunDeps,
  body: (session: SshSession, host: string) => Promise<R>,
  failed: (error: unknown) => { report?: R; gate?: string },
): Promise<HostOutcome<R>[]> {
  const ssh: SshHosts = await connectSsh(request.ssh, request.targets, request.jump, deps);
  const outcomes: HostOutcome<R>[] = [];
  try {
    const { targets } = request;
    for (let i = 0; i < targets.length; i += request.batchSize) {
      if (deps.signal?.aborted) break;
      const batch = targets.slice(i, i + request.batchSize);
      const results = await Promise.all(
        batch.map((target) => {
          const host = formatTarget(target);
          return ssh.withSession(
            target,
            async (session): Promise<HostOutcome<R>> => ({
              host,
              report: await body(session, host),
              ssh: { ...session.stats },
            }),
            (error, session): HostOutcome<R> => {
              deps.log.error(`${host}: ${errorMessage(error)}`);
              return {
                host,
                error: errorMessage(error),
                ...failed(error),
                ssh: session ? { ...session.stats } : undefined,
              };
            },
          );
        }),
      );
      outcomes.push(...results);
      if (results.some((o) => o.error)) break;
    }
  } finally {
    ssh.remove();
  }
  return outcomes;
}

/** Every host's plan in one JSON document; the path, or '' when nothing was planned. */
export function writePlans(
  kind: 'deploy' | 'rollback',
  outcomes: readonly HostOutcome[],
  deps: RunDeps,
): string {
  const planned = outcomes.filter((o) => o.report);
  if (!planned.length || !deps.writePlanFile) return '';
  const hosts = planned.map((o) => ({ host: o.host, plan: planDocument(o.report!.plan) }));
  return deps.writePlanFile(`${JSON.stringify({ kind, hosts }, null, 2)}\n`);
}

/**
 * SIGINT and SIGTERM (the runner sends SIGINT, then SIGTERM 7.5 s later) abort the run instead
 * of killing it: the engine ends the current wait, runs the undos, writes the audit line
 * `cancelled` and releases the lock. `dispose` removes the handlers.
 */
export function cancelOnSignals(
  on: Pick<NodeJS.Process, 'on' | 'off'> = process,
  log?: Log,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    log?.error(
      controller.signal.aborted
        ? `${name}: still undoing, please wait`
        : `${name}: cancelling: the current step stops, its undos run, the lock is released`,
    );
    if (!controller.signal.aborted) controller.abort(name);
  };
  on.on('SIGINT', handler);
  on.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      on.off('SIGINT', handler);
      on.off('SIGTERM', handler);
    },
  };
}
