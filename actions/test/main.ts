import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { readArtifact, toArtifact } from '../../src/coverage/artifact.js';
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
  exists?: (path: string) => boolean;
  postgresReady?: (target: PostgresTarget, timeoutMs: number) => Promise<void>;
  redisReady?: (target: RedisTarget, timeoutMs: number) => Promise<void>;
  /** The job's environment, to decide what the test command must not inherit. */
  environment?: Record<string, string | undefined>;
}

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

function address(target: { host: string; port: number }): string {
  return target.host.includes(':')
    ? `[${target.host}]:${target.port}`
    : `${target.host}:${target.port}`;
}
