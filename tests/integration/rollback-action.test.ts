/**
 * The rollback action end to end, as the runner starts it (actions/rollback/index.ts with INPUT_*
 * and the GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files), over the sandbox's real sshd
 * as the deploy user: a polling bot deployed v1 -> v2 -> v2' (handovers), then
 *  - dry-run: the plan, nothing changes;
 *  - refused: an irreversible migration (declared in state.json) without force, nothing changes;
 *  - a manual rollback to a NAMED release (v1, not the previous one) with force: handed over
 *    (0 getUpdates conflicts), outputs, summary, state, audit, and the ops chat told (Bot API
 *    stand-in that records and checks every request);
 *  - its post step removes the SSH material.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/clock.js';
import { buildConfig } from '../../src/deploy/config.js';
import { deploy } from '../../src/deploy/engine.js';
import { hostPrimitives } from '../../src/deploy/ports.js';
import { localExecutor } from '../../src/exec.js';
import { readAudit } from '../../src/host/state.js';
import { recordingLog } from '../../src/log.js';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { asUser } from '../helpers/proxy-stack.js';
import { ROOT } from '../helpers/repo.js';
import { sandboxEnv } from '../helpers/sandbox.js';

jest.setTimeout(300_000);
const env = sandboxEnv();
const exec = asUser('tgdeploy', localExecutor({ env: { DOCKER_HOST: env.DOCKER_HOST } }));
const app = `rollback-act-${process.pid}`;
const TOKEN = '515151:rollback-action-token';
const OPS_TOKEN = '616161:ops-notify-token';
const OPS_CHAT = '-100777';
const paths = hostPrimitives.appPaths(env.SANDBOX_STATE_BASE!, app);
const IDS = ['20260301-000001', '20260301-000002', '20260301-000003'];
let telegram: FakeTelegram;
let ops: FakeTelegramApi;
let dir: string;

function readCommandFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    out[m[1]!] = value.join('\n');
  }
  return out;
}

/** Like spawnSync, but the test's own servers (Bot API stand-ins) keep answering meanwhile. */
function spawnAsync(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function runAction(
  step: string,
  extra: Record<string, string> = {},
  stateEnv: Record<string, string> = {},
) {
  const files = {
    output: join(dir, `${step}.output`),
    state: join(dir, `${step}.state`),
    summary: join(dir, `${step}.md`),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const inputs: Record<string, string> = {
    hosts: `${env.SANDBOX_SSH_USER}@${env.SANDBOX_SSH_HOST}:${env.SANDBOX_SSH_PORT}`,
    'ssh-key': readFileSync(env.SANDBOX_SSH_KEY!, 'utf8'),
    'known-hosts': readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8'),
    app,
    'state-dir': env.SANDBOX_STATE_BASE!,
    'health-path': 'none',
    'gate-window': '3',
    'stop-grace': '5',
    'lock-timeout': '30',
    ...extra,
  };
  const result = await spawnAsync(
    [
      process.execPath,
      '--import',
      join(ROOT, 'scripts/ts-register.mjs'),
      join(ROOT, 'actions/rollback/index.ts'),
    ],
    {
      PATH: process.env.PATH,
      RUNNER_TEMP: dir,
      GITHUB_OUTPUT: files.output,
      GITHUB_STATE: files.state,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_RUN_ID: '888',
      GITHUB_ACTOR: 'octocat',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'org/shop-bot',
      ...stateEnv,
      ...Object.fromEntries(
        Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
      ),
    },
  );
  return {
    ...result,
    outputs: readCommandFile(files.output),
    state: readCommandFile(files.state),
    summary: readFileSync(files.summary, 'utf8'),
  };
}

async function appContainers(): Promise<string[]> {
  const out = await exec.run([
    'docker',
    'ps',
    '-a',
    '--filter',
    `label=tg-devops.app=${app}`,
    '--format',
    '{{.Names}} {{.State}}',
  ]);
  return out.stdout.split('\n').filter(Boolean).sort();
}

beforeAll(async () => {
  telegram = await startFakeTelegram({ port: 22030, token: TOKEN, maxPollSeconds: 3 });
  ops = await startFakeTelegramApi({
    tokens: [OPS_TOKEN],
    chats: [OPS_CHAT],
    ports: [22040, 22049],
  });
  dir = mkdtempSync(join(tmpdir(), 'rollback-action-'));
  const images = [
    env.SANDBOX_IMAGE_POLL_V1!,
    env.SANDBOX_IMAGE_POLL_V2!,
    env.SANDBOX_IMAGE_POLL_V2!,
  ];
  for (const [i, image] of images.entries()) {
    const report = await deploy(
      buildConfig({
        app,
        image,
        'bot-mode': 'polling',
        network: 'host',
        env: `BOT_TOKEN=${TOKEN}\nTELEGRAM_API_URL=${telegram.url}\nPOLL_TIMEOUT=3\n`,
        registry: env.SANDBOX_REGISTRY,
        'registry-username': env.SANDBOX_REGISTRY_USER,
        'registry-password': env.SANDBOX_REGISTRY_PASSWORD,
        'state-dir': env.SANDBOX_STATE_BASE,
        'gate-window': '2',
        'stop-grace': '5',
        'lock-timeout': '30',
      }),
      {
        exec,
        host: hostPrimitives,
        clock: systemClock,
        log: recordingLog(),
        holder: { runId: `${process.pid}`, actor: 'rollback-test' },
        releaseId: IDS[i],
      },
    );
    expect(report.result?.ok).toBe(true);
  }
});

afterAll(async () => {
  for (const line of await appContainers().catch(() => []))
    await exec.run(['docker', 'rm', '-f', line.split(' ')[0]!], { allowFailure: true });
  await exec.run(['rm', '-rf', paths.dir], { allowFailure: true });
  await telegram?.close();
  await ops?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('dry-run prints the plan and changes nothing', async () => {
  const before = await appContainers();
  const r = await runAction('dry', { to: IDS[0]!, 'dry-run': 'true' });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(r.stdout).toContain(`dry-run: nothing changes`);
  expect(r.stdout).toContain(`roll back ${app} from ${IDS[2]}`);
  expect(r.summary).toMatch(
    new RegExp(`\\| planned \\| ${IDS[2]} \\| ${IDS[0]} \\|.*\\| handover \\|`),
  );
  expect(await appContainers()).toEqual(before);
  expect(ops.sent).toEqual([]);
});

test('an irreversible migration refuses the rollback unless forced; then a named release comes back by handover', async () => {
  // Release 2 ran a migration it declared irreversible (what a deploy records).
  const state = await hostPrimitives.readState(exec, paths);
  state.history = state.history.map((r) =>
    r.id === IDS[1] ? { ...r, irreversibleMigration: true } : r,
  );
  await hostPrimitives.writeState(exec, paths, state);
  const before = await appContainers();
  const audit = (await readAudit(exec, paths)).length;

  const refused = await runAction('refused', {
    'release-id': IDS[0]!,
    'notify-telegram-token': OPS_TOKEN,
    'notify-chat-id': OPS_CHAT,
    'notify-telegram-api-url': ops.url,
  });
  expect(refused.status).toBe(1);
  expect(refused.stdout).toMatch(
    new RegExp(
      `::error::.*refusing to roll back to ${IDS[0]}: release ${IDS[1]} .* declared an irreversible migration`,
    ),
  );
  expect(await appContainers()).toEqual(before);
  expect(await readAudit(exec, paths)).toHaveLength(audit);
  expect(ops.sent.map((m) => m.text)).toEqual([
    expect.stringMatching(/rollback failed.*irreversible/s),
  ]);

  const conflicts = telegram.conflicts();
  const done = await runAction('named', {
    'release-id': IDS[0]!,
    force: 'true',
    reason: 'manual rollback by octocat',
    'notify-telegram-token': OPS_TOKEN,
    'notify-chat-id': OPS_CHAT,
    'notify-telegram-api-url': ops.url,
  });
  expect({ status: done.status, stderr: done.stderr }).toEqual({ status: 0, stderr: '' });
  expect(done.outputs).toEqual({
    'release-id': IDS[0],
    image: env.SANDBOX_IMAGE_POLL_V1,
    'rolled-back-from': IDS[2],
  });
  expect(done.summary).toMatch(
    new RegExp(
      `\\| tgdeploy@127\\.0\\.0\\.1:2222 \\| rolled back \\| ${IDS[2]} \\| ${IDS[0]} \\|.*\\| handover \\|`,
    ),
  );
  expect(done.summary).toContain(`**forced** past the irreversible migration of \`${IDS[1]}\``);
  expect(telegram.conflicts()).toBe(conflicts);
  expect(await appContainers()).toEqual([
    `${app}-${IDS[0]} running`,
    `${app}-${IDS[1]} exited`,
    `${app}-${IDS[2]} exited`,
  ]);
  const after = await hostPrimitives.readState(exec, paths);
  expect([after.current?.id, after.previous?.id]).toEqual([IDS[0], IDS[2]]);
  expect((await readAudit(exec, paths)).at(-1)).toMatchObject({
    action: 'rollback',
    actor: 'octocat',
    runId: '888',
    release: IDS[0],
    result: 'success',
    detail: `from ${IDS[2]}; manual rollback by octocat; forced past the irreversible migration of ${IDS[1]}`,
  });
  expect(ops.sent).toHaveLength(2);
  expect(ops.sent[1]).toMatchObject({ chatId: OPS_CHAT });
  expect(ops.sent[1]!.text).toMatch(
    new RegExp(`rolled back[\\s\\S]*${IDS[0]}[\\s\\S]*forced`, 'i'),
  );
  // secrets appear only in the ::add-mask:: lines
  const printed = done.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
  expect(printed.filter((l) => l.includes(OPS_TOKEN) || l.includes('PRIVATE KEY'))).toEqual([]);
  // main removed its SSH dir; after a cancel the post step does
  expect(done.state.isPost).toBe('true');
  expect(existsSync(done.state['ssh-dir']!)).toBe(false);
  const leftover = mkdtempSync(join(dir, 'tg-ssh-'));
  writeFileSync(join(leftover, 'id'), 'key material', { mode: 0o600 });
  const post = await runAction('post', {}, { STATE_isPost: 'true', 'STATE_ssh-dir': leftover });
  expect({ status: post.status, stdout: post.stdout }).toEqual({ status: 0, stdout: '' });
  expect(existsSync(leftover)).toBe(false);
});

test('bad inputs fail before any connection, naming the input', async () => {
  const both = await runAction('both', { to: IDS[0]!, 'release-id': IDS[1]! });
  expect(both.status).toBe(1);
  expect(both.stdout).toMatch(/^::error::Input 'release-id': is an alias of to/m);
  const hostile = await runAction('hostile', { to: '$(id);rm -rf /' });
  expect(hostile.stdout).toMatch(/^::error::Input 'to': .* is not a release id/m);
  for (const r of [both, hostile]) expect(r.state['ssh-dir']).toBeUndefined();
});
