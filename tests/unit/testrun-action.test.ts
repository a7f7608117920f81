import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  baselinePath,
  DEPENDENCY_STATE,
  run,
  saveDependencyCache,
  type Deps,
} from '../../actions/test/main.js';
import type { CacheStore } from '../../src/github/cache.js';
import { toArtifact } from '../../src/coverage/artifact.js';
import { readInputs, type Inputs } from '../../actions/test/inputs.js';
import { fakeClock } from '../../src/clock.js';
import { recordingExecutor } from '../../src/exec.js';
import { githubApi } from '../../src/github/api.js';
import { recordingLog } from '../../src/log.js';
import { FakeGitHub } from '../helpers/fake-github.js';

const HEAD = 'c0ffee'.padEnd(40, '0');
const WS = '/ws/repo';

const coverageXml = (ws: string) => `<?xml version="1.0" ?>
<coverage version="6.5.0"><sources><source>${ws}/app</source></sources><packages><package name="bot"><classes>
<class filename="bot/store.py"><lines>
<line number="1" hits="1"/><line number="2" hits="1"/><line number="3" hits="0"/><line number="4" hits="0"/><line number="6" hits="1"/>
</lines></class>
<class filename="bot/util.py"><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class>
</classes></package></packages></coverage>`;

const junit = (failed: boolean) => `<testsuites><testsuite name="pytest">
<testcase classname="tests.test_store" name="test_save"/>
<testcase classname="tests.test_store" name="test_load">${failed ? '<failure message="assert 2 == 3">E   assert 2 == 3</failure>' : ''}</testcase>
<testcase classname="tests.test_store" name="test_skip"><skipped message="later"/></testcase>
</testsuite></testsuites>`;

function setup(options: { failed?: boolean; files?: Record<string, string>; ws?: string } = {}) {
  const ws = options.ws ?? WS;
  const github = new FakeGitHub({
    owner: 'org',
    repo: 'bot',
    writeTokens: ['write-token'],
    pageSizeCap: 1,
  });
  github.pulls.set(7, {
    headSha: HEAD,
    files: [
      {
        filename: 'app/bot/store.py',
        status: 'modified',
        patch: '@@ -1,2 +1,6 @@\n line1\n+line2\n+line3\n+line4\n+line5\n line6',
      },
      { filename: 'README.md', status: 'modified', patch: '@@ -1 +1 @@\n-a\n+b' },
      { filename: 'app/bot/huge.py', status: 'modified', additions: 5000 },
    ],
  });
  const files: Record<string, string> = {
    [`${ws}/app/coverage.xml`]: coverageXml(ws),
    [`${ws}/app/junit.xml`]: junit(options.failed ?? false),
    ...options.files,
  };
  const written: Record<string, string> = {};
  const summaries: string[] = [];
  const outputs: Record<string, string | number | undefined> = {};
  const exec = recordingExecutor(() => ({ exitCode: options.failed ? 1 : 0 }));
  const log = recordingLog();
  const probes: string[] = [];
  const deps: Deps = {
    exec,
    clock: fakeClock(),
    log,
    api: (token) =>
      githubApi({ token, baseUrl: 'http://github.invalid', fetch: github.fetch, throttle: false }),
    summary: (md) => summaries.push(md),
    outputs: (values) => Object.assign(outputs, values),
    readFile: (path) => files[path],
    writeFile: (path, text) => void (written[path] = text),
    exists: (path) => path === `${ws}/app/bot/store.py` || path === `${ws}/app/bot/util.py`,
    postgresReady: async (t) => void probes.push(`pg ${t.host}:${t.port}`),
    redisReady: async (t) => void probes.push(`redis ${t.host}:${t.port}`),
    environment: {
      PATH: '/usr/bin',
      'INPUT_GITHUB-TOKEN': 'write-token',
      ACTIONS_RUNTIME_TOKEN: 'runtime',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
    },
  };
  return { github, files, written, summaries, outputs, exec, log, probes, deps };
}

function inputs(overrides: Partial<Inputs> = {}): Inputs {
  return {
    mode: 'run',
    workingDirectory: 'app',
    testCommand: ['python', '-m', 'pytest'],
    databaseUrl: 'postgresql://u:secretpw@db:5432/app',
    postgres: { host: 'db', port: 5432, user: 'u', password: 'secretpw', database: 'app' },
    redisUrl: 'redis://cache:6379/0',
    redis: { host: 'cache', port: 6379, username: '', password: '' },
    servicesTimeoutSeconds: 30,
    coverageFile: 'coverage.xml',
    coverageFormat: 'auto',
    junitFile: 'junit.xml',
    minCoverage: 0,
    minDiffCoverage: 0,
    githubToken: 'write-token',
    prNumber: 7,
    headSha: HEAD,
    comment: true,
    commentId: 'coverage',
    maxAnnotations: 1,
    reportFile: 'out/report.json',
    installCommand: [],
    cache: 'auto',
    coverageBaseline: true,
    minCoverageChange: null,
    repository: 'org/bot',
    workspace: WS,
    eventName: 'pull_request',
    ref: 'refs/pull/7/merge',
    sha: 'f'.repeat(40),
    defaultBranch: 'main',
    baseBranch: 'main',
    ...overrides,
  };
}

describe('test action, mode run', () => {
  it('waits for both services, runs the command in the working directory with the URLs, and comments once', async () => {
    const t = setup();
    await run(inputs(), t.deps);
    expect(t.probes).toEqual(['pg db:5432', 'redis cache:6379']);
    expect([...t.log.secrets]).toEqual(['secretpw']);
    expect(t.exec.commands).toHaveLength(1);
    expect(t.exec.commands[0]!.argv).toEqual(['python', '-m', 'pytest']);
    expect(t.exec.commands[0]!.options).toMatchObject({
      cwd: `${WS}/app`,
      allowFailure: true,
    });
    // The action's inputs and the runner's tokens are removed; the rest is inherited.
    expect(t.exec.commands[0]!.options.env).toEqual({
      DATABASE_URL: 'postgresql://u:secretpw@db:5432/app',
      REDIS_URL: 'redis://cache:6379/0',
      'INPUT_GITHUB-TOKEN': undefined,
      ACTIONS_RUNTIME_TOKEN: undefined,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
    });
    // store.py: lines 2-5 changed; measured 2,3,4 -> covered 2 only. 7 lines, 4 covered overall.
    expect(t.outputs).toMatchObject({
      coverage: '57.14',
      'diff-coverage': '33.33',
      tests: 3,
      failures: 0,
      skipped: 1,
    });
    // Every page of the PR files was read (page size 1 -> 3 pages).
    expect(t.github.requests.filter((r) => r.path.endsWith('/pulls/7/files'))).toHaveLength(3);
    expect(t.github.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/org/bot/issues/7/comments',
    ]);
    const body = t.github.comments[0]!.body;
    expect(body.startsWith('<!-- tg-devops:coverage:coverage -->')).toBe(true);
    expect(body).toContain('| Diff coverage | 33.33% (1 of 3 changed lines) |');
    expect(body).toContain('| `app/bot/store.py` | 60.00% | 33.33% (1/3) | 3-4 |');
    expect(body).toContain('2 changed files are not in the coverage report.');
    expect(body).toContain('app/bot/huge.py: GitHub sent no diff');
    expect(t.summaries).toEqual([body]);
    expect(t.log.lines.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'Lines 3-4 are changed in this PR but no test runs them',
        where: {
          title: 'Uncovered changed lines',
          file: 'app/bot/store.py',
          startLine: 3,
          endLine: 4,
        },
      },
    ]);
    expect(t.outputs['comment-url']).toMatch(/#issuecomment-\d+$/);
  });

  it('updates the same comment on the next push instead of posting another', async () => {
    const t = setup();
    t.github.addComment(7, '<!-- tg-devops:coverage:coverage --> quoted by a person', {
      login: 'alice',
      type: 'User',
    });
    await run(inputs(), t.deps);
    const id = t.github.comments.find((c) => c.user.type === 'Bot')!.id;
    await run(inputs({ minCoverage: 0 }), t.deps);
    expect(t.github.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/org/bot/issues/7/comments',
      `PATCH /repos/org/bot/issues/comments/${id}`,
    ]);
    expect(t.github.comments.filter((c) => c.user.type === 'Bot')).toHaveLength(1);
    expect(t.github.comments[0]!.body).toBe(
      '<!-- tg-devops:coverage:coverage --> quoted by a person',
    );
  });

  it('publishes failing tests, then fails the step naming them', async () => {
    const t = setup({ failed: true });
    await expect(run(inputs(), t.deps)).rejects.toThrow(
      'tg-devops test: 1 of 3 tests failed: tests.test_store.test_load',
    );
    expect(t.outputs).toMatchObject({ tests: 3, failures: 1, skipped: 1 });
    expect(t.summaries[0]).toContain('### ❌ 1 of 3 tests failed');
    expect(t.summaries[0]).toContain('assert 2 == 3');
    expect(t.github.comments).toHaveLength(1);
  });

  it('fails thresholds after publishing, saying by how much', async () => {
    const t = setup();
    await expect(run(inputs({ minCoverage: 60, minDiffCoverage: 50 }), t.deps)).rejects.toThrow(
      'tg-devops test: coverage 57.14% is below min-coverage 60% by 2.86 points; diff coverage 33.33% is below min-diff-coverage 50% by 16.67 points (2 of 3 changed lines not covered)',
    );
    expect(t.github.comments).toHaveLength(1);
  });

  it('names a report the command did not write', async () => {
    const t = setup({ files: { [`${WS}/app/junit.xml`]: undefined as unknown as string } });
    await expect(run(inputs(), t.deps)).rejects.toThrow(
      `junit.xml: not found (junit-file, looked in ${WS}/app/junit.xml); the test command exited 0 without writing it`,
    );
    expect(t.summaries).toEqual([]);
    expect(t.github.writes()).toEqual([]);
  });

  it('names a malformed or empty report', async () => {
    const t = setup({ files: { [`${WS}/app/coverage.xml`]: '<coverage><packages></coverage>' } });
    await expect(run(inputs(), t.deps)).rejects.toThrow(
      /^coverage\.xml: malformed XML \(line 1: expected <\/packages> but found <\/coverage>\)/,
    );
    const empty = setup({ files: { [`${WS}/app/coverage.xml`]: '' } });
    await expect(run(inputs(), empty.deps)).rejects.toThrow(
      /^coverage\.xml: the coverage report is empty/,
    );
  });

  it('runs no test when a service never comes up', async () => {
    const t = setup();
    t.deps.postgresReady = async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.1:5432');
    };
    await expect(run(inputs({ servicesTimeoutSeconds: 3 }), t.deps)).rejects.toThrow(
      'Postgres at db:5432: not accepting connections after 3s (4 attempts); last error: connect ECONNREFUSED 10.0.0.1:5432',
    );
    expect(t.exec.commands).toEqual([]);
    expect(t.summaries).toEqual([]);
  });

  it('warns instead of failing when the token cannot comment (a fork PR)', async () => {
    const t = setup();
    await run(inputs({ githubToken: 'read-only-token' }), t.deps);
    expect(t.summaries).toHaveLength(1);
    expect(t.github.comments).toEqual([]);
    expect(t.log.text()).toMatch(
      /token cannot comment on PR #7 \(a fork PR's token is read-only\).*docs\/fork-prs\.md/,
    );
  });
});

describe('test action, modes collect and post', () => {
  it('collect writes the report and does not comment; post verifies the head and comments', async () => {
    const t = setup({ failed: true });
    await expect(
      run(inputs({ mode: 'collect', githubToken: 'read-only-token' }), t.deps),
    ).rejects.toThrow(/1 of 3 tests failed/);
    expect(t.github.writes()).toEqual([]);
    const path = `${WS}/out/report.json`;
    expect(t.outputs['report-path']).toBe(path);
    const artifact = JSON.parse(t.written[path]!);
    expect(artifact).toMatchObject({
      schema: 'tg-devops-coverage/1',
      pr: 7,
      headSha: HEAD,
      exitCode: 1,
    });
    expect(artifact.files['app/bot/store.py']).toEqual({ hit: '1-2,6', miss: '3-4' });

    // The posting side: a fresh job that has only the artifact.
    const p = setup();
    p.github.pulls.set(7, t.github.pulls.get(7)!);
    p.files[`${WS}/report.json`] = t.written[path]!;
    const postInputs = inputs({
      mode: 'post',
      reportFile: 'report.json',
      prNumber: null,
      postgres: undefined,
      redis: undefined,
    });
    await run(postInputs, p.deps);
    expect(p.exec.commands).toEqual([]);
    expect(p.probes).toEqual([]);
    expect(p.github.requests.map((r) => `${r.method} ${r.path}`)[0]).toBe(
      'GET /repos/org/bot/pulls/7',
    );
    expect(p.github.comments).toHaveLength(1);
    expect(p.github.comments[0]!.body).toContain(
      '| Diff coverage | 33.33% (1 of 3 changed lines) |',
    );
    expect(p.github.comments[0]!.body).toContain('### ❌ 1 of 3 tests failed');
  });

  it('post refuses a report for another commit than the PR head', async () => {
    const t = setup();
    const newer = 'beef'.padEnd(40, '1');
    t.github.pulls.set(7, { ...t.github.pulls.get(7)!, headSha: newer });
    t.files[`${WS}/report.json`] = JSON.stringify({
      schema: 'tg-devops-coverage/1',
      pr: 7,
      headSha: null,
      exitCode: 0,
      files: {},
      tests: { tests: 1, failures: 0, errors: 0, skipped: 0, failed: [] },
    });
    await expect(
      run(inputs({ mode: 'post', reportFile: 'report.json', prNumber: null }), t.deps),
    ).rejects.toThrow(`post: PR #7 is at ${newer}, but the tested run was ${HEAD}: not posting`);
    expect(t.github.writes()).toEqual([]);
  });

  it('post shows a forged failure message as text: no HTML, no mentions, no broken fence', async () => {
    const t = setup();
    t.files[`${WS}/report.json`] = JSON.stringify({
      schema: 'tg-devops-coverage/1',
      pr: 7,
      headSha: HEAD,
      exitCode: 1,
      files: { 'app/bot/store.py': { hit: '1-2', miss: '3-5' } },
      tests: {
        tests: 1,
        failures: 1,
        errors: 0,
        skipped: 0,
        failed: [
          { name: 'x|<img src=x>@org/admins', kind: 'failure', message: '```\n@everyone <script>' },
        ],
      },
    });
    await run(inputs({ mode: 'post', reportFile: 'report.json' }), t.deps);
    const body = t.github.comments[0]!.body;
    expect(body).toContain('**`x|<img src=x>@org/admins`** (failure)');
    expect(body).toContain('````text\n```\n@everyone <script>\n````');
    expect(body).not.toMatch(/\| [^`]*<img/);
  });
});

describe('readInputs', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });
  const set = (values: Record<string, string>) => {
    for (const [k, v] of Object.entries(values)) process.env[`INPUT_${k.toUpperCase()}`] = v;
  };

  it('reads defaults and the PR from the event', () => {
    set({ 'database-url': 'postgresql://u:pw@127.0.0.1:15432/db' });
    const parsed = readInputs({ GITHUB_REPOSITORY: 'org/bot', GITHUB_WORKSPACE: '/w' });
    expect(parsed).toMatchObject({
      mode: 'run',
      testCommand: [
        'python',
        '-m',
        'pytest',
        '--cov',
        '--cov-report=xml:coverage.xml',
        '--junitxml=junit.xml',
      ],
      postgres: { host: '127.0.0.1', port: 15432, user: 'u', password: 'pw', database: 'db' },
      redis: undefined,
      minCoverage: 0,
      prNumber: null,
      workspace: '/w',
      installCommand: [],
      cache: 'auto',
      coverageBaseline: true,
      minCoverageChange: null,
    });
    set({
      'install-command': "python -m pip install -r 'requirements dev.txt'",
      cache: 'pip',
      'min-coverage-change': '-0.5',
    });
    expect(readInputs({ GITHUB_WORKSPACE: '/w', GITHUB_BASE_REF: 'main' })).toMatchObject({
      installCommand: ['python', '-m', 'pip', 'install', '-r', 'requirements dev.txt'],
      cache: 'pip',
      minCoverageChange: -0.5,
      baseBranch: 'main',
    });
  });

  it.each([
    [{ 'test-command': 'pytest | tee log' }, "Input 'test-command': no shell runs the command"],
    [{ 'min-coverage': '120' }, "Input 'min-coverage': expected a percentage from 0 to 100"],
    [{ 'min-diff-coverage': 'high' }, "Input 'min-diff-coverage': expected a percentage"],
    [{ 'database-url': 'postgresql://u:hunter2@' }, "Input 'database-url': is not a valid URL"],
    [{ 'redis-url': 'http://x' }, "Input 'redis-url': expected a redis:// or rediss:// URL"],
    [{ mode: 'post' }, "Input 'head-sha': mode post needs the tested commit"],
    [{ mode: 'upload' }, "Input 'mode': expected one of run, collect, post"],
    [{ 'comment-id': 'a b' }, "Input 'comment-id'"],
    [{ cache: 'pipenv' }, "Input 'cache': expected one of auto, pip, uv, poetry, none"],
    [
      { 'install-command': 'pip install -r req.txt && make' },
      "Input 'install-command': no shell runs the command",
    ],
    [{ 'min-coverage-change': 'down' }, "Input 'min-coverage-change': expected points of coverage"],
    [{ 'coverage-baseline': 'maybe' }, "Input 'coverage-baseline'"],
  ])('refuses %j before anything runs', (values, message) => {
    set({ 'github-token': 'tok', ...values });
    expect(() => readInputs({})).toThrow(message);
    try {
      readInputs({});
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

/** An in-memory Actions cache with GitHub's lookup order: exact key, then restore-key prefixes, newest first. */
function memoryCache(
  read: (path: string) => string | undefined,
  write: (path: string, text: string) => void,
) {
  const entries: { key: string; paths: string[]; files: Record<string, string> }[] = [];
  const calls: string[] = [];
  const store: CacheStore = {
    available: () => true,
    restore: async (paths, key, restoreKeys = []) => {
      calls.push(`restore ${paths.join(',')} ${key} [${restoreKeys.join(',')}]`);
      const newest = [...entries].reverse();
      const found =
        newest.find((e) => e.key === key) ??
        restoreKeys.map((p) => newest.find((e) => e.key.startsWith(p))).find(Boolean);
      if (!found) return undefined;
      for (const [path, text] of Object.entries(found.files)) write(path, text);
      return found.key;
    },
    save: async (paths, key) => {
      calls.push(`save ${paths.join(',')} ${key}`);
      if (entries.some((e) => e.key === key)) return false;
      const files: Record<string, string> = {};
      for (const path of paths) {
        const text = read(path);
        if (text !== undefined) files[path] = text;
      }
      entries.push({ key, paths, files });
      return true;
    },
  };
  return { store, entries, calls };
}

describe('test action: dependency cache and install-command', () => {
  jest.setTimeout(30_000);
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'test-action-deps-'));
    mkdirSync(join(ws, 'app'));
    writeFileSync(join(ws, 'app', 'requirements.txt'), 'aiogram==3.4\n');
    writeFileSync(join(ws, 'app', 'requirements-dev.txt'), 'pytest==8\n');
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  function depsSetup(
    respond: (argv: readonly string[]) => { exitCode?: number; stdout?: string } | undefined,
  ) {
    const t = setup({ ws });
    const state: Record<string, string> = {};
    const cache = memoryCache(
      () => undefined,
      () => undefined,
    );
    const exec = recordingExecutor((argv) => respond(argv) ?? {});
    t.deps.exec = exec;
    t.deps.cache = cache.store;
    t.deps.saveState = (name, value) => void (state[name] = value);
    t.deps.environment = { ...t.deps.environment, RUNNER_OS: 'Linux', HOME: '/home/runner' };
    return { ...t, exec, state, cache };
  }
  const probe = (argv: readonly string[]) => {
    if (argv[1] === '-c') return { stdout: '3.12.4\n' };
    if (argv.join(' ') === 'python -m pip cache dir')
      return { stdout: '/home/runner/.cache/pip\n' };
    return undefined;
  };

  it('keys the pip cache like setup-python, restores it before install-command and leaves the save to the post step', async () => {
    const t = depsSetup(probe);
    await run(
      inputs({
        workspace: ws,
        coverageBaseline: false,
        installCommand: ['python', '-m', 'pip', 'install', '-r', 'requirements.txt'],
      }),
      t.deps,
    );
    const argv = t.exec.commands.map((c) => c.argv.join(' '));
    expect(argv).toEqual([
      'python -c import platform; print(platform.python_version())',
      'python -m pip cache dir',
      'python -m pip install -r requirements.txt',
      'python -m pytest',
    ]);
    expect(t.exec.commands[2]!.options.cwd).toBe(join(ws, 'app'));
    const key = t.cache.calls[0]!.split(' ')[2]!;
    expect(key).toMatch(
      new RegExp(`^tg-devops-test-Linux-${process.arch}-python-3\\.12\\.4-pip-[0-9a-f]{64}$`),
    );
    expect(t.cache.calls).toEqual([
      `restore /home/runner/.cache/pip ${key} [tg-devops-test-Linux-${process.arch}-python-3.12.4-pip-]`,
    ]);
    expect(t.outputs['cache-hit']).toBe('false');
    expect(JSON.parse(t.state[DEPENDENCY_STATE]!)).toEqual({
      key,
      paths: ['/home/runner/.cache/pip'],
    });

    // The post step saves it; a second run then hits the exact key and leaves nothing to save.
    await saveDependencyCache((name) => t.state[name] ?? '', t.cache.store, t.log);
    expect(t.cache.calls[1]).toBe(`save /home/runner/.cache/pip ${key}`);
    const again = depsSetup(probe);
    again.deps.cache = t.cache.store;
    await run(
      inputs({
        workspace: ws,
        coverageBaseline: false,
        installCommand: ['python', '-m', 'pip', 'install', '-r', 'requirements.txt'],
      }),
      again.deps,
    );
    expect(again.outputs['cache-hit']).toBe('true');
    expect(again.state[DEPENDENCY_STATE]).toBeUndefined();
    expect(again.log.text()).toContain(`dependency cache restored: ${key}`);
  });

  it('changes the key with the dependency files and the Python version', async () => {
    const keyOf = async (version: string) => {
      const t = depsSetup((argv) => (argv[1] === '-c' ? { stdout: `${version}\n` } : probe(argv)));
      await run(
        inputs({ workspace: ws, coverageBaseline: false, installCommand: ['true'] }),
        t.deps,
      );
      return t.cache.calls[0]!.split(' ')[2]!;
    };
    const first = await keyOf('3.12.4');
    expect(await keyOf('3.12.4')).toBe(first);
    expect(await keyOf('3.11.9')).not.toBe(first);
    writeFileSync(join(ws, 'app', 'requirements.txt'), 'aiogram==3.5\n');
    const changed = await keyOf('3.12.4');
    expect(changed).not.toBe(first);
    expect(changed.replace(/[0-9a-f]{64}$/, '')).toBe(first.replace(/[0-9a-f]{64}$/, ''));
  });

  it.each([
    ['uv.lock', 'uv', ['uv cache dir'], []],
    ['poetry.lock', 'poetry', ['poetry config cache-dir'], []],
  ] as const)(
    'auto picks %s -> %s, with an exact key only',
    async (file, manager, query, restoreKeys) => {
      writeFileSync(join(ws, 'app', file), 'lock\n');
      const t = depsSetup((argv) =>
        argv[1] === '-c' ? { stdout: '3.12.4\n' } : { stdout: '"/cache/dir"\n' },
      );
      await run(
        inputs({ workspace: ws, coverageBaseline: false, installCommand: ['make', 'deps'] }),
        t.deps,
      );
      expect(t.exec.commands[1]!.argv.join(' ')).toBe(query[0]);
      const paths = manager === 'poetry' ? `/cache/dir,${join(ws, 'app', '.venv')}` : '/cache/dir';
      expect(t.cache.calls[0]).toMatch(
        new RegExp(
          `^restore ${paths.replace(/[.]/g, '\\.')} tg-devops-test-Linux-${process.arch}-python-3\\.12\\.4-${manager}-[0-9a-f]{64} \\[${restoreKeys.join(',')}\\]$`,
        ),
      );
    },
  );

  it('cache: auto without install-command manages no cache; cache: none never does', async () => {
    for (const given of [
      inputs({ workspace: ws, coverageBaseline: false }),
      inputs({ workspace: ws, coverageBaseline: false, cache: 'none', installCommand: ['true'] }),
    ]) {
      const t = depsSetup(probe);
      await run(given, t.deps);
      expect(t.cache.calls).toEqual([]);
      expect(t.outputs['cache-hit']).toBeUndefined();
    }
  });

  it('fails naming install-command when it exits non-zero, and runs no test', async () => {
    const t = depsSetup((argv) => (argv[0] === 'pip' ? { exitCode: 2 } : probe(argv)));
    await expect(
      run(
        inputs({
          workspace: ws,
          coverageBaseline: false,
          cache: 'none',
          installCommand: ['pip', 'install', 'x'],
        }),
        t.deps,
      ),
    ).rejects.toThrow('install-command: `pip install x` exited 2');
    expect(t.exec.commands.map((c) => c.argv[0])).toEqual(['pip']);
  });

  it('a failed install leaves nothing for the post step to save (a half-written cache)', async () => {
    const t = depsSetup((argv) => (argv[0] === 'pip' ? { exitCode: 1 } : probe(argv)));
    await expect(
      run(
        inputs({
          workspace: ws,
          coverageBaseline: false,
          cache: 'pip',
          installCommand: ['pip', 'install', 'x'],
        }),
        t.deps,
      ),
    ).rejects.toThrow('install-command');
    expect(t.cache.calls).toHaveLength(1); // the restore
    expect(t.state).toEqual({});
  });

  it('skips the cache with a line in the log when the runner has no cache service', async () => {
    const t = depsSetup(probe);
    t.deps.cache = { ...t.cache.store, available: () => false };
    await run(
      inputs({ workspace: ws, coverageBaseline: false, cache: 'pip', installCommand: ['true'] }),
      t.deps,
    );
    expect(t.cache.calls).toEqual([]);
    expect(t.log.text()).toContain(
      'this runner offers no cache service: dependencies are not cached',
    );
    expect(t.exec.commands.map((c) => c.argv[0])).toEqual(['true', 'python']);
  });
});

describe('test action: coverage baseline', () => {
  jest.setTimeout(30_000);
  const MAIN_SHA = 'a'.repeat(40);
  /** The default branch's report: store.py 2 of 4 lines (50%), util.py 2 of 2 (100%): 4 of 6. */
  function mainReport(): string {
    const hits = (entries: [number, number][]) => new Map(entries);
    return JSON.stringify(
      toArtifact({
        pr: null,
        headSha: MAIN_SHA,
        exitCode: 0,
        tests: { tests: 3, failures: 0, errors: 0, skipped: 0, failed: [] },
        files: new Map([
          [
            'app/bot/store.py',
            hits([
              [1, 1],
              [2, 1],
              [3, 0],
              [4, 0],
            ]),
          ],
          [
            'app/bot/util.py',
            hits([
              [1, 1],
              [2, 1],
            ]),
          ],
          ['app/bot/gone.py', hits([[1, 1]])],
        ]),
      }),
    );
  }

  it('a push to the default branch saves its report under the branch key, and removes the file again', async () => {
    const t = setup();
    const abs = (path: string) => `${WS}/${path}`;
    const cache = memoryCache(
      (path) => t.written[abs(path)],
      (path, text) => void (t.files[abs(path)] = text),
    );
    t.deps.cache = cache.store;
    t.deps.removeFile = (path) => void delete t.written[path];
    await run(
      inputs({
        eventName: 'push',
        ref: 'refs/heads/main',
        sha: MAIN_SHA,
        prNumber: null,
        headSha: '',
        baseBranch: '',
      }),
      t.deps,
    );
    const file = baselinePath('coverage');
    expect(cache.calls).toEqual([`save ${file} tg-devops-coverage-coverage:main:${MAIN_SHA}`]);
    const saved = JSON.parse(cache.entries[0]!.files[file]!);
    expect(saved).toMatchObject({ schema: 'tg-devops-coverage/1', headSha: MAIN_SHA, pr: null });
    expect(saved.files['app/bot/store.py']).toEqual({ hit: '1-2,6', miss: '3-4' });
    expect(Object.keys(t.written)).toEqual([]); // the file left the checkout again
    // A failing run on main sets no baseline.
    const failing = setup({ failed: true });
    const failingCache = memoryCache(
      () => undefined,
      () => undefined,
    );
    failing.deps.cache = failingCache.store;
    await expect(
      run(
        inputs({
          eventName: 'push',
          ref: 'refs/heads/main',
          sha: MAIN_SHA,
          prNumber: null,
          headSha: '',
        }),
        failing.deps,
      ),
    ).rejects.toThrow('1 of 3 tests failed');
    expect(failingCache.calls).toEqual([]);
    expect(failing.log.text()).toContain('the tests failed: no coverage baseline saved');
    // A push to another branch saves nothing.
    const other = setup();
    const otherCache = memoryCache(
      () => undefined,
      () => undefined,
    );
    other.deps.cache = otherCache.store;
    await run(
      inputs({ eventName: 'push', ref: 'refs/heads/feature', prNumber: null, headSha: '' }),
      other.deps,
    );
    expect(otherCache.calls).toEqual([]);
  });

  it('compares a PR with the newest baseline of its base branch, per file and in total', async () => {
    const t = setup();
    const cache = memoryCache(
      () => undefined,
      (path, text) => void (t.files[`${WS}/${path}`] = text),
    );
    cache.entries.push({
      key: 'tg-devops-coverage-coverage:main-feature:' + 'b'.repeat(40),
      paths: [],
      files: {},
    });
    cache.entries.push({
      key: `tg-devops-coverage-coverage:main:${MAIN_SHA}`,
      paths: [],
      files: { [baselinePath('coverage')]: mainReport() },
    });
    t.deps.cache = cache.store;
    const removed: string[] = [];
    t.deps.removeFile = (path) => void removed.push(path);
    await run(inputs(), t.deps);
    expect(cache.calls).toEqual([
      `restore ${baselinePath('coverage')} tg-devops-coverage-coverage:main:${HEAD} [tg-devops-coverage-coverage:main:]`,
    ]);
    expect(removed).toEqual([`${WS}/${baselinePath('coverage')}`]);
    // Now: store.py 3 of 5 (60%), util.py 1 of 2 (50%): 4 of 7 = 57.14%; main: 5 of 7 = 71.42%.
    const summary = t.summaries[0]!;
    expect(summary).toContain('· coverage 57.14% (−14.29 against main)');
    expect(summary).toContain('| Against main | −14.29 points (main: 71.42%, 5 of 7 lines) |');
    expect(summary).toContain('#### Coverage change against main');
    expect(summary).toContain('| `app/bot/util.py` | 100.00% | 50.00% | −50.00 |');
    expect(summary).toContain('| `app/bot/store.py` | 50.00% | 60.00% | +10.00 |');
    expect(summary).toContain('| `app/bot/gone.py` | 100.00% | n/a | removed |');
    expect(t.outputs['coverage-change']).toBe('-14.29');
    expect(t.github.comments[0]!.body).toContain('(−14.29 against main)');
  });

  it('min-coverage-change fails the step after publishing, saying by how much; no baseline, no gate', async () => {
    const t = setup();
    const cache = memoryCache(
      () => undefined,
      (path, text) => void (t.files[`${WS}/${path}`] = text),
    );
    cache.entries.push({
      key: `tg-devops-coverage-coverage:main:${MAIN_SHA}`,
      paths: [],
      files: { [baselinePath('coverage')]: mainReport() },
    });
    t.deps.cache = cache.store;
    t.deps.removeFile = () => undefined;
    await expect(run(inputs({ minCoverageChange: -0.5 }), t.deps)).rejects.toThrow(
      'coverage change −14.29 against main is below min-coverage-change −0.50',
    );
    expect(t.summaries).toHaveLength(1);

    const fresh = setup();
    fresh.deps.cache = memoryCache(
      () => undefined,
      () => undefined,
    ).store;
    fresh.deps.removeFile = () => undefined;
    await run(inputs({ minCoverageChange: 0 }), fresh.deps);
    expect(fresh.summaries[0]).toContain(
      '| Against the base branch | n/a (no coverage baseline of main yet (saved by a push to it)) |',
    );
    expect(fresh.outputs['coverage-change']).toBe('');
  });
});

describe('actionsCache.available (decided without loading @actions/cache)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it.each([
    [{}, false],
    [{ ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_RESULTS_URL: 'http://results/' }, true],
    [{ ACTIONS_RESULTS_URL: 'http://results/' }, false],
    [{ ACTIONS_CACHE_URL: 'http://cache/' }, true],
    [{ ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_CACHE_URL: 'http://cache/' }, false],
    [
      {
        GITHUB_SERVER_URL: 'https://ghes.example.com',
        ACTIONS_CACHE_SERVICE_V2: 'True',
        ACTIONS_RESULTS_URL: 'http://results/',
      },
      false,
    ],
    [{ GITHUB_SERVER_URL: 'https://ghes.example.com', ACTIONS_CACHE_URL: 'http://cache/' }, true],
    [
      {
        GITHUB_SERVER_URL: 'https://octo.ghe.com',
        ACTIONS_CACHE_SERVICE_V2: 'True',
        ACTIONS_RESULTS_URL: 'http://results/',
      },
      true,
    ],
  ])('%j -> %s, as @actions/cache decides', async (env, expected) => {
    for (const key of [
      'ACTIONS_CACHE_SERVICE_V2',
      'ACTIONS_RESULTS_URL',
      'ACTIONS_CACHE_URL',
      'GITHUB_SERVER_URL',
    ])
      delete process.env[key];
    Object.assign(process.env, env);
    const { actionsCache } = await import('../../src/github/cache.js');
    const { isFeatureAvailable } = await import('@actions/cache');
    expect(actionsCache.available()).toBe(expected);
    expect(isFeatureAvailable()).toBe(expected);
  });
});
