import { describe, expect, it } from '@jest/globals';
import { fakeClock } from '../../src/clock.js';
import { buildConfig, type RawDeployInputs } from '../../src/deploy/config.js';
import { deploy, DeployError } from '../../src/deploy/engine.js';
import { buildPlan } from '../../src/deploy/plan.js';
import { planJson, planMarkdown, planText } from '../../src/deploy/print.js';
import { PlanRefused } from '../../src/deploy/rules.js';
import { RouteError } from '../../src/proxy/route-error.js';
import type {
  AppState,
  Backend,
  HostPrimitives,
  Release,
  TrafficProxy,
} from '../../src/deploy/ports.js';
import { READ_ONLY_COMMANDS, type Probe } from '../../src/deploy/probe.js';
import { recordingExecutor, type CommandResult } from '../../src/exec.js';
import { LockLostError } from '../../src/host/lock.js';
import { appPaths } from '../../src/host/state.js';
import { recordingLog } from '../../src/log.js';
import { verifyGates } from '../../src/deploy/verify-gates.js';
import { parseCheckInputs } from '../../src/health/inputs.js';

const LOCK = { ttlSeconds: 300, refreshSeconds: 60 };
const DIGEST = `sha256:${'b'.repeat(64)}`;
const IMAGE = `ghcr.io/org/bot@${DIGEST}`;
const web: RawDeployInputs = {
  app: 'mybot',
  image: IMAGE,
  'bot-mode': 'webhook',
  'health-path': '/health',
  'gate-window': '0',
};
const poll: RawDeployInputs = {
  app: 'mybot',
  image: IMAGE,
  'bot-mode': 'polling',
  'gate-window': '2',
  env: 'BOT_TOKEN=1:secret-token',
};

const blueRelease: Release = {
  id: '20260101-000000',
  image: 'ghcr.io/org/bot:v1',
  color: 'blue',
  port: 8001,
  container: 'mybot-20260101-000000',
  startedAt: '2026-01-01T00:00:00Z',
  strategy: 'blue-green',
};

/** In-memory host primitives that also record what they were asked to do. */
function memoryHost(state: AppState = { app: 'mybot', history: [] }) {
  const calls: string[] = [];
  const files = new Map<string, { content: string; mode?: string }>();
  const host: HostPrimitives & { state: AppState } = {
    state,
    appPaths,
    readState: async (exec, paths) => {
      await exec.run(['cat', paths.state], { allowFailure: true });
      return host.state;
    },
    writeState: async (_e, _p, next) => {
      calls.push(`writeState ${next.current?.id}`);
      host.state = next;
    },
    appendAudit: async (_e, _p, entry) => void calls.push(`audit ${entry.result}`),
    acquireLock: async () => {
      calls.push('lock');
      return { release: async () => void calls.push('unlock'), refresh: async () => undefined };
    },
    writeFileAtomic: async (_e, path, content, mode) => {
      calls.push(`write ${path} ${mode}`);
      files.set(path, { content, mode });
    },
  };
  return { host, calls, files };
}

function fakeProxy(routed: Backend[] = []) {
  const routes: Backend[][] = [];
  const proxy: TrafficProxy & { routes: Backend[][] } = {
    kind: 'nginx',
    routes,
    current: async () => routed,
    route: async (_e, backends) => void routes.push(backends),
    drain: async () => 0,
  };
  return proxy;
}

/** Answers docker like a host with the given running containers; `unhealthy` answers /health 500. */
function dockerHost(
  options: {
    running?: string[];
    unhealthy?: boolean;
    conflictLogs?: boolean;
    health?: () => string;
  } = {},
) {
  const state = (running: boolean) =>
    JSON.stringify({
      Status: running ? 'running' : 'exited',
      Running: running,
      Restarting: false,
      ExitCode: 0,
      StartedAt: '2026-01-01T00:00:02.500Z',
      FinishedAt: '2026-01-01T00:00:02.000Z',
    });
  return recordingExecutor((argv): Partial<CommandResult> | undefined => {
    const cmd = argv.join(' ');
    if (cmd.startsWith('docker ps'))
      return {
        stdout: (options.running ?? [])
          .map((name) =>
            JSON.stringify({
              Names: name,
              State: 'running',
              Labels: `tg-devops.app=mybot,tg-devops.color=blue,tg-devops.release=${name.slice(6)}`,
            }),
          )
          .join('\n'),
      };
    if (cmd.startsWith('docker inspect')) return { stdout: state(true) };
    if (cmd.startsWith('sh -c command -v')) return { stdout: '/usr/bin/curl\n' };
    if (argv[0] === 'curl')
      return { stdout: options.health?.() ?? (options.unhealthy ? '500' : '200') };
    if (cmd.startsWith('docker logs'))
      return { stdout: options.conflictLogs ? 'getUpdates: 409 Conflict\n' : 'polling\n' };
    if (argv[0] === 'cat') return { exitCode: 1 };
    return undefined;
  });
}

const deps = (exec: ReturnType<typeof dockerHost>, host: HostPrimitives, proxy?: TrafficProxy) => ({
  exec,
  host,
  proxy,
  clock: fakeClock(Date.parse('2026-01-01T00:00:00Z')),
  log: recordingLog(),
  holder: { runId: '1', actor: 'tester' },
  releaseId: '20260101-000100',
});

const isReadOnly = (argv: readonly string[]) =>
  READ_ONLY_COMMANDS.some((prefix) => prefix.every((p, i) => argv[i] === p));

describe('dry-run', () => {
  it('runs only read-only commands, takes no lock and prints the plan', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host, calls } = memoryHost({
      app: 'mybot',
      current: blueRelease,
      history: [blueRelease],
    });
    const proxy = fakeProxy([{ color: 'blue', port: 8001, weight: 100 }]);
    const d = deps(exec, host, proxy);
    const report = await deploy(buildConfig({ ...web, 'dry-run': 'true' }), d);
    expect(report.dryRun).toBe(true);
    expect(exec.commands.length).toBeGreaterThan(0);
    expect(exec.commands.map((c) => c.argv).filter((a) => !isReadOnly(a))).toEqual([]);
    expect(calls).toEqual([]);
    expect(proxy.routes).toEqual([]);
    expect(d.log.text()).toContain('dry-run: nothing changes');
    expect(d.log.text()).toContain('switch the nginx upstream to green (port 8002)');
  });
});

describe('blue-green', () => {
  it('starts green, gates it, switches, drains and stops blue, records the state', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host, calls } = memoryHost({
      app: 'mybot',
      current: blueRelease,
      history: [blueRelease],
    });
    const proxy = fakeProxy([{ color: 'blue', port: 8001, weight: 100 }]);
    const report = await deploy(buildConfig(web), deps(exec, host, proxy));
    expect(report.result?.ok).toBe(true);
    const docker = exec.commands
      .map((c) => c.argv)
      .filter((a) => a[0] === 'docker' && !['ps', 'inspect', 'logs'].includes(a[1]!));
    expect(docker.map((a) => a.slice(0, 2).join(' '))).toEqual([
      'docker image', // disk check: is the image here already (by digest: nothing to download)?
      'docker image', // disk check: the current release's image size, the estimate
      'docker info', // disk check: docker's data root (this fake names none: warned, not checked)
      'docker pull',
      'docker image', // the migration label, read after the pull
      'docker create',
      'docker start',
      'docker stop',
    ]);
    const create = docker[5]!;
    expect(create).toEqual(
      expect.arrayContaining([
        '--name',
        'mybot-20260101-000100',
        '--publish',
        '127.0.0.1:8002:8080',
        '--restart',
        'unless-stopped',
        '--env-file',
        '/var/lib/tg-devops/mybot/app.env',
      ]),
    );
    expect(create.at(-1)).toBe(IMAGE);
    expect(docker[7]).toEqual(['docker', 'stop', '-t', '20', 'mybot-20260101-000000']);
    expect(proxy.routes).toEqual([
      [
        { color: 'green', port: 8002, weight: 100 },
        { color: 'blue', port: 8001, weight: 0 }, // the old line stays (nginx: down) for the drain
      ],
    ]);
    expect(calls).toEqual([
      'lock',
      'write /var/lib/tg-devops/mybot/app.env 0600',
      'writeState 20260101-000100',
      'audit success',
      'unlock',
    ]);
    expect(host.state.previous?.id).toBe(blueRelease.id);
    expect(host.state.current).toMatchObject({ color: 'green', port: 8002, image: IMAGE });
  });

  it('an undo that fails is not reported as a rollback: the error says so and the audit says failure', async () => {
    const base = dockerHost({ running: ['mybot-20260101-000000'], unhealthy: true });
    const exec: typeof base = {
      ...base,
      run: (argv, options) =>
        argv[1] === 'rm'
          ? Promise.reject(new Error('the SSH connection broke'))
          : base.run(argv, options),
    };
    const { host, calls } = memoryHost({ app: 'mybot', current: blueRelease, history: [] });
    const error = await deploy(
      buildConfig({ ...web, 'health-timeout': '2' }),
      deps(exec, host, fakeProxy([{ color: 'blue', port: 8001, weight: 100 }])),
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /gate http-health failed.*; NOT rolled back: 1 undo step\(s\) failed or were not run \(.*mybot-20260101-000100.*\); the next deploy converges the host\. Now: traffic: blue:100% \(mybot-20260101-000000, 127\.0\.0\.1:8001\)/,
    );
    expect((error as Error).message).not.toContain('rolled back to');
    expect(calls).toContain('audit failure');
  });

  it('a connection that dies with the undo: the failure report stays, the read of the host afterwards is added', async () => {
    const base = dockerHost({ running: ['mybot-20260101-000000'], unhealthy: true });
    let dead = false;
    const exec: typeof base = {
      ...base,
      run: (argv, options) => {
        if (argv[1] === 'rm') dead = true;
        return dead
          ? Promise.reject(new Error('ssh: connect to host h1: Connection refused'))
          : base.run(argv, options);
      },
    };
    const { host, calls } = memoryHost({ app: 'mybot', current: blueRelease, history: [] });
    const error = await deploy(
      buildConfig({ ...web, 'health-timeout': '2' }),
      deps(exec, host, fakeProxy([{ color: 'blue', port: 8001, weight: 100 }])),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployError);
    expect((error as Error).message).toMatch(
      /gate http-health failed.*; NOT rolled back: 1 undo step\(s\) failed or were not run .*\(could not read the host afterwards: ssh: connect to host h1: Connection refused\)/,
    );
    expect(calls).toContain('audit failure');
    expect(calls.at(-1)).toBe('unlock');
  });

  it('a failing health gate: no switch, the new color is removed, the step names the gate', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'], unhealthy: true });
    const { host, calls } = memoryHost({
      app: 'mybot',
      current: blueRelease,
      history: [blueRelease],
    });
    const proxy = fakeProxy([{ color: 'blue', port: 8001, weight: 100 }]);
    const error = await deploy(
      buildConfig({ ...web, 'health-timeout': '3' }),
      deps(exec, host, proxy),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployError);
    expect((error as DeployError).gate).toBe('http-health');
    expect((error as Error).message).toMatch(
      /step \d+ \(health-gate .*gate http-health failed: GET http:\/\/127\.0\.0\.1:8002\/health -> 500 \(still failing after 3s\); rolled back to 20260101-000000/,
    );
    expect(proxy.routes).toEqual([]);
    const tail = exec.commands
      .map((c) => c.argv.join(' '))
      .filter((c) => /docker (stop|rm|start)/.test(c));
    expect(tail).toEqual([
      'docker start mybot-20260101-000100',
      'docker stop -t 20 mybot-20260101-000100',
      'docker rm --force mybot-20260101-000100',
    ]);
    expect(calls).toEqual([
      'lock',
      'write /var/lib/tg-devops/mybot/app.env 0600',
      'audit rolled-back',
      'unlock',
    ]);
    expect(host.state.current?.id).toBe(blueRelease.id);
  });
});

describe('canary', () => {
  it('moves the weights step by step; a failed step gate routes back once and removes the canary', async () => {
    let curlCalls = 0;
    // healthy for the start and the 10% step, then /health answers 500
    const answers = dockerHost({
      running: ['mybot-20260101-000000'],
      health: () => (++curlCalls > 2 ? '500' : '200'),
    });
    const { host } = memoryHost({ app: 'mybot', current: blueRelease, history: [blueRelease] });
    const before = [{ color: 'blue' as const, port: 8001, weight: 100 }];
    const proxy = fakeProxy(before);
    const error = await deploy(
      buildConfig({
        ...web,
        strategy: 'canary',
        'canary-steps': '10,50,100',
        'step-interval': '5',
      }),
      deps(answers, host, proxy),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployError);
    expect((error as Error).message).toMatch(/hold 50% .*gate http-health failed/);
    expect(proxy.routes).toEqual([
      [
        { color: 'green', port: 8002, weight: 10 },
        { color: 'blue', port: 8001, weight: 90 },
      ],
      [
        { color: 'green', port: 8002, weight: 50 },
        { color: 'blue', port: 8001, weight: 50 },
      ],
      before,
    ]);
    expect(
      answers.commands.map((c) => c.argv.join(' ')).filter((c) => c.startsWith('docker rm')),
    ).toEqual(['docker rm --force mybot-20260101-000100']);
  });
});

describe('verify checks as gates (deploy verify-* inputs)', () => {
  /** A Prometheus stand-in: no data for the first `emptyFor` queries, then a 0 error rate. */
  function prometheus(emptyFor: number) {
    const seen: number[] = [];
    let calls = 0;
    return {
      seen,
      fetch: async (url: string) => {
        expect(url).toBe('http://prom.internal:9090/api/v1/query');
        calls++;
        const result = calls <= emptyFor ? [] : [{ metric: {}, value: [1767225600, '0'] }];
        return new Response(
          JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }),
          {
            status: 200,
            headers: { 'content-type': 'application/json' },
          },
        );
      },
    };
  }
  const checks = parseCheckInputs({
    httpUrls: [],
    httpStatus: [],
    httpBody: '',
    httpJsonPath: '',
    httpLatencyMs: 0,
    prometheusUrl: 'http://prom.internal:9090',
    prometheusChecks: [],
    prometheusQueries: ['errors: sum(rate(http_requests_total{code=~"5.."}[1m])) > 0.1'],
    prometheusSelector: '',
    prometheusRange: '5m',
    minSamples: 20,
    prometheusStatusLabel: 'code',
    prometheusToken: '',
    logPatterns: [],
    telegramBotToken: '',
    telegramApiUrl: 'https://api.telegram.org',
    telegramWebhookUrl: '',
  });

  it('canary, on-inconclusive pause: held at 10% while there is no evidence, then promoted when the check passes', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host } = memoryHost({ app: 'mybot', current: blueRelease, history: [blueRelease] });
    const proxy = fakeProxy([{ color: 'blue', port: 8001, weight: 100 }]);
    const prom = prometheus(4);
    const d = deps(exec, host, proxy);
    const routesAtVerdict: number[] = [];
    const gates = verifyGates(
      { checks, onInconclusive: 'pause', pauseSeconds: 30 },
      {
        fetch: prom.fetch,
        clock: d.clock,
        onVerdict: () => void routesAtVerdict.push(proxy.routes.length),
      },
    );
    const report = await deploy(
      buildConfig({
        ...web,
        strategy: 'canary',
        'canary-steps': '10,50,100',
        'step-interval': '5',
      }),
      { ...d, extraGates: gates },
    );
    expect(report.result?.ok).toBe(true);
    expect(proxy.routes.map((r) => r[0]!.weight)).toEqual([10, 50, 100]);
    // the first verdict came only after 4 inconclusive answers, with traffic still at 10%
    expect(routesAtVerdict[0]).toBe(1);
    expect(d.log.text()).toMatch(/prometheus errors: inconclusive .*; paused, asking again/);
  });

  it('canary, on-inconclusive pause: no evidence within verify-pause routes back and fails; promote goes on', async () => {
    const run = async (mode: 'pause' | 'promote') => {
      const exec = dockerHost({ running: ['mybot-20260101-000000'] });
      const { host, calls } = memoryHost({
        app: 'mybot',
        current: blueRelease,
        history: [blueRelease],
      });
      const before = [{ color: 'blue' as const, port: 8001, weight: 100 }];
      const proxy = fakeProxy(before);
      const d = deps(exec, host, proxy);
      const gates = verifyGates(
        { checks, onInconclusive: mode, pauseSeconds: 10 },
        { fetch: prometheus(Infinity).fetch, clock: d.clock },
      );
      const outcome = await deploy(
        buildConfig({ ...web, strategy: 'canary', 'canary-steps': '10,100', 'step-interval': '5' }),
        { ...d, extraGates: gates },
      ).catch((e: unknown) => e);
      return { outcome, proxy, calls, before };
    };
    const paused = await run('pause');
    expect(String(paused.outcome)).toMatch(
      /hold 10% .*gate prometheus errors failed: inconclusive for 10s \(\d+ probes; on-inconclusive: fail\).*rolled back to 20260101-000000/,
    );
    expect(paused.proxy.routes.at(-1)).toEqual(paused.before);
    expect(paused.calls).toContain('audit rolled-back');
    const promoted = await run('promote');
    expect((promoted.outcome as { result?: { ok: boolean } }).result?.ok).toBe(true);
    expect(promoted.calls).toContain('audit success');
  });
});

describe('handover', () => {
  const current: Release = { ...blueRelease, port: undefined, strategy: 'handover' };

  it('creates, stops the old, starts the new, measures the gap, then gates logs', async () => {
    const exec = dockerHost({ running: [current.container] });
    const { host, files } = memoryHost({ app: 'mybot', current, history: [current] });
    const d = deps(exec, host);
    const report = await deploy(buildConfig(poll), d);
    expect(report.result?.ok).toBe(true);
    const order = exec.commands
      .map((c) => c.argv.slice(0, 2).join(' '))
      .filter((c) => /docker (create|stop|start|pull)/.test(c));
    expect(order).toEqual(['docker pull', 'docker create', 'docker stop', 'docker start']);
    expect(report.facts.gapMs).toBe(500);
    expect(exec.commands.some((c) => c.argv[1] === 'logs')).toBe(true);
    expect([...files.values()][0]).toEqual({ content: 'BOT_TOKEN=1:secret-token\n', mode: '0600' });
    expect(exec.commands.flatMap((c) => c.argv).join(' ')).not.toContain('secret-token');
  });

  it('a 409 in the new logs fails the gate: the new one stops BEFORE the old one starts', async () => {
    const exec = dockerHost({ running: [current.container], conflictLogs: true });
    const { host } = memoryHost({ app: 'mybot', current, history: [current] });
    const error = await deploy(buildConfig(poll), deps(exec, host)).catch((e: unknown) => e);
    expect((error as DeployError).gate).toBe('log-conflicts');
    const tail = exec.commands
      .map((c) => c.argv.join(' '))
      .filter((c) => /docker (stop|rm|start)/.test(c));
    expect(tail).toEqual([
      `docker stop -t 20 ${current.container}`,
      'docker start mybot-20260101-000100',
      'docker stop -t 20 mybot-20260101-000100',
      `docker start ${current.container}`,
      'docker rm --force mybot-20260101-000100',
    ]);
  });
});

describe('the plan as a value', () => {
  const probe = (over: Partial<Probe> = {}): Probe => ({
    paths: memoryHost().host.appPaths('/var/lib/tg-devops', 'mybot'),
    state: { app: 'mybot', history: [] },
    containers: [],
    httpTool: 'curl',
    ...over,
  });

  it('prints as text and markdown, with commands and undos, and no secret', () => {
    const config = buildConfig({
      ...web,
      'registry-username': 'me',
      'registry-password': 'hunter2-password',
    });
    const plan = buildPlan({
      lock: LOCK,
      config,
      probe: probe(),
      releaseId: 'r1',
      now: '2026-01-01T00:00:00Z',
    });
    const text = planText(plan);
    expect(text).toContain('none (first deploy)');
    expect(text).toMatch(
      /\$ docker --config \/var\/lib\/tg-devops\/mybot\/docker-config login --username me --password-stdin ghcr.io/,
    );
    expect(text).toContain('undo: remove mybot-r1');
    expect(text + planMarkdown(plan)).not.toContain('hunter2');
    expect(planMarkdown(plan)).toMatch(/^\| 1 \| log in to ghcr.io/m);
  });

  it('converges after a cut-off deploy: adopts what the proxy routes to; the last verified release is stopped and kept, never removed', () => {
    const config = buildConfig(web);
    const plan = buildPlan({
      lock: LOCK,
      config,
      releaseId: 'r3',
      now: '',
      probe: probe({
        state: { app: 'mybot', current: blueRelease, history: [blueRelease] },
        routed: [{ color: 'green', port: 8002, weight: 100 }],
        containers: [
          {
            name: 'mybot-20260101-000000',
            state: 'running',
            color: 'blue',
            releaseId: '20260101-000000',
          },
          { name: 'mybot-r2', state: 'running', color: 'green', releaseId: 'r2' },
        ],
      }),
    });
    expect(plan.current?.container).toBe('mybot-r2');
    expect(plan.color).toBe('blue');
    expect(plan.steps[0]!.action).toMatchObject({
      kind: 'container',
      op: 'stop',
      argv: ['docker', 'stop', '-t', '20', 'mybot-20260101-000000'],
    });
    expect(
      plan.steps.some(
        (s) =>
          s.action.kind === 'container' &&
          s.action.op === 'remove' &&
          s.action.container.name === 'mybot-20260101-000000',
      ),
    ).toBe(false);
    expect(plan.notes.join('\n')).toMatch(/adopting mybot-r2/);
    expect(plan.notes.join('\n')).toMatch(/mybot-20260101-000000 served last .* stopped, kept/);
  });

  it('prunes past keep-releases, never the current or the previous', () => {
    const config = buildConfig({ ...web, 'keep-releases': '3' });
    const containers = ['r1', 'r2', 'r3', 'r4'].map((id) => ({
      name: `mybot-${id}`,
      state: 'exited',
      releaseId: id,
    }));
    const plan = buildPlan({
      lock: LOCK,
      config,
      releaseId: 'r9',
      now: '',
      probe: probe({
        containers: [
          ...containers,
          { name: 'mybot-r5', state: 'running', color: 'blue', releaseId: 'r5' },
        ],
        state: {
          app: 'mybot',
          current: { ...blueRelease, id: 'r5', container: 'mybot-r5' },
          history: [],
        },
      }),
    });
    expect(
      plan.steps
        .filter((s) => s.id.startsWith('prune'))
        .map((s) => ('argv' in s.action ? s.action.argv : undefined)?.at(-1)),
    ).toEqual(['mybot-r3', 'mybot-r2', 'mybot-r1']);
  });
});

describe('the release record: migration label and proxy', () => {
  const current: Release = { ...blueRelease, port: undefined, strategy: 'handover' };

  /** A handover deploy whose `docker image inspect` answers `labels` (exit code `exitCode`). */
  async function deployWithLabels(raw: RawDeployInputs, labels: string, exitCode = 0) {
    const base = dockerHost({ running: [current.container] });
    const exec: typeof base = {
      ...base,
      run: (argv, options) =>
        argv[1] === 'image' && argv[2] === 'inspect'
          ? base.run(argv, options).then(() => ({
              exitCode,
              stdout: labels,
              stderr: exitCode ? 'No such image' : '',
            }))
          : base.run(argv, options),
    };
    const { host } = memoryHost({ app: 'mybot', current, history: [current] });
    const d = deps(exec, host);
    const report = await deploy(buildConfig(raw), d);
    expect(report.result?.ok).toBe(true);
    const argvs = exec.commands.map((c) => c.argv.join(' '));
    // read right after the pull, from the local image
    const pull = argvs.findIndex((a) => a.startsWith('docker pull'));
    expect(argvs[pull + 1]).toBe(`docker image inspect --format {{json .Config.Labels}} ${IMAGE}`);
    return { state: host.state, log: d.log.text() };
  }
  const withPre = { ...poll, 'pre-deploy': 'alembic upgrade head' };
  const label = (value: string) => JSON.stringify({ 'org.tg-devops.migration': value, x: 'y' });

  it.each([
    ['reversible', withPre, label('reversible'), false],
    ['Irreversible (any case)', poll, label(' Irreversible '), true],
    ['irreversible with pre-deploy', withPre, label('irreversible'), true],
    ['absent, with a pre-deploy: the safe default', withPre, 'null', true],
    ['absent, no pre-deploy', poll, JSON.stringify({ other: '1' }), undefined],
    ['unknown value, with a pre-deploy', withPre, label('maybe'), true],
  ])('label %s', async (_name, raw, labels, expected) => {
    const { state } = await deployWithLabels(raw, labels);
    expect(state.current?.irreversibleMigration).toBe(expected);
    // the history holds the same record
    expect(state.history.find((r) => r.id === state.current?.id)?.irreversibleMigration).toBe(
      expected,
    );
  });

  it('labels that cannot be read keep the pre-deploy rule and warn', async () => {
    const { state, log } = await deployWithLabels(withPre, '', 1);
    expect(state.current?.irreversibleMigration).toBe(true);
    expect(log).toMatch(/labels of .* not readable \(No such image\); a pre-deploy counts/);
  });

  it('records the proxy: none without one, the kind of the one it switched', async () => {
    const { state } = await deployWithLabels(poll, 'null');
    expect(state.current).toMatchObject({ proxy: 'none' });
    expect(state.current?.haproxyFrontendPort).toBeUndefined();

    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host } = memoryHost({ app: 'mybot', current: blueRelease, history: [blueRelease] });
    const proxy = fakeProxy([{ color: 'blue', port: 8001, weight: 100 }]);
    await deploy(buildConfig(web), deps(exec, host, proxy));
    expect(host.state.current).toMatchObject({ proxy: 'nginx', color: 'green' });
    expect(host.state.current?.haproxyFrontendPort).toBeUndefined();
  });

  it('records haproxy with its frontend port', () => {
    const plan = buildPlan({
      lock: LOCK,
      config: buildConfig({ ...web, proxy: 'haproxy' }),
      probe: {
        paths: memoryHost().host.appPaths('/var/lib/tg-devops', 'mybot'),
        state: { app: 'mybot', history: [] },
        containers: [],
        httpTool: 'curl',
      },
      releaseId: 'r1',
      now: '2026-01-01T00:00:00Z',
      proxy: { kind: 'haproxy', frontendPort: 9001 },
    });
    expect(plan.release).toMatchObject({ proxy: 'haproxy', haproxyFrontendPort: 9001 });
  });
});

// ---- issue 10: one engine, its failure paths --------------------------------------------------

/**
 * A proxy whose route can fail after taking effect (a reload that exits 1 after reloading), or
 * say it changed nothing ('unchanged': its candidate check was not found, as RouteError says).
 */
function flakyProxy(routed: Backend[], failures: ('taken' | 'before' | 'unchanged')[]) {
  const live: Backend[][] = [routed];
  const asked: { backends: Backend[]; force?: boolean }[] = [];
  const drained: { color: string; port: number; seconds: number }[] = [];
  const proxy: TrafficProxy = {
    kind: 'nginx',
    current: async () => live.at(-1)!,
    route: async (_e, backends, options) => {
      asked.push({ backends, force: options?.force });
      const failure = failures.shift();
      if (failure === 'unchanged')
        throw new RouteError('haproxy', '`haproxy` was not found on h1 (exit 127)', false);
      if (failure !== 'before') live.push(backends);
      if (failure) throw new Error(`reload command exited 1 (${failure})`);
    },
    drain: async (_e, backend, seconds) => {
      drained.push({ color: backend.color, port: backend.port, seconds });
      return 0;
    },
  };
  return { proxy, live, asked, drained };
}

/** The DeployError a run ends with (a run that succeeds fails the test). */
const failure = (run: Promise<unknown>): Promise<DeployError> =>
  run.then(
    () => {
      throw new Error('expected the run to fail');
    },
    (e: unknown) => e as DeployError,
  );

const serving = () => memoryHost({ app: 'mybot', current: blueRelease, history: [blueRelease] });

describe('a route that fails is undone too (it may have taken effect)', () => {
  it('the failing route is routed back (forced), the new release removed, the old one serves and the run says so', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host, calls } = serving();
    const blue = [{ color: 'blue' as const, port: 8001, weight: 100 }];
    const p = flakyProxy(blue, ['taken']);
    const error = await failure(deploy(buildConfig(web), deps(exec, host, p.proxy)));
    expect(error).toBeInstanceOf(DeployError);
    expect(p.asked.map((a) => [a.backends[0]!.color, a.force])).toEqual([
      ['green', false],
      ['blue', true],
    ]);
    expect(p.live.at(-1)).toEqual(blue);
    // after routing back, the new release's port drains before it stops (nginx's old workers)
    expect(p.drained).toEqual([{ color: 'green', port: 8002, seconds: 10 }]);
    const docker = exec.commands.map((c) => c.argv.slice(0, 3).join(' '));
    expect(docker).toContain('docker stop -t');
    expect(docker).toContain('docker rm --force');
    expect(docker.filter((d) => d.startsWith('docker stop'))).toHaveLength(1); // only the new one
    expect(error.message).toMatch(
      /reload command exited 1 \(taken\).*; rolled back to 20260101-000000/,
    );
    expect(error.message).toMatch(
      /Now: traffic: blue:100% \(mybot-20260101-000000, 127\.0\.0\.1:8001\)/,
    );
    expect(error.message).not.toMatch(/running config is unchanged/);
    expect(calls).toContain('audit rolled-back');
    expect(calls.at(-1)).toBe('unlock');
  });

  it('when routing back fails too, the new release is kept running (traffic may reach it) and the run says exactly that', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host, calls } = serving();
    const p = flakyProxy([{ color: 'blue', port: 8001, weight: 100 }], ['taken', 'taken']);
    const error = await failure(deploy(buildConfig(web), deps(exec, host, p.proxy)));
    const records = error.report.result!.records;
    expect(records.filter((r) => r.status === 'kept').map((r) => r.title)).toEqual([
      'undo: stop mybot-20260101-000100',
      'undo: remove mybot-20260101-000100',
    ]);
    expect(exec.commands.some((c) => c.argv[1] === 'rm')).toBe(false);
    expect(error.message).toMatch(/NOT rolled back/);
    expect(error.message).toMatch(
      /may still run another routing; kept running: mybot-20260101-000100/,
    );
    expect(calls).toContain('audit failure');
  });
});

describe('a route that says it changed nothing is not undone', () => {
  it('no route back; the new release is stopped and removed as for any failed step', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host, calls } = serving();
    const blue = [{ color: 'blue' as const, port: 8001, weight: 100 }];
    // a route back would fail the same way: it must not be asked for at all
    const p = flakyProxy(blue, ['unchanged', 'unchanged']);
    const error = await failure(deploy(buildConfig(web), deps(exec, host, p.proxy)));
    expect(p.asked.map((a) => a.backends[0]!.color)).toEqual(['green']);
    expect(p.live).toEqual([blue]);
    const result = error.report.result!;
    expect(result.routeUncertain).toBe(false);
    expect(result.keptRunning).toEqual([]);
    expect(result.records.filter((r) => r.status === 'kept' || r.status === 'undo-failed')).toEqual(
      [],
    );
    const docker = exec.commands.map((c) => c.argv.slice(0, 2).join(' '));
    expect(docker).toContain('docker rm');
    expect(exec.commands.filter((c) => c.argv[1] === 'stop').map((c) => c.argv.at(-1))).toEqual([
      'mybot-20260101-000100',
    ]);
    expect(error.message).toMatch(/`haproxy` was not found .*; rolled back to 20260101-000000/);
    expect(error.message).not.toMatch(/NOT rolled back|may still run another routing/);
    expect(calls).toContain('audit rolled-back');
  });
});

describe('cancel (SIGINT/SIGTERM): undos, lock released, audit cancelled', () => {
  it('a cancel during the post-switch watch routes back, removes the new release, audits cancelled', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host, calls } = serving();
    const p = flakyProxy([{ color: 'blue', port: 8001, weight: 100 }], []);
    const controller = new AbortController();
    const clock = fakeClock(Date.parse('2026-01-01T00:00:00Z'));
    let sleeps = 0;
    const cancellingClock = {
      now: clock.now,
      sleep: async (ms: number) => {
        // the switch has happened (a route was asked for): SIGINT arrives in the window
        if (p.asked.length && ++sleeps === 2) controller.abort('SIGINT');
        await clock.sleep(ms);
      },
    };
    const error = await failure(
      deploy(buildConfig({ ...web, 'gate-window': '30' }), {
        ...deps(exec, host, p.proxy),
        clock: cancellingClock,
        signal: controller.signal,
      }),
    );
    expect(error).toBeInstanceOf(DeployError);
    expect(error.report.result?.cancelled).toBe(true);
    expect(error.message).toMatch(/^cancelled: deploy cancelled; rolled back to 20260101-000000/);
    expect(p.live.at(-1)).toEqual([{ color: 'blue', port: 8001, weight: 100 }]);
    // the undo's drain is cut short: the runner kills the process ~10 s after its SIGINT
    expect(p.drained).toEqual([{ color: 'green', port: 8002, seconds: 3 }]);
    expect(
      exec.commands.some((c) => c.argv.join(' ') === 'docker rm --force mybot-20260101-000100'),
    ).toBe(true);
    expect(
      exec.commands.some((c) => c.argv.join(' ') === 'docker stop -t 20 mybot-20260101-000000'),
    ).toBe(false);
    expect(calls.slice(-2)).toEqual(['audit cancelled', 'unlock']);
    const records = error.report.result!.records;
    expect(records.find((r) => r.status === 'cancelled')?.id).toBe('watch');
    expect(records.filter((r) => r.status === 'not-run').map((r) => r.id)).toEqual(
      expect.arrayContaining(['record']),
    );
  });

  it('a cancel before the first step changes nothing and still audits and unlocks', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host, calls } = serving();
    const controller = new AbortController();
    controller.abort('SIGTERM');
    const error = await failure(
      deploy(buildConfig(web), {
        ...deps(exec, host, fakeProxy([{ color: 'blue', port: 8001, weight: 100 }])),
        signal: controller.signal,
      }),
    );
    expect(error.report.result?.cancelled).toBe(true);
    expect(
      exec.commands.some((c) => ['pull', 'create', 'start', 'stop'].includes(c.argv[1]!)),
    ).toBe(false);
    expect(calls.slice(-2)).toEqual(['audit cancelled', 'unlock']);
  });
});

describe('the lock outlives the longest step', () => {
  it('a timer refreshes it while a long step runs (a migration), at a quarter of its TTL', async () => {
    const base = dockerHost({ running: ['mybot-20260101-000000'] });
    let tick: (() => void) | undefined;
    let refreshed = 0;
    let stopped = 0;
    const intervals: number[] = [];
    const exec: typeof base = {
      ...base,
      run: async (argv, options) => {
        // the pre-deploy runs for three of the timer's periods
        if (argv[1] === 'run') for (let i = 0; i < 3; i++) tick?.();
        return base.run(argv, options);
      },
    };
    const { host } = memoryHost({ app: 'mybot', current: blueRelease, history: [blueRelease] });
    host.acquireLock = async (_e, _d, _h, options) => {
      intervals.push(options.ttlSeconds);
      return { release: async () => undefined, refresh: async () => void refreshed++ };
    };
    await deploy(buildConfig({ ...web, 'pre-deploy': 'alembic upgrade head' }), {
      ...deps(exec, host, fakeProxy([{ color: 'blue', port: 8001, weight: 100 }])),
      every: (ms, f) => {
        intervals.push(ms);
        tick = f;
        return () => void stopped++;
      },
    });
    // TTL from the budgets: health-timeout 60 + window 0 + 30 slack + 60 margin = 150 s
    expect(intervals).toEqual([150, 37_000]);
    // the refresh is async: a tick while one is in flight is skipped, so at least one ran
    expect(refreshed).toBeGreaterThanOrEqual(1);
    expect(stopped).toBe(1);
  });

  it('a lost lock stops the run at once and runs no undo without it', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    let tick: (() => void) | undefined;
    const { host, calls } = serving();
    host.acquireLock = async () => ({
      release: async () => void calls.push('unlock'),
      refresh: async () => {
        throw new LockLostError('lost the deploy lock: another run took it over');
      },
    });
    const p = flakyProxy([{ color: 'blue', port: 8001, weight: 100 }], []);
    const clock = fakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const error = await failure(
      deploy(buildConfig({ ...web, 'gate-window': '30' }), {
        ...deps(exec, host, p.proxy),
        clock: {
          now: clock.now,
          sleep: async (ms) => {
            if (p.asked.length) tick?.();
            await new Promise((r) => setImmediate(r));
            await clock.sleep(ms);
          },
        },
        every: (_ms, f) => {
          tick = f;
          return () => undefined;
        },
      }),
    );
    expect(error.report.result?.cancelled).toBe(true);
    expect(exec.commands.some((c) => c.argv[1] === 'rm')).toBe(false);
    expect(p.asked).toHaveLength(1); // no route back without the lock
  });

  it('a refresh that fails for another reason (a connection being re-made) only warns; the next tick retries', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    let tick: (() => void) | undefined;
    let attempts = 0;
    const { host } = serving();
    host.acquireLock = async () => ({
      release: async () => undefined,
      refresh: async () => {
        attempts++;
        throw new Error('ssh: connection reset');
      },
    });
    const d = deps(exec, host, fakeProxy([{ color: 'blue', port: 8001, weight: 100 }]));
    const clock = d.clock;
    const report = await deploy(buildConfig({ ...web, 'gate-window': '3' }), {
      ...d,
      clock: {
        now: clock.now,
        sleep: async (ms) => {
          tick?.();
          await new Promise((r) => setImmediate(r));
          await clock.sleep(ms);
        },
      },
      every: (_ms, f) => {
        tick = f;
        return () => undefined;
      },
    });
    expect(report.result?.ok).toBe(true);
    expect(attempts).toBeGreaterThan(1);
    expect(d.log.text()).toContain('lock refresh failed, retrying: ssh: connection reset');
  });
});

describe('a webhook bot with handover behind a proxy', () => {
  it('the route follows the new release once it is ready, then its window is watched', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host } = serving();
    const p = flakyProxy([{ color: 'blue', port: 8001, weight: 100 }], []);
    const report = await deploy(
      buildConfig({ ...web, strategy: 'handover' }),
      deps(exec, host, p.proxy),
    );
    const kinds = report.plan.steps.map(
      (s) => `${s.action.kind}${s.action.kind === 'container' ? `:${s.action.op}` : ''}`,
    );
    expect(kinds).toEqual([
      'pull',
      'write-file',
      'container:create',
      'container:stop',
      'container:start',
      'measure-gap',
      'gate',
      'route',
      'gate',
      'record',
    ]);
    expect(p.live.at(-1)).toEqual([
      { color: 'green', port: 8002, weight: 100 },
      { color: 'blue', port: 8001, weight: 0 },
    ]);
    expect(host.state.current?.color).toBe('green');
  });
});

describe('the dry-run plan JSON lists an effect for every step', () => {
  const cases: [string, RawDeployInputs][] = [
    ['blue-green', { ...web, strategy: 'blue-green' }],
    ['canary', { ...web, strategy: 'canary' }],
    ['handover', { ...poll, strategy: 'handover' }],
  ];
  it.each(cases)('%s', async (_name, raw) => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host, calls } = serving();
    const routed =
      raw['bot-mode'] === 'webhook' ? [{ color: 'blue' as const, port: 8001, weight: 100 }] : [];
    const report = await deploy(
      buildConfig({ ...raw, 'dry-run': 'true' }),
      deps(exec, host, routed.length ? fakeProxy(routed) : undefined),
    );
    const json = JSON.parse(planJson(report.plan)) as {
      steps: { id: string; effect: string; action: { kind: string } }[];
    };
    expect(json.steps.length).toBeGreaterThan(3);
    for (const step of json.steps) expect(step.effect).toMatch(/\S{3,}/);
    expect(calls).toEqual([]);
  });
});

describe('cancel while waiting for the lock', () => {
  it('ends the wait at once: nothing changed, no lock, no audit line', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host, calls } = serving();
    const controller = new AbortController();
    host.acquireLock = async (_e, _d, _h, options) => {
      // a busy lock: the real acquireLock sleeps between attempts on the clock it is given
      controller.abort('SIGINT');
      await options.clock.sleep(1000);
      throw new Error('the wait for the lock was not cancelled');
    };
    const error = await failure(
      deploy(buildConfig(web), {
        ...deps(exec, host, fakeProxy([{ color: 'blue', port: 8001, weight: 100 }])),
        signal: controller.signal,
      }),
    );
    expect(error.message).toBe('cancelled (SIGINT)');
    expect(calls).toEqual([]);
    expect(exec.commands.map((c) => c.argv[0])).toEqual(['mkdir']);
  });
});

describe('a failure between steps', () => {
  it('undoes every step done so far, the last one included', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host, calls } = serving();
    const error = await failure(
      deploy(buildConfig(web), {
        ...deps(exec, host, fakeProxy([{ color: 'blue', port: 8001, weight: 100 }])),
        hooks: {
          afterStep: async (step) => {
            if (step.id.startsWith('start-')) throw new Error('hook failed');
          },
        },
      }),
    );
    expect(error.message).toMatch(/^after step \d+ \(start mybot-20260101-000100\): hook failed/);
    const undone = error.report.result!.records.filter((r) => r.status === 'undone');
    expect(undone.map((r) => r.title)).toEqual([
      'undo: stop mybot-20260101-000100',
      'undo: remove mybot-20260101-000100',
    ]);
    expect(calls).toContain('audit rolled-back');
  });
});

describe('a plan that breaks a safety rule', () => {
  it('is refused before any change, with the rule named, and the refusal audited', async () => {
    const exec = dockerHost({ running: ['mybot-20260101-000000'] });
    const { host, calls } = serving();
    // a TTL of 1 s cannot be refreshed twice within itself: the lock rule refuses the plan
    const error = await failure(
      deploy(buildConfig(web), {
        ...deps(exec, host, fakeProxy([{ color: 'blue', port: 8001, weight: 100 }])),
        lockTtlSeconds: 1,
      }),
    );
    expect(error).toBeInstanceOf(PlanRefused);
    expect(error.message).toMatch(
      /refused: the plan breaks the safety rules, nothing was changed:\n {2}- lock: /,
    );
    expect(calls).toEqual(['lock', 'audit refused', 'unlock']);
    expect(
      exec.commands.some((c) => ['pull', 'create', 'start', 'stop'].includes(c.argv[1]!)),
    ).toBe(false);
  });
});
