/**
 * The deploy action end to end, as the runner starts it (actions/deploy/index.ts with INPUT_*
 * variables and the GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files), over the sandbox's
 * real sshd as the deploy user, then its post step: a polling bot handed over v1 -> v2.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localExecutor } from '../../src/exec.js';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';
import { ROOT } from '../helpers/repo.js';
import { sandboxEnv } from '../helpers/sandbox.js';

jest.setTimeout(240_000);
const env = sandboxEnv();
const docker = localExecutor({ env: { DOCKER_HOST: env.DOCKER_HOST } });
const app = `deploy-act-${process.pid}`;
const TOKEN = '424242:deploy-action-token';
let telegram: FakeTelegram;
let dir: string;

beforeAll(async () => {
  telegram = await startFakeTelegram({ port: 21320, token: TOKEN, maxPollSeconds: 3 });
  dir = mkdtempSync(join(tmpdir(), 'deploy-action-'));
});

afterAll(async () => {
  const ids = (
    await docker.run(['docker', 'ps', '-aq', '--filter', `label=tg-devops.app=${app}`])
  ).stdout
    .split('\n')
    .filter(Boolean);
  if (ids.length) await docker.run(['docker', 'rm', '-f', ...ids]);
  await docker.run(['rm', '-rf', `${env.SANDBOX_STATE_BASE}/${app}`]);
  await telegram.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Reads a GITHUB_OUTPUT / GITHUB_STATE file (name<<delimiter blocks). */
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

function runAction(image: string, extra: Record<string, string> = {}, step = 'main') {
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
    image,
    'bot-mode': 'polling',
    network: 'host',
    env: `BOT_TOKEN=${TOKEN}\nTELEGRAM_API_URL=${telegram.url}\nPOLL_TIMEOUT=3\n`,
    'registry-username': env.SANDBOX_REGISTRY_USER!,
    'registry-password': env.SANDBOX_REGISTRY_PASSWORD!,
    'state-dir': env.SANDBOX_STATE_BASE!,
    'gate-window': '3',
    'stop-grace': '5',
    ...extra,
  };
  const result = spawnSync(
    process.execPath,
    ['--import', join(ROOT, 'scripts/ts-register.mjs'), join(ROOT, 'actions/deploy/index.ts')],
    {
      env: {
        PATH: process.env.PATH,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: files.output,
        GITHUB_STATE: files.state,
        GITHUB_STEP_SUMMARY: files.summary,
        GITHUB_RUN_ID: '777',
        GITHUB_ACTOR: 'octocat',
        ...Object.fromEntries(
          Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
        ),
      },
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
  return {
    ...result,
    outputs: readCommandFile(files.output),
    state: readCommandFile(files.state),
    summary: readFileSync(files.summary, 'utf8'),
  };
}

test('first deploy, then a handover, through the action entry and its post step', async () => {
  const first = runAction(env.SANDBOX_IMAGE_POLL_V1!);
  expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
  expect(first.outputs).toMatchObject({
    image: env.SANDBOX_IMAGE_POLL_V1,
    'previous-image': '',
    color: 'blue',
  });
  const conflicts = telegram.conflicts();
  const second = runAction(env.SANDBOX_IMAGE_POLL_V2!, {}, 'second');
  expect(second.status).toBe(0);
  expect(second.outputs).toMatchObject({
    image: env.SANDBOX_IMAGE_POLL_V2,
    'previous-image': env.SANDBOX_IMAGE_POLL_V1,
    color: 'green',
  });
  expect(Number(second.outputs['gap-ms'])).toBeGreaterThanOrEqual(0);
  expect(second.summary).toMatch(
    /\| tgdeploy@127\.0\.0\.1:2222 \| deployed \| \d{8}-\d{6} \| handover \| \d+ ms \|/,
  );
  expect(second.stdout).toContain('::add-mask::');
  // secrets appear only in the ::add-mask:: commands that tell the runner to hide them
  const printed = second.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
  expect(printed.length).toBeGreaterThan(10);
  expect(
    printed.filter((l) => l.includes(TOKEN) || l.includes(env.SANDBOX_REGISTRY_PASSWORD!)),
  ).toEqual([]);
  expect(telegram.conflicts()).toBe(conflicts);
  // main saved the flag and the SSH dir, and removed the dir itself when it finished
  expect(second.state.isPost).toBe('true');
  expect(second.state['ssh-dir']!.startsWith(join(dir, 'tg-ssh-'))).toBe(true);
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
  const running = await docker.run([
    'docker',
    'ps',
    '--filter',
    `label=tg-devops.app=${app}`,
    '--format',
    '{{.Image}}',
  ]);
  expect(running.stdout.trim()).toBe(env.SANDBOX_IMAGE_POLL_V2);
});

test('a refused combination fails before any connection, naming the input', () => {
  const result = runAction(env.SANDBOX_IMAGE_POLL_V2!, { strategy: 'blue-green' }, 'refused');
  expect(result.status).toBe(1);
  expect(result.stdout).toMatch(
    /^::error::Input 'strategy': blue-green runs two instances at once, which a polling bot must never do/m,
  );
  expect(result.state['ssh-dir']).toBeUndefined();
});
