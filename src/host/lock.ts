import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { StepError } from '../errors.js';
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';
import { checkRemotePath } from './paths.js';

export interface LockHolder {
  runId: string;
  actor: string;
  pid?: number;
  host?: string;
  startedAt: string;
  url?: string;
}

export interface HeldLock {
  /** Removes the lock if it is still ours (a lock taken over after its TTL is left alone). */
  release(): Promise<void>;
  /** Pushes the expiry to now + TTL (host clock); throws when the lock is no longer ours. */
  refresh(): Promise<void>;
}

export interface LockOptions {
  ttlSeconds: number;
  timeoutSeconds: number;
  clock: Clock;
  log: Log;
  /** First wait between attempts (doubles up to 10 s). Default 1000. */
  pollMs?: number;
}

/**
 * Shell function `holder`: prints the lock's holder.json. The holder writes it right after its
 * `mkdir`, so a reader that finds the dir without it has met a lock being made: it waits for the
 * file a moment (up to 2 s, while the dir exists) instead of calling the holder unknown. The file
 * itself is never half-written (written beside, then renamed).
 */
const HOLDER_FN = `holder() {
  i=0
  while [ ! -e "$lock/holder.json" ] && [ -d "$lock" ] && [ "$i" -lt 40 ]; do
    sleep 0.05 2>/dev/null || sleep 1; i=$((i + 1))
  done
  cat -- "$lock/holder.json" 2>/dev/null || true
}`;

/**
 * One remote script per attempt, so an attempt is one round trip and the steps that must not
 * interleave run on the host, not across the network. Arguments: $1 lock dir, $2 TTL seconds,
 * $3 our token; holder JSON on stdin. Times are the HOST's clock (date +%s), so clock skew
 * between runners does not matter.
 *
 * - `mkdir` is atomic: whoever creates the dir holds the lock. The holder writes holder.json,
 *   token and expires inside it (expires last). A lock without `expires` (its maker died between
 *   mkdir and the write) expires at the dir's mtime + TTL. A run that finds the dir before its
 *   holder.json waits a moment for it (HOLDER_FN): a lock being made is not "an unknown holder".
 * - A lock past its expiry is stale. Taking it over is serialised by a second atomic mkdir
 *   (`<lock>.takeover`): under it the expiry is read AGAIN, the stale dir is renamed away (rename
 *   is atomic), and the lock is made with mkdir as usual, so two runs racing for a stale lock
 *   cannot both win. A takeover mutex older than 60 s (its maker died) is removed.
 *
 * - A lock that vanishes while it is read (a stale one renamed away by a run taking it over) is
 *   `busy`, never "held" by nobody.
 *
 * Prints one of: `acquired NOW`, `tookover NOW` + old holder, `held NOW EXPIRES` + holder, `busy NOW`.
 */
export const LOCK_SCRIPT = `set -e
umask 077
lock=$1; ttl=$2; token=$3
now=$(date +%s)
mkdir -p -- "$(dirname -- "$lock")"
ours=$(cat)
${HOLDER_FN}
claim() {
  printf '%s\\n' "$ours" > "$lock/holder.json.tmp" && mv -f -- "$lock/holder.json.tmp" "$lock/holder.json"
  printf '%s\\n' "$token" > "$lock/token"
  printf '%s\\n' "$((now + ttl))" > "$lock/expires.tmp" && mv -f -- "$lock/expires.tmp" "$lock/expires"
}
expiry() {
  e=$(cat -- "$lock/expires" 2>/dev/null || true)
  case $e in ''|*[!0-9]*) m=$(stat -c %Y -- "$lock" 2>/dev/null) || { echo gone; return 0; }; e=$((m + ttl)) ;; esac
  echo "$e"
}
if mkdir -- "$lock" 2>/dev/null; then claim; echo "acquired $now"; exit 0; fi
e=$(expiry)
# gone: the dir vanished since our mkdir (a stale one moved away by a run taking it over)
if [ "$e" = gone ]; then echo "busy $now"; exit 0; fi
if [ "$now" -lt "$e" ]; then
  h=$(holder)
  if [ -z "$h" ] && [ ! -d "$lock" ]; then echo "busy $now"; exit 0; fi
  echo "held $now $e"; printf '%s\n' "$h"; exit 0
fi
if mkdir -- "$lock.takeover" 2>/dev/null; then
  trap 'rmdir -- "$lock.takeover" 2>/dev/null || true' EXIT
  e=$(expiry)
  if [ "$e" != gone ] && [ "$now" -ge "$e" ]; then
    old=$(cat -- "$lock/holder.json" 2>/dev/null || true)
    mv -- "$lock" "$lock.stale.$now.$$"
    rm -rf -- "$lock.stale.$now.$$"
    if mkdir -- "$lock" 2>/dev/null; then claim; echo "tookover $now"; printf '%s\\n' "$old"; exit 0; fi
  fi
  echo "busy $now"; exit 0
fi
m=$(stat -c %Y -- "$lock.takeover" 2>/dev/null || echo "$now")
if [ $((now - m)) -gt 60 ]; then rmdir -- "$lock.takeover" 2>/dev/null || true; fi
echo "busy $now"`;

/** $1 lock dir, $2 TTL, $3 token. Exit 3: the lock is not ours any more. */
export const REFRESH_SCRIPT = `set -e
lock=$1; ttl=$2; token=$3
t=$(cat -- "$lock/token" 2>/dev/null || true)
[ "$t" = "$token" ] || { echo "the lock is held by someone else now" >&2; exit 3; }
now=$(date +%s)
printf '%s\\n' "$((now + ttl))" > "$lock/expires.tmp" && mv -f -- "$lock/expires.tmp" "$lock/expires"
echo "refreshed $((now + ttl))"`;

/** $1 lock dir, $2 token. Renames the dir away first, so the lock vanishes in one step. */
export const RELEASE_SCRIPT = `set -e
lock=$1; token=$2
t=$(cat -- "$lock/token" 2>/dev/null || true)
if [ "$t" != "$token" ]; then echo "notours"; cat -- "$lock/holder.json" 2>/dev/null || true; exit 0; fi
mv -- "$lock" "$lock.released.$$"
rm -rf -- "$lock.released.$$"
echo "released"`;

/**
 * Takes the deploy lock on a host. Waits for a live holder up to timeoutSeconds (then fails with
 * a message naming the holder), takes over a stale one (TTL passed: a cancelled or killed run).
 */
export async function acquireLock(
  exec: Executor,
  lockDir: string,
  holder: LockHolder,
  options: LockOptions,
): Promise<HeldLock> {
  const lock = checkRemotePath(lockDir);
  const ttl = Math.max(1, Math.round(options.ttlSeconds));
  const token = `${holder.runId}-${randomBytes(8).toString('hex')}`;
  const body = JSON.stringify({ ...holder, ttlSeconds: ttl });
  const started = options.clock.now();
  let wait = options.pollMs ?? 1000;
  let lastHolder = '';

  for (;;) {
    const result = await exec.run(['sh', '-c', LOCK_SCRIPT, 'tg-lock', lock, String(ttl), token], {
      input: body,
    });
    const [head = '', ...rest] = result.stdout.split('\n');
    const [state, , expires] = head.split(' ');
    const other = rest.join('\n').trim();
    if (state === 'acquired' || state === 'tookover') {
      if (state === 'tookover') {
        options.log.warn(
          `${exec.where}: took over a stale deploy lock (its TTL had passed) from ${describeHolder(other)}`,
        );
      } else {
        options.log.info(`${exec.where}: deploy lock taken (${lock})`);
      }
      return heldLock(exec, lock, ttl, token, options.log);
    }
    if (state !== 'held' && state !== 'busy') {
      throw new StepError('lock', `${exec.where}: unexpected answer from the lock script: ${head}`);
    }
    const elapsed = (options.clock.now() - started) / 1000;
    const who = state === 'held' ? describeHolder(other) : 'another run taking over a stale lock';
    if (elapsed >= options.timeoutSeconds) {
      const now = Number(head.split(' ')[1]);
      const left = expires ? Number(expires) - now : undefined;
      throw new StepError(
        'lock',
        `${exec.where}: gave up after ${Math.round(elapsed)}s (lock-timeout ${options.timeoutSeconds}s) waiting for the deploy lock ${lock}, ` +
          `held by ${who}${left !== undefined && Number.isFinite(left) ? `; it expires in ${left}s unless its holder refreshes it` : ''}. ` +
          `If that run is still going, wait for it; if it is gone, the lock is taken over once its TTL passes.`,
      );
    }
    if (who !== lastHolder) {
      options.log.info(`${exec.where}: waiting for the deploy lock held by ${who}`);
      lastHolder = who;
    }
    const remaining = options.timeoutSeconds * 1000 - (options.clock.now() - started);
    await options.clock.sleep(Math.max(1, Math.min(wait, remaining)));
    wait = Math.min(wait * 2, 10_000);
  }
}

function heldLock(exec: Executor, lock: string, ttl: number, token: string, log: Log): HeldLock {
  let released = false;
  return {
    async refresh() {
      if (released)
        throw new StepError('lock', `${exec.where}: the deploy lock was already released`);
      const result = await exec.run(
        ['sh', '-c', REFRESH_SCRIPT, 'tg-lock-refresh', lock, String(ttl), token],
        {
          allowFailure: true,
        },
      );
      if (result.exitCode === 3) {
        throw new LockLostError(
          `${exec.where}: lost the deploy lock ${lock}: its TTL (${ttl}s) passed without a refresh and another run took it over. ` +
            `Stop here: that run acts on the host now.`,
        );
      }
      if (result.exitCode !== 0) {
        throw new StepError(
          'lock',
          `${exec.where}: could not refresh the deploy lock: ${result.stderr.trim()}`,
        );
      }
    },
    async release() {
      if (released) return;
      const result = await exec.run(['sh', '-c', RELEASE_SCRIPT, 'tg-lock-release', lock, token]);
      released = true;
      if (result.stdout.startsWith('notours')) {
        log.warn(
          `${exec.where}: did not remove the deploy lock: it now belongs to ${describeHolder(result.stdout.split('\n').slice(1).join('\n'))}`,
        );
      } else {
        log.info(`${exec.where}: deploy lock released`);
      }
    },
  };
}

/** The lock is not ours any more: its TTL passed and another run took it over. */
export class LockLostError extends StepError {
  constructor(problem: string) {
    super('lock', problem);
    this.name = 'LockLostError';
  }
}

/** `actor (run 123, https://...) since <startedAt>` from holder.json text. */
export function describeHolder(json: string): string {
  try {
    const h = JSON.parse(json) as Partial<LockHolder>;
    const parts = [
      h.runId ? `run ${h.runId}` : undefined,
      h.url,
      h.host ? `from ${h.host}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    return `${h.actor ?? 'unknown'}${parts ? ` (${parts})` : ''}${h.startedAt ? ` since ${h.startedAt}` : ''}`;
  } catch {
    return json.trim()
      ? `an unreadable holder (${json.trim().slice(0, 100)})`
      : 'an unknown holder';
  }
}

/**
 * $1 lock dir, $2 `force` or `stale`. Frees the lock by hand (`tg-devops lock release`): a lock
 * past its expiry, or any with `force`. Renamed away first, so it vanishes in one step. A lock
 * without `expires` (its maker died between mkdir and the write) counts as stale after 900 s,
 * the longest TTL the engine takes. Prints `free NOW`, `live NOW EXPIRES` or `freed NOW EXPIRES`,
 * then the holder's JSON.
 */
export const BREAK_SCRIPT = `set -e
lock=$1; mode=$2
now=$(date +%s)
[ -d "$lock" ] || { echo "free $now"; exit 0; }
e=$(cat -- "$lock/expires" 2>/dev/null || true)
case $e in ''|*[!0-9]*) m=$(stat -c %Y -- "$lock" 2>/dev/null || echo "$now"); e=$((m + 900)) ;; esac
holder=$(cat -- "$lock/holder.json" 2>/dev/null || true)
if [ "$now" -lt "$e" ] && [ "$mode" != force ]; then echo "live $now $e"; printf '%s\\n' "$holder"; exit 0; fi
mv -- "$lock" "$lock.freed.$now.$$"
rm -rf -- "$lock.freed.$now.$$"
echo "freed $now $e"; printf '%s\\n' "$holder"`;

/** $1 lock dir. Prints `free NOW` or `held NOW EXPIRES`, then the holder's JSON. Read-only. */
export const INSPECT_SCRIPT = `lock=$1
now=$(date +%s)
${HOLDER_FN}
[ -d "$lock" ] || { echo "free $now"; exit 0; }
e=$(cat -- "$lock/expires" 2>/dev/null || true)
echo "held $now $e"; holder`;

/** What a lock script reported: its state, the host's clock, the expiry, the holder's JSON. */
export interface LockView {
  state: 'free' | 'held' | 'live' | 'freed';
  /** The host's clock, epoch seconds. */
  now: number;
  expires?: number;
  holder: string;
}

export function parseLockView(stdout: string): LockView {
  const [head = '', ...rest] = stdout.split('\n');
  const [state, now, expires] = head.trim().split(' ');
  if (state !== 'free' && state !== 'held' && state !== 'live' && state !== 'freed')
    throw new StepError('lock', `unexpected answer from the lock script: ${head.slice(0, 200)}`);
  const e = Number(expires);
  return {
    state,
    now: Number(now),
    expires: expires && Number.isFinite(e) ? e : undefined,
    holder: rest.join('\n').trim(),
  };
}

/** Who holds the lock (read-only). */
export async function inspectLock(exec: Executor, lockDir: string): Promise<LockView> {
  const lock = checkRemotePath(lockDir);
  const result = await exec.run(['sh', '-c', INSPECT_SCRIPT, 'tg-lock-inspect', lock]);
  return parseLockView(result.stdout);
}

/** Frees the lock when stale (or always, with force); `live` when it was left alone. */
export async function breakLock(
  exec: Executor,
  lockDir: string,
  force: boolean,
): Promise<LockView> {
  const lock = checkRemotePath(lockDir);
  const result = await exec.run([
    'sh',
    '-c',
    BREAK_SCRIPT,
    'tg-lock-break',
    lock,
    force ? 'force' : 'stale',
  ]);
  return parseLockView(result.stdout);
}

/** `held by X; expires in 40s` / `held by X; its TTL passed 3m ago (stale)`. */
export function describeLockView(view: LockView): string {
  if (view.state === 'free') return 'free';
  const who = describeHolder(view.holder);
  if (view.expires === undefined) return `held by ${who}; no expiry written (its maker died early)`;
  const left = view.expires - view.now;
  return left > 0
    ? `held by ${who}; expires in ${left}s unless its holder refreshes it`
    : `held by ${who}; its TTL passed ${-left}s ago (stale: the next run takes it over)`;
}
