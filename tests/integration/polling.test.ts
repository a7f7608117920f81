/**
 * A long-polling bot's whole life through the deploy and rollback ACTIONS as a runner runs them
 * (actions/<name>/index.ts with INPUT_* and action.yml's defaults, the GITHUB_* files, the post
 * step), over the sandbox's real sshd as the deploy user and its real dockerd, with a getUpdates
 * stand-in that answers 409 to a second poller like Telegram, and an ops-chat stand-in:
 *
 *  1. the first deploy onto an empty host: outputs, the env file 0600, the token never printed;
 *  2. handed over v1 -> v2: 0 getUpdates conflicts, the gap reported, updates delivered across it,
 *     the post step removes the SSH material a cancelled main left;
 *  3. a deliberate second poller (control run): conflicts are counted, and a deploy meanwhile fails
 *     its log gate and rolls back to v2;
 *  4. rollback dry-run: the plan, nothing changes;
 *  5. a rollback past an irreversible migration is refused unless forced; forced, a NAMED release
 *     (not the previous one) comes back by handover with 0 conflicts; outputs, summary, state,
 *     audit and the ops chat say so;
 *  6. bad inputs of either action fail before any connection, naming the input.
 *
 * One app and one Bot API stand-in for the file (ports 22030, 22040-22049).
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEntry, type EntryResult } from '../helpers/action-entry.js';
import {
  appDir,
  audit,
  containers,
  env,
  hostExec,
  hostState,
  registryInputs,
  removeApp,
  sshInputs,
} from '../helpers/deploy-host.js';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { ROOT } from '../helpers/repo.js';

jest.setTimeout(300_000);
const app = `polling-${process.pid}`;
const TOKEN = '515151:polling-life-token';
const OPS_TOKEN = '616161:ops-notify-token';
const OPS_CHAT = '-100777';
const ids: string[] = [];
let telegram: FakeTelegram;
let ops: FakeTelegramApi;
let dir: string;

beforeAll(async () => {
  telegram = await startFakeTelegram({ port: 22030, token: TOKEN, maxPollSeconds: 3 });
  ops = await startFakeTelegramApi({
    tokens: [OPS_TOKEN],
    chats: [OPS_CHAT],
    ports: [22040, 22049],
  });
  dir = mkdtempSync(join(tmpdir(), 'polling-life-'));
});

afterAll(async () => {
  await removeApp(app);
  await hostExec.run(['docker', 'rm', '-f', `${app}-overlap`], { allowFailure: true });
  await telegram?.close();
  await ops?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const deployAction = (image: string, extra: Record<string, string> = {}) =>
  runEntry('deploy', {
    ...sshInputs(),
    ...registryInputs(),
    app,
    image,
    'bot-mode': 'polling',
    network: 'host',
    env: `BOT_TOKEN=${TOKEN}\nTELEGRAM_API_URL=${telegram.url}\nPOLL_TIMEOUT=3\n`,
    'gate-window': '2',
    'stop-grace': '5',
    'lock-timeout': '30',
    ...extra,
  });

const rollbackAction = (
  extra: Record<string, string> = {},
  envExtra: Record<string, string> = {},
) =>
  runEntry(
    'rollback',
    {
      ...sshInputs(),
      app,
      'health-path': 'none',
      'gate-window': '2',
      'stop-grace': '5',
      'lock-timeout': '30',
      ...extra,
    },
    { env: { GITHUB_RUN_ID: '888', GITHUB_ACTOR: 'octocat', ...envExtra } },
  );

const waitFor = async (what: () => boolean, seconds: number) => {
  for (let i = 0; i < seconds * 10 && !what(); i++) await new Promise((r) => setTimeout(r, 100));
  return what();
};

function succeeded(run: EntryResult): EntryResult {
  expect({ status: run.status, errors: run.errors, stderr: run.stderr }).toEqual({
    status: 0,
    errors: [],
    stderr: '',
  });
  return run;
}

/** Lines a reader of the log sees: everything but the runner's ::add-mask:: commands. */
const printed = (run: EntryResult) =>
  run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));

test('the first deploy onto an empty host', async () => {
  const first = succeeded(await deployAction(env.SANDBOX_IMAGE_POLL_V1!));
  expect(first.outputs).toMatchObject({
    image: env.SANDBOX_IMAGE_POLL_V1,
    'previous-image': '',
    color: 'blue',
  });
  ids.push(first.outputs['release-id']!);
  expect(await containers(app)).toEqual([`${app}-${ids[0]} running`]);
  expect(await waitFor(() => telegram.requests.some((r) => r.method === 'getUpdates'), 10)).toBe(
    true,
  );
  // the env file holds the token, written 0600; the token is printed only to be masked
  expect((statSync(`${appDir(app)}/app.env`).mode & 0o777).toString(8)).toBe('600');
  expect(first.stdout).toContain('::add-mask::');
  expect(printed(first).filter((l) => l.includes(TOKEN.split(':')[1]!))).toEqual([]);
});

test('handed over v1 -> v2: 0 conflicts, the gap reported, updates delivered; the post step cleans up', async () => {
  const update = telegram.push('before the handover');
  expect(await waitFor(() => telegram.delivered().includes(update.update_id), 10)).toBe(true);
  const conflicts = telegram.conflicts();
  const from = Date.now();
  const second = succeeded(await deployAction(env.SANDBOX_IMAGE_POLL_V2!));
  ids.push(second.outputs['release-id']!);
  expect(second.outputs).toMatchObject({
    image: env.SANDBOX_IMAGE_POLL_V2,
    'previous-image': env.SANDBOX_IMAGE_POLL_V1,
    color: 'green',
  });
  const gapMs = Number(second.outputs['gap-ms']);
  expect(gapMs).toBeGreaterThanOrEqual(0);
  expect(second.summary).toMatch(
    /\| `tgdeploy@127\.0\.0\.1:2222` \| deployed \| `\d{8}-\d{6}` \| handover \| \d+ ms \|/,
  );
  const after = telegram.push('after the handover');
  expect(await waitFor(() => telegram.delivered().includes(after.update_id), 10)).toBe(true);
  expect(telegram.conflicts() - conflicts).toBe(0);
  expect(
    telegram.requests.filter((r) => r.startedAt >= from && r.method === 'getUpdates').length,
  ).toBeGreaterThan(1);
  console.log(
    `handover gap (docker timestamps): ${gapMs} ms; longest poll gap seen by the Bot API: ${telegram.longestGapMs(from)} ms`,
  );
  expect(await containers(app)).toEqual([`${app}-${ids[0]} exited`, `${app}-${ids[1]} running`]);
  const logs = await hostExec.run(['docker', 'logs', `${app}-${ids[1]}`]);
  expect(logs.stdout).toContain('pollbot v2');
  expect(
    printed(second).filter((l) => l.includes(TOKEN) || l.includes(env.SANDBOX_REGISTRY_PASSWORD!)),
  ).toEqual([]);

  // main saved the flag and its SSH dir, and removed the dir itself when it finished
  expect(second.state.isPost).toBe('true');
  expect(existsSync(second.state['ssh-dir']!)).toBe(false);
  // after a cancel the dir is still there: the post step removes it
  const leftover = mkdtempSync(join(dir, 'tg-ssh-'));
  writeFileSync(join(leftover, 'id'), 'key material', { mode: 0o600 });
  const post = spawnSync(
    process.execPath,
    ['--import', join(ROOT, 'scripts/ts-register.mjs'), join(ROOT, 'actions/deploy/index.ts')],
    {
      env: { PATH: process.env.PATH, STATE_isPost: 'true', 'STATE_ssh-dir': leftover },
      encoding: 'utf8',
    },
  );
  expect({ status: post.status, stdout: post.stdout }).toEqual({ status: 0, stdout: '' });
  expect(existsSync(leftover)).toBe(false);
});

test('a deliberate second poller (control run): conflicts counted, and a deploy meanwhile fails its log gate and rolls back', async () => {
  const before = telegram.conflicts();
  await hostExec.run([
    'docker',
    'run',
    '-d',
    '--name',
    `${app}-overlap`,
    '--network',
    'host',
    '-e',
    `BOT_TOKEN=${TOKEN}`,
    '-e',
    `TELEGRAM_API_URL=${telegram.url}`,
    '-e',
    'POLL_TIMEOUT=3',
    env.SANDBOX_IMAGE_POLL_V1!,
  ]);
  expect(await waitFor(() => telegram.conflicts() - before >= 2, 20)).toBe(true);
  const failed = await deployAction(env.SANDBOX_IMAGE_POLL_V1!);
  await hostExec.run(['docker', 'rm', '-f', `${app}-overlap`]);
  expect(failed.status).toBe(1);
  expect(failed.errors.join('\n')).toMatch(
    new RegExp(`gate log-conflicts failed: log line: .*409.*rolled back to ${ids[1]}`, 's'),
  );
  // rolled back: v2 runs again, the failed release is gone, the state still names v2
  expect((await containers(app)).filter((c) => c.endsWith('running'))).toEqual([
    `${app}-${ids[1]} running`,
  ]);
  expect(hostState(app).current?.id).toBe(ids[1]);
  expect(audit(app).at(-1)).toMatchObject({ result: 'rolled-back' });
});

test('a third release, then the rollback dry-run prints the plan and changes nothing', async () => {
  await new Promise((r) => setTimeout(r, 1000)); // release ids are per second
  const third = succeeded(await deployAction(env.SANDBOX_IMAGE_POLL_V2!));
  ids.push(third.outputs['release-id']!);
  const before = await containers(app);
  const r = await rollbackAction({ to: ids[0]!, 'dry-run': 'true' });
  succeeded(r);
  expect(r.stdout).toContain(`dry-run: nothing changes`);
  expect(r.stdout).toContain(`roll back ${app} from ${ids[2]}`);
  expect(r.summary).toMatch(
    new RegExp(`\\| planned \\| \`${ids[2]}\` \\| \`${ids[0]}\` \\|.*\\| handover \\|`),
  );
  expect(await containers(app)).toEqual(before);
  expect(ops.sent).toEqual([]);
});

test('an irreversible migration refuses the rollback unless forced; then a named release comes back by handover', async () => {
  // Release 2 ran a migration it declared irreversible (what a deploy records in state.json).
  const file = `${appDir(app)}/state.json`;
  const { uid, gid } = statSync(file);
  const state = JSON.parse(readFileSync(file, 'utf8')) as {
    history: { id: string; irreversibleMigration?: boolean }[];
  };
  state.history = state.history.map((r) =>
    r.id === ids[1] ? { ...r, irreversibleMigration: true } : r,
  );
  writeFileSync(file, JSON.stringify(state));
  chownSync(file, uid, gid);
  const before = await containers(app);
  const entries = audit(app).length;
  const notify = {
    'notify-telegram-token': OPS_TOKEN,
    'notify-chat-id': OPS_CHAT,
    'notify-telegram-api-url': ops.url,
  };

  const refused = await rollbackAction({ 'release-id': ids[0]!, ...notify });
  expect(refused.status).toBe(1);
  expect(refused.errors.join('\n')).toMatch(
    new RegExp(
      `refusing to roll back to ${ids[0]}: release ${ids[1]} .* declared an irreversible migration`,
    ),
  );
  expect(await containers(app)).toEqual(before);
  expect(audit(app)).toHaveLength(entries);
  expect(ops.sent.map((m) => m.text)).toEqual([
    expect.stringMatching(/rollback failed.*irreversible/s),
  ]);

  const conflicts = telegram.conflicts();
  const done = succeeded(
    await rollbackAction({
      'release-id': ids[0]!,
      force: 'true',
      reason: 'manual rollback by octocat',
      ...notify,
    }),
  );
  expect(done.outputs).toEqual({
    'release-id': ids[0],
    image: env.SANDBOX_IMAGE_POLL_V1,
    'rolled-back-from': ids[2],
    'plan-file': expect.stringMatching(/\.json$/), // the plan as run, for review
  });
  expect(done.summary).toMatch(
    new RegExp(
      `\\| \`tgdeploy@127\\.0\\.0\\.1:2222\` \\| rolled back \\| \`${ids[2]}\` \\| \`${ids[0]}\` \\|.*\\| handover \\|`,
    ),
  );
  expect(done.summary).toContain(`**forced** past the irreversible migration of \`${ids[1]}\``);
  expect(telegram.conflicts()).toBe(conflicts);
  expect(await containers(app)).toEqual([
    `${app}-${ids[0]} running`,
    `${app}-${ids[1]} exited`,
    `${app}-${ids[2]} exited`,
  ]);
  const after = hostState(app);
  expect([after.current?.id, after.previous?.id]).toEqual([ids[0], ids[2]]);
  expect(audit(app).at(-1)).toMatchObject({
    action: 'rollback',
    actor: 'octocat',
    runId: '888',
    release: ids[0],
    result: 'success',
    detail: `from ${ids[2]}; manual rollback by octocat; forced past the irreversible migration of ${ids[1]}`,
  });
  expect(ops.sent).toHaveLength(2);
  expect(ops.sent[1]).toMatchObject({ chatId: OPS_CHAT });
  expect(ops.sent[1]!.text).toMatch(
    new RegExp(`rolled back[\\s\\S]*${ids[0]}[\\s\\S]*forced`, 'i'),
  );
  expect(printed(done).filter((l) => l.includes(OPS_TOKEN) || l.includes('PRIVATE KEY'))).toEqual(
    [],
  );
  expect(done.state.isPost).toBe('true');
  expect(existsSync(done.state['ssh-dir']!)).toBe(false);
});

test('bad inputs of either action fail before any connection, naming the input', async () => {
  const both = await rollbackAction({ to: ids[0]!, 'release-id': ids[1]! });
  expect(both.status).toBe(1);
  expect(both.errors.join('\n')).toMatch(/Input 'release-id': is an alias of to/);
  const hostile = await rollbackAction({ to: '$(id);rm -rf /' });
  expect(hostile.errors.join('\n')).toMatch(/Input 'to': .* is not a release id/);
  const refused = await deployAction(env.SANDBOX_IMAGE_POLL_V2!, { strategy: 'blue-green' });
  expect(refused.status).toBe(1);
  expect(refused.errors.join('\n')).toMatch(
    /Input 'strategy': blue-green runs two instances at once, which a polling bot must never do/,
  );
  for (const r of [both, hostile, refused]) expect(r.state['ssh-dir']).toBeUndefined();
});
