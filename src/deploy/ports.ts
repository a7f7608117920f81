import type { Clock } from '../clock.js';
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';

/**
 * What the engine needs from the host layer (src/host, the SSH engineer's) and the traffic
 * switch (src/proxy, the traffic-switch engineer's), as the agreed interfaces. The engine takes
 * these as injected dependencies, so it runs against the real modules in production and against
 * small stand-ins in unit tests.
 */

export type Color = 'blue' | 'green';

export interface Release {
  id: string;
  image: string;
  color?: Color;
  port?: number;
  container: string;
  startedAt: string;
  version?: string;
  irreversibleMigration?: boolean;
  strategy: string;
}

export interface AppState {
  app: string;
  current?: Release;
  previous?: Release;
  history: Release[];
}

export interface AppPaths {
  dir: string;
  state: string;
  lock: string;
  audit: string;
  envFile: string;
  backups: string;
}

export interface LockHolder {
  runId: string;
  actor: string;
  pid?: number;
  host?: string;
  startedAt: string;
  url?: string;
}

export interface HeldLock {
  release(): Promise<void>;
  refresh(): Promise<void>;
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  release?: string;
  image?: string;
  result: 'ok' | 'failed' | 'rolled-back';
  detail?: string;
  url?: string;
  [key: string]: unknown;
}

export interface LockOptions {
  ttlSeconds: number;
  timeoutSeconds: number;
  clock: Clock;
  log: Log;
}

/** The host primitives (src/host/{files,lock,state}.ts) the engine calls. */
export interface HostPrimitives {
  appPaths(stateBase: string, app: string): AppPaths;
  readState(exec: Executor, paths: AppPaths): Promise<AppState>;
  writeState(exec: Executor, paths: AppPaths, state: AppState): Promise<void>;
  appendAudit(exec: Executor, paths: AppPaths, entry: AuditEntry): Promise<void>;
  acquireLock(
    exec: Executor,
    lockDir: string,
    holder: LockHolder,
    options: LockOptions,
  ): Promise<HeldLock>;
  writeFileAtomic(exec: Executor, path: string, content: string, mode?: string): Promise<void>;
}

export interface Backend {
  color: Color;
  port: number;
  weight: number;
}

/** The traffic switch (src/proxy): nginx include + reload, or HAProxy's runtime API. */
export interface TrafficProxy {
  readonly kind: 'nginx' | 'haproxy';
  current(exec: Executor): Promise<Backend[]>;
  route(exec: Executor, backends: Backend[]): Promise<void>;
  drain(exec: Executor, color: Color, seconds: number, clock: Clock): Promise<void>;
}

export function otherColor(color: Color | undefined): Color {
  return color === 'blue' ? 'green' : 'blue';
}
