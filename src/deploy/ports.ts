/**
 * What the engine needs from the host layer (src/host, the SSH engineer's) and the traffic
 * switch (src/proxy, the traffic-switch engineer's), through the agreed interfaces. The engine
 * takes them as injected dependencies: the real modules in production (`hostPrimitives`), small
 * stand-ins in unit tests.
 */
import type { Executor } from '../exec.js';
import { writeFileAtomic } from '../host/files.js';
import { acquireLock, type HeldLock, type LockHolder, type LockOptions } from '../host/lock.js';
import {
  appendAudit,
  appPaths,
  readState,
  writeState,
  type AppPaths,
  type AppState,
  type AuditEntry,
} from '../host/state.js';

export type { AppPaths, AppState, AuditEntry, Release } from '../host/state.js';
export type { HeldLock, LockHolder, LockOptions } from '../host/lock.js';
export type { Backend, Color, ProxySettings, TrafficProxy } from '../proxy/types.js';

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

export const hostPrimitives: HostPrimitives = {
  appPaths,
  readState,
  writeState,
  appendAudit,
  acquireLock,
  writeFileAtomic,
};
