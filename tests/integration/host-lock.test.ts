/**
 * The host-side state over real SSH sessions (sandbox sshd, user tgdeploy): the deploy lock with
 * concurrent holders, stale takeover, a live holder that times out a waiter, and a connection
 * killed in the middle of a state write.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/clock.js';
import { StepError } from '../../src/errors.js';
import { recordingLog } from '../../src/log.js';
import { appendFile, readFile, writeFileAtomic } from '../../src/host/files.js';
import { acquireLock, type HeldLock } from '../../src/host/lock.js';
import { appPaths, promote, readState, writeState, type AppState } from '../../src/host/state.js';
import { removeSshMaterial, writeSshMaterial, type SshMaterial } from '../../src/ssh/secrets.js';
import { openSession, type SshSession } from '../../src/ssh/session.js';
import type { SshTarget } from '../../src/ssh/target.js';
import { sandboxEnv } from '../helpers/sandbox.js';

const env = sandboxEnv();
/** The project-level testTimeout does not reach runs started with a path filter: set it per test. */
const it = (name: string, fn: () => Promise<void>) => test(name, fn, 180_000);
const work = mkdtempSync(join(tmpdir(), 'host-it-'));
const target: SshTarget = {
  user: env.SANDBOX_SSH_USER!,
  host: env.SANDBOX_SSH_HOST!,
  port: Number(env.SANDBOX_SSH_PORT),
};
const base = join(env.SANDBOX_STATE_BASE!, `host-it-${process.pid}`);
let material: SshMaterial;
const sessions: SshSession[] = [];

async function session(): Promise<SshSession> {
  const s = await openSession(target, {
    privateKeyFile: material.privateKeyFile,
    knownHostsFile: material.knownHostsFile,
    controlDir: material.controlDir,
    log: recordingLog(),
  });
  sessions.push(s);
  return s;
}

const holder = (runId: string) => ({
  runId,
  actor: `actor-${runId}`,
  startedAt: new Date().toISOString(),
  url: `https://github.example/o/r/actions/runs/${runId}`,
});

beforeAll(async () => {
  material = await writeSshMaterial({
    privateKey: readFileSync(env.SANDBOX_SSH_KEY!, 'utf8'),
    knownHosts: readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8'),
    targets: [target],
    log: recordingLog(),
    tempDir: work,
  });
});

afterAll(async () => {
  const cleaner = sessions.find((s) => s.masterPid !== undefined) ?? (await session());
  await cleaner.run(['rm', '-rf', '--', base]).catch(() => undefined);
  for (const s of sessions) await s.close();
  removeSshMaterial(material.dir);
  rmSync(work, { recursive: true, force: true });
});

describe('deploy lock over SSH', () => {
  it('three runs on three connections never hold the lock at the same time', async () => {
    const paths = appPaths(base, 'lock-race');
    const journal = `${paths.dir}/journal`;
    const runs = await Promise.all([session(), session(), session()]);
    const log = recordingLog();
    await Promise.all(
      runs.map(async (s, i) => {
        for (let round = 0; round < 3; round++) {
          const lock = await acquireLock(s, paths.lock, holder(`${i}.${round}`), {
            ttlSeconds: 120,
            timeoutSeconds: 120,
            clock: systemClock,
            log,
            pollMs: 100,
          });
          await appendFile(s, journal, `begin ${i}.${round}\n`);
          await lock.refresh();
          await s.run(['sleep', '0.2']);
          await appendFile(s, journal, `end ${i}.${round}\n`);
          await lock.release();
        }
      }),
    );
    const lines = (await readFile(runs[0]!, journal))!.trim().split('\n');
    expect(lines).toHaveLength(18);
    for (let k = 0; k < lines.length; k += 2) {
      const id = lines[k]!.replace(/^begin /, '');
      expect(lines[k]).toBe(`begin ${id}`);
      expect(lines[k + 1]).toBe(`end ${id}`); // nobody else got in between
    }
    expect(log.text()).toMatch(/waiting for the deploy lock held by actor-/);
    expect(await readFile(runs[0]!, `${paths.lock}/holder.json`)).toBeUndefined();
  });

  it('a live holder makes a waiter give up at lock-timeout, naming the holder', async () => {
    const [a, b] = await Promise.all([session(), session()]);
    const paths = appPaths(base, 'lock-live');
    const held = await acquireLock(a!, paths.lock, holder('live'), {
      ttlSeconds: 300,
      timeoutSeconds: 0,
      clock: systemClock,
      log: recordingLog(),
    });
    const error = await acquireLock(b!, paths.lock, holder('waiter'), {
      ttlSeconds: 300,
      timeoutSeconds: 1,
      clock: systemClock,
      log: recordingLog(),
      pollMs: 200,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as Error).message).toMatch(
      /waiting for the deploy lock .*lock-live\/lock, held by actor-live \(run live, https:\/\/github.example\/o\/r\/actions\/runs\/live\) since /,
    );
    await held.release();
  });

  it('a stale lock is taken over by exactly one of several racing runs', async () => {
    const runs = await Promise.all([session(), session(), session(), session()]);
    const paths = appPaths(base, 'lock-stale');
    const old = await acquireLock(runs[0]!, paths.lock, holder('cancelled'), {
      ttlSeconds: 300,
      timeoutSeconds: 0,
      clock: systemClock,
      log: recordingLog(),
    });
    // The cancelled run's TTL has passed.
    await writeFileAtomic(runs[0]!, `${paths.lock}/expires`, '1\n');
    const log = recordingLog();
    const results = await Promise.allSettled(
      runs.slice(1).map((s, i) =>
        acquireLock(s, paths.lock, holder(`racer-${i}`), {
          ttlSeconds: 300,
          timeoutSeconds: 0,
          clock: systemClock,
          log,
        }),
      ),
    );
    const winners = results.filter((r) => r.status === 'fulfilled');
    const losers = results.filter((r) => r.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(2);
    for (const loser of losers) {
      expect(String((loser as PromiseRejectedResult).reason)).toMatch(
        /held by (actor-racer-\d|another run taking over a stale lock)/,
      );
    }
    // The winner either took the stale lock over itself, or made a fresh one in the instant after
    // another racer had moved the stale one away (that racer then found it taken: "busy").
    expect(log.text()).toMatch(
      /took over a stale deploy lock .* from actor-cancelled|deploy lock taken/,
    );
    const owner = JSON.parse((await readFile(runs[0]!, `${paths.lock}/holder.json`))!);
    expect(owner.runId).toMatch(/^racer-\d$/);
    await expect(old.refresh()).rejects.toThrow(/lost the deploy lock/);
    await (winners[0] as PromiseFulfilledResult<HeldLock>).value.release();
  });

  it('a run killed while holding the lock blocks the next one only until its TTL', async () => {
    const [a, b] = await Promise.all([session(), session()]);
    const paths = appPaths(base, 'lock-killed');
    await acquireLock(a!, paths.lock, holder('killed'), {
      ttlSeconds: 3,
      timeoutSeconds: 0,
      clock: systemClock,
      log: recordingLog(),
    });
    process.kill(a!.masterPid!, 'SIGKILL'); // the run's connection dies; the lock stays behind
    const log = recordingLog();
    const lock = await acquireLock(b!, paths.lock, holder('next'), {
      ttlSeconds: 60,
      timeoutSeconds: 30,
      clock: systemClock,
      log,
      pollMs: 500,
    });
    expect(log.text()).toMatch(/took over a stale deploy lock .* from actor-killed/);
    expect(JSON.parse((await readFile(b!, `${paths.lock}/holder.json`))!).runId).toBe('next');
    await lock.release();
  });
});

describe('state over SSH', () => {
  const release = (id: string) => ({
    id,
    image: `127.0.0.1:5000/tg-test/webbot@sha256:${id.padEnd(64, '0')}`,
    container: `host-it-${id}`,
    startedAt: new Date().toISOString(),
    strategy: 'blue-green',
  });

  it('a connection killed in the middle of a state write leaves the old state whole; the next run converges', async () => {
    const writer = await session();
    const watcher = await session();
    const paths = appPaths(base, 'state-kill');
    const v1: AppState = promote({ app: 'state-kill', history: [] }, release('a1'));
    await writeState(writer, paths, v1);
    const before = await readFile(watcher, paths.state);

    // A big state (padding in a release's version) so the upload is still running when we cut it.
    const big = promote(v1, { ...release('b2'), version: 'x'.repeat(64 * 1024 * 1024) });
    const total = Buffer.byteLength(`${JSON.stringify(big, null, 2)}\n`);
    const pid = writer.masterPid!;
    const writing = writeState(writer, paths, big).then(
      () => 'finished',
      (e: unknown) => e,
    );
    // Cut the connection while the temp file on the host holds well under the whole upload
    // (more than SSH's windows and socket buffers can still deliver after the kill).
    let cutAt = -1;
    for (let i = 0; i < 400 && cutAt < 0; i++) {
      const sizes = await watcher.run([
        'sh',
        '-c',
        'for f in "$1"/state.json.tmp.*; do [ -f "$f" ] && stat -c %s -- "$f"; done; true',
        'sizes',
        paths.dir,
      ]);
      const size = Number(sizes.stdout.trim().split('\n')[0] || -1);
      if (size >= 0 && size < total - 16 * 1024 * 1024) {
        process.kill(pid, 'SIGKILL');
        cutAt = size;
      } else if (size >= total - 16 * 1024 * 1024) break; // too late to cut: fail below
    }
    expect(cutAt).toBeGreaterThanOrEqual(0);
    const outcome = await writing;
    expect(outcome).toBeInstanceOf(Error); // the write did not complete
    // Whatever the host did with the partial upload, state.json is the old one, byte for byte.
    expect(await readFile(watcher, paths.state)).toBe(before);
    expect(await readState(watcher, paths)).toEqual(JSON.parse(before!));
    // The partial temp file is removed by the host-side script once it sees the short upload.
    let leftovers = '';
    for (let i = 0; i < 100; i++) {
      leftovers = (await watcher.run(['ls', '-A', '--', paths.dir])).stdout;
      if (!/\.tmp\./.test(leftovers)) break;
      await watcher.run(['sleep', '0.1']);
    }
    expect(leftovers.trim().split('\n')).toEqual(['state.json']);

    // The next run (same session object: it reconnects) reads a consistent state and moves on.
    const next = promote(await readState(writer, paths), release('c3'));
    await writeState(writer, paths, next);
    const final = await readState(watcher, paths);
    expect(final.current?.id).toBe('c3');
    expect(final.previous?.id).toBe('a1');
    expect(writer.stats.connectionsOpened).toBe(4);
  });
});
