import { InputError } from '../errors.js';
import type { Release } from '../host/state.js';
import {
  frontendPortFrom,
  proxyFrom,
  type RawProxyInputs,
  type TrafficProxy,
} from '../proxy/index.js';

/** The proxy a release takes its traffic through, as the rollback's `proxy: auto` sees it. */
export type ServedBehind = { kind: 'nginx' } | { kind: 'haproxy'; frontendPort?: number };

/**
 * Which proxy serves the current release (pure): the one its deploy recorded (`proxy`, and the
 * haproxy frontend port); for a state written before releases recorded it, nginx when the
 * release has a color and a port (it took HTTP traffic), none otherwise.
 */
export function servedBehind(current: Release | undefined): ServedBehind | undefined {
  if (!current) return undefined;
  switch (current.proxy) {
    case 'none':
      return undefined;
    case 'nginx':
      return { kind: 'nginx' };
    case 'haproxy': {
      const port = current.haproxyFrontendPort;
      return {
        kind: 'haproxy',
        frontendPort:
          typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536
            ? port
            : undefined,
      };
    }
    default:
      return current.color && current.port !== undefined ? { kind: 'nginx' } : undefined;
  }
}

const AS_DEPLOYED = "the app's frontend port, as deployed";

/**
 * The rollback's proxy: auto (the default) switches with the proxy the current release was
 * deployed behind (its record in the state: nginx, haproxy with its frontend port, or none); for
 * a release recorded before that, with nginx when it takes HTTP traffic (it has a color and a
 * port), and with no proxy otherwise (polling, MTProto, worker). nginx, haproxy, none: as given.
 */
export function proxyResolver(
  app: string,
  kind: string,
  raw: RawProxyInputs,
): (current: Release | undefined) => TrafficProxy | undefined {
  if (!['auto', 'nginx', 'haproxy', 'none'].includes(kind))
    throw new InputError(
      'proxy',
      `expected auto, nginx, haproxy or none, got ${JSON.stringify(kind)}`,
    );
  if (kind === 'none') return () => undefined;
  if (kind === 'haproxy') {
    const fixed = proxyFrom('haproxy', app, raw, { frontendPortHint: AS_DEPLOYED });
    return () => fixed;
  }
  const nginx = proxyFrom('nginx', app, raw); // validates the settings now
  if (kind === 'nginx') return () => nginx;
  const haproxy = new Map<number, TrafficProxy>();
  return (current) => {
    const behind = servedBehind(current);
    if (!behind) return undefined;
    if (behind.kind === 'nginx') return nginx;
    // The port the release recorded; else the input; else an InputError that says so.
    const port =
      behind.frontendPort ?? (frontendPortFrom(raw['haproxy-frontend-port']) || undefined);
    const made =
      (port !== undefined && haproxy.get(port)) ||
      proxyFrom('haproxy', app, raw, {
        frontendPort: port,
        frontendPortHint: `release ${current?.id ?? '?'} was deployed behind haproxy and recorded no frontend port: ${AS_DEPLOYED}`,
      });
    if (port !== undefined) haproxy.set(port, made);
    return made;
  };
}
