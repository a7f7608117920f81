/**
 * Our workflows' `run:` scripts executed the way a runner executes them
 * (`bash --noprofile --norc -eo pipefail FILE`, values only through env, GITHUB_OUTPUT and
 * RUNNER_TEMP), and the git repositories the release steps work on: a shallow clone of this
 * repository (as actions/checkout makes one) pushing to a bare remote in a temp dir.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './repo.js';

/** The `run:` script of a step (by name or id) of .github/workflows/<workflow>. */
export function stepScript(workflow: string, job: string, step: string): string {
  const doc = parse(readFileSync(join(ROOT, '.github/workflows', workflow), 'utf8')) as {
    jobs: Record<string, { steps?: { name?: string; id?: string; run?: string }[] }>;
  };
  const found = doc.jobs[job]?.steps?.find((s) => s.name === step || s.id === step);
  if (!found?.run) throw new Error(`${workflow}: no run step ${step} in job ${job}`);
  return found.run;
}

export interface StepRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT as the script left it. */
  output: string;
  /** GITHUB_OUTPUT's `name=value` lines. */
  outputs: Record<string, string>;
}

const unique = () => Math.random().toString(36).slice(2);

/**
 * Runs a step's script like the runner, in `dir` (its HOME and RUNNER_TEMP too) unless `cwd` says
 * otherwise. Asynchronous, so that stand-in servers in the test's process can answer it.
 */
export function runStep(
  body: string,
  env: Record<string, string>,
  where: { dir: string; cwd?: string },
): Promise<StepRun> {
  const file = join(where.dir, `step-${unique()}.sh`);
  const outputFile = join(where.dir, `output-${unique()}`);
  writeFileSync(file, body);
  writeFileSync(outputFile, '');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
      cwd: where.cwd ?? where.dir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: where.dir,
        GITHUB_OUTPUT: outputFile,
        RUNNER_TEMP: where.dir,
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const output = readFileSync(outputFile, 'utf8');
      const outputs = Object.fromEntries(
        output
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      resolve({ status, stdout, stderr, output, outputs });
    });
  });
}

/**
 * The env release.yml's notify step gets for a release of shop-bot v1.4.0 that went live on
 * production, with no chat and no webhook: tests set those and the outcome they are about.
 */
export const RELEASE_NOTIFY_ENV: Readonly<Record<string, string>> = {
  TELEGRAM_TOKEN: '',
  TELEGRAM_API_URL: 'http://127.0.0.1:9',
  CHAT_ID: '',
  APP: 'shop-bot',
  VERSION: 'v1.4.0',
  ENVIRONMENT: 'production',
  RESOLVE: 'success',
  PRERELEASE: 'false',
  DEPLOY: 'success',
  PROMOTE: 'success',
  ROLLBACK: 'skipped',
  REASON: '',
  REFUSAL: '',
  IMAGE: 'ghcr.io/o/shop-bot@sha256:abc',
  RUN_URL: 'https://github.com/o/shop-bot/actions/runs/7',
  COMMIT_URL: 'https://github.com/o/shop-bot/commit/abc',
};

/** A fixed author and committer, so commits work without a user's git config. */
export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

/** `git ARGS` in `cwd`; its trimmed stdout, or an error with its stderr. */
export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_IDENTITY },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * `<dir>/work`: a shallow clone of this repository (CI's checkout is shallow too) whose origin is
 * `<dir>/remote.git`, a bare repository holding its HEAD as main.
 */
export function cloneWithRemote(dir: string): { work: string; remote: string } {
  const remote = join(dir, 'remote.git');
  const work = join(dir, 'work');
  git(dir, 'clone', '-q', '--depth', '1', `file://${ROOT}`, work);
  git(dir, 'init', '-q', '--bare', remote);
  git(remote, 'config', 'receive.shallowUpdate', 'true'); // accepts the shallow clone's push
  git(work, 'remote', 'set-url', 'origin', remote);
  git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
  return { work, remote };
}
