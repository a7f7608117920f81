/**
 * The lock acceptance scenario, split in two so its long wait (the lock's first TTL: 150 s or
 * more, from the step budgets) runs BESIDE other tests instead of adding to the suite's time:
 *
 *  start():  deploy A with a pre-deploy that waits on an HTTP switch of ours (a migration that
 *            runs until we say so), then, once A holds the lock and its pre-deploy runs, deploy B
 *            of the same app; the lock is sampled every 500 ms from then on;
 *  finish(): waits until the first TTL has passed on the host's clock (usually long since), looks
 *            at the lock and both runs at that moment, then lets the pre-deploy end and waits for
 *            both runs.
 *
 * Both runs are the deploy action as a runner runs it (action-entry.ts).
 */
import http from 'node:http';
import { startEntry, type EntryResult, type EntryRun } from './action-entry.js';
import { env, lockInfo, registryInputs, removeApp, sshInputs } from './deploy-host.js';

export interface LockSeen {
  /** The first run's TTL and the expiry it first wrote (host epoch seconds). */
  ttl: number;
  firstExpiry: number;
  /** runIds that held the lock in the samples until the pre-deploy was let go. */
  holders: string[];
  /** After the first TTL passed: the lock's expiry, and whether each run still ran. */
  expiryAfterTtl: number | undefined;
  firstStillRunning: boolean;
  secondStillRunning: boolean;
  /** B's log line that says it waits for the lock (empty if none). */
  secondWaitLine: string;
  a: EntryResult;
  b: EntryResult;
}

export interface LockScenario {
  app: string;
  runIds: { first: string; second: string };
  finish(): Promise<LockSeen>;
  /** Cancels what still runs (as a runner would) and removes the app. */
  stop(): Promise<void>;
}

async function until(what: string, check: () => boolean, seconds: number): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${seconds}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startLockScenario(options: {
  app: string;
  gatePort: number;
  appPorts: [number, number];
}): Promise<LockScenario> {
  const { app } = options;
  let open = false;
  let asked = 0;
  const gate = http.createServer((_req, res) => {
    asked++;
    res.writeHead(open ? 200 : 503, { 'content-length': '0', connection: 'close' });
    res.end();
  });
  await new Promise<void>((resolve) => gate.listen(options.gatePort, '127.0.0.1', () => resolve()));
  const runIds = { first: `lock-first-${process.pid}`, second: `lock-second-${process.pid}` };
  const inputs = (image: string, extra: Record<string, string>) => ({
    ...sshInputs(),
    ...registryInputs(),
    app,
    image,
    'bot-mode': 'webhook',
    strategy: 'handover',
    proxy: 'none',
    network: 'host',
    'host-ports': options.appPorts.join(','),
    'health-path': '/health',
    'gate-window': '1',
    'stop-grace': '3',
    'health-timeout': '30',
    ...extra,
  });
  const runs: EntryRun[] = [];
  const stop = async () => {
    open = true;
    await Promise.all(runs.map((r) => r.cancel()));
    await new Promise<void>((resolve) => gate.close(() => resolve()));
    await removeApp(app);
  };
  try {
    await removeApp(app);
    const first = startEntry(
      'deploy',
      inputs(env.SANDBOX_IMAGE_WEB_V1!, {
        // a migration that runs until the test lets it finish
        'pre-deploy': `sh -c "until timeout 3 wget -q -O /dev/null http://127.0.0.1:${options.gatePort}/go; do sleep 1; done"`,
        'lock-timeout': '60',
      }),
      { env: { GITHUB_RUN_ID: runIds.first }, timeoutMs: 1_200_000 },
    );
    runs.push(first);
    await until('the pre-deploy runs', () => asked > 0 || first.child.exitCode !== null, 180);
    const taken = lockInfo(app);
    if (first.child.exitCode !== null || !taken)
      throw new Error(`the first deploy did not reach its pre-deploy:\n${first.log()}`);
    const ttl = Number(taken.holder.ttlSeconds);
    const firstExpiry = taken.expires;
    const second = startEntry(
      'deploy',
      inputs(env.SANDBOX_IMAGE_WEB_V2!, { 'lock-timeout': String(ttl * 3 + 600) }),
      { env: { GITHUB_RUN_ID: runIds.second }, timeoutMs: 1_200_000 },
    );
    runs.push(second);
    const holders = new Set<string>();
    const sampler = setInterval(() => {
      if (!open) holders.add(String(lockInfo(app)?.holder.runId ?? 'none'));
    }, 500);

    const finish = async (): Promise<LockSeen> => {
      try {
        const secondWaitLine = await second
          .waitFor(/wait.*lock|lock.*held by/i, 120_000)
          .catch(() => '');
        await until(
          'the first lock TTL has passed',
          () => Date.now() / 1000 > firstExpiry + 3,
          ttl + 60,
        );
        const seen = {
          expiryAfterTtl: lockInfo(app)?.expires,
          firstStillRunning: first.child.exitCode === null && first.child.signalCode === null,
          secondStillRunning: second.child.exitCode === null && second.child.signalCode === null,
        };
        open = true;
        const a = await first.done;
        const b = await second.done;
        return {
          ttl,
          firstExpiry,
          holders: [...holders],
          secondWaitLine,
          ...seen,
          a,
          b,
        };
      } finally {
        clearInterval(sampler);
      }
    };
    return { app, runIds, finish, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
