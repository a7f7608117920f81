/**
 * The verify action end to end against real services: inputs from INPUT_* variables, container
 * and log checks over the sandbox's real sshd (host key verified, ControlMaster), an HTTP check
 * on a real webbot container, and the Bot API stand-in for getWebhookInfo and the ops message.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectHosts } from '../../actions/verify/deps.js';
import { readInputs } from '../../actions/verify/inputs.js';
import { run, type Deps } from '../../actions/verify/main.js';
import { systemClock } from '../../src/clock.js';
import { localExecutor } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { sandboxEnv } from '../helpers/sandbox.js';

const env = sandboxEnv();
const id = `verify-host-${process.pid}`;
const docker = localExecutor({
  env: { DOCKER_HOST: env.SANDBOX_DOCKER_HOST, DOCKER_CONFIG: env.SANDBOX_DOCKER_CONFIG },
});
const dockerCli = env.SANDBOX_DOCKER_CLI ?? 'docker';
const host = `${env.SANDBOX_SSH_USER}@${env.SANDBOX_SSH_HOST}:${env.SANDBOX_SSH_PORT}`;
const BOT = '7100000000:AAverifyHostBotTokenverifyHostBot00';
const OPS = '7200000000:AAverifyHostOpsTokenverifyHostOps00';
const temp = mkdtempSync(join(tmpdir(), 'verify-host-'));
const created: string[] = [];
const saved = { ...process.env };
let api: FakeTelegramApi;
let webPort = 0;

async function freePort(): Promise<number> {
  for (let port = 21899; port >= 21860; port--) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 21860-21899');
}

async function until(what: string, test: () => Promise<boolean>, tries = 120): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await test().catch(() => false)) return;
    await systemClock.sleep(500);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function setInputs(values: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  for (const [k, v] of Object.entries(values)) process.env[`INPUT_${k.toUpperCase()}`] = v;
}

function deps() {
  const log = recordingLog();
  const outputs: Record<string, string> = {};
  const summaries: string[] = [];
  const d: Deps = {
    log,
    clock: systemClock,
    fetch: (url, init) => fetch(url, init),
    env: { GITHUB_REPOSITORY: 'org/shop-bot', GITHUB_RUN_ID: '9', GITHUB_SHA: 'f00dfeed' },
    connect: (inputs) => connectHosts(inputs, log),
    outputs: (o) => Object.assign(outputs, o),
    summary: (md) => summaries.push(md),
  };
  return { d, log, outputs, summaries };
}

beforeAll(async () => {
  process.env.RUNNER_TEMP = temp;
  api = await startFakeTelegramApi({
    tokens: [BOT, OPS],
    chats: ['-100500'],
    ports: [21800, 21859],
  });
  api.setWebhookInfo(BOT, { url: 'https://bot.example/webhook', pending_update_count: 1 });
  webPort = await freePort();
  const net =
    env.SANDBOX_DOCKER_NETWORK === 'host'
      ? ['--network', 'host', '-e', `PORT=${webPort}`]
      : ['-p', `127.0.0.1:${webPort}:8080`];
  await docker.run([
    dockerCli,
    'run',
    '-d',
    '--name',
    `${id}-ok`,
    ...net,
    env.SANDBOX_IMAGE_WEB_V1!,
  ]);
  created.push(`${id}-ok`);
  await docker.run([
    dockerCli, 'run', '-d', '--name', `${id}-crash`, '--restart', 'on-failure:3',
    ...(env.SANDBOX_DOCKER_NETWORK === 'host' ? ['--network', 'host', '-e', `PORT=${webPort + 1}`] : []),
    env.SANDBOX_IMAGE_WEB_CRASH!,
  ]); // prettier-ignore
  created.push(`${id}-crash`);
  await until('the webbot', async () => (await fetch(`http://127.0.0.1:${webPort}/health`)).ok);
  // Docker restarts it 3 times (on-failure:3), then leaves it exited.
  await until('the crash fixture to crash for good', async () => {
    const r = await docker.run(
      [dockerCli, 'inspect', '--format', '{{.State.Status}} {{.RestartCount}}', `${id}-crash`],
      { allowFailure: true },
    );
    return r.stdout.trim() === 'exited 3';
  });
}, 120_000);

afterAll(async () => {
  process.env = saved;
  await api?.close();
  for (const name of created)
    await docker.run([dockerCli, 'rm', '-f', name], { allowFailure: true });
  rmSync(temp, { recursive: true, force: true });
});

const common = () => ({
  hosts: host,
  'ssh-key': readFileSync(env.SANDBOX_SSH_KEY!, 'utf8'),
  'known-hosts': readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8'),
  'telegram-bot-token': BOT,
  'telegram-webhook-url': 'https://bot.example/webhook',
  'telegram-api-url': api.url,
  'notify-telegram-token': OPS,
  'notify-chat-id': '-100500',
  version: 'v1.4.0',
  environment: 'staging',
  interval: '1s',
  consecutive: '2',
  timeout: '30s',
});

it('passes a healthy release: HTTP, container and logs over SSH, webhook state', async () => {
  setInputs({
    ...common(),
    'http-url': `http://127.0.0.1:${webPort}/health`,
    'http-body': 'ok',
    container: `${id}-ok`,
  });
  const { d, outputs, summaries, log } = deps();
  const verdict = await run(readInputs(), d);
  expect(verdict).toMatchObject({ outcome: 'pass', rounds: 2 });
  expect(verdict.evidence.map((e) => [e.name, e.outcome])).toEqual([
    [`http http://127.0.0.1:${webPort}/health`, 'pass'],
    [`container ${id}-ok@${host}`, 'pass'],
    [`logs ${id}-ok@${host}`, 'pass'],
    ['telegram webhook', 'pass'],
  ]);
  expect(verdict.evidence[1]!.last.at(-1)!.summary).toBe('running, 0 restart(s)');
  expect(outputs).toMatchObject({ verdict: 'pass', accepted: 'true' });
  expect(summaries[0]).toContain(`| \`logs ${id}-ok@${host}\` | ✅ pass`);
  // No ops message on success (deploy sends those); the webhook was asked once per round.
  expect(api.requests.filter((r) => r.token === BOT).map((r) => r.method)).toEqual([
    'getWebhookInfo',
    'getWebhookInfo',
  ]);
  expect(api.sent).toEqual([]);
  expect(log.text()).not.toContain(BOT);
  // The SSH key material is gone when the step ends.
  expect(readdirSync(temp)).toEqual([]);
});

it('fails a crashing release on its Traceback, over SSH, and tells the ops chat', async () => {
  api.requests.length = 0;
  setInputs({ ...common(), container: `${id}-crash` });
  const { d, outputs, log } = deps();
  // Both fail for good in the first round: the container is named, the reason says both.
  await expect(run(readInputs(), d)).rejects.toThrow(
    `verify: fail: container ${id}-crash@${host}: exited, 3 restart(s) (exit code 1); ` +
      `logs ${id}-crash@${host}: fatal pattern "Traceback" in "Traceback (most recent call last):"`,
  );
  expect(outputs).toMatchObject({
    verdict: 'fail',
    'failed-check': `container ${id}-crash@${host}`,
  });
  expect(api.sent).toHaveLength(1);
  expect(api.sent[0]!.chatId).toBe('-100500');
  expect(api.sent[0]!.entitiesText).toContain('Deploy failed: shop-bot');
  expect(api.sent[0]!.entitiesText).toContain('version v1.4.0 → staging');
  expect(api.sent[0]!.entitiesText).toContain('fatal pattern "Traceback"');
  expect(log.text()).not.toContain(OPS);
  expect(readdirSync(temp)).toEqual([]);
});

it('window mode: a release that dies during the watch fails at once, naming the check', async () => {
  const name = `${id}-dies`;
  await docker.run([dockerCli, 'run', '-d', '--name', name, env.SANDBOX_IMAGE_WEB_V1!]);
  created.push(name);
  setInputs({
    ...common(),
    'telegram-bot-token': '',
    'telegram-webhook-url': '',
    'notify-telegram-token': '',
    'notify-chat-id': '',
    container: name,
    window: '60s',
    interval: '1s',
  });
  const { d, outputs, log } = deps();
  // Stop the container once the watch has seen it healthy (bounded: the window is 60 s).
  const stopper = (async () => {
    await until('the first healthy round', async () =>
      log.lines.some((l) => l.message.startsWith(`verify round 1: container ${name}`)),
    );
    await docker.run([dockerCli, 'stop', '-t', '1', name]);
  })();
  await expect(run(readInputs(), d)).rejects.toThrow(`verify: fail: container ${name}@${host}`);
  await stopper;
  expect(outputs['failed-check']).toBe(`container ${name}@${host}`);
  expect(outputs.reason).toMatch(/exited, 0 restart\(s\) \(exit code \d+\)/);
  const evidence = JSON.parse(outputs.evidence!) as { name: string; last: { status: string }[] }[];
  const container = evidence.find((e) => e.name === `container ${name}@${host}`)!;
  expect(container.last[0]!.status).toBe('pass');
  expect(container.last.at(-1)!.status).toBe('fail');
});
