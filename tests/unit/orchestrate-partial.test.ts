/**
 * Issue 12: a deploy over several hosts says which host runs what (the `hosts` output, the job
 * summary, the notification), and with rollback-on-partial (the default) the hosts that took the
 * release before another failed go back through the engine's rollback plan. Two in-memory hosts
 * (src/orchestrate/runDeploy as the action and the CLI run it; docker answered by a fake whose
 * containers change with create/start/stop).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeClock } from '../../src/clock.js';
import { buildConfig } from '../../src/deploy/config.js';
import type { Backend, HostPrimitives, TrafficProxy } from '../../src/deploy/ports.js';
import type { AppState, Release } from '../../src/host/state.js';
import { recordingLog } from '../../src/log.js';
import { runDeploy } from '../../src/orchestrate/deploy.js';
import type { HostRelease } from '../../src/orchestrate/partial.js';
import type { SshSession } from '../../src/ssh/session.js';
import { formatTarget, type SshTarget } from '../../src/ssh/target.js';
import { dockerHost, memoryHost, type FakeContainer } from '../helpers/memory-host.js';

const v1: Release = {
  id: '20260101-000000',
  image: 'ghcr.io/org/bot:v1',
  color: 'blue',
  container: 'mybot-20260101-000000',
  startedAt: '2026-01-01T00:00:00Z',
  strategy: 'blue-green',
};
const NEW = '20260109-000000';
const IMAGE = `ghcr.io/org/bot@sha256:${'c'.repeat(64)}`;
const targets: SshTarget[] = [
  { user: 'deploy', host: 'h1.example.net', port: 22 },
  { user: 'deploy', host: 'h2.example.net', port: 22 },
];
const [H1, H2] = targets.map(formatTarget) as [string, string];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Two hosts running v1; `fail` per host decides which docker commands exit 1. */
function twoHosts(fail: Record<string, (argv: readonly string[]) => boolean>, serving = v1) {
  const hosts = new Map<string, ReturnType<typeof memoryHost>>();
  const docker = new Map<string, Map<string, FakeContainer>>();
  for (const t of targets) {
    const state: AppState = { app: 'mybot', current: serving, history: [serving] };
    hosts.set(t.host, memoryHost(state));
    docker.set(
      t.host,
      new Map([
        [
          serving.container,
          { state: 'running', release: serving.id, image: serving.image, color: serving.color },
        ],
      ]),
    );
  }
  // the engine's host primitives, per host by the session's name
  const of = (where: string) => hosts.get(where)!;
  const primitives: HostPrimitives = {
    appPaths: (b, a) => of('h1.example.net').appPaths(b, a),
    readState: (e, p) => of(e.where).readState(e, p),
    writeState: (e, p, s) => of(e.where).writeState(e, p, s),
    appendAudit: (e, p, a) => of(e.where).appendAudit(e, p, a),
    acquireLock: (e, ...rest) => of(e.where).acquireLock(e, ...rest),
    writeFileAtomic: (e, ...rest) => of(e.where).writeFileAtomic(e, ...rest),
  };
  const sessions: string[] = [];
  const openSession = async (target: SshTarget): Promise<SshSession> => {
    sessions.push(target.host);
    const exec = dockerHost('mybot', docker.get(target.host)!, {
      where: target.host,
      fail: fail[target.host],
    });
    return Object.assign(exec, {
      target,
      stats: { connectionsOpened: 1, commands: 0, retries: 0 },
      close: async () => undefined,
    });
  };
  return { hosts, docker, openSession, primitives, sessions };
}

async function run(
  world: ReturnType<typeof twoHosts>,
  extra: Record<string, string> = {},
  proxy?: TrafficProxy,
) {
  const dir = mkdtempSync(join(tmpdir(), 'tg-partial-'));
  dirs.push(dir);
  const summaries: string[] = [];
  const sent: string[] = [];
  const log = recordingLog();
  const result = await runDeploy(
    {
      config: buildConfig({
        app: 'mybot',
        image: IMAGE,
        'bot-mode': 'worker',
        'gate-window': '0',
        ...extra,
      }),
      proxy,
      targets,
      ssh: {
        key: 'k',
        knownHosts: 'h1.example.net ssh-ed25519 AAAA',
        fingerprints: [],
        jumpHost: '',
      },
      batchSize: 1,
      releaseId: NEW,
      holder: { runId: '1', actor: 'tester' },
      notify: {
        targets: { telegram: { token: '1:x', chatId: '42', apiUrl: 'http://telegram.invalid' } },
        environment: 'production',
        links: { runUrl: 'https://run', commitUrl: 'https://commit' },
      },
    },
    {
      log,
      clock: fakeClock(Date.parse('2026-01-09T00:00:00Z')),
      writeSshMaterial: async () => ({
        dir,
        privateKeyFile: join(dir, 'id'),
        knownHostsFile: join(dir, 'known_hosts'),
        controlDir: join(dir, 'c'),
      }),
      openSession: world.openSession,
      host: world.primitives,
      writeSummary: (m) => void summaries.push(m),
      fetch: async (_url, init) => {
        sent.push(String(init?.body));
        return new Response(JSON.stringify({ ok: true, result: {} }), { status: 200 });
      },
    },
  );
  const hosts = JSON.parse(String(result.outputs.hosts)) as HostRelease[];
  const told = sent.map((b) => (JSON.parse(b) as { text: string }).text);
  return { ...result, hosts, summary: summaries.join('\n'), told, log: log.text() };
}

const createFails = (argv: readonly string[]) => argv[0] === 'docker' && argv[1] === 'create';
const current = (w: ReturnType<typeof twoHosts>, host: string) =>
  w.hosts.get(host)!.state.current?.id;

describe('rollback-on-partial: true (the default)', () => {
  it('the second host fails: the first is rolled back to v1 through the rollback plan, and the outcome says so', async () => {
    const w = twoHosts({ 'h2.example.net': createFails });
    const r = await run(w);
    expect(r.failure).toBeDefined();
    // both hosts run v1 again: h2 by its own undos, h1 by the engine's rollback
    expect(current(w, 'h1.example.net')).toBe(v1.id);
    expect(current(w, 'h2.example.net')).toBe(v1.id);
    expect(w.docker.get('h1.example.net')!.get(v1.container)!.state).toBe('running');
    expect(w.docker.get('h1.example.net')!.get(`mybot-${NEW}`)!.state).toBe('exited');
    const audits = w.hosts.get('h1.example.net')!.audits;
    expect(audits.map((a) => [a.action, a.result])).toEqual([
      ['deploy blue-green', 'success'],
      ['rollback', 'success'],
    ]);
    expect(audits[1]!.detail).toContain(`rollback-on-partial: ${H2} failed`);
    expect(r.hosts).toEqual([
      {
        host: H1,
        result: 'rolled-back',
        release: v1.id,
        image: v1.image,
        detail: `rollback-on-partial: back from ${NEW}`,
      },
      expect.objectContaining({ host: H2, result: 'rolled-back', release: v1.id, image: v1.image }),
    ]);
    expect(r.failure).toContain(`rolled back ${H1} (rollback-on-partial)`);
    expect(r.failure).toContain(`${H1}: rolled-back, runs ${v1.id} (${v1.image})`);
    // the chat hears "rolled back" only because every host is back
    expect(r.told.at(-1)).toMatch(/rolled back/i);
    expect(r.told.at(-1)).toContain(`rolled back ${H1} (rollback-on-partial)`);
    expect(r.summary).toMatch(
      /^#### ↩️ Which host runs what: rollback-on-partial took `deploy@h1.example.net:22` back/,
    );
    expect(r.summary).not.toContain('DIFFERENT');
  });

  it('the rollback of the first host fails: said loudly, and which host runs what', async () => {
    const startV1 = (argv: readonly string[]) =>
      argv[0] === 'docker' && argv[1] === 'start' && argv.at(-1) === v1.container;
    const w = twoHosts({ 'h1.example.net': startV1, 'h2.example.net': createFails });
    const r = await run(w);
    expect(current(w, 'h1.example.net')).toBe(NEW);
    expect(current(w, 'h2.example.net')).toBe(v1.id);
    expect(r.hosts[0]).toMatchObject({ host: H1, result: 'failed', release: NEW, image: IMAGE });
    expect(r.hosts[0]!.detail).toContain(`rollback-on-partial FAILED, it still runs ${NEW}`);
    expect(r.hosts[1]).toMatchObject({ host: H2, result: 'rolled-back', release: v1.id });
    expect(r.failure).toContain(
      `ROLLBACK-ON-PARTIAL FAILED on ${H1}: the hosts run DIFFERENT releases`,
    );
    expect(r.log).toContain(`rollback-on-partial FAILED on ${H1}`);
    const last = r.told.at(-1)!;
    expect(last).not.toMatch(/Deploy rolled back/);
    expect(last).toContain(`${H1}: failed, runs ${NEW} (${IMAGE})`);
    expect(last).toContain(`${H2}: rolled-back, runs ${v1.id} (${v1.image})`);
    expect(r.summary).toMatch(/^#### 🚨 Which host runs what: the hosts run DIFFERENT releases/);
  });
});

describe('rollback-on-partial: false', () => {
  it('keeps the first host on the new release and says which host runs what', async () => {
    const w = twoHosts({ 'h2.example.net': createFails });
    const r = await run(w, { 'rollback-on-partial': 'false' });
    expect(current(w, 'h1.example.net')).toBe(NEW);
    expect(current(w, 'h2.example.net')).toBe(v1.id);
    expect(w.hosts.get('h1.example.net')!.audits.map((a) => a.action)).toEqual([
      'deploy blue-green',
    ]);
    expect(r.hosts.map((h) => [h.host, h.result, h.release])).toEqual([
      [H1, 'deployed', NEW],
      [H2, 'rolled-back', v1.id],
    ]);
    expect(r.failure).toContain(`rollback-on-partial is false: ${H1} keep ${NEW}`);
    expect(r.told.at(-1)).not.toMatch(/Deploy rolled back/);
    expect(r.told.at(-1)).toContain(`${H1}: deployed, runs ${NEW}`);
    expect(r.summary).toMatch(/^#### 🚨 Which host runs what: the hosts run DIFFERENT releases/);
    expect(r.summary).toContain('| `deploy@h1.example.net:22` | deployed | `20260109-000000` |');
  });
});

describe('the hosts output on the ways a run ends', () => {
  it('all hosts deployed: deployed and the new release on each, no rollback', async () => {
    const w = twoHosts({});
    const r = await run(w);
    expect(r.failure).toBeUndefined();
    expect(r.hosts).toEqual([
      { host: H1, result: 'deployed', release: NEW, image: IMAGE },
      { host: H2, result: 'deployed', release: NEW, image: IMAGE },
    ]);
  });

  it('the first host fails: the second is untouched (not reached), nothing to roll back', async () => {
    const w = twoHosts({ 'h1.example.net': createFails });
    const r = await run(w);
    expect(w.sessions).toEqual(['h1.example.net']);
    expect(r.hosts.map((h) => [h.host, h.result, h.release])).toEqual([
      [H1, 'rolled-back', v1.id],
      [H2, 'untouched', null],
    ]);
    expect(r.told.at(-1)).toContain(`${H2}: untouched, not reached`);
  });
});

describe('canary-hold over several hosts', () => {
  const served: Release = { ...v1, port: 8001, container: `mybot-${v1.id}` };
  /** nginx on each host: its routing by the session's name. */
  function proxies() {
    const routed = new Map<string, Backend[]>(
      targets.map((t) => [t.host, [{ color: 'blue', port: 8001, weight: 100 }]]),
    );
    const proxy = {
      kind: 'nginx',
      current: async (e: { where: string }) => routed.get(e.where)!,
      route: async (e: { where: string }, to: Backend[]) => void routed.set(e.where, to),
      drain: async () => 0,
    } as unknown as TrafficProxy;
    return { proxy, of: (host: string) => routed.get(host)!.filter((b) => b.weight > 0) };
  }
  const canary = {
    'bot-mode': 'webhook',
    'health-path': '/health',
    strategy: 'canary',
    'canary-steps': '10,50,100',
    'step-interval': '0',
  };

  it('the second host fails its hold: the first aborts its canary (a rollback would be refused there); abort again is a no-op', async () => {
    const w = twoHosts({ 'h2.example.net': createFails }, served);
    const nginx = proxies();
    const r = await run(w, { ...canary, 'canary-hold': '10' }, nginx.proxy);
    expect(r.failure).toBeDefined();
    for (const host of ['h1.example.net', 'h2.example.net']) {
      expect(w.hosts.get(host)!.state.hold).toBeUndefined();
      expect(current(w, host)).toBe(served.id);
      expect(nginx.of(host)).toEqual([{ color: 'blue', port: 8001, weight: 100 }]);
    }
    expect(w.docker.get('h1.example.net')!.has(`mybot-${NEW}`)).toBe(false); // removed
    expect(w.hosts.get('h1.example.net')!.audits.map((a) => [a.action, a.result])).toEqual([
      ['deploy canary', 'held'],
      ['canary abort', 'success'],
    ]);
    expect(r.hosts[0]).toEqual({
      host: H1,
      result: 'rolled-back',
      release: served.id,
      image: served.image,
      detail: `rollback-on-partial: the canary ${NEW} aborted`,
    });
    expect(r.outputs).toMatchObject({ held: 'false', 'canary-weight': 0 });

    // abort on every host again: nothing is held anywhere, an empty plan each, success
    const again = await run(w, { ...canary, resume: 'abort' }, nginx.proxy);
    expect(again.failure).toBeUndefined();
    expect(again.summary).toContain('✅ nothing to do on 2 hosts: resume abort: no canary is held');
    expect(w.hosts.get('h2.example.net')!.audits.at(-1)).toMatchObject({
      action: 'canary abort',
      result: 'success',
      detail: 'nothing held on this host, nothing to abort',
    });
  });
});
