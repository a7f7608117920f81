import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeClock } from '../../src/clock.js';
import { InputError, StepError } from '../../src/errors.js';
import { localExecutor, recordingExecutor, type Executor } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import { appendFile, readFile, removeInside, writeFileAtomic } from '../../src/host/files.js';
import { acquireLock, describeHolder } from '../../src/host/lock.js';
import { checkRemotePath } from '../../src/host/paths.js';
import {
  appendAudit,
  appPaths,
  promote,
  readAudit,
  readState,
  writeState,
  type Release,
} from '../../src/host/state.js';

const work = mkdtempSync(join(tmpdir(), 'host-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const local = localExecutor();

/** Runs like localExecutor but cuts stdin short, as a connection dropped mid-upload would. */
function truncatingExecutor(keep: number): Executor {
  return {
    where: 'truncating',
    run: (argv, options = {}) =>
      local.run(argv, { ...options, input: options.input?.slice(0, keep) }),
  };
}

describe('remote paths', () => {
  it.each(['relative/x', '/a/../etc', '/a/./b', '/a\nb', '/a\0b', ''])('refuses %j', (p) => {
    expect(() => checkRemotePath(p)).toThrow();
  });
});

describe('files', () => {
  it('sends content on stdin only and paths as single arguments', async () => {
    const exec = recordingExecutor();
    await writeFileAtomic(exec, "/srv/x/it's $(id).json", 'SECRET=1\n');
    const [call] = exec.commands;
    expect(call!.argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(call!.argv.slice(3)).toEqual([
      'tg-write',
      "/srv/x/it's $(id).json",
      '0600',
      '9',
      expect.stringMatching(/^[0-9a-f]{64}$/),
    ]);
    expect(call!.argv.join(' ')).not.toContain('SECRET');
    expect(call!.options.input).toBe('SECRET=1\n');
    await expect(writeFileAtomic(exec, '/srv/x', 'a', '0777; id')).rejects.toThrow(/octal/);
    await expect(writeFileAtomic(exec, 'x', 'a')).rejects.toThrow(/absolute/);
  });

  it('writes atomically with the mode asked for, and reads back exactly', async () => {
    const file = join(work, 'files', 'dir with space', "it's $(x).json");
    expect(await readFile(local, file)).toBeUndefined();
    const content = 'héllo\n$(id) `x`\n\0'.replace('\0', '') + 'no newline';
    await writeFileAtomic(local, file, content, '0640');
    expect(await readFile(local, file)).toBe(content);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    await writeFileAtomic(local, file, '');
    expect(await readFile(local, file)).toBe('');
    expect(readdirSync(join(work, 'files', 'dir with space'))).toEqual(["it's $(x).json"]);
  });

  it('never renames a short upload over the file (a connection cut mid-write)', async () => {
    const file = join(work, 'state-short.json');
    await writeFileAtomic(local, file, '{"old":true}\n');
    await expect(
      writeFileAtomic(truncatingExecutor(5), file, '{"new":true,"padding":"xxxxxxxx"}\n'),
    ).rejects.toThrow(/short write: 5 of 34 bytes.*left as it was/);
    expect(readFileSync(file, 'utf8')).toBe('{"old":true}\n');
    expect(readdirSync(work).filter((f) => f.startsWith('state-short.json.tmp'))).toEqual([]);
    await expect(appendFile(truncatingExecutor(3), join(work, 'log'), 'abcdef\n')).rejects.toThrow(
      /short write/,
    );
    expect(existsSync(join(work, 'log'))).toBe(false);
  });

  it('throws on a read failure that is not "absent"', async () => {
    const dir = join(work, 'a-directory');
    mkdirSync(dir);
    await expect(readFile(local, dir)).rejects.toThrow(/cat/);
  });

  it('removes only paths inside the given directory', async () => {
    const exec = recordingExecutor();
    await removeInside(exec, '/var/lib/tg-devops/bot', '/var/lib/tg-devops/bot/backups/1');
    expect(exec.commands[0]!.argv).toEqual(['rm', '-rf', '--', '/var/lib/tg-devops/bot/backups/1']);
    await expect(
      removeInside(exec, '/var/lib/tg-devops/bot', '/var/lib/tg-devops/bot'),
    ).rejects.toThrow(/not inside/);
    await expect(
      removeInside(exec, '/var/lib/tg-devops/bot', '/var/lib/tg-devops/bot/../x'),
    ).rejects.toThrow();
    await expect(
      removeInside(exec, '/var/lib/tg-devops/bot', '/var/lib/tg-devops/botx'),
    ).rejects.toThrow(/not inside/);
    expect(exec.commands).toHaveLength(1);
  });
});

describe('state', () => {
  const release = (id: string): Release => ({
    id,
    image: `reg/bot@sha256:${id}`,
    container: `bot-${id}`,
    startedAt: '2026-11-30T00:00:00Z',
    strategy: 'blue-green',
    color: 'blue',
    port: 8001,
  });

  it('validates the app name and the state dir', () => {
    expect(appPaths('/var/lib/tg-devops', 'my-bot')).toEqual({
      dir: '/var/lib/tg-devops/my-bot',
      state: '/var/lib/tg-devops/my-bot/state.json',
      lock: '/var/lib/tg-devops/my-bot/lock',
      audit: '/var/lib/tg-devops/my-bot/audit.jsonl',
      envFile: '/var/lib/tg-devops/my-bot/app.env',
      backups: '/var/lib/tg-devops/my-bot/backups',
    });
    for (const bad of ['', 'Bot', '../x', '-x', 'a/b', 'a b', '$(id)', '..', 'a'.repeat(64)]) {
      const error = (() => {
        try {
          appPaths('/var/lib/tg-devops', bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe('app');
    }
    expect(() => appPaths('relative', 'bot')).toThrow(/^Input 'state-dir'/);
    expect(() => appPaths('/', 'bot')).toThrow(/^Input 'state-dir'/);
  });

  it('reads an empty state when none exists, round-trips one, and keeps current/previous', async () => {
    const paths = appPaths(join(work, 'state'), 'bot');
    const empty = await readState(local, paths);
    expect(empty).toEqual({ app: 'bot', history: [] });
    const one = promote(empty, release('a'));
    const two = promote(one, release('b'));
    expect(two.current?.id).toBe('b');
    expect(two.previous?.id).toBe('a');
    await writeState(local, paths, two);
    expect(statSync(paths.state).mode & 0o777).toBe(0o600);
    expect(await readState(local, paths)).toEqual(two);
    let many = two;
    for (let i = 0; i < 30; i++) many = promote(many, release(`r${i}`));
    await writeState(local, paths, many);
    expect((await readState(local, paths)).history).toHaveLength(20);
  });

  it('refuses a corrupt state file instead of starting over', async () => {
    const paths = appPaths(join(work, 'state'), 'corrupt');
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(paths.state, '{"app":"corrupt","current":');
    await expect(readState(local, paths)).rejects.toThrow(StepError);
    writeFileSync(paths.state, '{"app":"corrupt","history":[{"id":1}]}');
    await expect(readState(local, paths)).rejects.toThrow(/not a release/);
  });

  it('appends audit lines and reads them back, skipping a broken line', async () => {
    const paths = appPaths(join(work, 'state'), 'audited');
    expect(await readAudit(local, paths)).toEqual([]);
    const entry = {
      at: '2026-11-30T03:00:00Z',
      actor: 'octo"cat',
      action: 'deploy',
      result: 'success',
      runId: '42',
      url: 'https://github.com/o/r/actions/runs/42',
    };
    await appendAudit(local, paths, entry);
    writeFileSync(paths.audit, '{"cut', { flag: 'a' });
    writeFileSync(paths.audit, '\n', { flag: 'a' });
    await appendAudit(local, paths, { ...entry, result: 'failure' });
    expect(await readAudit(local, paths)).toEqual([entry, { ...entry, result: 'failure' }]);
    expect(statSync(paths.audit).mode & 0o777).toBe(0o600);
  });
});

describe('lock (real sh, local directory)', () => {
  const holder = (runId: string) => ({
    runId,
    actor: `actor-${runId}`,
    startedAt: '2026-11-30T03:00:00Z',
    url: `https://github.com/o/r/actions/runs/${runId}`,
  });

  it('is taken with mkdir, refused to a second holder with a message naming the first', async () => {
    const lock = join(work, 'locks', 'a', 'lock');
    const log = recordingLog();
    const held = await acquireLock(local, lock, holder('1'), {
      ttlSeconds: 600,
      timeoutSeconds: 30,
      clock: fakeClock(),
      log,
    });
    expect(JSON.parse(readFileSync(join(lock, 'holder.json'), 'utf8'))).toMatchObject({
      runId: '1',
      ttlSeconds: 600,
    });
    const clock = fakeClock();
    const error = await acquireLock(local, lock, holder('2'), {
      ttlSeconds: 600,
      timeoutSeconds: 30,
      clock,
      log,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as Error).message).toMatch(
      /gave up after 30s .* held by actor-1 \(run 1, https:\/\/github.com\/o\/r\/actions\/runs\/1\) since 2026-11-30T03:00:00Z; it expires in \d+s/,
    );
    expect(clock.slept).toEqual([1000, 2000, 4000, 8000, 10000, 5000]);
    expect(log.text()).toContain('waiting for the deploy lock held by actor-1');
    await held.refresh();
    await held.release();
    expect(existsSync(lock)).toBe(false);
    const again = await acquireLock(local, lock, holder('2'), {
      ttlSeconds: 600,
      timeoutSeconds: 0,
      clock,
      log,
    });
    await again.release();
  });

  it('takes over a stale lock and leaves the new holder alone when the old one wakes up', async () => {
    const lock = join(work, 'locks', 'b', 'lock');
    const log = recordingLog();
    const old = await acquireLock(local, lock, holder('old'), {
      ttlSeconds: 600,
      timeoutSeconds: 0,
      clock: fakeClock(),
      log,
    });
    writeFileSync(join(lock, 'expires'), `${Math.floor(Date.now() / 1000) - 5}\n`); // TTL passed
    const fresh = await acquireLock(local, lock, holder('new'), {
      ttlSeconds: 600,
      timeoutSeconds: 0,
      clock: fakeClock(),
      log,
    });
    expect(log.text()).toMatch(/took over a stale deploy lock .* from actor-old \(run old/);
    await expect(old.refresh()).rejects.toThrow(/lost the deploy lock/);
    await old.release();
    expect(log.text()).toMatch(/did not remove the deploy lock: it now belongs to actor-new/);
    expect(JSON.parse(readFileSync(join(lock, 'holder.json'), 'utf8')).runId).toBe('new');
    await fresh.release();
    expect(readdirSync(join(work, 'locks', 'b'))).toEqual([]);
  });

  it('names the holder of a lock being made (its dir there, its holder.json a moment later)', async () => {
    // the race a loser meets: the winner's mkdir is done, its holder.json not written yet
    const lock = join(work, 'locks', 'making', 'lock');
    mkdirSync(lock, { recursive: true });
    const writer = setTimeout(
      () => writeFileSync(join(lock, 'holder.json'), `${JSON.stringify(holder('maker'))}\n`),
      300,
    );
    const error = await acquireLock(local, lock, holder('loser'), {
      ttlSeconds: 600,
      timeoutSeconds: 0,
      clock: fakeClock(),
      log: recordingLog(),
    }).catch((e: unknown) => e);
    clearTimeout(writer);
    expect((error as Error).message).toMatch(/held by actor-maker \(run maker/);
  });

  it('races for a stale lock: one winner each time, and every loser names the holder or says busy', async () => {
    // 60 races of 3 (before the fix, about 3% of losers read "held by an unknown holder": the
    // winner's dir before its holder.json, or a stale dir that vanished while it was read)
    const told: string[] = [];
    let winners = 0;
    for (let i = 0; i < 60; i++) {
      const lock = join(work, 'locks', 'race', `r${i}`, 'lock');
      const options = {
        ttlSeconds: 300,
        timeoutSeconds: 0,
        clock: fakeClock(),
        log: recordingLog(),
      };
      await acquireLock(local, lock, holder('stale'), options);
      writeFileSync(join(lock, 'expires'), '1\n');
      const results = await Promise.allSettled(
        ['a', 'b', 'c'].map((id) => acquireLock(local, lock, holder(id), options)),
      );
      for (const r of results)
        if (r.status === 'fulfilled') winners++;
        else
          told.push(
            /held by (actor-[abc] |another run taking over a stale lock\.)/.exec(
              String(r.reason),
            )?.[1] ?? String(r.reason),
          );
    }
    expect(winners).toBe(60);
    expect(told).toHaveLength(120);
    expect(
      told.filter((t) => !/^(actor-[abc] |another run taking over a stale lock\.)$/.test(t)),
    ).toEqual([]);
  }, 60_000);

  it('treats a lock whose maker died before writing its expiry as live until mtime + TTL', async () => {
    const lock = join(work, 'locks', 'c', 'lock');
    mkdirSync(lock, { recursive: true });
    const error = await acquireLock(local, lock, holder('x'), {
      ttlSeconds: 600,
      timeoutSeconds: 0,
      clock: fakeClock(),
      log: recordingLog(),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/held by an unknown holder/);
    const past = Date.now() / 1000 - 3600;
    utimesSync(lock, past, past); // its maker died an hour ago
    const log = recordingLog();
    const taken = await acquireLock(local, lock, holder('y'), {
      ttlSeconds: 600,
      timeoutSeconds: 0,
      clock: fakeClock(),
      log,
    });
    expect(log.text()).toMatch(/took over a stale deploy lock/);
    await taken.release();
  });

  it('describes holders for messages', () => {
    expect(describeHolder('{"actor":"a","runId":"7","startedAt":"t"}')).toBe('a (run 7) since t');
    expect(describeHolder('')).toBe('an unknown holder');
    expect(describeHolder('garbage')).toMatch(/unreadable/);
  });
});
