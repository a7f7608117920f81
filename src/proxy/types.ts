import type { Clock } from '../clock.js';
import type { Executor } from '../exec.js';

/** The two slots an app's web process runs in; the new release goes to the idle one. */
export type Color = 'blue' | 'green';
export const COLORS: readonly Color[] = ['blue', 'green'];

export function otherColor(color: Color | undefined): Color {
  return color === 'blue' ? 'green' : 'blue';
}

/** What a proxy is, for the release record: its kind and, for haproxy, the app's frontend port. */
export interface ProxyDescription {
  kind: 'nginx' | 'haproxy';
  frontendPort?: number;
}

/** One color as the proxy routes it: always on 127.0.0.1. weight 0..100, 0 = no new requests. */
export interface Backend {
  color: Color;
  port: number;
  weight: number;
}

/** What a drain waits on. */
export interface DrainTarget {
  color: Color;
  port: number;
}

export interface NginxSettings {
  /** The directory nginx includes in its http block (`include <confDir>/*.conf;`). */
  confDir: string;
  /** e.g. ['nginx', '-t'] or ['docker', 'exec', 'nginx', 'nginx', '-t']. */
  testCommand: string[];
  /** e.g. ['nginx', '-s', 'reload'] or ['sudo', 'systemctl', 'reload', 'nginx']. */
  reloadCommand: string[];
}

export interface HaproxySettings {
  /** The runtime API socket (`stats socket <path> level admin` in the global section). */
  socket: string;
  /** The config file that holds this app's managed block (several apps may share one file). */
  configFile: string;
  /** Reloads HAProxy (only when an app's frontend/backend is new or its frontend port changed). */
  reloadCommand: string[];
  /** The loopback port of this app's HAProxy frontend; nginx's upstream points here. */
  frontendPort: number;
  /**
   * Checks a candidate config before it replaces configFile; `{config}` stands for the
   * candidate. Default ['haproxy', '-c', '-q', '-f', '{config}']. When configFile is an extra
   * file next to the main one: ['haproxy', '-c', '-q', '-f', '/etc/haproxy/haproxy.cfg', '-f', '{config}'].
   */
  checkCommand?: string[];
}

export interface ProxySettings {
  kind: 'nginx' | 'haproxy';
  app: string;
  nginx: NginxSettings;
  haproxy: HaproxySettings;
}

export interface RouteOptions {
  /** Apply even when the config already says so (undoing a route that may have taken effect). */
  force?: boolean;
}

export interface TrafficProxy {
  readonly kind: 'nginx' | 'haproxy';
  /** nginx's settings (both switches front the app with nginx): the webhook server block's too. */
  readonly nginx?: NginxSettings;
  /** What it routes now (a read-only probe); empty when the app is not set up. */
  current(exec: Executor): Promise<Backend[]>;
  /**
   * New requests follow the weights when it returns. Validates before changing anything, never
   * leaves a broken config live, and does nothing when the routing is already as asked.
   */
  route(exec: Executor, backends: Backend[], options?: RouteOptions): Promise<void>;
  /**
   * Waits until the backend (a color on its port) has no requests in flight, or the time is up.
   * It waits on the PORT given, whatever the proxy's config says now: after an nginx reload the
   * old workers still send to the old port for a moment. Returns what was still in flight.
   */
  drain(exec: Executor, backend: DrainTarget, seconds: number, clock: Clock): Promise<number>;
}

/** A TrafficProxy that can also take the app out of the proxy configuration (tests, teardown). */
export interface RemovableProxy extends TrafficProxy {
  /** Removes the app's include file / managed block and reloads; other apps are untouched. */
  remove(exec: Executor): Promise<void>;
}
