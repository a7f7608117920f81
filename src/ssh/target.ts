import { isIP } from 'node:net';
import { InputError } from '../errors.js';

/** Where to connect: validated so that no part can be read by ssh as an option. */
export interface SshTarget {
  user: string;
  host: string;
  port: number;
}

const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);

/**
 * Parses `user@host`, `user@host:port`, `user@[2001:db8::1]:port` (or a bare IPv6 address).
 * Errors name the input (default `hosts`); `defaults` fills a missing user or port.
 */
export function parseHost(
  spec: string,
  input?: string,
  defaults: { user?: string; port?: number } = {},
): SshTarget {
  const name = input ?? 'hosts';
  const text = spec.trim();
  const fail = (problem: string): never => {
    throw new InputError(name, `'${printable(text)}' ${problem}`);
  };
  if (!text) throw new InputError(name, 'a host is empty');
  if (/[\s\0]/.test(text)) fail('contains whitespace or control characters');

  let rest = text;
  let user = defaults.user;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  if (user === undefined || user === '') fail('needs a user: write it as user@host[:port]');
  if (!USER.test(user!)) fail(`has an invalid user name '${printable(user!)}'`);

  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) fail('has an unclosed [ in an IPv6 address');
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after && !after.startsWith(':')) fail('has text after ] that is not :port');
    portText = after ? after.slice(1) : undefined;
    if (isIP(host) !== 6) fail(`has an invalid IPv6 address '${printable(host)}'`);
  } else if (isIP(rest) === 6) {
    host = rest;
  } else {
    const colon = rest.lastIndexOf(':');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
    if (!host) fail('has no host name');
    if (isIP(host) !== 4 && !HOSTNAME.test(host))
      fail(`has an invalid host name '${printable(host)}'`);
  }

  let port = defaults.port ?? 22;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText)) fail(`has an invalid port '${printable(portText)}'`);
    port = Number(portText);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    fail(`has a port out of range (${port})`);
  return { user: user!, host, port };
}

/** `user@host:port` for messages, with IPv6 addresses in brackets. */
export function formatTarget(target: SshTarget): string {
  return `${target.user}@${hostPort(target)}`;
}

/** `host:port` or `[v6]:port`. */
export function hostPort(target: SshTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${host}:${target.port}`;
}

/** The name ssh looks up in known_hosts: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(target: Pick<SshTarget, 'host' | 'port'>): string {
  return target.port === 22 ? target.host : `[${target.host}]:${target.port}`;
}

function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
