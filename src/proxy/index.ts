/**
 * The traffic switch: createProxy(settings) gives the deploy engine one TrafficProxy, nginx (the
 * baseline: include file, nginx -t, graceful reload) or haproxy (the zero-loss switch: runtime
 * API behind a fixed nginx upstream). See docs/adr/0004-traffic-switch.md.
 */
import { splitCommand } from '../command-line.js';
import { errorMessage, InputError } from '../errors.js';
import { PROXY_SETTING_DEFAULTS } from '../inputs/entries.js';
import { haproxyProxy, type HaproxyOptions } from './haproxy.js';
import { nginxProxy } from './nginx.js';
import type { ProxyDescription, ProxySettings, RemovableProxy, TrafficProxy } from './types.js';
import { validateSettings } from './validate.js';

export * from './types.js';
export { commandNotFound, runProxyCommand, type ProxyCommandInput } from './command.js';
export { validateBackends, validateSettings } from './validate.js';

export function createProxy(settings: ProxySettings, options: HaproxyOptions = {}): RemovableProxy {
  validateSettings(settings);
  const proxy =
    settings.kind === 'nginx'
      ? nginxProxy(settings.app, settings.nginx, options)
      : haproxyProxy(settings.app, settings.haproxy, settings.nginx, options);
  described.set(
    proxy,
    settings.kind === 'haproxy'
      ? { kind: 'haproxy', frontendPort: settings.haproxy.frontendPort }
      : { kind: 'nginx' },
  );
  return proxy;
}

// ---- settings from raw input strings (the actions' and the CLI's shared path) -----------------

/** The proxy inputs as the user gives them, keyed by input name (deploy, rollback, CLI config). */
export interface RawProxyInputs {
  'nginx-conf-dir': string;
  'nginx-test-command': string;
  'nginx-reload-command': string;
  'haproxy-socket': string;
  'haproxy-config': string;
  'haproxy-reload-command': string;
  /** `{config}` stands for the candidate file. */
  'haproxy-check-command': string;
  /** Empty when not given. */
  'haproxy-frontend-port': string;
}

/** The actions' defaults (deploy/action.yml, rollback/action.yml, the CLI config): the schema's. */
export const PROXY_INPUT_DEFAULTS: Readonly<RawProxyInputs> = PROXY_SETTING_DEFAULTS;

/** The haproxy-frontend-port input as a port; 0 when empty or not a port 1..65535. */
export function frontendPortFrom(raw: string): number {
  const port = raw ? Number(raw) : 0;
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : 0;
}

/**
 * ProxySettings from the raw inputs (pure): commands split into argv (never a shell), the
 * haproxy frontend port required with haproxy (`frontendPort` overrides the input: the port a
 * release recorded). Every problem is an InputError naming its input.
 */
export function proxySettingsFrom(
  kind: 'nginx' | 'haproxy',
  app: string,
  raw: RawProxyInputs,
  options: { frontendPort?: number; frontendPortHint?: string } = {},
): ProxySettings {
  const frontendPort = options.frontendPort ?? frontendPortFrom(raw['haproxy-frontend-port']);
  if (kind === 'haproxy' && !frontendPort)
    throw new InputError(
      'haproxy-frontend-port',
      `is required with proxy: haproxy (${options.frontendPortHint ?? "a free loopback port for the app's frontend"})`,
    );
  return {
    kind,
    app,
    nginx: {
      confDir: raw['nginx-conf-dir'],
      testCommand: splitCommand(raw['nginx-test-command'], 'nginx-test-command'),
      reloadCommand: splitCommand(raw['nginx-reload-command'], 'nginx-reload-command'),
    },
    haproxy: {
      socket: raw['haproxy-socket'],
      configFile: raw['haproxy-config'],
      reloadCommand: splitCommand(raw['haproxy-reload-command'], 'haproxy-reload-command'),
      checkCommand: splitCommand(raw['haproxy-check-command'], 'haproxy-check-command'),
      // nginx ignores it; validateSettings wants a port in range
      frontendPort: frontendPort || 1,
    },
  };
}

/** createProxy(proxySettingsFrom(...)), any refusal an InputError (naming 'proxy' when no input). */
export function proxyFrom(
  kind: 'nginx' | 'haproxy',
  app: string,
  raw: RawProxyInputs,
  options: { frontendPort?: number; frontendPortHint?: string; haproxy?: HaproxyOptions } = {},
): RemovableProxy {
  const settings = proxySettingsFrom(kind, app, raw, options);
  try {
    return createProxy(settings, options.haproxy);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('proxy', errorMessage(error));
  }
}

const described = new WeakMap<TrafficProxy, ProxyDescription>();

/** The kind of any TrafficProxy; the frontend port too when createProxy made it. */
export function describeProxy(proxy: TrafficProxy): ProxyDescription {
  return described.get(proxy) ?? { kind: proxy.kind };
}
