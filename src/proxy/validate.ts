import { InputError } from '../errors.js';
import { COLORS, type Backend, type ProxySettings } from './types.js';

/**
 * App names end up in file names (tg-<app>.upstream.conf), nginx upstream names (tg_<app>) and
 * HAProxy section names (fe_<app>, be_<app>): lower-case letters, digits, '-' and '_' only.
 */
export const APP_NAME = /^[a-z0-9][a-z0-9_-]{0,47}$/;

export function validateSettings(settings: ProxySettings): void {
  if (settings.kind !== 'nginx' && settings.kind !== 'haproxy')
    throw new InputError('proxy', `must be nginx or haproxy (got '${String(settings.kind)}')`);
  if (!APP_NAME.test(settings.app))
    throw new InputError(
      'app',
      `'${settings.app}' must be 1-48 of a-z, 0-9, '-', '_' (it names files and proxy sections)`,
    );
  const { nginx, haproxy } = settings;
  absolute('nginx-conf-dir', nginx.confDir);
  command('nginx-test-command', nginx.testCommand);
  command('nginx-reload-command', nginx.reloadCommand);
  if (settings.kind === 'haproxy') {
    absolute('haproxy-socket', haproxy.socket);
    // socat reads ':' and ',' in an address as syntax
    if (!/^\/[A-Za-z0-9._/@+-]+$/.test(haproxy.socket))
      throw new InputError(
        'haproxy-socket',
        `'${haproxy.socket}': letters, digits and ._/@+- only`,
      );
    absolute('haproxy-config', haproxy.configFile);
    command('haproxy-reload-command', haproxy.reloadCommand);
    port('haproxy-frontend-port', haproxy.frontendPort);
    if (haproxy.checkCommand) {
      command('haproxy-check-command', haproxy.checkCommand);
      if (!haproxy.checkCommand.includes('{config}'))
        throw new InputError('haproxy-check-command', "must name the candidate file as '{config}'");
    }
  }
}

/** Backends for route(): one or two distinct colors, ports 1..65535, weights 0..100, one > 0. */
export function validateBackends(backends: readonly Backend[]): Backend[] {
  if (!Array.isArray(backends) || backends.length < 1 || backends.length > 2)
    throw new InputError('backends', 'give one or two backends (blue, green)');
  const seen = new Set<string>();
  for (const b of backends) {
    if (!COLORS.includes(b.color))
      throw new InputError('backends', `color must be blue or green (got '${String(b.color)}')`);
    if (seen.has(b.color)) throw new InputError('backends', `color ${b.color} appears twice`);
    seen.add(b.color);
    port('backends', b.port);
    if (!Number.isInteger(b.weight) || b.weight < 0 || b.weight > 100)
      throw new InputError(
        'backends',
        `${b.color}: weight must be an integer 0..100 (got ${b.weight})`,
      );
  }
  if (backends.length === 2 && backends[0]!.port === backends[1]!.port)
    throw new InputError('backends', `blue and green share port ${backends[0]!.port}`);
  if (!backends.some((b) => b.weight > 0))
    throw new InputError('backends', 'every weight is 0: nothing would serve the requests');
  return [...backends]
    .map((b) => ({ color: b.color, port: b.port, weight: b.weight }))
    .sort((a, b) => COLORS.indexOf(a.color) - COLORS.indexOf(b.color));
}

function port(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new InputError(name, `port must be an integer 1..65535 (got ${value})`);
}

function absolute(name: string, value: string): void {
  if (typeof value !== 'string' || !value.startsWith('/') || /[\n\r\0]/.test(value))
    throw new InputError(name, `must be an absolute path (got '${String(value)}')`);
}

function command(name: string, argv: readonly string[]): void {
  if (!Array.isArray(argv) || argv.length === 0 || !argv[0])
    throw new InputError(name, 'must be a non-empty command (argv)');
  if (argv.some((a) => typeof a !== 'string' || a.includes('\0')))
    throw new InputError(name, 'arguments must be strings without NUL bytes');
}
