/**
 * nginx's worker processes on the host, for the two moments a reload is NOT over when its command
 * returns (`nginx -s reload` only signals the master):
 *
 * - the route: until the master has started workers with the new file and told the old ones to
 *   stop, the old workers accept new connections and send them to the old upstream;
 * - the drain: an old worker that is shutting down still finishes the requests it accepted (fresh
 *   connections it accepted but had not read yet, a kept-alive client's next request) and sends
 *   them to the OLD port. Counting that port's connections between two such requests says 0 while
 *   the worker is alive; only its exit says it will send nothing more.
 *
 * Read from the kernel's process list (`ps`, which any user may read): nginx names its workers
 * `nginx: worker process` and, once told to stop, `nginx: worker process is shutting down`; the
 * start of each (clock ticks since boot, /proc/PID/stat field 22) tells a worker of the new
 * configuration (started after the reload command) from an old one. Where nothing is visible (no
 * `ps`, nginx in another PID namespace) there is nothing to wait for and the caller goes on as
 * before: the drain then counts the port only.
 */
import type { Clock } from '../clock.js';
import { StepError } from '../errors.js';
import type { Executor } from '../exec.js';

/**
 * Prints `now TICKS` (the start of the `cut` it runs: the host's clock in the same unit as a
 * process start), then `worker PID PPID START serving|stopping` per nginx worker.
 */
export const WORKERS_SCRIPT = `echo "now $(cut -d' ' -f22 /proc/self/stat)"
ps -e -o pid= -o ppid= -o args= 2>/dev/null | awk '
$3 == "nginx:" && $4 == "worker" && $5 == "process" {
  f = "/proc/" $1 "/stat"; s = ""
  if ((getline s < f) > 0) {
    close(f); sub(/^.*\\) /, "", s); split(s, a, " ")
    print "worker", $1, $2, a[20], ($6 == "is" ? "stopping" : "serving")
  }
}'`;

export interface Worker {
  pid: number;
  /** Its master. */
  ppid: number;
  /** Clock ticks since boot. */
  start: number;
  /** Told to stop (a reload or a graceful stop): serves only what it accepted already. */
  stopping: boolean;
}

export interface WorkerView {
  /** The host's clock, in the unit of Worker.start. */
  now: number;
  workers: Worker[];
}

/** WORKERS_SCRIPT's answer; undefined when it says nothing usable (no /proc, a fake host). */
export function parseWorkers(stdout: string): WorkerView | undefined {
  let now: number | undefined;
  const workers: Worker[] = [];
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'now' && /^\d+$/.test(f[1] ?? '')) now = Number(f[1]);
    if (f[0] === 'worker' && f.slice(1, 4).every((x) => /^\d+$/.test(x ?? '')))
      workers.push({
        pid: Number(f[1]),
        ppid: Number(f[2]),
        start: Number(f[3]),
        stopping: f[4] === 'stopping',
      });
  }
  return now === undefined ? undefined : { now, workers };
}

export async function readWorkers(exec: Executor): Promise<WorkerView | undefined> {
  const result = await exec
    .run(['sh', '-c', WORKERS_SCRIPT], { allowFailure: true })
    .catch(() => undefined);
  return result?.exitCode === 0 ? parseWorkers(result.stdout) : undefined;
}

/**
 * A reload signalled at `since` is in effect: some master has a worker started since then and no
 * worker from before that still serves (the master stops the old ones once the new ones run).
 * Other nginx masters on the host (not reloaded) do not matter.
 */
export function reloadInEffect(view: WorkerView, since: number): boolean {
  const masters = new Set(view.workers.filter((w) => w.start >= since).map((w) => w.ppid));
  return [...masters].some(
    (m) => !view.workers.some((w) => w.ppid === m && w.start < since && !w.stopping),
  );
}

/** Workers started before `before` that are shutting down: they may still send to an old port. */
export function oldWorkers(view: WorkerView, before: number): number {
  return view.workers.filter((w) => w.stopping && w.start < before).length;
}

/** How long a reload may take to show its new workers (a large config parses for a while). */
export const RELOAD_WAIT_SECONDS = 15;

/**
 * After the reload command: waits until the reload is in effect (polling every 50 ms, at most
 * `seconds`). `before` is the view read just before the command; nothing to wait for when it
 * showed no worker (nothing visible). Throws when the time is up: what nginx runs is unknown.
 */
export async function awaitReload(
  exec: Executor,
  before: WorkerView | undefined,
  clock: Clock,
  seconds = RELOAD_WAIT_SECONDS,
): Promise<void> {
  if (!before || before.workers.length === 0) return;
  const end = clock.now() + seconds * 1000;
  for (;;) {
    const view = await readWorkers(exec);
    if (!view || reloadInEffect(view, before.now)) return;
    if (clock.now() >= end)
      throw new StepError(
        'nginx',
        `the reload command returned, but nginx showed no workers of the new configuration within ${seconds}s ` +
          `(its error log says why: a failed reload keeps the old workers): it may or may not run the new file`,
      );
    await clock.sleep(50);
  }
}
