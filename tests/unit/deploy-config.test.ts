import { describe, expect, it } from '@jest/globals';
import {
  buildConfig,
  parseDockerOptions,
  parseDotenv,
  parseImageRef,
  parseVolumes,
  splitCommand,
  type RawDeployInputs,
} from '../../src/deploy/config.js';
import { InputError } from '../../src/errors.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const base: RawDeployInputs = {
  app: 'mybot',
  image: `ghcr.io/org/bot@${DIGEST}`,
  'bot-mode': 'webhook',
  'health-path': '/health',
};

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('buildConfig', () => {
  it('defaults the strategy from the bot mode', () => {
    expect(buildConfig(base).strategy).toBe('blue-green');
    expect(buildConfig({ ...base, 'bot-mode': 'polling' }).strategy).toBe('handover');
    expect(buildConfig({ ...base, 'bot-mode': 'mtproto' }).strategy).toBe('handover');
    expect(buildConfig({ ...base, 'bot-mode': 'worker' }).strategy).toBe('blue-green');
    expect(buildConfig({ ...base, 'bot-mode': 'polling' }).proxy).toBe('none');
    expect(buildConfig(base).proxy).toBe('nginx');
  });

  it.each([
    ['polling', 'blue-green', /409 Conflict/],
    ['polling', 'canary', /409 Conflict/],
    ['mtproto', 'blue-green', /AUTH_KEY_DUPLICATED/],
    ['mtproto', 'canary', /AUTH_KEY_DUPLICATED/],
    ['worker', 'canary', /a worker takes none/],
  ])('refuses %s with %s, naming the strategy input', (mode, strategy, why) => {
    const error = inputError(() => buildConfig({ ...base, 'bot-mode': mode, strategy }));
    expect(error.input).toBe('strategy');
    expect(error.message).toMatch(why);
  });

  it('warns about a mutable tag and not about a digest', () => {
    expect(buildConfig(base).warnings).toEqual([]);
    expect(buildConfig({ ...base, image: 'ghcr.io/org/bot:latest' }).warnings[0]).toMatch(
      /mutable tag/,
    );
  });

  it('parses everything a deploy needs', () => {
    const config = buildConfig({
      ...base,
      strategy: 'canary',
      'host-ports': '9001, 9002',
      env: '# comment\nexport BOT_TOKEN="123:abc"\nDATABASE_URL=postgresql://u:p@db/x\n\n',
      volumes: '/srv/bot/data:/app/data\nmedia:/app/media:ro',
      cpus: '0.5',
      memory: '256M',
      network: 'bots',
      'docker-options': '--cap-drop ALL\n--read-only --init --log-opt max-size=10m',
      'registry-username': 'me',
      'registry-password': 'token\n',
      'canary-steps': '5, 25, 100',
      'pre-deploy': `alembic upgrade head --tag 'a b'`,
      backup: 'postgres',
    });
    expect(config).toMatchObject({
      hostPorts: { blue: 9001, green: 9002 },
      envFile: 'BOT_TOKEN=123:abc\nDATABASE_URL=postgresql://u:p@db/x\n',
      envKeys: ['BOT_TOKEN', 'DATABASE_URL'],
      volumes: [
        { source: '/srv/bot/data', target: '/app/data', readOnly: false },
        { source: 'media', target: '/app/media', readOnly: true },
      ],
      memory: '256m',
      extraOptions: ['--cap-drop=ALL', '--read-only', '--init', '--log-opt=max-size=10m'],
      registry: { server: 'ghcr.io', username: 'me', password: 'token' },
      canarySteps: [5, 25, 100],
      preDeploy: ['alembic', 'upgrade', 'head', '--tag', 'a b'],
      backup: { kind: 'postgres', keep: 5, databaseUrlVariable: 'DATABASE_URL' },
    });
  });

  it.each<[Partial<RawDeployInputs>, string, RegExp]>([
    [{ app: '' }, 'app', /required/],
    [{ app: 'My_Bot' }, 'app', /not a valid name/],
    [{ app: 'bot;rm -rf /' }, 'app', /not a valid name/],
    [{ image: 'ghcr.io/org/bot:latest; id' }, 'image', /not an image reference/],
    [{ image: 'ghcr.io/org/bot@sha256:abc' }, 'image', /not an image reference/],
    [{ image: '--privileged' }, 'image', /not an image reference/],
    [{ 'bot-mode': 'webhooks' }, 'bot-mode', /expected one of/],
    [{ 'bot-mode': '' }, 'bot-mode', /required/],
    [{ 'container-port': '70000' }, 'container-port', /between 1 and 65535/],
    [{ 'host-ports': '8001' }, 'host-ports', /two loopback ports/],
    [{ 'host-ports': '8001,8001' }, 'host-ports', /must differ/],
    [{ 'health-path': 'health' }, 'health-path', /plain URL path/],
    [{ 'health-path': '' }, 'health-path', /required for blue-green/],
    [{ env: 'BOT_TOKEN=1\nnot a line' }, 'env', /line 2 is not KEY=VALUE/],
    [{ env: 'A=1\nA=2' }, 'env', /set twice/],
    [{ volumes: '/srv/../etc:/x' }, 'volumes', /"\.\." is not allowed/],
    [{ volumes: '/var/run/docker.sock:/var/run/docker.sock' }, 'volumes', /refused/],
    [{ volumes: '/:/host' }, 'volumes', /refused/],
    [{ volumes: '/data:relative' }, 'volumes', /absolute/],
    [{ volumes: '/data:/data:rw,z' }, 'volumes', /wrong shape|allowed/],
    [{ cpus: 'two' }, 'cpus', /positive number/],
    [{ memory: '1t' }, 'memory', /256m/],
    [{ memory: '1k' }, 'memory', /at least 6m/],
    [{ network: 'none' }, 'network', /without network/],
    [{ network: 'a b' }, 'network', /not a docker network/],
    [{ 'docker-options': '--privileged' }, 'docker-options', /not allowed/],
    [{ 'docker-options': '--cap-add ALL' }, 'docker-options', /not allowed/],
    [{ 'docker-options': '--pid=host' }, 'docker-options', /not allowed/],
    [{ 'docker-options': '-v /:/host' }, 'docker-options', /not allowed/],
    [{ 'docker-options': '--user $(id)' }, 'docker-options', /needs a value/],
    [{ 'docker-options': '--read-only=true' }, 'docker-options', /takes no value/],
    [{ 'registry-password': 'x' }, 'registry-username', /required/],
    [{ 'registry-username': 'me' }, 'registry-password', /required/],
    [
      { 'registry-username': 'me', 'registry-password': 'x', image: 'bot:v1' },
      'registry',
      /required/,
    ],
    [{ strategy: 'canary', 'canary-steps': '50,10,100' }, 'canary-steps', /rise strictly/],
    [{ strategy: 'canary', 'canary-steps': '10,50' }, 'canary-steps', /last step must be 100/],
    [{ strategy: 'canary', proxy: 'none' }, 'proxy', /needs nginx or haproxy/],
    [{ 'pre-deploy': "echo 'unbalanced" }, 'pre-deploy', /unbalanced/],
    [{ backup: 'mysql' }, 'backup', /postgres/],
    [{ backup: 'postgres' }, 'backup', /needs DATABASE_URL/],
    [{ 'dry-run': 'maybe' }, 'dry-run', /true or false/],
    [{ 'state-dir': 'relative/dir' }, 'state-dir', /absolute/],
    [{ 'state-dir': '/var/../etc' }, 'state-dir', /absolute/],
    [{ 'lock-timeout': '-1' }, 'lock-timeout', /whole number/],
  ])('refuses %j naming the input', (extra, input, message) => {
    const error = inputError(() => buildConfig({ ...base, ...extra }));
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
  });

  it('never echoes an env line (it may hold a secret)', () => {
    const error = inputError(() => buildConfig({ ...base, env: 'BOT TOKEN=123:secret-value' }));
    expect(error.message).not.toContain('secret-value');
  });
});

describe('canary-hold, resume, hold-watch', () => {
  const canary: RawDeployInputs = { ...base, strategy: 'canary' };

  it('a canary held at a weight, watched for minutes; or a resume', () => {
    expect(buildConfig({ ...canary, 'canary-hold': '10', 'hold-watch': '15' })).toMatchObject({
      canaryHold: 10,
      resume: undefined,
      holdWatchSeconds: 900,
    });
    expect(buildConfig({ ...canary, resume: 'promote' })).toMatchObject({
      canaryHold: undefined,
      resume: 'promote',
      holdWatchSeconds: 0,
    });
    expect(buildConfig(canary)).toMatchObject({ canaryHold: undefined, holdWatchSeconds: 0 });
  });

  it.each([
    [{ 'canary-hold': '0' }, 'canary-hold', /between 1 and 99/],
    [{ 'canary-hold': '100' }, 'canary-hold', /between 1 and 99/],
    [{ 'canary-hold': 'ten' }, 'canary-hold', /whole number/],
    [{ 'canary-hold': '10', strategy: 'blue-green' }, 'canary-hold', /needs strategy canary/],
    [{ resume: 'later' }, 'resume', /one of promote, abort/],
    [{ resume: 'abort', strategy: 'blue-green' }, 'resume', /needs strategy canary/],
    [{ resume: 'abort', 'canary-hold': '10' }, 'resume', /give one of them/],
    [{ 'hold-watch': '5' }, 'hold-watch', /needs canary-hold/],
    [{ 'canary-hold': '10', 'hold-watch': '361' }, 'hold-watch', /between 0 and 360/],
  ] as const)('%j is refused naming %s', (given, input, message) => {
    const error = inputError(() => buildConfig({ ...canary, ...given }));
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
  });
});

describe('parseImageRef', () => {
  it.each([
    ['bot', { repository: 'bot' }],
    ['org/bot:v1', { repository: 'org/bot', tag: 'v1' }],
    [
      '127.0.0.1:5000/tg-test/webbot:v1',
      { registry: '127.0.0.1:5000', repository: 'tg-test/webbot', tag: 'v1' },
    ],
    ['localhost/bot', { registry: 'localhost', repository: 'bot' }],
    [
      `ghcr.io/org/bot:v1@${DIGEST}`,
      { registry: 'ghcr.io', repository: 'org/bot', tag: 'v1', digest: DIGEST },
    ],
  ])('%s', (raw, expected) => {
    expect(parseImageRef(raw)).toEqual({
      raw,
      tag: undefined,
      digest: undefined,
      registry: undefined,
      ...expected,
    });
  });
});

describe('small parsers', () => {
  it('splits a command without a shell: nothing expands', () => {
    expect(splitCommand(`sh -c 'echo $HOME; id' "a b" c`, 'x')).toEqual([
      'sh',
      '-c',
      'echo $HOME; id',
      'a b',
      'c',
    ]);
    expect(splitCommand('echo $(id) `id` ; rm', 'x')).toEqual(['echo', '$(id)', '`id`', ';', 'rm']);
  });
  it('turns each allowed docker option into exactly one token', () => {
    expect(
      parseDockerOptions('--user 1000:1000 --tmpfs /tmp:size=64m --ulimit=nofile=1024:2048'),
    ).toEqual(['--user=1000:1000', '--tmpfs=/tmp:size=64m', '--ulimit=nofile=1024:2048']);
  });
  it('reads dotenv with quotes and export', () => {
    expect(parseDotenv('export A=\'x y\'\nB="q"\nC=plain=with=equals')).toEqual({
      text: 'A=x y\nB=q\nC=plain=with=equals\n',
      keys: ['A', 'B', 'C'],
    });
  });
  it('accepts named volumes and read-only mounts', () => {
    expect(parseVolumes('data:/data,/srv/x:/x:ro')).toHaveLength(2);
  });
});
