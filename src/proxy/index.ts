/**
 * The traffic switch: createProxy(settings) gives the deploy engine one TrafficProxy, nginx (the
 * baseline: include file, nginx -t, graceful reload) or haproxy (the zero-loss switch: runtime
 * API behind a fixed nginx upstream). See docs/adr/0004-traffic-switch.md.
 */
import { haproxyProxy, type HaproxyOptions } from './haproxy.js';
import { nginxProxy } from './nginx.js';
import type { ProxySettings, RemovableProxy } from './types.js';
import { validateSettings } from './validate.js';

export * from './types.js';
export { validateBackends, validateSettings } from './validate.js';

export function createProxy(settings: ProxySettings, options: HaproxyOptions = {}): RemovableProxy {
  validateSettings(settings);
  return settings.kind === 'nginx'
    ? nginxProxy(settings.app, settings.nginx)
    : haproxyProxy(settings.app, settings.haproxy, settings.nginx, options);
}
