import { InputError, StepError } from '../errors.js';
import type { Executor } from '../exec.js';
import { appendFile, readFile, writeFileAtomic } from './files.js';
import { checkRemotePath } from './paths.js';
import { redactDeep } from '../redact.js';

/**
 * The webhook registration a deploy made (never the secret: getWebhookInfo cannot return it, so
 * its SHA-256 says whether it changed), and the server block it wrote (host paths, no secret).
 */
export interface RecordedWebhook {
  url: string;
  secretSha256?: string;
  allowedUpdates?: string[];
  maxConnections?: number;
  /** The nginx server block the deploy wrote for the url (tls-certificate, tls-key). */
  server?: { certificate: string; key: string; listenAddress?: string };
}

export interface Release {
  id: string;
  image: string;
  color?: 'blue' | 'green';
  port?: number;
  container: string;
  startedAt: string;
  version?: string;
  irreversibleMigration?: boolean;
  strategy: string;
  /** The traffic proxy it was deployed behind (absent in states written before it was recorded). */
  proxy?: 'nginx' | 'haproxy' | 'none';
  /** With proxy haproxy: the app's HAProxy frontend port. */
  haproxyFrontendPort?: number;
  /** The webhook registration (and server block) deployed with it; absent: none by the deploy. */
  webhook?: RecordedWebhook;
}

/**
 * A canary held for approval (canary-hold): the new release runs beside the current one and gets
 * `weight` percent of the traffic until `resume: promote` or `resume: abort`. The host lock is not
 * held across the hold (a person may take days); this record is what keeps a held host from a
 * concurrent deploy or rollback: both are refused while it exists, unless they resume it.
 */
export interface Hold {
  /** The held canary (not yet current: state.current still serves the rest). */
  release: Release;
  weight: number;
  /** ISO time the hold began. */
  since: string;
  /** The run that held it (GITHUB_RUN_ID, or local-PID for the CLI), who, and its URL. */
  runId: string;
  actor: string;
  url?: string;
}

export interface AppState {
  app: string;
  current?: Release;
  previous?: Release;
  history: Release[];
  /** A canary held for approval; absent when none is. */
  hold?: Hold;
}

/** One line of the audit history: who did what, when, from which run, and how it ended. */
export interface AuditEntry {
  /** ISO time. */
  at: string;
  /** GitHub actor. */
  actor: string;
  /** deploy, rollback, lock-takeover, ... */
  action: string;
  result: 'started' | 'success' | 'failure' | 'cancelled' | 'rolled-back' | (string & {});
  runId?: string;
  /** The workflow run URL. */
  url?: string;
  release?: string;
  image?: string;
  detail?: string;
}

export interface AppPaths {
  dir: string;
  state: string;
  lock: string;
  audit: string;
  envFile: string;
  backups: string;
}

export const DEFAULT_STATE_BASE = '/var/lib/tg-devops';
export const APP_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
/** How many past releases state.json keeps. */
export const HISTORY_LIMIT = 20;

/** Validates the app name (InputError 'app') and the base (InputError 'state-dir'). */
export function appPaths(stateBase: string, app: string): AppPaths {
  if (!APP_NAME.test(app) || app.includes('..')) {
    throw new InputError(
      'app',
      `'${app.slice(0, 80)}' is not a valid app name: lower-case letters, digits, '_', '.', '-', starting with a letter or digit, at most 63 characters`,
    );
  }
  let base: string;
  try {
    base = checkRemotePath(stateBase);
  } catch (error) {
    throw new InputError('state-dir', (error as Error).message);
  }
  if (base === '/') throw new InputError('state-dir', 'must not be /');
  const dir = `${base}/${app}`;
  return {
    dir,
    state: `${dir}/state.json`,
    lock: `${dir}/lock`,
    audit: `${dir}/audit.jsonl`,
    envFile: `${dir}/app.env`,
    backups: `${dir}/backups`,
  };
}

/** The app's state on the host; an empty state when none was written yet. A corrupt file throws. */
export async function readState(exec: Executor, paths: AppPaths): Promise<AppState> {
  const text = await readFile(exec, paths.state);
  const app = paths.dir.slice(paths.dir.lastIndexOf('/') + 1);
  if (text === undefined || text.trim() === '') return { app, history: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StepError(
      'state',
      `${exec.where}: ${paths.state} is not valid JSON (${(error as Error).message}); it was not written by tg-devops, fix or remove it by hand`,
    );
  }
  return checkState(data, paths.state, exec.where);
}

/** Writes state.json atomically (tmp + verified + rename), history capped at HISTORY_LIMIT. */
export async function writeState(exec: Executor, paths: AppPaths, state: AppState): Promise<void> {
  const trimmed: AppState = { ...state, history: state.history.slice(-HISTORY_LIMIT) };
  await writeFileAtomic(exec, paths.state, `${JSON.stringify(trimmed, null, 2)}\n`, '0600');
}

/** Records a new current release: the old current becomes previous, and both go into history. */
export function promote(state: AppState, release: Release): AppState {
  return {
    app: state.app,
    current: release,
    previous: state.current ?? state.previous,
    history: [...state.history.filter((r) => r.id !== release.id), release].slice(-HISTORY_LIMIT),
  };
}

/**
 * Appends one JSON line to the audit history (verified upload, then one append on the host).
 * Redacted first (src/redact.ts): a detail often quotes host output, which can carry tokens.
 */
export async function appendAudit(
  exec: Executor,
  paths: AppPaths,
  entry: AuditEntry,
): Promise<void> {
  const line = JSON.stringify(redactDeep(entry));
  await appendFile(exec, paths.audit, `${line}\n`);
}

/** The last `limit` audit entries, oldest first; lines that do not parse are skipped. */
export async function readAudit(
  exec: Executor,
  paths: AppPaths,
  limit = 50,
): Promise<AuditEntry[]> {
  const result = await exec.run(['tail', '-n', String(limit), '--', checkRemotePath(paths.audit)], {
    allowFailure: true,
  });
  if (result.exitCode !== 0) return [];
  const entries: AuditEntry[] = [];
  for (const line of result.stdout.split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as AuditEntry);
    } catch {
      // a line cut by a crash in an older writer: skip it
    }
  }
  return entries;
}

function checkState(data: unknown, file: string, where: string): AppState {
  const fail = (problem: string): never => {
    throw new StepError('state', `${where}: ${file}: ${problem}`);
  };
  if (!isObject(data)) return fail('is not a JSON object');
  if (typeof data.app !== 'string') fail('has no app name');
  const history = data.history ?? [];
  if (!Array.isArray(history)) return fail('history is not a list');
  for (const key of ['current', 'previous'] as const) {
    const release = data[key];
    if (release !== undefined && !isRelease(release)) fail(`${key} is not a release`);
  }
  if (!history.every(isRelease)) fail('history holds something that is not a release');
  if (data.hold !== undefined && !isHold(data.hold)) fail('hold is not a held canary');
  return {
    app: data.app as string,
    current: data.current as Release | undefined,
    previous: data.previous as Release | undefined,
    history: history as Release[],
    ...(data.hold !== undefined ? { hold: data.hold as Hold } : {}),
  };
}

function isHold(value: unknown): value is Hold {
  return (
    isObject(value) &&
    isRelease(value.release) &&
    typeof value.weight === 'number' &&
    value.weight > 0 &&
    value.weight < 100 &&
    typeof value.since === 'string' &&
    typeof value.runId === 'string' &&
    typeof value.actor === 'string'
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRelease(value: unknown): value is Release {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.image === 'string' &&
    typeof value.container === 'string' &&
    typeof value.startedAt === 'string' &&
    typeof value.strategy === 'string'
  );
}
