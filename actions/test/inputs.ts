import { readFileSync } from 'node:fs';
import { InputError, StepError } from '../../src/errors.js';
import { FORMATS, type FormatChoice } from '../../src/coverage/load.js';
import { getBool, getEnum, getInt, getSecret, getString } from '../../src/github/inputs.js';
import { parsePostgresUrl, type PostgresTarget } from '../../src/testrun/postgres.js';
import { parseRedisUrl, type RedisTarget } from '../../src/testrun/redis.js';
import { splitWords } from '../../src/testrun/words.js';
import { CACHE_MODES, type CacheMode } from '../../src/testrun/dependency-cache.js';

export const MODES = ['run', 'collect', 'post'] as const;
export type Mode = (typeof MODES)[number];

/** The only place this action reads its inputs. */
export interface Inputs {
  mode: Mode;
  workingDirectory: string;
  testCommand: string[];
  databaseUrl: string;
  postgres?: PostgresTarget;
  redisUrl: string;
  redis?: RedisTarget;
  servicesTimeoutSeconds: number;
  coverageFile: string;
  coverageFormat: FormatChoice;
  junitFile: string;
  minCoverage: number;
  minDiffCoverage: number;
  githubToken: string;
  prNumber: number | null;
  headSha: string;
  comment: boolean;
  commentId: string;
  maxAnnotations: number;
  reportFile: string;
  /** Run before the tests (after the dependency cache is restored), split like test-command. */
  installCommand: string[];
  cache: CacheMode;
  coverageBaseline: boolean;
  /** Points the total may move against the baseline (negative: a drop allowed); null: off. */
  minCoverageChange: number | null;
  /** From the runner: owner/repo and the checkout's absolute path. */
  repository: string;
  workspace: string;
  /** From the runner and the event: what was pushed, or the PR's base branch. */
  eventName: string;
  ref: string;
  sha: string;
  defaultBranch: string;
  baseBranch: string;
}

export const DEFAULT_COMMAND =
  'python -m pytest --cov --cov-report=xml:coverage.xml --junitxml=junit.xml';

export function readInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
  const mode = getEnum('mode', MODES, 'run');
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const commandLine = getString('test-command', DEFAULT_COMMAND);
  let testCommand: string[];
  try {
    testCommand = splitWords(commandLine);
  } catch (error) {
    throw new InputError('test-command', (error as Error).message);
  }
  const databaseUrl = getSecret('database-url').trim();
  const redisUrl = getSecret('redis-url').trim();
  const prRaw = getString('pr-number', event.pr === undefined ? '' : String(event.pr));
  if (prRaw !== '' && !/^[1-9]\d*$/.test(prRaw)) {
    throw new InputError('pr-number', `expected a PR number, got ${JSON.stringify(prRaw)}`);
  }
  const headSha = getString('head-sha', event.headSha ?? '');
  if (headSha !== '' && !/^[0-9a-f]{40}$/.test(headSha)) {
    throw new InputError('head-sha', 'expected a full 40-character commit SHA');
  }
  const installLine = getString('install-command');
  let installCommand: string[] = [];
  try {
    installCommand = installLine ? splitWords(installLine) : [];
  } catch (error) {
    throw new InputError('install-command', (error as Error).message);
  }
  const minChangeRaw = getString('min-coverage-change');
  if (minChangeRaw !== '' && !/^[-+]?\d+(\.\d+)?$/.test(minChangeRaw)) {
    throw new InputError(
      'min-coverage-change',
      `expected points of coverage such as -0.5 or 0 (empty turns it off), got ${JSON.stringify(minChangeRaw)}`,
    );
  }
  const commentId = getString('comment-id', 'coverage');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(commentId)) {
    throw new InputError('comment-id', 'use letters, digits, dot, dash or underscore (at most 64)');
  }
  const inputs: Inputs = {
    mode,
    workingDirectory: getString('working-directory', '.'),
    testCommand,
    databaseUrl,
    postgres: databaseUrl ? url('database-url', () => parsePostgresUrl(databaseUrl)) : undefined,
    redisUrl,
    redis: redisUrl ? url('redis-url', () => parseRedisUrl(redisUrl)) : undefined,
    servicesTimeoutSeconds: getInt('services-timeout', 60, { min: 1, max: 3600 }),
    coverageFile: getString('coverage-file', 'coverage.xml'),
    coverageFormat: getEnum('coverage-format', FORMATS, 'auto'),
    junitFile: getString('junit-file', 'junit.xml'),
    minCoverage: percentInput('min-coverage', getString('min-coverage', '0')),
    minDiffCoverage: percentInput('min-diff-coverage', getString('min-diff-coverage', '0')),
    githubToken: getSecret('github-token').trim(),
    prNumber: prRaw === '' ? null : Number(prRaw),
    headSha,
    comment: getBool('comment', true),
    commentId,
    maxAnnotations: getInt('max-annotations', 10, { min: 0, max: 50 }),
    reportFile: getString('report-file', 'tg-devops-coverage.json'),
    installCommand,
    cache: getEnum('cache', CACHE_MODES, 'auto'),
    coverageBaseline: getBool('coverage-baseline', true),
    minCoverageChange: minChangeRaw === '' ? null : Number(minChangeRaw),
    repository: env.GITHUB_REPOSITORY ?? '',
    workspace: env.GITHUB_WORKSPACE ?? '',
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    defaultBranch: event.defaultBranch ?? '',
    baseBranch: env.GITHUB_BASE_REF || event.baseRef || '',
  };
  if (mode === 'post') {
    if (!inputs.githubToken)
      throw new InputError('github-token', 'mode post needs a token to comment');
    if (!inputs.headSha) {
      throw new InputError(
        'head-sha',
        'mode post needs the tested commit (github.event.workflow_run.head_sha)',
      );
    }
  }
  if (!inputs.workspace) {
    // Not on a runner: refuse rather than run a test command in whatever directory this is.
    throw new StepError(
      'tg-devops test',
      'GITHUB_WORKSPACE is not set: run this action in a GitHub Actions job',
    );
  }
  return inputs;
}

function url<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    // The URL holds a password: say what is wrong without repeating it.
    const problem =
      (error as Error).name === 'TypeError' ? 'is not a valid URL' : (error as Error).message;
    throw new InputError(name, problem);
  }
}

function percentInput(name: string, raw: string): number {
  const value = Number(raw.replace(/%$/, ''));
  if (!/^\d+(\.\d+)?%?$/.test(raw) || value > 100) {
    throw new InputError(name, `expected a percentage from 0 to 100, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** The PR number, head commit and base branch of a pull_request event; the default branch. */
function readEvent(path: string | undefined): {
  pr?: number;
  headSha?: string;
  baseRef?: string;
  defaultBranch?: string;
} {
  if (!path) return {};
  try {
    const event = JSON.parse(readFileSync(path, 'utf8')) as {
      pull_request?: { number?: number; head?: { sha?: string }; base?: { ref?: string } };
      repository?: { default_branch?: string };
    };
    return {
      pr: event.pull_request?.number,
      headSha: event.pull_request?.head?.sha,
      baseRef: event.pull_request?.base?.ref,
      defaultBranch: event.repository?.default_branch,
    };
  } catch {
    return {};
  }
}
