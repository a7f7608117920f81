import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeActionsCache, type RunScopes } from '../helpers/fake-actions-cache.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { ROOT } from '../helpers/repo.js';
import { sandboxEnv } from '../helpers/sandbox.js';

/**
 * The test action, run as the runner runs it (a node process with INPUT_* variables, an event
 * file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY), on the sample bot whose pytest tests use the
 * sandbox's real PostgreSQL and Redis, against a local stand-in for the GitHub API.
 */
const sandbox = sandboxEnv();
const PYTHON = '/usr/bin/python3'; // Debian's python3-pytest-cov, -psycopg and -redis live here
const HEAD1 = '1'.repeat(40);
const HEAD2 = '2'.repeat(40);
const CLOSED_PORT = 21190; // in this suite's range (21100-21199); nothing listens here

const HANDLERS_PATCH = [
  '@@ -1,3 +1,13 @@',
  ' """Message handlers: pure logic, no I/O."""',
  '+',
  '+',
  '+def greet(name):',
  '+    if not name:',
  '+        return "Hello, stranger!"',
  '+    return f"Hello, {name}!"',
  '+',
  '+',
  '+def admin_only(user_id, admins):',
  '+    if user_id in admins:',
  '+        return "ok"',
  '+    return "denied"',
].join('\n');
const LIMITS_PATCH = [
  '@@ -8,3 +8,6 @@ def allow(client, key, limit, window_seconds=60):',
  '     return count <= limit',
  ' ',
  ' ',
  '+def reset(client, key):',
  '+    client.delete(key)',
  '+',
].join('\n');

let github: FakeGitHub;
let work: string;

async function listenInRange(server: FakeGitHub): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 21100 + Math.floor(Math.random() * 80);
    try {
      await server.listen(port);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error('no free port in 21100-21179');
}

beforeAll(async () => {
  github = new FakeGitHub({
    owner: 'org',
    repo: 'bot',
    writeTokens: ['write-token'],
    pageSizeCap: 2,
  });
  await listenInRange(github);
});

afterAll(async () => {
  await github.close();
});

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'test-action-'));
  github.requests.length = 0;
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A checkout of the bot repository: the sample bot under bot-app/. */
function checkout(extraTests: Record<string, string> = {}): string {
  const repo = join(work, 'repo');
  cpSync(join(ROOT, 'tests/fixtures/sample-bot'), join(repo, 'bot-app'), { recursive: true });
  for (const [name, text] of Object.entries(extraTests))
    writeFileSync(join(repo, 'bot-app/tests', name), text);
  return repo;
}

function openPull(number: number, headSha: string) {
  github.pulls.set(number, {
    headSha,
    files: [
      {
        filename: 'bot-app/bot/handlers.py',
        status: 'added',
        patch: HANDLERS_PATCH,
        additions: 12,
      },
      { filename: 'bot-app/bot/limits.py', status: 'modified', patch: LIMITS_PATCH, additions: 3 },
      { filename: 'README.md', status: 'modified', patch: '@@ -1 +1 @@\n-old\n+new', additions: 1 },
      {
        filename: 'bot-app/bot/__init__.py',
        previous_filename: 'bot-app/bot/init.py',
        status: 'renamed',
      },
      { filename: 'bot-app/data/seed.sql', status: 'modified', additions: 40000 },
    ],
  });
}

interface ActionRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  /** What the main step saved for its post step (GITHUB_STATE). */
  state: Record<string, string>;
}

/**
 * Runs the action's entry once as the runner does. `job` adds to the job's environment (the
 * cache service, the ref); `post` runs the post step with the state the main step saved.
 */
function runAction(
  repo: string,
  inputs: Record<string, string>,
  event: object,
  job: Record<string, string> = {},
  post?: Record<string, string>,
): Promise<ActionRun> {
  const runner = mkdtempSync(join(work, 'runner-'));
  const files = {
    output: join(runner, 'output'),
    summary: join(runner, 'summary'),
    event: join(runner, 'event.json'),
    state: join(runner, 'state'),
  };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  writeFileSync(files.state, '');
  writeFileSync(files.event, JSON.stringify(event));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'org/bot',
    GITHUB_WORKSPACE: repo,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_API_URL: github.url,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    RUNNER_TEMP: runner,
    // What the runner gives a node action and the code under test must not get.
    ACTIONS_RUNTIME_TOKEN: 'fake-runtime-token',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'fake-oidc-token',
    ...job,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(post ?? {})) env[`STATE_${name}`] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', join(ROOT, 'scripts/ts-register.mjs'), join(ROOT, 'actions/test/index.ts')],
      { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout,
        outputs: parseOutputs(readFileSync(files.output, 'utf8')),
        summary: readFileSync(files.summary, 'utf8'),
        state: parseOutputs(readFileSync(files.state, 'utf8')),
      }),
    );
  });
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = lines[i]!.match(/^([^<]+)<<(.+)$/);
    if (!match) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i]!);
    outputs[match[1]!] = value.join('\n');
  }
  return outputs;
}

const baseInputs = () => ({
  'working-directory': 'bot-app',
  'test-command': `${PYTHON} -m pytest --cov --cov-report=xml:coverage.xml --junitxml=junit.xml`,
  'database-url': sandbox.DATABASE_URL!,
  'redis-url': sandbox.REDIS_URL!,
  'services-timeout': '30',
  'github-token': 'write-token',
});
const prEvent = (number: number, sha: string) => ({ pull_request: { number, head: { sha } } });

/** coverage.py's own numbers for the run, as the oracle: `coverage json` over its data file. */
interface Totals {
  covered: number;
  statements: number;
  percent: number;
}
function coveragePy(repo: string): { totals: Totals; files: Record<string, Totals> } {
  const out = join(work, 'oracle.json');
  const result = spawnSync(PYTHON, ['-m', 'coverage', 'json', '-q', '-o', out], {
    cwd: join(repo, 'bot-app'),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  type Summary = { covered_lines: number; num_statements: number; percent_covered: number };
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    totals: Summary;
    files: Record<string, { summary: Summary }>;
  };
  const totals = (s: Summary) => ({
    covered: s.covered_lines,
    statements: s.num_statements,
    percent: s.percent_covered,
  });
  return {
    totals: totals(report.totals),
    files: Object.fromEntries(
      Object.entries(report.files).map(([path, file]) => [path, totals(file.summary)]),
    ),
  };
}

const floor2 = (value: number) => (Math.floor(value * 100 + 1e-9) / 100).toFixed(2);

describe('test action on the sample bot, against real Postgres and Redis', () => {
  it("comments once, then updates the same comment in place, with coverage.py's numbers", async () => {
    openPull(41, HEAD1);
    const repo = checkout();
    const first = await runAction(repo, baseInputs(), prEvent(41, HEAD1));
    expect({ code: first.code, tail: first.stdout.slice(-2000) }).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('Postgres at 127.0.0.1:15432 accepts connections');
    expect(first.stdout).toContain('Redis at 127.0.0.1:16379 accepts connections');
    expect(first.stdout).toMatch(/7 passed/);

    const oracle = coveragePy(repo);
    const handlers = oracle.files['bot/handlers.py']!;
    const limits = oracle.files['bot/limits.py']!;
    expect(first.outputs).toEqual(
      expect.objectContaining({
        coverage: floor2(oracle.totals.percent),
        // handlers.py: 4-7 and 10 ran, 11-13 did not; limits.py: 11 ran, 12 did not.
        'diff-coverage': '60.00',
        tests: '7',
        failures: '0',
        skipped: '0',
      }),
    );
    // The secret URLs were masked before anything could print them.
    expect(first.stdout).toContain(`::add-mask::${sandbox.DATABASE_URL}`);

    const bot = () => github.comments.filter((c) => c.issue === 41);
    expect(bot()).toHaveLength(1);
    const comment = bot()[0]!;
    expect(comment.user.type).toBe('Bot');
    expect(comment.body.startsWith('<!-- tg-devops:coverage:coverage -->')).toBe(true);
    expect(comment.body).toContain(
      `| Coverage | ${floor2(oracle.totals.percent)}% (${oracle.totals.covered} of ${oracle.totals.statements} lines) |`,
    );
    expect(comment.body).toContain('| Tests | 7 passed, 0 failed, 0 errors, 0 skipped (7 total) |');
    expect(comment.body).toContain('| Diff coverage | 60.00% (6 of 10 changed lines) |');
    expect(comment.body).toContain(
      `| \`bot-app/bot/handlers.py\` | ${floor2(handlers.percent)}% | 62.50% (5/8) | 11-13 |`,
    );
    expect(comment.body).toContain(
      `| \`bot-app/bot/limits.py\` | ${floor2(limits.percent)}% | 50.00% (1/2) | 12 |`,
    );
    expect(comment.body).toContain('bot-app/data/seed.sql: GitHub sent no diff');
    expect(first.summary.trim()).toBe(comment.body);
    expect(first.stdout).toContain(
      '::warning title=Uncovered changed lines,file=bot-app/bot/handlers.py,line=11,endLine=13::Lines 11-13 are changed in this PR but no test runs them',
    );
    // Every page of the PR's files (5 files, 2 per page) and of its comments was read.
    const files = github.requests.filter((r) => r.path === '/repos/org/bot/pulls/41/files');
    expect(files.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
    expect(github.requests.every((r) => r.authorization === 'Bearer write-token')).toBe(true);

    // The next push: same PR, new head, one more test. The comment is edited, not duplicated.
    openPull(41, HEAD2);
    const second = await runAction(
      checkout({
        'test_more.py': [
          'import os',
          'from bot import handlers',
          '',
          'def test_admin():',
          '    assert handlers.admin_only(1, {1}) == "ok"',
          "    # The PR's code sees neither the action's inputs (its token) nor the runner's tokens.",
          '    assert [k for k in os.environ if k.startswith("INPUT_") or k.startswith("ACTIONS_")] == []',
          '    assert os.environ["DATABASE_URL"].startswith("postgresql://")',
          '',
        ].join('\n'),
      }),
      baseInputs(),
      prEvent(41, HEAD2),
    );
    expect({ code: second.code, tail: second.stdout.slice(-2000) }).toMatchObject({ code: 0 });
    expect(github.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/org/bot/issues/41/comments',
      `PATCH /repos/org/bot/issues/comments/${comment.id}`,
    ]);
    expect(bot()).toHaveLength(1);
    expect(bot()[0]!.body).toContain(
      '| Tests | 8 passed, 0 failed, 0 errors, 0 skipped (8 total) |',
    );
    expect(bot()[0]!.body).toContain('| Diff coverage | 80.00% (8 of 10 changed lines) |');
    expect(bot()[0]!.body).toContain(`Commit ${HEAD2.slice(0, 12)}`);
    expect(second.outputs['diff-coverage']).toBe('80.00');
  }, 180_000);

  it('a failing test: the report is published, then the step fails naming the test', async () => {
    openPull(42, HEAD1);
    const repo = checkout({
      'test_broken.py': 'def test_answer_is_wrong():\n    assert 6 * 7 == 43\n',
    });
    const result = await runAction(repo, baseInputs(), prEvent(42, HEAD1));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '::error::tg-devops test: 1 of 8 tests failed: tests.test_broken.test_answer_is_wrong',
    );
    expect(result.outputs).toEqual(
      expect.objectContaining({ tests: '8', failures: '1', skipped: '0' }),
    );
    const comments = github.comments.filter((c) => c.issue === 42);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('### ❌ 1 of 8 tests failed');
    expect(comments[0]!.body).toContain('**`tests.test_broken.test_answer_is_wrong`** (failure)');
    expect(comments[0]!.body).toContain('assert (6 * 7) == 43');
    expect(result.summary.trim()).toBe(comments[0]!.body);
  }, 180_000);

  it('Postgres not accepting connections: fails with name, address and last error, and runs no test', async () => {
    openPull(43, HEAD1);
    const repo = checkout();
    const url = new URL(sandbox.DATABASE_URL!);
    url.port = String(CLOSED_PORT);
    const result = await runAction(
      repo,
      { ...baseInputs(), 'database-url': url.href, 'services-timeout': '3' },
      prEvent(43, HEAD1),
    );
    expect(result.code).toBe(1);
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^::error::Postgres at 127\\.0\\.0\\.1:${CLOSED_PORT}: not accepting connections after 3s \\(\\d+ attempts\\); last error: connect ECONNREFUSED 127\\.0\\.0\\.1:${CLOSED_PORT}$`,
      ),
    );
    // No test ran: pytest never started, so it wrote no report; nothing was published.
    expect(existsSync(join(repo, 'bot-app/junit.xml'))).toBe(false);
    expect(existsSync(join(repo, 'bot-app/.coverage'))).toBe(false);
    expect(result.stdout).not.toContain('the test command exited');
    expect(result.summary).toBe('');
    expect(github.requests).toEqual([]);
    expect(result.outputs).toEqual({});
  }, 180_000);

  it('fork path: collect with a read-only token writes the report; post comments without running code', async () => {
    openPull(44, HEAD1);
    const repo = checkout();
    const collected = await runAction(
      repo,
      {
        ...baseInputs(),
        mode: 'collect',
        'github-token': 'read-only-token',
        'report-file': 'out/coverage.json',
      },
      prEvent(44, HEAD1),
    );
    expect({ code: collected.code, tail: collected.stdout.slice(-2000) }).toMatchObject({
      code: 0,
    });
    expect(collected.outputs['report-path']).toBe(join(repo, 'out/coverage.json'));
    expect(github.writes()).toEqual([]);

    // The workflow_run side: an empty workspace holding only the downloaded artifact.
    const base = join(work, 'base');
    cpSync(collected.outputs['report-path']!, join(base, 'coverage.json'));
    github.requests.length = 0;
    const posted = await runAction(
      base,
      {
        mode: 'post',
        'report-file': 'coverage.json',
        'head-sha': HEAD1,
        'github-token': 'write-token',
      },
      { workflow_run: { head_sha: HEAD1, pull_requests: [] } },
    );
    expect({ code: posted.code, tail: posted.stdout.slice(-2000) }).toMatchObject({ code: 0 });
    expect(posted.stdout).not.toContain('accepts connections');
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/org/bot/pulls/44',
      'GET /repos/org/bot/pulls/44/files',
      'GET /repos/org/bot/pulls/44/files',
      'GET /repos/org/bot/pulls/44/files',
      'GET /repos/org/bot/issues/44/comments',
      'POST /repos/org/bot/issues/44/comments',
    ]);
    const comment = github.comments.filter((c) => c.issue === 44);
    expect(comment).toHaveLength(1);
    expect(comment[0]!.body).toContain('| Diff coverage | 60.00% (6 of 10 changed lines) |');
    expect(posted.outputs['diff-coverage']).toBe('60.00');
  }, 180_000);
});

describe('test action with the Actions cache (a local stand-in of the cache service, v2)', () => {
  let cache: FakeActionsCache;
  beforeAll(async () => {
    cache = new FakeActionsCache();
    await cache.listen();
  });
  afterAll(() => cache.close());
  beforeEach(() => {
    cache.requests.length = 0;
    cache.entries.length = 0;
  });

  /** Every request carried the run's token as a bearer and spoke the service's protocol. */
  function expectRealRequests(scopes: RunScopes) {
    const token = `Bearer ${FakeActionsCache.tokenFor(scopes)}`;
    for (const request of cache.requests.filter((r) => !r.call.startsWith('blob'))) {
      expect({
        call: request.call,
        auth: request.headers.authorization,
        type: request.headers['content-type'],
      }).toEqual({
        call: request.call,
        auth: token,
        type: 'application/json',
      });
      expect(request.headers['user-agent']).toMatch(/actions\/cache/);
    }
    expect(cache.requests.every((r) => r.status < 400 || r.call === 'CreateCacheEntry')).toBe(true);
  }

  // Stands in for `pip install`: pip keeps downloaded and built wheels in its cache directory.
  const INSTALL = [
    'import os, pathlib, sys',
    "cache = pathlib.Path(os.environ['PIP_CACHE_DIR'])",
    "wheel = cache / 'wheels' / 'aiogram-3.4.1-py3-none-any.whl'",
    "print('dependency cache warm' if wheel.exists() else 'dependency cache cold')",
    'wheel.parent.mkdir(parents=True, exist_ok=True)',
    "wheel.write_text('wheel ' + sys.version)",
  ].join('\n');

  it('a second run restores the dependency cache the first saved in its post step', async () => {
    const scopes = { ref: 'refs/heads/feature', reads: ['refs/heads/feature', 'refs/heads/main'] };
    const pipCache = join(work, 'pip-cache');
    const job = {
      ...cache.envFor(scopes),
      RUNNER_OS: 'Linux',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/heads/feature',
      GITHUB_SHA: HEAD1,
      PIP_CACHE_DIR: pipCache,
    };
    const inputs = {
      ...baseInputs(),
      'install-command': `${PYTHON} ../tools/install.py`,
      'coverage-baseline': 'false',
    };
    const prepare = () => {
      const repo = checkout();
      writeFileSync(join(repo, 'bot-app', 'requirements.txt'), 'aiogram==3.4.1\n');
      mkdirSync(join(repo, 'tools'), { recursive: true });
      writeFileSync(join(repo, 'tools', 'install.py'), INSTALL);
      return repo;
    };
    const event = { repository: { default_branch: 'main' } };

    // First run: nothing cached yet; the install fills pip's cache; the post step saves it.
    const repo1 = prepare();
    const first = await runAction(repo1, inputs, event, job);
    expect({ code: first.code, tail: first.stdout.slice(-2000) }).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('dependency cache cold');
    const key = first.stdout.match(/no dependency cache for (tg-devops-test-\S+) yet/)?.[1];
    expect(key).toMatch(
      new RegExp(`^tg-devops-test-Linux-${process.arch}-python-3\\.\\d+\\.\\d+-pip-[0-9a-f]{64}$`),
    );
    expect(first.outputs['cache-hit']).toBe('false');
    expect(JSON.parse(first.state['dependency-cache']!)).toEqual({ key, paths: [pipCache] });
    const firstPost = await runAction(repo1, inputs, event, job, first.state);
    expect({ code: firstPost.code, tail: firstPost.stdout.slice(-2000) }).toMatchObject({
      code: 0,
    });
    expect(firstPost.stdout).toContain(`dependency cache saved: ${key}`);
    expect(firstPost.stdout).not.toContain('passed'); // the post step runs no test
    expect(cache.calls()).toEqual([
      `GetCacheEntryDownloadURL ${key} 200`,
      `CreateCacheEntry ${key} 200`,
      'blob-upload 201',
      `FinalizeCacheEntryUpload ${key} 200`,
    ]);
    expect(cache.entries).toMatchObject([{ key, scope: 'refs/heads/feature', finalized: true }]);

    // A fresh runner: no pip cache on disk. The restore brings the wheel back before the install.
    rmSync(pipCache, { recursive: true, force: true });
    cache.requests.length = 0;
    const repo2 = prepare();
    const second = await runAction(repo2, inputs, event, job);
    expect({ code: second.code, tail: second.stdout.slice(-2000) }).toMatchObject({ code: 0 });
    expect(second.stdout).toContain(`dependency cache restored: ${key}`);
    expect(second.stdout).toContain('dependency cache warm');
    expect(second.stdout.indexOf('dependency cache restored')).toBeLessThan(
      second.stdout.indexOf('dependency cache warm'),
    );
    expect(second.outputs['cache-hit']).toBe('true');
    expect(second.state['dependency-cache']).toBeUndefined();
    const secondPost = await runAction(repo2, inputs, event, job, second.state);
    expect(secondPost.code).toBe(0);
    expect(cache.calls()).toEqual([`GetCacheEntryDownloadURL ${key} 200`, 'blob-download 200']);
    expectRealRequests(scopes);
  }, 240_000);

  it('a PR shows the coverage change against the baseline a default-branch push saved', async () => {
    const mainScopes = { ref: 'refs/heads/main', reads: ['refs/heads/main'] };
    const prScopes = {
      ref: 'refs/pull/43/merge',
      reads: ['refs/pull/43/merge', 'refs/heads/main'],
    };
    // The push to main: its report becomes main's baseline.
    const mainRepo = checkout();
    const onMain = await runAction(
      mainRepo,
      baseInputs(),
      { repository: { default_branch: 'main' } },
      {
        ...cache.envFor(mainScopes),
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_SHA: HEAD1,
      },
    );
    expect({ code: onMain.code, tail: onMain.stdout.slice(-2000) }).toMatchObject({ code: 0 });
    const mainOracle = coveragePy(mainRepo);
    const baselineKey = `tg-devops-coverage-coverage:main:${HEAD1}`;
    expect(onMain.stdout).toContain(`coverage baseline of main saved: ${baselineKey}`);
    expect(existsSync(join(mainRepo, '.tg-devops'))).toBe(false); // nothing left in the checkout
    expect(cache.entries).toMatchObject([
      { key: baselineKey, scope: 'refs/heads/main', finalized: true },
    ]);

    // The PR adds a test: coverage goes up, per file and in total.
    openPull(43, HEAD2);
    const prRepo = checkout({
      'test_more.py': [
        'from bot import handlers',
        '',
        'def test_admin():',
        '    assert handlers.admin_only(1, {1}) == "ok"',
        '    assert handlers.admin_only(2, {1}) == "denied"',
        '',
      ].join('\n'),
    });
    cache.requests.length = 0;
    const pr = await runAction(
      prRepo,
      baseInputs(),
      { pull_request: { number: 43, head: { sha: HEAD2 }, base: { ref: 'main' } } },
      {
        ...cache.envFor(prScopes),
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REF: 'refs/pull/43/merge',
        GITHUB_BASE_REF: 'main',
        GITHUB_SHA: HEAD2,
      },
    );
    expect({ code: pr.code, tail: pr.stdout.slice(-2000) }).toMatchObject({ code: 0 });
    const prOracle = coveragePy(prRepo);
    expect(cache.calls()).toEqual([
      `GetCacheEntryDownloadURL tg-devops-coverage-coverage:main:${HEAD2} 200`,
      'blob-download 200',
    ]);
    expect(cache.requests[0]!.body!.restore_keys).toEqual(['tg-devops-coverage-coverage:main:']);
    expectRealRequests(prScopes);

    // The change as coverage.py counts it, in points with two decimals.
    const points = prOracle.totals.percent - mainOracle.totals.percent;
    expect(points).toBeGreaterThan(0);
    const shown = `+${(Math.round(points * 100) / 100).toFixed(2)}`;
    expect(pr.outputs['coverage-change']).toBe(shown);
    const comment = github.comments.filter((c) => c.issue === 43)[0]!;
    expect(comment.body).toContain(
      `coverage ${floor2(prOracle.totals.percent)}% (${shown} against main)`,
    );
    expect(comment.body).toContain(
      `| Against main | ${shown} points (main: ${floor2(mainOracle.totals.percent)}%, ${mainOracle.totals.covered} of ${mainOracle.totals.statements} lines) |`,
    );
    const handlersBefore = mainOracle.files['bot/handlers.py']!.percent;
    const handlersAfter = prOracle.files['bot/handlers.py']!.percent;
    expect(comment.body).toContain(
      `| \`bot-app/bot/handlers.py\` | ${floor2(handlersBefore)}% | ${floor2(handlersAfter)}% | +${(Math.round((handlersAfter - handlersBefore) * 100) / 100).toFixed(2)} |`,
    );
    expect(existsSync(join(prRepo, '.tg-devops'))).toBe(false);
  }, 240_000);
});
