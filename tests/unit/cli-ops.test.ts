/**
 * The on-call commands' pure parts and the lock scripts (src/cli/ops.ts, src/host/lock.ts):
 * the command line, the argv builders (hostile strings stay single arguments), the audit filters,
 * and the break/inspect scripts run by a real sh on a temp dir.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, UsageError, type CliArgs } from '../../src/cli/args.js';
import {
  auditLine,
  dockerSince,
  execArgv,
  filterAudit,
  logsArgv,
  parseRecorded,
  releaseFor,
  sinceMs,
} from '../../src/cli/ops.js';
import { parseConfigText } from '../../src/cli/config-file.js';
import { dispatchCommand } from '../../src/cli/ops.js';
import { ConfigFileError } from '../../src/cli/config-file.js';
import { fakeClock } from '../../src/clock.js';
import { recordingLog } from '../../src/log.js';
import { buildConfig } from '../../src/deploy/config.js';
import type { AuditEntry, Release } from '../../src/deploy/ports.js';
import { localExecutor } from '../../src/exec.js';
import { breakLock, describeLockView, inspectLock, parseLockView } from '../../src/host/lock.js';
import { noNetwork } from '../helpers/no-network.js';

const args = (argv: string[]): CliArgs => {
  const parsed = parseArgs(argv);
  if (!('args' in parsed)) throw new Error('help');
  return parsed.args;
};
const usage = (argv: string[]): string => {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  return 'accepted';
};

const release = (id: string, image = `ghcr.io/o/b:${id}`): Release => ({
  id,
  image,
  container: `bot-${id}`,
  startedAt: '2026-01-01T00:00:00Z',
  strategy: 'blue-green',
});

describe('the command line', () => {
  it('logs: since, grep, follow, release; exec: everything after -- taken as it is', () => {
    expect(
      args([
        'logs',
        '-c',
        'd.yml',
        '--since',
        '1m',
        '--grep',
        'Trace back',
        '-f',
        '--release',
        'r1',
      ]),
    ).toMatchObject({
      command: 'logs',
      since: '1m',
      grep: 'Trace back',
      follow: true,
      release: 'r1',
    });
    expect(
      args(['exec', '--config', 'd.yml', '--', 'sh', '-c', 'echo $(id)', '--config']),
    ).toMatchObject({ command: 'exec', commandArgv: ['sh', '-c', 'echo $(id)', '--config'] });
    expect(args(['lock', 'release', '--config', 'd.yml', '--reason', 'runner died'])).toMatchObject(
      {
        lockAction: 'release',
        reason: 'runner died',
        force: false,
      },
    );
    expect(args(['lock', '--config', 'd.yml'])).toMatchObject({ lockAction: 'show' });
    expect(
      args([
        'history',
        '--config',
        'd.yml',
        '--since',
        '7d',
        '--event',
        'rollback',
        '--limit',
        '5',
      ]),
    ).toMatchObject({ since: '7d', event: 'rollback', limit: 5 });
  });

  it('mistakes are named, exit 2 (UsageError)', () => {
    expect(usage(['exec', '--config', 'd.yml'])).toMatch(/exec needs a command after --/);
    expect(usage(['exec', '--config', 'd.yml', '--'])).toMatch(/exec needs a command/);
    expect(usage(['lock', 'release', '--config', 'd.yml'])).toMatch(/needs --reason/);
    expect(usage(['lock', 'release', '--config', 'd.yml', '--reason', '  '])).toMatch(
      /needs --reason/,
    );
    expect(usage(['lock', 'steal', '--config', 'd.yml'])).toMatch(/unknown lock action 'steal'/);
    expect(usage(['logs', '--config', 'd.yml', '--since', 'yesterday'])).toMatch(
      /--since: 'yesterday' is neither a duration/,
    );
    expect(usage(['logs', '--config', 'd.yml', '--release', '../x'])).toMatch(/not a release id/);
    expect(usage(['history', '--config', 'd.yml', '--limit', '0'])).toMatch(/--limit/);
    expect(usage(['status', '--config', 'd.yml', '--grep', 'x'])).toMatch(
      /--grep is an option of logs, not status/,
    );
    expect(usage(['logs', '--config', 'd.yml', '--', 'x'])).toMatch(/'--' is only for exec/);
    expect(usage(['lock', '--config', 'd.yml', '--reason', 'x'])).toMatch(/lock release/);
    expect(usage(['deploy', '--config', 'd.yml', '--force'])).toMatch(/--force is an option of/);
  });

  it('every new command has --help with an example', () => {
    for (const command of ['logs', 'exec', 'lock', 'history', 'prune']) {
      const parsed = parseArgs([command, '--help']);
      expect('help' in parsed && parsed.help).toMatch(new RegExp(`example: tg-devops ${command} `));
    }
    const top = parseArgs(['--help']);
    expect('help' in top && top.help).toMatch(/logs .*\n.*exec .*\n.*lock .*\n.*history /);
  });
});

describe('argv builders', () => {
  const config = buildConfig({
    app: 'shop-bot',
    image: 'ghcr.io/o/b:1.0',
    'bot-mode': 'webhook',
    'health-path': '/health',
    network: 'botnet',
    volumes: '/srv/shop:/data',
  });

  it('exec: docker run --rm with the settings its container was created with; the command after the image', () => {
    const recorded = parseRecorded(
      JSON.stringify({
        NetworkMode: 'botnet',
        Binds: ['/srv/shop:/data:ro'],
        Memory: 268435456,
        NanoCpus: 500000000,
      }),
    );
    const hostile = ['sh', '-c', 'echo "$1"', 'x', '$(id); `id` \n rm -rf /'];
    const argv = execArgv(
      config,
      release('r2', 'ghcr.io/o/b:2.0'),
      recorded,
      '/s/shop-bot/shop-bot-exec-1.env',
      'shop-bot-exec-1',
      hostile,
    );
    // the script gets the release's container and the temp env file, then the docker argv
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv.slice(3, 11)).toEqual([
      'tg-exec',
      'bot-r2',
      '/s/shop-bot/shop-bot-exec-1.env',
      'docker',
      'run',
      '--rm',
      '--name',
      'shop-bot-exec-1',
    ]);
    expect(argv).toEqual(
      expect.arrayContaining([
        '--env-file',
        '/s/shop-bot/shop-bot-exec-1.env',
        '--network',
        'botnet',
      ]),
    );
    expect(argv).toEqual(expect.arrayContaining(['--cpus', '0.5', '--memory', '268435456b']));
    expect(argv[argv.indexOf('--volume') + 1]).toBe('/srv/shop:/data:ro');
    // the image follows `--`, the command's words follow the image, each one argument
    const image = argv.indexOf('ghcr.io/o/b:2.0');
    expect(argv[image - 1]).toBe('--');
    expect(argv.slice(image + 1)).toEqual(hostile);
    expect(argv).not.toContain('-it');
    const tty = execArgv(config, release('r2'), parseRecorded('{}'), '/e', 'n', ['sh'], true);
    expect(tty.slice(6, 10)).toEqual(['docker', 'run', '--rm', '-it']);
    expect(parseRecorded('{"NetworkMode":"default","Binds":null}')).toEqual({
      network: undefined,
      binds: [],
      memoryBytes: undefined,
      nanoCpus: undefined,
    });
  });

  it('logs: only the flags given; days become hours for docker', () => {
    expect(logsArgv('bot-r1', {})).toEqual(['docker', 'logs', '--', 'bot-r1']);
    expect(logsArgv('bot-r1', { since: '2d', follow: true })).toEqual([
      'docker',
      'logs',
      '--since',
      '48h',
      '--follow',
      '--',
      'bot-r1',
    ]);
    expect(dockerSince('2026-01-01T00:00:00Z')).toBe('2026-01-01T00:00:00Z');
  });

  it('releaseFor: the current release, one from the history, or an error naming the known ones', () => {
    const state = {
      app: 'bot',
      current: release('r2'),
      previous: release('r1'),
      history: [release('r0')],
    };
    expect(releaseFor(state, undefined, 'h').id).toBe('r2');
    expect(releaseFor(state, 'r0', 'h').id).toBe('r0');
    expect(() => releaseFor(state, 'r9', 'h')).toThrow(
      /release r9 is not in bot's history \(r2, r1, r0\)/,
    );
    expect(() => releaseFor({ app: 'bot', history: [] }, undefined, 'h')).toThrow(/never deployed/);
  });
});

describe('history filters', () => {
  const now = Date.parse('2026-01-10T12:00:00Z');
  const entry = (at: string, action: string, result: string): AuditEntry => ({
    at,
    actor: 'ann',
    action,
    result,
  });
  const entries = [
    entry('2026-01-01T00:00:00Z', 'deploy blue-green', 'success'),
    entry('2026-01-09T00:00:00Z', 'rollback', 'success'),
    entry('2026-01-10T11:00:00Z', 'deploy blue-green', 'rolled-back'),
    entry('2026-01-10T11:30:00Z', 'lock-release', 'success'),
  ];

  it('since (duration or ISO time), event, result and limit, oldest first', () => {
    expect(filterAudit(entries, { since: '2d' }, now)).toEqual(entries.slice(1));
    expect(filterAudit(entries, { since: '2026-01-10' }, now)).toEqual(entries.slice(2));
    expect(filterAudit(entries, { event: 'rollback' }, now)).toEqual([entries[1]]);
    expect(filterAudit(entries, { result: 'success', limit: 2 }, now)).toEqual([
      entries[1],
      entries[3],
    ]);
    expect(sinceMs('90m', now)).toBe(now - 90 * 60_000);
    expect(auditLine({ ...entries[1]!, release: 'r1', detail: 'manual' })).toBe(
      '2026-01-09T00:00:00Z  ann  rollback  r1  success  manual',
    );
  });
});

describe('lock scripts (real sh)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-lock-ops-'));
  const exec = localExecutor();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const plant = (name: string, expiresIn: number | undefined) => {
    const lock = join(dir, name);
    mkdirSync(lock);
    writeFileSync(join(lock, 'holder.json'), JSON.stringify({ actor: 'ci', runId: '7' }));
    if (expiresIn !== undefined)
      writeFileSync(join(lock, 'expires'), `${Math.floor(Date.now() / 1000) + expiresIn}\n`);
    return lock;
  };

  it('inspect names the holder and the time left; a free lock is free', async () => {
    const lock = plant('a', 300);
    const view = await inspectLock(exec, lock);
    expect(view.state).toBe('held');
    expect(describeLockView(view)).toMatch(/^held by ci \(run 7\); expires in (29\d|300)s/);
    expect((await inspectLock(exec, join(dir, 'none'))).state).toBe('free');
  });

  it('break frees a stale lock, leaves a live one unless forced', async () => {
    const stale = plant('stale', -60);
    expect(describeLockView(await inspectLock(exec, stale))).toMatch(/TTL passed (6\d)s ago/);
    const freed = await breakLock(exec, stale, false);
    expect(freed.state).toBe('freed');
    expect(JSON.parse(freed.holder)).toEqual({ actor: 'ci', runId: '7' });
    expect(existsSync(stale)).toBe(false);

    const live = plant('live', 600);
    expect((await breakLock(exec, live, false)).state).toBe('live');
    expect(existsSync(live)).toBe(true);
    expect((await breakLock(exec, live, true)).state).toBe('freed');
    expect(existsSync(live)).toBe(false);

    // no expiry written yet (its maker died between mkdir and the write): live for 900 s
    const fresh = plant('fresh', undefined);
    expect((await breakLock(exec, fresh, false)).state).toBe('live');
    expect((await breakLock(exec, join(dir, 'none'), false)).state).toBe('free');
  });

  it('an unexpected answer is an error, not a guess', () => {
    expect(() => parseLockView('garbage 1 2')).toThrow(/unexpected answer/);
  });
});

describe('one host for logs and exec', () => {
  const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
  const cli = parseConfigText(
    `hosts: [deploy@h1.example.net, deploy@h2.example.net]\nssh-key-file: /k\nknown-hosts-file: /kh\napp: shop-bot\nimage: ghcr.io/o/b:1\nbot-mode: worker\n`,
    '/ops/deploy.yml',
    {
      readFile: (p) => ({ '/k': KEY, '/kh': '[h1.example.net]:22 ssh-ed25519 AAAA\n' })[p] ?? '',
      env: {},
      home: '/home/ops',
    },
  );
  const opened: string[] = [];
  const deps = {
    log: recordingLog(),
    clock: fakeClock(0),
    out: () => undefined,
    writeSshMaterial: async () => {
      opened.push('material');
      throw new Error('no SSH in this test');
    },
    removeSshMaterial: () => undefined,
    openSession: async () => {
      opened.push('session');
      throw new Error('no SSH in this test');
    },
    actor: 'ops@laptop (tg-devops cli)',
    fetch: noNetwork,
    handleSignals: false,
  };

  it('with several hosts and no --host: refused naming hosts and --host, nothing opened', async () => {
    for (const argv of [
      ['logs', '--config', '/ops/deploy.yml'],
      ['exec', '--config', '/ops/deploy.yml', '--', 'env'],
    ]) {
      const error = await dispatchCommand(cli, args(argv), deps).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigFileError);
      expect((error as Error).message).toMatch(
        /key 'hosts': (logs|exec) acts on one host; pick one with --host \(deploy@h1\.example\.net, deploy@h2\.example\.net\)/,
      );
    }
    expect(opened).toEqual([]);
    // --host picks one: then the connection is tried (and fails here, past the check)
    const picked = await dispatchCommand(
      cli,
      args(['logs', '--config', '/ops/deploy.yml', '--host', 'h2.example.net']),
      deps,
    ).catch((e: unknown) => e);
    expect(picked).not.toBeInstanceOf(ConfigFileError);
    expect(opened.length).toBeGreaterThan(0);
  });
});
