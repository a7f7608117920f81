import type { Clock } from '../clock.js';
import { errorMessage, StepError } from '../errors.js';
import type { Log } from '../log.js';
import { FatalProbeError } from './probe.js';

export interface ServiceCheck {
  /** "Postgres", "Redis". */
  name: string;
  /** host:port, as the failure message shows it. */
  address: string;
  /** One attempt; throws with the reason it failed. */
  probe: (attemptTimeoutMs: number) => Promise<void>;
}

export interface WaitOptions {
  clock: Clock;
  log: Log;
  timeoutMs: number;
  intervalMs?: number;
  /** The most one attempt may take (a socket timer); the deadline still bounds the total. */
  attemptTimeoutMs?: number;
}

/**
 * Retries a service's readiness probe until it succeeds or the deadline passes. A service that
 * never comes up fails with its name, address and last error; an error that waiting cannot fix
 * (a wrong password) fails at once.
 */
export async function waitForService(check: ServiceCheck, options: WaitOptions): Promise<number> {
  const { clock, log } = options;
  const interval = options.intervalMs ?? 1000;
  const deadline = clock.now() + options.timeoutMs;
  let attempts = 0;
  let last = 'no attempt was made';
  for (;;) {
    attempts++;
    const remaining = Math.max(1, deadline - clock.now());
    try {
      await check.probe(Math.min(options.attemptTimeoutMs ?? 5000, remaining));
      log.info(`${check.name} at ${check.address} accepts connections (attempt ${attempts})`);
      return attempts;
    } catch (error) {
      last = errorMessage(error) || String(error);
      if (error instanceof FatalProbeError) {
        throw new StepError(`${check.name} at ${check.address}`, `refused the connection: ${last}`);
      }
    }
    if (clock.now() + interval > deadline) break;
    if (attempts === 1 || attempts % 10 === 0) {
      log.info(`waiting for ${check.name} at ${check.address}: ${last}`);
    }
    await clock.sleep(interval);
  }
  throw new StepError(
    `${check.name} at ${check.address}`,
    `not accepting connections after ${Math.round(options.timeoutMs / 1000)}s (${attempts} attempts); last error: ${last}`,
  );
}
