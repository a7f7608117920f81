/**
 * Runs an action's TypeScript entry (actions/<name>/index.ts) the way a runner runs its bundle,
 * so integration tests hold the action's contract and not the engine's internals:
 *
 *  - INPUT_* for every input of <name>/action.yml: the given value, else the declared default
 *    (scripts/demo/run-action.ts's inputEnv, the same rule the runner follows);
 *  - fresh GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files and RUNNER_TEMP;
 *  - the child runs asynchronously, so the test's own servers (Bot API stand-ins, a socket relay)
 *    keep answering while it runs, and the test can watch its log and cancel it like the
 *    runner does (SIGINT, then SIGTERM 7.5 s later).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { inputEnv, parseCommandFile } from '../../scripts/demo/run-action.js';
import { ROOT } from './repo.js';

export interface EntryResult {
  /** Exit code, or null when a signal ended it. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Everything printed (stdout and stderr, in arrival order). */
  log: string;
  /** The ::error:: messages (unescaped). */
  errors: string[];
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
}

/** The actions these tests start by their entry (meta and build have their own harnesses). */
export type EntryName = 'deploy' | 'rollback' | 'verify' | 'test';

export interface EntryRun {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr, in arrival order). */
  log(): string;
  /** Resolves when a printed line matches (rejects when the run ends first, or after timeoutMs). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The runner's cancel: SIGINT now, SIGTERM 7.5 s later when it still runs. */
  cancel(): Promise<EntryResult>;
  done: Promise<EntryResult>;
}

const unescape = (s: string) =>
  s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');

/** Starts actions/<name>/index.ts with the inputs (and action.yml defaults for the rest). */
export function startEntry(
  name: EntryName,
  given: Record<string, string>,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): EntryRun {
  const actionYml = parse(readFileSync(join(ROOT, name, 'action.yml'), 'utf8')) as Parameters<
    typeof inputEnv
  >[0];
  const inputs = inputEnv(actionYml, given);
  const dir = mkdtempSync(join(tmpdir(), `tg-entry-${name}-`));
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  mkdirSync(join(dir, 'runner'));
  const child = spawn(
    process.execPath,
    ['--import', join(ROOT, 'scripts/ts-register.mjs'), join(ROOT, 'actions', name, 'index.ts')],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        RUNNER_TEMP: join(dir, 'runner'),
        GITHUB_ACTIONS: 'true',
        GITHUB_RUN_ID: `${process.pid}${Date.now() % 100000}`,
        GITHUB_ACTOR: 'acceptance-test',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'org/acceptance-bot',
        ...files,
        ...inputs,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  let all = '';
  const watchers = new Set<{ pattern: RegExp; resolve(line: string): void }>();
  const onText = (chunk: Buffer, which: 'out' | 'err') => {
    const text = chunk.toString('utf8');
    if (which === 'out') stdout += text;
    else stderr += text;
    all += text;
    for (const w of [...watchers]) {
      const line = all.split('\n').find((l) => w.pattern.test(l));
      if (line !== undefined) {
        watchers.delete(w);
        w.resolve(line);
      }
    }
  };
  child.stdout!.on('data', (c: Buffer) => onText(c, 'out'));
  child.stderr!.on('data', (c: Buffer) => onText(c, 'err'));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);

  const done = new Promise<EntryResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(killer);
      const read = (file: string) => parseCommandFile(readFileSync(file, 'utf8'));
      const result: EntryResult = {
        status,
        signal,
        stdout,
        stderr,
        log: all,
        errors: stdout
          .split('\n')
          .filter((l) => l.startsWith('::error'))
          .map((l) => unescape(l.replace(/^::error[^:]*::/, ''))),
        outputs: read(files.GITHUB_OUTPUT),
        state: read(files.GITHUB_STATE),
        summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
      };
      rmSync(dir, { recursive: true, force: true });
      resolve(result);
    });
  });
  let ended = false;
  void done.then(() => (ended = true));

  return {
    child,
    log: () => all,
    done,
    waitFor(pattern, timeoutMs = 120_000) {
      const line = all.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) return Promise.resolve(line);
      return new Promise<string>((resolve, reject) => {
        const watcher = {
          pattern,
          resolve: (l: string) => {
            clearTimeout(timer);
            resolve(l);
          },
        };
        const timer = setTimeout(() => {
          watchers.delete(watcher);
          reject(new Error(`no line matched ${pattern} within ${timeoutMs} ms:\n${all}`));
        }, timeoutMs);
        watchers.add(watcher);
        void done.then(() => {
          if (!watchers.has(watcher)) return;
          watchers.delete(watcher);
          clearTimeout(timer);
          reject(new Error(`the run ended before a line matched ${pattern}:\n${all}`));
        });
      });
    },
    async cancel() {
      if (!ended) child.kill('SIGINT');
      const term = setTimeout(() => {
        if (!ended) child.kill('SIGTERM');
      }, 7500);
      const result = await done;
      clearTimeout(term);
      return result;
    },
  };
}

/** Runs the entry to its end. */
export function runEntry(
  name: EntryName,
  given: Record<string, string>,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<EntryResult> {
  return startEntry(name, given, options).done;
}
