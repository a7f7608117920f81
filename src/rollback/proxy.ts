import type { Release } from '../host/state.js';

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
