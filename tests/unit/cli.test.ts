import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COMMAND_USAGE, parseArgs, UsageError, type CliArgs } from '../../src/cli/args.js';
import {
  ConfigFileError,
  DEPLOY_INPUTS,
  LOCAL_PATH_INPUTS,
  NOT_IN_CLI,
  parseConfigText,
  type LoadDeps,
} from '../../src/cli/config-file.js';
import { main } from '../../src/cli/main.js';
import { recordingLog } from '../../src/log.js';
import { PROXY_INPUT_DEFAULTS } from '../../src/proxy/index.js';
import { ROOT } from '../helpers/repo.js';
import { noNetwork } from '../helpers/no-network.js';

const args = (argv: string[]): CliArgs => {
  const parsed = parseArgs(argv);
  if (!('args' in parsed)) throw new Error('expected args, got help');
  return parsed.args;
};
const usageError = (argv: string[]): string => {
  try {
    parseArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
};

describe('argument parsing', () => {
  test('deploy --canary-hold PERCENT and --resume promote|abort (one or the other)', () => {
    expect(args(['deploy', '-c', 'd.yml', '--canary-hold', '10'])).toMatchObject({
      command: 'deploy',
      canaryHold: '10',
    });
    expect(args(['deploy', '-c', 'd.yml', '--resume=promote'])).toMatchObject({
      resume: 'promote',
    });
    expect(args(['deploy', '-c', 'd.yml', '--resume', 'abort'])).toMatchObject({ resume: 'abort' });
    expect(usageError(['deploy', '-c', 'd.yml', '--resume', 'later'])).toMatch(
      /--resume: 'later' is neither promote nor abort/,
    );
    expect(usageError(['deploy', '-c', 'd.yml', '--canary-hold', '100'])).toMatch(
      /--canary-hold: '100' is not a percentage from 1 to 99/,
    );
    expect(
      usageError(['deploy', '-c', 'd.yml', '--canary-hold', '10', '--resume', 'abort']),
    ).toMatch(/give one of them/);
    expect(usageError(['rollback', '-c', 'd.yml', '--resume', 'abort'])).toMatch(
      /--resume is an option of deploy, not rollback/,
    );
    expect(COMMAND_USAGE.deploy).toContain(
      'example: tg-devops deploy --config deploy.yml --canary-hold 10',
    );
  });

  test('each command with its options', () => {
    expect(args(['deploy', '--config', 'd.yml', '--dry-run', '--host', 'a', '--host=b'])).toEqual({
      command: 'deploy',
      config: 'd.yml',
      dryRun: true,
      hosts: ['a', 'b'],
      to: undefined,
      force: false,
    });
    expect(
      args(['rollback', '--config=d.yml', '--to', '20260101-000001', '--force']),
    ).toMatchObject({ command: 'rollback', to: '20260101-000001', force: true, dryRun: false });
    expect(args(['status', '-c', 'd.yml'])).toMatchObject({ command: 'status', config: 'd.yml' });
  });

  test('--help for the tool and for each command', () => {
    expect(parseArgs(['--help'])).toEqual({ help: expect.stringContaining('commands:') });
    for (const command of ['deploy', 'rollback', 'status'] as const)
      expect(parseArgs([command, '--help'])).toEqual({ help: COMMAND_USAGE[command] });
    expect(COMMAND_USAGE.rollback).toContain('--to RELEASE_ID');
  });

  test('mistakes are usage errors that say what is wrong', () => {
    expect(usageError([])).toBe('a command is required');
    expect(usageError(['ship'])).toBe("unknown command 'ship'");
    expect(usageError(['deploy'])).toBe('--config FILE is required');
    expect(usageError(['deploy', '--config'])).toBe('--config needs a value');
    expect(usageError(['deploy', '--config', '--dry-run'])).toBe('--config needs a value');
    expect(usageError(['deploy', '-c', 'a', '-c', 'b'])).toBe('--config is given twice');
    expect(usageError(['deploy', '-c', 'a', '--to', 'x'])).toMatch(/--to is an option of rollback/);
    expect(usageError(['status', '-c', 'a', '--dry-run'])).toMatch(/--dry-run is an option of/);
    expect(usageError(['deploy', '-c', 'a', '--force'])).toMatch(
      /--force is an option of rollback/,
    );
    expect(usageError(['deploy', '-c', 'a', '--dry-run=yes'])).toBe('--dry-run takes no value');
    expect(usageError(['deploy', '-c', 'a', '--verbose'])).toBe("unknown option '--verbose'");
    expect(usageError(['deploy', '-c', 'a', 'extra'])).toBe("unexpected argument 'extra'");
    expect(usageError(['rollback', '-c', 'a', '--to', '../x'])).toMatch(/not a release id/);
  });
});

const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const KNOWN =
  '[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC0HAALdo3JTmcPqI4q+IBjLFULIFdQskEluEdZJwU+b\n';

function deps(files: Record<string, string> = {}, env: Record<string, string> = {}): LoadDeps {
  return {
    readFile: (path) => {
      const hit = files[path];
      if (hit === undefined) throw new Error(`ENOENT: ${path}`);
      return hit;
    },
    env,
    home: '/home/op',
  };
}

const BASE = `
hosts: [deploy@bot-1.example.net, deploy@bot-2.example.net:2222]
ssh-key-file: keys/deploy
known-hosts-file: /etc/tg/known_hosts
app: shop-bot
image: ghcr.io/org/shop-bot@sha256:${'a'.repeat(64)}
bot-mode: webhook
health-path: /health
`;
const FILES: Record<string, string> = { '/ops/keys/deploy': KEY, '/etc/tg/known_hosts': KNOWN };

const load = (text: string, files = FILES, env: Record<string, string> = {}) =>
  parseConfigText(text, '/ops/deploy.yml', deps(files, env));

const configError = (text: string, files = FILES, env: Record<string, string> = {}) => {
  try {
    load(text, files, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigFileError);
    return error as ConfigFileError;
  }
  throw new Error('no ConfigFileError');
};

describe('config file', () => {
  test("its keys are exactly the deploy action's inputs", () => {
    const action = parse(readFileSync(join(ROOT, 'deploy', 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const inputs = Object.keys(action.inputs);
    // every key the CLI reads is an input of the action ...
    expect(DEPLOY_INPUTS.filter((k) => !inputs.includes(k))).toEqual([]);
    // ... and every input of the action is read by the CLI or refused by name as not yet supported
    expect(
      inputs.filter(
        (k) => !(DEPLOY_INPUTS as readonly string[]).includes(k) && !NOT_IN_CLI.includes(k),
      ),
    ).toEqual([]);
    expect(configError(`${BASE}notify-chat-id: 42\n`).message).toMatch(
      /key 'notify-chat-id': notifications are sent by the deploy action only/,
    );
  });

  test('a valid file builds the same DeployConfig as the action (relative paths from the file)', () => {
    const cli = load(`${BASE}gate-window: 5\nvolumes:\n  - data:/data\n  - /srv/cfg:/cfg:ro\n`);
    expect(cli.hosts).toEqual(['deploy@bot-1.example.net', 'deploy@bot-2.example.net:2222']);
    expect(cli.ssh.key).toBe(KEY);
    expect(cli.ssh.knownHosts).toContain('[127.0.0.1]:2222 ssh-ed25519');
    expect(cli.config).toMatchObject({
      app: 'shop-bot',
      botMode: 'webhook',
      strategy: 'blue-green',
      gateWindowSeconds: 5,
      healthPath: '/health',
      volumes: [
        { source: 'data', target: '/data', readOnly: false },
        { source: '/srv/cfg', target: '/cfg', readOnly: true },
      ],
    });
    expect(cli.proxy).toEqual(PROXY_INPUT_DEFAULTS);
    expect(
      load(`${BASE}haproxy-check-command: /usr/sbin/haproxy -c -q -f {config}\n`).proxy[
        'haproxy-check-command'
      ],
    ).toBe('/usr/sbin/haproxy -c -q -f {config}');
  });

  test('secrets come from files or the environment, never inline', () => {
    const viaEnv = load(BASE.replace('ssh-key-file: keys/deploy\n', ''), FILES, {
      TG_DEVOPS_SSH_KEY: KEY,
      TG_DEVOPS_ENV: 'BOT_TOKEN=1:abc\n',
    });
    expect(viaEnv.ssh.key).toBe(KEY);
    expect(viaEnv.config.envFile).toBe('BOT_TOKEN=1:abc\n');

    const envFile = load(
      `${BASE}env-file: ~/prod.env\nregistry-username: bot\nregistry-password-file: reg.txt\n`,
      {
        ...FILES,
        '/home/op/prod.env': 'BOT_TOKEN=1:abc\nexport REDIS_URL="redis://r"\n',
        '/ops/reg.txt': 's3cret\n',
      },
    );
    expect(envFile.config.envKeys).toEqual(['BOT_TOKEN', 'REDIS_URL']);
    expect(envFile.config.registry).toEqual({
      server: 'ghcr.io',
      username: 'bot',
      password: 's3cret',
    });

    const inline = configError(`${BASE}registry-password: hunter2\n`);
    expect(inline.message).toBe(
      "/ops/deploy.yml:9: key 'registry-password': a secret is never written into the config: use registry-password-file: PATH or the TG_DEVOPS_REGISTRY_PASSWORD environment variable",
    );
    expect(inline.message).not.toContain('hunter2');
    expect(configError(`${BASE}ssh-key: abc\n`).key).toBe('ssh-key');
    const twice = configError(BASE, FILES, { TG_DEVOPS_SSH_KEY: KEY });
    expect(twice.key).toBe('ssh-key-file');
    expect(twice.message).toMatch(/given more than once/);
  });

  test('every error names the file and the key', () => {
    const cases: [string, string, RegExp][] = [
      [`${BASE}gate-window: soon\n`, 'gate-window', /expected a whole number, got "soon"/],
      [BASE.replace('bot-mode: webhook', 'bot-mode: carrier-pigeon'), 'bot-mode', /one of/],
      [`${BASE}strategy: canary\nproxy: none\n`, 'proxy', /canary/],
      [BASE.replace(/image: .*/, 'image: "Not An Image"'), 'image', /not an image reference/],
      [
        `${BASE}gate_window: 5\n`,
        'gate_window',
        /not an input of the deploy action \(did you mean 'gate-window'\?\)/,
      ],
      [BASE.replace(/hosts: .*/, 'hosts: []'), 'hosts', /is required/],
      [
        BASE.replace('known-hosts-file: /etc/tg/known_hosts\n', ''),
        'known-hosts',
        /never connects to an unverified host/,
      ],
      [BASE.replace('ssh-key-file: keys/deploy\n', ''), 'ssh-key-file', /TG_DEVOPS_SSH_KEY/],
      [
        BASE.replace('keys/deploy', 'keys/missing'),
        'ssh-key-file',
        /cannot read \/ops\/keys\/missing/,
      ],
      [`${BASE}batch-size: 0\n`, 'batch-size', /between 1 and 50/],
      [`${BASE}cpus: {a: 1}\n`, 'cpus', /expected a string/],
    ];
    for (const [text, key, problem] of cases) {
      const error = configError(text);
      expect({ key: error.key, file: error.file }).toEqual({ key, file: '/ops/deploy.yml' });
      expect(error.message).toMatch(problem);
      // file:line when the key is in the file; the file alone when it is missing
      expect(error.message).toMatch(new RegExp(`^/ops/deploy\\.yml(:\\d+)?: key '${key}': `));
    }
  });

  test('verify-* keys: the same checks and window as the deploy action', () => {
    const cli = load(
      `${BASE}verify-window: 45\nverify-http-url: https://bot.example.net/health\nverify-log-patterns: |\n  Traceback\n  /FATAL/i\non-inconclusive: promote\n`,
    );
    expect(cli.config.gateWindowSeconds).toBe(45);
    expect(cli.verify).toMatchObject({
      onInconclusive: 'promote',
      pauseSeconds: 60,
      checks: {
        http: [{ url: 'https://bot.example.net/health', status: ['2xx'] }],
        logPatterns: ['Traceback', '/FATAL/i'],
      },
    });
    expect(load(BASE).verify).toBeUndefined();
    expect(load(BASE).config.gateWindowSeconds).toBe(10);
    const token = load(`${BASE}verify-telegram-bot-token-file: tg.txt\n`, {
      ...FILES,
      '/ops/tg.txt': '123:abc\n',
    });
    expect(token.verify?.checks.telegram).toBeDefined();

    const cases: [string, string, RegExp][] = [
      [`${BASE}verify-window: 30\n`, 'verify-window', /needs a check to watch/],
      [`${BASE}verify-http-url: ftp://x\n`, 'verify-http-url', /must be http or https/],
      [
        `${BASE}verify-http-url: https://x\non-inconclusive: shrug\n`,
        'on-inconclusive',
        /fail, pass/,
      ],
      [
        `${BASE}verify-telegram-bot-token: 123:abc\n`,
        'verify-telegram-bot-token',
        /never written into the config/,
      ],
      [`${BASE}verify-pause: soon\nverify-http-url: https://x\n`, 'verify-pause', /whole number/],
    ];
    for (const [text, key, problem] of cases) {
      const error = configError(text);
      expect({ key: error.key, message: error.message }).toEqual({
        key,
        message: expect.stringMatching(problem),
      });
    }
  });

  test('paths in the config are relative to its folder, whatever the working directory', () => {
    const rules =
      'groups:\n  - name: bot\n    rules:\n      - alert: BotDown\n        expr: up == 0\n';
    const prometheus = [
      'verify-prometheus-url: http://prometheus:9090',
      'verify-prometheus-selector: job="bot"',
      'verify-prometheus-checks: none',
      '',
    ].join('\n');
    const alerts = (path: string, at: string, file = '/ops/deploy.yml') =>
      parseConfigText(
        `${BASE.replace('keys/deploy', '/ops/keys/deploy')}${prometheus}verify-prometheus-rules: ${path}\n`,
        file,
        deps({ ...FILES, [at]: rules }),
      ).verify?.checks.prometheus?.rules?.map((r) => r.checkName);
    expect(process.cwd()).not.toBe('/ops');
    expect(alerts('monitoring/rules.yml', '/ops/monitoring/rules.yml')).toEqual(['alert BotDown']);
    expect(alerts('./rules.yml', '/ops/rules.yml')).toEqual(['alert BotDown']);
    expect(alerts('../shared/rules.yml', '/shared/rules.yml')).toEqual(['alert BotDown']);
    expect(alerts('/etc/prometheus/rules.yml', '/etc/prometheus/rules.yml')).toEqual([
      'alert BotDown',
    ]);
    expect(alerts('~/rules.yml', '/home/op/rules.yml')).toEqual(['alert BotDown']);
    // a config given by a relative path: its folder is taken from the working directory
    expect(alerts('rules.yml', join(process.cwd(), 'conf/rules.yml'), 'conf/deploy.yml')).toEqual([
      'alert BotDown',
    ]);
    // a missing file names the key and the path looked at
    const missing = configError(`${BASE}${prometheus}verify-prometheus-rules: gone.yml\n`);
    expect(missing.key).toBe('verify-prometheus-rules');
    expect(missing.message).toContain('/ops/gone.yml');
    // every such key is a deploy input
    expect(LOCAL_PATH_INPUTS.filter((k) => !DEPLOY_INPUTS.includes(k))).toEqual([]);
  });

  test('a bad env file is blamed on env-file, by line, without echoing the secret', () => {
    const error = configError(`${BASE}env-file: prod.env\n`, {
      ...FILES,
      '/ops/prod.env': 'BOT_TOKEN=1:abc\nthis is not a pair s3cret\n',
    });
    expect(error.message).toBe(
      "/ops/deploy.yml:9: key 'env-file': line 2 is not KEY=VALUE (a letter or _ first, then letters, digits, _)",
    );
  });

  test('YAML problems and non-mappings name the file', () => {
    expect(configError('app: [unclosed\n').message).toMatch(/^\/ops\/deploy\.yml: not valid YAML/);
    expect(configError('- a\n- b\n').message).toMatch(/expected a mapping/);
    expect(configError('app: a\napp: b\n').message).toMatch(/not valid YAML/);
  });
});

describe('main: exit codes and output', () => {
  const run = async (argv: string[], files: Record<string, string> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, {
      fetch: noNetwork,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      readFile: (p) => {
        const hit = files[p];
        if (hit === undefined) throw new Error(`ENOENT: no such file, open '${p}'`);
        return hit;
      },
      env: {},
      log: recordingLog(),
      openSession: () => Promise.reject(new Error('no host in unit tests')),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test('handleSignals: false reaches the command: it leaves SIGINT and SIGTERM alone', async () => {
    const log = recordingLog();
    const seen: Record<string, number>[] = [];
    const before = {
      SIGINT: process.listenerCount('SIGINT'),
      SIGTERM: process.listenerCount('SIGTERM'),
    };
    const code = await main(['deploy', '--config', '/ops/deploy.yml'], {
      fetch: noNetwork,
      out: () => undefined,
      err: () => undefined,
      readFile: (p) => FILES[p] ?? BASE,
      env: {},
      log,
      handleSignals: false,
      writeSshMaterial: async () => ({
        dir: '/nonexistent/ssh',
        privateKeyFile: '/nonexistent/ssh/key',
        knownHostsFile: '/nonexistent/ssh/known_hosts',
        controlDir: '/nonexistent/ssh/cm',
      }),
      removeSshMaterial: () => undefined,
      openSession: () => {
        seen.push({
          SIGINT: process.listenerCount('SIGINT'),
          SIGTERM: process.listenerCount('SIGTERM'),
        });
        return Promise.reject(new Error('no host in unit tests'));
      },
    });
    expect(code).toBe(1);
    expect(seen.length).toBeGreaterThan(0);
    for (const counts of seen) expect(counts).toEqual(before);
  });

  test('help is 0 on stdout, usage mistakes are 2 on stderr with the usage', async () => {
    expect(await run(['--help'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('usage: tg-devops'),
    });
    const bad = await run(['deploy', '--dry-run']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('tg-devops: --config FILE is required');
    expect(bad.err).toContain('usage: tg-devops deploy');
  });

  test('a config problem is 2 and names the file and key, before any connection', async () => {
    const missing = await run(['status', '--config', '/nowhere.yml']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^tg-devops: \/nowhere\.yml: cannot read it/);
    const bad = await run(['deploy', '--config', '/ops/deploy.yml'], {
      ...FILES,
      '/ops/deploy.yml': `${BASE}drain-seconds: -1\n`,
    });
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.err).toMatch(
      /\/ops\/deploy\.yml:\d+: key 'drain-seconds': must be a whole number between 0 and 3600, got -1/,
    );
  });

  test("proxy keys: the proxy is made the actions' way; its refusals name the key, exit 2", async () => {
    const cfg = (extra: string) => ({
      ...FILES,
      '/ops/deploy.yml': `${BASE}proxy: haproxy\nhaproxy-frontend-port: 21650\n${extra}`,
    });
    const noCandidate = await run(
      ['deploy', '--config', '/ops/deploy.yml'],
      cfg('haproxy-check-command: /usr/sbin/haproxy -c -q\n'),
    );
    expect(noCandidate.code).toBe(2);
    expect(noCandidate.err).toBe(
      "tg-devops: /ops/deploy.yml: key 'haproxy-check-command': must name the candidate file as '{config}'",
    );
    const noPort = await run(['rollback', '--config', '/ops/deploy.yml'], {
      ...FILES,
      '/ops/deploy.yml': `${BASE}proxy: haproxy\n`,
    });
    expect(noPort.code).toBe(2);
    expect(noPort.err).toMatch(/key 'haproxy-frontend-port': is required with proxy: haproxy/);
    const badSocket = await run(
      ['deploy', '--config', '/ops/deploy.yml'],
      cfg('haproxy-socket: /run/a,b.sock\n'),
    );
    expect(badSocket.err).toMatch(/key 'haproxy-socket': .*letters, digits/);
    // a good proxy config gets as far as the (refused) connection: exit 1, not 2
    const good = await run(
      ['deploy', '--config', '/ops/deploy.yml'],
      cfg('haproxy-check-command: /usr/sbin/haproxy -c -q -f {config}\n'),
    );
    expect(good.code).toBe(1);
  });
});
