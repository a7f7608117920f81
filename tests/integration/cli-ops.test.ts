/**
 * The on-call commands of the tg-devops CLI (issue 14), run as a process against the sandbox over
 * real SSH (tgdeploy@127.0.0.1:2222, host key verified):
 *
 *  - `logs --since 1m --grep X` prints only the matching lines of the current release's container
 *    (not the previous release's), tokens redacted; `--release` reaches the previous one;
 *  - `exec -- env` runs a one-off container of the current release with its env file: the app's
 *    env is shown with its secrets redacted, and the container is gone afterwards;
 *  - `lock` names a stale lock's holder, `lock release --reason` frees it (a live one is refused
 *    without --force) and the audit log says who and why;
 *  - `history` lists the rollback the test made, and filters by event.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { cliArgs, cliEnv, cliWorkDir, runCli, writeCliConfig } from '../helpers/cli-sandbox.js';
import { containers, env, hostExec, removeApp } from '../helpers/deploy-host.js';

jest.setTimeout(300_000);
const app = `cli-ops-${process.pid}`;
const PORTS = '21962,21963';
const TOKEN = '987654321:AAHcliOpsTestTokenNotRealxxxxxxxxxx';
const PASSWORD = 'ops-db-pw-5f3a9c';
let dir: string;
let config: string;

const cli = (argv: string[]) => runCli(dir, argv);
const writeConfig = (name: string, image: string) =>
  writeCliConfig(dir, name, { app, image, ports: PORTS, extra: ['env-file: app.env'] });

const appDir = () => join(env.SANDBOX_STATE_BASE!, app);
const readState = () =>
  JSON.parse(readFileSync(join(appDir(), 'state.json'), 'utf8')) as {
    current: { id: string; container: string };
    previous?: { id: string; container: string };
  };
const auditLines = () =>
  readFileSync(join(appDir(), 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, string>);

/** A line in a running container's log (what PID 1 writes to stdout). */
async function logLine(container: string, text: string): Promise<void> {
  await hostExec.run([
    'docker',
    'exec',
    container,
    'sh',
    '-c',
    'echo "$1" > /proc/1/fd/1',
    'x',
    text,
  ]);
}

function deploy(file: string) {
  const run = cli(['deploy', '--config', file]);
  expect({ code: run.code, err: run.code ? run.err : '' }).toEqual({ code: 0, err: '' });
}

/** A lock dir as a run leaves it, owned by the deploy user like the app dir. */
function plantLock(expiresInSeconds: number, actor: string): string {
  const lock = join(appDir(), 'lock');
  const owner = statSync(appDir());
  mkdirSync(lock);
  const now = Math.floor(Date.now() / 1000);
  writeFileSync(join(lock, 'token'), 'gone-run-token\n');
  writeFileSync(
    join(lock, 'holder.json'),
    `${JSON.stringify({ runId: '4242', actor, startedAt: new Date().toISOString() })}\n`,
  );
  writeFileSync(join(lock, 'expires'), `${now + expiresInSeconds}\n`);
  for (const p of [lock, join(lock, 'token'), join(lock, 'holder.json'), join(lock, 'expires')])
    chownSync(p, owner.uid, owner.gid);
  return lock;
}

beforeAll(() => {
  dir = cliWorkDir('tg-cli-ops-');
  writeFileSync(
    join(dir, 'app.env'),
    `APP_GREETING=hello-from-ops\nBOT_TOKEN=${TOKEN}\nDB_PASSWORD=${PASSWORD}\n`,
  );
  config = writeConfig('v2.yml', env.SANDBOX_IMAGE_WEB_V2!);
});

afterAll(async () => {
  await removeApp(app);
  rmSync(dir, { recursive: true, force: true });
});

test('logs, exec, history of a rollback, lock and lock release: over real SSH', async () => {
  deploy(writeConfig('v1.yml', env.SANDBOX_IMAGE_WEB_V1!));
  const v1 = readState().current;
  await logLine(v1.container, 'ops-marker from the previous release');
  deploy(config);
  const v2 = readState().current;
  expect(v2.id).not.toBe(v1.id);
  await logLine(v2.container, 'ops-marker one');
  await logLine(v2.container, 'an unrelated line');
  await logLine(v2.container, `ops-marker two with ${TOKEN}`);

  // logs: only the current release's matching lines, the token redacted
  const logs = cli(['logs', '--config', config, '--since', '1m', '--grep', 'ops-marker']);
  expect({ code: logs.code, err: logs.code ? logs.err : '' }).toEqual({ code: 0, err: '' });
  expect(logs.out.split('\n').filter(Boolean)).toEqual([
    'ops-marker one',
    'ops-marker two with ***',
  ]);
  const all = cli(['logs', '--config', config, '--since', '1m']);
  expect(all.out).toContain('an unrelated line');
  const previous = cli(['logs', '--config', config, '--release', v1.id, '--grep', 'ops-marker']);
  expect(previous.out.trim()).toBe('ops-marker from the previous release');
  const unknown = cli(['logs', '--config', config, '--release', '20000101-000000']);
  expect(unknown.code).toBe(1);
  expect(unknown.err).toMatch(/release 20000101-000000 is not in .*history/);

  // exec -- env: the app's env from its env file, secrets redacted; the one-off container is gone
  const execRun = cli(['exec', '--config', config, '--', 'env']);
  expect({ code: execRun.code, err: execRun.code ? execRun.err : '' }).toEqual({
    code: 0,
    err: '',
  });
  expect(execRun.out).toContain('APP_GREETING=hello-from-ops');
  expect(execRun.out).toContain('BOT_TOKEN=***');
  expect(execRun.out).toContain('DB_PASSWORD=***');
  expect(execRun.out).not.toContain(TOKEN);
  expect(execRun.out).not.toContain(PASSWORD);
  // the env the release's container was created with, not app.env as a later (failed) deploy
  // may have rewritten it
  const hostEnv = join(appDir(), 'app.env');
  const written = readFileSync(hostEnv, 'utf8');
  const owner = statSync(hostEnv);
  writeFileSync(hostEnv, 'APP_GREETING=from-a-failed-deploy\n');
  chownSync(hostEnv, owner.uid, owner.gid);
  try {
    const recorded = cli(['exec', '--config', config, '--', 'env']);
    expect(recorded.out).toContain('APP_GREETING=hello-from-ops');
    expect(recorded.out).not.toContain('from-a-failed-deploy');
  } finally {
    writeFileSync(hostEnv, written);
  }
  // the temp env file is gone
  expect(readdirSync(appDir()).filter((f) => f.includes('-exec-'))).toEqual([]);
  expect(await containers(`${app}-exec`)).toEqual([]);
  // the command's own exit code fails the CLI; a hostile argument is one literal argument
  const failing = cli([
    'exec',
    '--config',
    config,
    '--',
    'sh',
    '-c',
    'echo "$1"; exit 3',
    'x',
    '$(id);`id`',
  ]);
  expect(failing.code).toBe(1);
  expect(failing.out.trim()).toBe('$(id);`id`');

  // history lists the rollback made here
  const back = cli(['rollback', '--config', config]);
  expect({ code: back.code, err: back.code ? back.err : '' }).toEqual({ code: 0, err: '' });
  const history = cli(['history', '--config', config, '--event', 'rollback']);
  expect(history.code).toBe(0);
  const rows = history.out.split('\n').filter((l) => l && !l.startsWith('=='));
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatch(new RegExp(`\\srollback\\s+${v1.id}\\s+success`));
  const everything = cli(['history', '--config', config, '--since', '1h']);
  expect(everything.out.match(/\sdeploy [a-z-]+\s/g)?.length).toBe(2);

  // a stale lock: shown with its holder, freed with a reason, audited with who and why
  const stale = plantLock(-120, 'ci-runner-that-died');
  const shown = cli(['lock', '--config', config]);
  expect(shown.code).toBe(0);
  expect(shown.out).toMatch(/lock held by ci-runner-that-died \(run 4242\).*TTL passed \d+s ago/);
  const freed = cli(['lock', 'release', '--config', config, '--reason', 'runner died mid-deploy']);
  expect({ code: freed.code, err: freed.code ? freed.err : '' }).toEqual({ code: 0, err: '' });
  expect(existsSync(stale)).toBe(false);
  const last = auditLines().at(-1)!;
  expect(last).toMatchObject({ action: 'lock-release', result: 'success' });
  expect(last.actor).toMatch(/\(tg-devops cli\)$/);
  expect(last.detail).toContain('reason: runner died mid-deploy');
  expect(last.detail).toContain('ci-runner-that-died');
  expect(cli(['lock', '--config', config]).out).toMatch(/lock free/);

  // a live lock is refused without --force, and stays
  const live = plantLock(600, 'a-running-deploy');
  const refused = cli(['lock', 'release', '--config', config, '--reason', 'impatient']);
  expect(refused.code).toBe(1);
  expect(refused.out).toMatch(/refused: the lock is held by a-running-deploy.*expires in \d+s/);
  expect(existsSync(live)).toBe(true);
  const forced = cli([
    'lock',
    'release',
    '--config',
    config,
    '--reason',
    'host rebooted',
    '--force',
  ]);
  expect(forced.code).toBe(0);
  expect(existsSync(live)).toBe(false);
  expect(auditLines().at(-1)!.detail).toMatch(/reason: host rebooted; freed \(forced\)/);
  const audited = cli(['history', '--config', config, '--event', 'lock-release']);
  expect(audited.out.split('\n').filter((l) => l.includes('lock-release'))).toHaveLength(2);
});

test('prune: the engine removes the stopped release beyond keep-releases, keeps current and previous, audits', async () => {
  // after the first test: v1 serves again (rolled back), v2's container is the previous release
  deploy(config); // a third release: v1 becomes previous, v2's container is neither
  const state = readState();
  const names = async () => (await containers(app)).map((line) => line.split(' ')[0]!);
  const before = await names();
  expect(before).toHaveLength(3);
  const stray = before.find(
    (n) => n !== state.current.container && n !== state.previous!.container,
  )!;
  writeFileSync(join(dir, 'keep1.yml'), `${readFileSync(config, 'utf8')}\nkeep-releases: 1\n`);
  const keep1 = join(dir, 'keep1.yml');

  const plan = cli(['prune', '--config', keep1, '--dry-run']);
  expect({ code: plan.code, err: plan.code ? plan.err : '' }).toEqual({ code: 0, err: '' });
  expect(plan.out).toContain(`prune old release ${stray}`);
  expect(plan.out).not.toContain(`prune old release ${state.previous!.container}`);
  expect(await names()).toEqual(before);

  const run = cli(['prune', '--config', keep1]);
  expect({ code: run.code, err: run.code ? run.err : '' }).toEqual({ code: 0, err: '' });
  expect(run.out).toMatch(/1 of 1 prune step\(s\) done/);
  expect(await names()).toEqual([state.current.container, state.previous!.container].sort());
  expect(auditLines().at(-1)).toMatchObject({ action: 'prune', result: 'success' });
  const history = cli(['history', '--config', config, '--event', 'prune']);
  expect(history.out).toMatch(/\sprune\s+\d{8}-\d{6}\s+success/);
});

test('exec on a terminal: -it gives the command a TTY (run under script(1)), the container is removed', async () => {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const line = [
    process.execPath,
    ...cliArgs([
      'exec',
      '--config',
      config,
      '--',
      'sh',
      '-c',
      'if [ -t 0 ] && [ -t 1 ]; then echo "tty: yes"; else echo "tty: no"; fi',
    ]),
  ]
    .map(quote)
    .join(' ');
  const run = spawnSync('script', ['-qec', line, '/dev/null'], {
    cwd: dir,
    encoding: 'utf8',
    env: cliEnv(),
    timeout: 120_000,
  });
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('tty: yes');
  // without a terminal (a pipe), the same command gets none
  const piped = cli([
    'exec',
    '--config',
    config,
    '--',
    'sh',
    '-c',
    '[ -t 0 ] && echo "tty: yes" || echo "tty: no"',
  ]);
  expect(piped.out.trim()).toBe('tty: no');
  expect(await containers(`${app}-exec`)).toEqual([]);
});

test('logs --follow streams new lines of the current release as they are written, redacted', async () => {
  const { spawn } = await import('node:child_process');
  const current = readState().current;
  const child = spawn(
    process.execPath,
    cliArgs(['logs', '--config', config, '--follow', '--since', '1s', '--grep', 'follow-marker']),
    { cwd: dir, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const seen = async (text: string) => {
    for (let i = 0; i < 150 && !out.includes(text); i++)
      await new Promise((r) => setTimeout(r, 100));
    return out.includes(text);
  };
  try {
    // written while the command runs: only a follower can print them
    for (let i = 0; i < 20 && !out.includes('follow-marker 1'); i++) {
      await logLine(current.container, 'follow-marker 1');
      if (await seen('follow-marker 1')) break;
    }
    expect(out).toContain('follow-marker 1');
    await logLine(current.container, 'not for the grep');
    await logLine(current.container, `follow-marker 2 ${TOKEN}`);
    expect(await seen('follow-marker 2 ***')).toBe(true);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('not for the grep');
    expect(child.exitCode).toBeNull(); // still following
  } finally {
    child.kill('SIGINT');
  }
});

test('a deploy refused by its health gate prints the last log lines of the failing container (real docker, before the undos)', async () => {
  const before = readState().current;
  const crash = writeConfig('crash.yml', env.SANDBOX_IMAGE_WEB_CRASH!);
  const run = cli(['deploy', '--config', crash]);
  expect(run.code).toBe(1);
  expect(run.out).toMatch(new RegExp(`last \\d+ log line\\(s\\) of ${app}-\\d{8}-\\d{6}:`));
  expect(run.out).toContain('RuntimeError: webbot crash fixture');
  // the release that served before still does
  expect(readState().current.id).toBe(before.id);
});
