import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { readArtifact, toArtifact } from '../../src/coverage/artifact.js';
import { baselineKeys, compareCoverage, formatDelta } from '../../src/coverage/baseline.js';
import { diffCoverage, lineRanges } from '../../src/coverage/diff-coverage.js';
import { parseJUnit } from '../../src/coverage/junit.js';
import { parseCoverage } from '../../src/coverage/load.js';
import { formatPercent, percent, ReportError, totalsOf } from '../../src/coverage/model.js';
import {
  type Outcome,
  renderMarkdown,
  testFailure,
  thresholdFailures,
} from '../../src/coverage/outcome.js';
import { mapToRepo } from '../../src/coverage/paths.js';
import type { Clock } from '../../src/clock.js';
import { errorMessage, StepError } from '../../src/errors.js';
import type { Executor } from '../../src/exec.js';
import type { GitHubApi } from '../../src/github/api.js';
import type { CacheStore } from '../../src/github/cache.js';
import type { Log } from '../../src/log.js';
import { postgresReady, type PostgresTarget } from '../../src/testrun/postgres.js';
import {
  commentMarker,
  fetchChangedFiles,
  fetchPullHead,
  parseRepository,
  type RepoRef,
  upsertComment,
} from '../../src/testrun/pull-request.js';
import { redisReady, type RedisTarget } from '../../src/testrun/redis.js';
import {
  cacheDirQuery,
  chooseManager,
  defaultCacheDir,
  dependencyFiles,
  dependencyKeys,
  hashDependencyFiles,
  listCandidateFiles,
  parseCacheDir,
  parsePythonVersion,
  PYTHON_VERSION_ARGS,
  pythonOf,
} from '../../src/testrun/dependency-cache.js';
import { testEnvironment } from '../../src/testrun/env.js';
import { waitForService } from '../../src/testrun/wait.js';
import type { Inputs } from './inputs.js';

export interface Deps {
  exec: Executor;
  clock: Clock;
  log: Log;
  api: (token: string) => GitHubApi;
  summary: (markdown: string) => void;
  outputs: (values: Record<string, string | number | undefined>) => void;
  readFile?: (path: string) => string | undefined;
  writeFile?: (path: string, text: string) => void;
  removeFile?: (path: string) => void;
  exists?: (path: string) => boolean;
  postgresReady?: (target: PostgresTarget, timeoutMs: number) => Promise<void>;
  redisReady?: (target: RedisTarget, timeoutMs: number) => Promise<void>;
  /** The job's environment, to decide what the test command must not inherit. */
  environment?: Record<string, string | undefined>;
  /** GitHub's Actions cache (dependency cache, coverage baseline); absent: no caching. */
  cache?: CacheStore;
  /** Hands the dependency cache's key and paths to the post step, which saves it. */
  saveState?: (name: string, value: string) => void;
}

/** The state the main step leaves for the post step: what to save under which key. */
export const DEPENDENCY_STATE = 'dependency-cache';
interface DependencyState {
  key: string;
  paths: string[];
}

/** Where the coverage baseline travels through the cache, relative to the workspace (the cwd). */
export const baselinePath = (commentId: string) => `.tg-devops/coverage-baseline-${commentId}.json`;

const readIfExists = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
const writeWithDirs = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

export async function run(inputs: Inputs, deps: Deps): Promise<void> {
  if (inputs.mode === 'post') return post(inputs, deps);
  const { log } = deps;
  const read = deps.readFile ?? readIfExists;
  const cwd = resolve(inputs.workspace, inputs.workingDirectory);
  const repo = inputs.repository ? parseRepository(inputs.repository) : undefined;
  // The URLs are masked whole; a driver's error may print the password alone, decoded.
  for (const password of [inputs.postgres?.password, inputs.redis?.password]) {
    if (password && password.length > 3) log.secret(password);
  }

  await log.group('Waiting for services', async () => {
    const options = { clock: deps.clock, log, timeoutMs: inputs.servicesTimeoutSeconds * 1000 };
    const pg = inputs.postgres;
    if (pg) {
      const ready = deps.postgresReady ?? postgresReady;
      await waitForService(
        { name: 'Postgres', address: address(pg), probe: (t) => ready(pg, t) },
        options,
      );
    }
    const redis = inputs.redis;
    if (redis) {
      const ready = deps.redisReady ?? redisReady;
      await waitForService(
        { name: 'Redis', address: address(redis), probe: (t) => ready(redis, t) },
        options,
      );
    }
    if (!pg && !redis) log.info('no database-url or redis-url given: nothing to wait for');
  });

  const urls: Record<string, string> = {};
  if (inputs.databaseUrl) urls.DATABASE_URL = inputs.databaseUrl;
  if (inputs.redisUrl) urls.REDIS_URL = inputs.redisUrl;
  const env = testEnvironment(deps.environment ?? process.env, urls);
  await installDependencies(inputs, deps, cwd, env);
  const result = await log.group(`Running ${inputs.testCommand.join(' ')}`, () =>
    deps.exec.run(inputs.testCommand, {
      cwd,
      env,
      allowFailure: true,
      onLine: (line) => log.info(line),
    }),
  );
  log.info(`the test command exited ${result.exitCode}`);

  const reportText = (input: string, file: string) => {
    const path = resolve(cwd, file);
    const text = read(path);
    if (text === undefined) {
      throw new ReportError(
        file,
        `not found (${input}, looked in ${path}); the test command exited ${result.exitCode} without writing it`,
      );
    }
    return text;
  };
  const junitText = reportText('junit-file', inputs.junitFile);
  const coverageText = reportText('coverage-file', inputs.coverageFile);
  const tests = parseJUnit(junitText, inputs.junitFile);
  const coverage = parseCoverage(coverageText, inputs.coverageFile, inputs.coverageFormat);
  const exists = deps.exists ?? existsSync;
  const mapped = mapToRepo(coverage.files, {
    repoRoot: inputs.workspace,
    workingDirectory: relative(inputs.workspace, cwd),
    sources: coverage.sources,
    exists: (p) => exists(join(inputs.workspace, p)),
  });

  const outcome: Outcome = {
    tests,
    exitCode: result.exitCode,
    coverage: totalsOf(mapped.files.values()),
    diff: null,
    headSha: inputs.headSha || undefined,
  };
  if (inputs.prNumber === null) outcome.diffNote = 'not a pull request';
  else if (!repo || !inputs.githubToken) outcome.diffNote = 'no github-token to read the PR diff';
  else {
    try {
      const changed = await fetchChangedFiles(deps.api(inputs.githubToken), repo, inputs.prNumber);
      outcome.diff = diffCoverage(mapped.files, changed, mapped.verified);
    } catch (error) {
      outcome.diffNote = 'the PR diff could not be read';
      log.warn(`could not read the PR diff: ${errorMessage(error)}`);
    }
  }

  if (inputs.coverageBaseline) {
    if (isDefaultBranchPush(inputs)) {
      // A failing run's coverage is not what the branch covers: it sets no baseline.
      if (testFailure(outcome)) log.info('the tests failed: no coverage baseline saved');
      else await saveBaseline(inputs, deps, mapped.files, tests, result.exitCode);
    } else if (inputs.mode === 'run' && inputs.prNumber !== null) {
      await compareWithBaseline(inputs, deps, outcome, mapped.files);
    }
  }

  if (inputs.mode === 'collect') {
    const path = isAbsolute(inputs.reportFile)
      ? inputs.reportFile
      : resolve(inputs.workspace, inputs.reportFile);
    const artifact = toArtifact({
      pr: inputs.prNumber,
      headSha: inputs.headSha || null,
      exitCode: result.exitCode,
      files: mapped.files,
      tests,
    });
    (deps.writeFile ?? writeWithDirs)(path, JSON.stringify(artifact));
    log.info(`wrote the report for the commenting workflow to ${path}`);
    deps.outputs({ 'report-path': path });
  }

  const canComment = inputs.mode === 'run' && inputs.comment;
  await publish(outcome, inputs, deps, {
    repo,
    pr: inputs.prNumber,
    comment: canComment ? 'try' : 'no',
    annotate: true,
  });
  const problems = [testFailure(outcome), ...thresholdFailures(outcome, inputs)].filter(
    (p): p is string => p !== undefined,
  );
  if (problems.length) throw new StepError('tg-devops test', problems.join('; '));
}

/** The commenting side of the fork path: reads the collected report, never runs PR code. */
async function post(inputs: Inputs, deps: Deps): Promise<void> {
  const { log } = deps;
  const read = deps.readFile ?? readIfExists;
  const path = resolve(inputs.workspace, inputs.reportFile);
  const text = read(path);
  if (text === undefined) {
    throw new ReportError(
      inputs.reportFile,
      `not found (report-file, looked in ${path}): download the artifact that mode collect wrote`,
    );
  }
  const artifact = readArtifact(text, inputs.reportFile);
  if (!inputs.repository) throw new StepError('post', 'GITHUB_REPOSITORY is not set');
  const repo = parseRepository(inputs.repository);
  const pr = inputs.prNumber ?? artifact.pr;
  if (pr === null) throw new StepError('post', 'no PR number in pr-number or in the report');
  if (artifact.headSha && artifact.headSha !== inputs.headSha) {
    throw new StepError(
      'post',
      `the report is for commit ${artifact.headSha}, not for the tested run's ${inputs.headSha}: not posting`,
    );
  }
  const api = deps.api(inputs.githubToken);
  const head = await fetchPullHead(api, repo, pr);
  if (head !== inputs.headSha) {
    throw new StepError(
      'post',
      `PR #${pr} is at ${head || 'an unknown commit'}, but the tested run was ${inputs.headSha}: not posting (a newer push will post its own report)`,
    );
  }
  const changed = await fetchChangedFiles(api, repo, pr);
  const outcome: Outcome = {
    tests: artifact.tests,
    exitCode: artifact.exitCode,
    coverage: totalsOf(artifact.files.values()),
    diff: diffCoverage(artifact.files, changed),
    headSha: inputs.headSha,
  };
  log.info(`posting the report of ${inputs.headSha} to PR #${pr}`);
  await publish(outcome, inputs, deps, { repo, pr, comment: 'must', annotate: false });
}

async function publish(
  outcome: Outcome,
  inputs: Inputs,
  deps: Deps,
  where: { repo?: RepoRef; pr: number | null; comment: 'no' | 'try' | 'must'; annotate: boolean },
): Promise<void> {
  const { log } = deps;
  const thresholds = thresholdFailures(outcome, inputs);
  const marker = commentMarker(inputs.commentId);
  const markdown = renderMarkdown(outcome, { marker, thresholdFailures: thresholds });
  deps.summary(markdown);

  const total = percent(outcome.coverage);
  const diff = outcome.diff ? percent(outcome.diff.totals) : null;
  deps.outputs({
    'coverage-change':
      outcome.change?.delta == null
        ? ''
        : formatDelta(outcome.change.delta).replace('−', '-').replace('±', ''),
    coverage: total === null ? '' : formatPercent(total).replace('%', ''),
    'diff-coverage': diff === null ? '' : formatPercent(diff).replace('%', ''),
    tests: outcome.tests.tests,
    failures: outcome.tests.failures + outcome.tests.errors,
    skipped: outcome.tests.skipped,
  });
  log.info(
    `tests ${outcome.tests.tests}, failures ${outcome.tests.failures + outcome.tests.errors}, skipped ${outcome.tests.skipped}; coverage ${formatPercent(total)}; diff coverage ${formatPercent(diff)}`,
  );

  if (where.annotate && outcome.diff) {
    let annotated = 0;
    let skipped = 0;
    for (const file of outcome.diff.files) {
      for (const [start, end] of lineRanges(file.uncovered)) {
        if (annotated >= inputs.maxAnnotations) {
          skipped++;
          continue;
        }
        annotated++;
        const lines = start === end ? `Line ${start} is` : `Lines ${start}-${end} are`;
        log.warn(`${lines} changed in this PR but no test runs ${start === end ? 'it' : 'them'}`, {
          title: 'Uncovered changed lines',
          file: file.path,
          startLine: start,
          endLine: end,
        });
      }
    }
    if (skipped) {
      log.info(
        `${skipped} more uncovered ranges not annotated (max-annotations ${inputs.maxAnnotations})`,
      );
    }
  }

  if (where.comment === 'no') return;
  if (where.pr === null || !where.repo) {
    if (where.comment === 'must') throw new StepError('comment', 'no PR to comment on');
    return;
  }
  if (!inputs.githubToken) {
    log.info('no github-token: not commenting');
    return;
  }
  try {
    const comment = await upsertComment(
      deps.api(inputs.githubToken),
      where.repo,
      where.pr,
      marker,
      markdown,
    );
    log.info(`${comment.action} the coverage comment on PR #${where.pr}: ${comment.url}`);
    deps.outputs({ 'comment-url': comment.url });
  } catch (error) {
    if (where.comment === 'must') throw error;
    const readOnly = /HTTP 403/.test(errorMessage(error));
    log.warn(
      readOnly
        ? `the token cannot comment on PR #${where.pr} (a fork PR's token is read-only): the report is in the job summary; to comment on fork PRs use mode collect and mode post (docs/fork-prs.md)`
        : `could not comment on PR #${where.pr}: ${errorMessage(error)}`,
    );
  }
}

/**
 * Restores the dependency cache (keyed like setup-python's), then runs install-command. The
 * post step saves the cache when the restore was not an exact hit.
 */
async function installDependencies(
  inputs: Inputs,
  deps: Deps,
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<void> {
  const { log } = deps;
  // cache: auto manages a cache only around this action's own install-command.
  const wantsCache =
    inputs.cache !== 'none' && (inputs.installCommand.length > 0 || inputs.cache !== 'auto');
  let toSave: DependencyState | undefined;
  if (wantsCache) {
    await log.group('Dependency cache', async () => {
      if (!deps.cache?.available()) {
        log.info('this runner offers no cache service: dependencies are not cached');
        return;
      }
      const files = listCandidateFiles(cwd);
      const manager = chooseManager(inputs.cache, files);
      const keyFiles = manager ? dependencyFiles(manager, files) : [];
      if (!manager || keyFiles.length === 0) {
        const problem = `no dependency file (requirements*.txt, pyproject.toml, uv.lock, poetry.lock) in ${inputs.workingDirectory}: nothing to key the cache on`;
        if (inputs.cache === 'auto') log.info(`cache: ${problem}`);
        else log.warn(`cache: ${inputs.cache}: ${problem}`);
        return;
      }
      const python = pythonOf(inputs.testCommand);
      const probe = await deps.exec.run([python, ...PYTHON_VERSION_ARGS], {
        cwd,
        env,
        allowFailure: true,
      });
      const pythonVersion = probe.exitCode === 0 ? parsePythonVersion(probe.stdout) : undefined;
      if (!pythonVersion) {
        log.warn(
          `cache: could not read the Python version from ${python}: dependencies are not cached`,
        );
        return;
      }
      const asked = await deps.exec.run(cacheDirQuery(manager, python), {
        cwd,
        env,
        allowFailure: true,
      });
      const dir =
        (asked.exitCode === 0 && parseCacheDir(asked.stdout)) || defaultCacheDir(manager, env);
      const paths = manager === 'poetry' ? [dir, join(cwd, '.venv')] : [dir];
      const { key, restoreKeys } = dependencyKeys({
        manager,
        runnerOs: env.RUNNER_OS || (deps.environment ?? process.env).RUNNER_OS || process.platform,
        arch: process.arch,
        pythonVersion,
        hash: hashDependencyFiles(cwd, keyFiles),
      });
      log.info(
        `${manager} cache of ${paths.join(', ')}, keyed on ${keyFiles.join(', ')} and Python ${pythonVersion}`,
      );
      const matched = await deps.cache.restore(paths, key, restoreKeys);
      const hit = matched === key;
      log.info(
        hit
          ? `dependency cache restored: ${key}`
          : matched
            ? `dependency cache restored from ${matched}; saved as ${key} after the job`
            : `no dependency cache for ${key} yet; saved after the job`,
      );
      deps.outputs({ 'cache-hit': hit ? 'true' : 'false' });
      if (!hit) toSave = { key, paths };
    });
  }
  // The post step saves only what a finished install left: a failed one may be half-written.
  const handOver = () => {
    if (toSave) deps.saveState?.(DEPENDENCY_STATE, JSON.stringify(toSave));
  };
  if (!inputs.installCommand.length) return handOver();
  const install = await log.group(`Installing: ${inputs.installCommand.join(' ')}`, () =>
    deps.exec.run(inputs.installCommand, {
      cwd,
      env,
      allowFailure: true,
      onLine: (line) => log.info(line),
    }),
  );
  if (install.exitCode !== 0) {
    throw new StepError(
      'install-command',
      `\`${inputs.installCommand.join(' ')}\` exited ${install.exitCode}`,
    );
  }
  handOver();
}

/** The post step: saves the dependency cache the main step restored without an exact hit. */
export async function saveDependencyCache(
  getState: (name: string) => string,
  cache: CacheStore,
  log: Log,
): Promise<void> {
  const raw = getState(DEPENDENCY_STATE);
  if (!raw) return;
  const state = JSON.parse(raw) as DependencyState;
  if (!cache.available()) return;
  const saved = await cache.save(state.paths, state.key);
  log.info(
    saved ? `dependency cache saved: ${state.key}` : `dependency cache not saved (${state.key})`,
  );
}

function isDefaultBranchPush(inputs: Inputs): boolean {
  return (
    inputs.eventName === 'push' &&
    inputs.defaultBranch !== '' &&
    inputs.ref === `refs/heads/${inputs.defaultBranch}`
  );
}

/** On a push to the default branch: this run's report becomes the branch's newest baseline. */
async function saveBaseline(
  inputs: Inputs,
  deps: Deps,
  files: Map<string, import('../../src/coverage/model.js').LineHits>,
  tests: import('../../src/coverage/model.js').TestResults,
  exitCode: number,
): Promise<void> {
  const { log } = deps;
  if (!deps.cache?.available() || !inputs.sha) return;
  const relativePath = baselinePath(inputs.commentId);
  const path = join(inputs.workspace, relativePath);
  const { key } = baselineKeys(inputs.commentId, inputs.defaultBranch, inputs.sha);
  (deps.writeFile ?? writeWithDirs)(
    path,
    JSON.stringify(toArtifact({ pr: null, headSha: inputs.sha, exitCode, files, tests })),
  );
  try {
    const saved = await deps.cache.save([relativePath], key);
    log.info(
      saved
        ? `coverage baseline of ${inputs.defaultBranch} saved: ${key}`
        : `coverage baseline of ${inputs.defaultBranch} not saved (${key})`,
    );
  } finally {
    (deps.removeFile ?? removeFile)(path);
  }
}

/** On a PR: the base branch's newest baseline, compared file by file with this run. */
async function compareWithBaseline(
  inputs: Inputs,
  deps: Deps,
  outcome: Outcome,
  files: Map<string, import('../../src/coverage/model.js').LineHits>,
): Promise<void> {
  const { log } = deps;
  if (!inputs.baseBranch) return;
  if (!deps.cache?.available()) {
    outcome.changeNote = 'no cache service on this runner';
    return;
  }
  const relativePath = baselinePath(inputs.commentId);
  const path = join(inputs.workspace, relativePath);
  const { key, prefix } = baselineKeys(inputs.commentId, inputs.baseBranch, inputs.headSha || 'pr');
  try {
    const matched = await deps.cache.restore([relativePath], key, [prefix]);
    const text = matched ? (deps.readFile ?? readIfExists)(path) : undefined;
    if (!matched || text === undefined) {
      outcome.changeNote = `no coverage baseline of ${inputs.baseBranch} yet (saved by a push to it)`;
      log.info(`no coverage baseline of ${inputs.baseBranch} in the cache`);
      return;
    }
    const baseline = readArtifact(text, relativePath);
    outcome.change = compareCoverage(files, baseline.files, inputs.baseBranch);
    log.info(
      `coverage against ${inputs.baseBranch} (${matched}): ${formatDelta(outcome.change.delta)} points, ${outcome.change.files.length} files changed`,
    );
  } catch (error) {
    outcome.changeNote = 'the baseline could not be read';
    log.warn(`coverage baseline: ${errorMessage(error)}`);
  } finally {
    (deps.removeFile ?? removeFile)(path);
  }
}

/** Removes the baseline file and its folder when that is left empty: the checkout stays clean. */
const removeFile = (path: string) => {
  rmSync(path, { force: true });
  try {
    rmdirSync(dirname(path));
  } catch {
    // not empty, or already gone
  }
};

function address(target: { host: string; port: number }): string {
  return target.host.includes(':')
    ? `[${target.host}]:${target.port}`
    : `${target.host}:${target.port}`;
}
