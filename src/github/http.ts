import { getProxyUrl } from '@actions/http-client/lib/proxy';
import { fetch as undiciFetch, ProxyAgent, type Dispatcher } from 'undici';

/**
 * The one fetch for every outbound HTTP call (GitHub, registry, Telegram, Prometheus, the verify
 * checks, webhooks). Node's built-in fetch ignores HTTPS_PROXY and NO_PROXY; this one asks
 * @actions/http-client which proxy a URL takes (the runners' rules: https_proxy/HTTPS_PROXY for
 * https, http_proxy/HTTP_PROXY for http, NO_PROXY by host, host:port, .suffix or *, loopback
 * always direct) and sends the request through it. The rest of src/ gets it injected as a
 * FetchLike (src/health/http.ts); actions/*\/index.ts and the CLI entry pass it in.
 */
export function proxyFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  // A Request would carry its own method and headers past init: every caller here passes a URL.
  if (typeof input !== 'string' && !(input instanceof URL))
    return Promise.reject(new TypeError('proxyFetch takes a URL, not a Request'));
  const url = String(input);
  const dispatcher = dispatcherFor(url);
  const options = (dispatcher ? { ...init, dispatcher } : init) as Parameters<
    typeof undiciFetch
  >[1];
  return undiciFetch(url, options) as unknown as Promise<Response>;
}

/** The proxy a request to this URL goes through, or undefined for a direct connection. */
export function proxyFor(url: string): URL | undefined {
  const proxy = getProxyUrl(new URL(url));
  return proxy?.hostname ? proxy : undefined;
}

// One agent per proxy, so connections to it are reused across calls (https and http targets
// may name different proxies).
const agents = new Map<string, ProxyAgent>();

function dispatcherFor(url: string): Dispatcher | undefined {
  const proxy = proxyFor(url);
  if (!proxy) return undefined;
  let agent = agents.get(proxy.href);
  if (!agent) {
    const credentials =
      proxy.username || proxy.password
        ? `Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}`
        : undefined;
    agent = new ProxyAgent({ uri: proxy.href, ...(credentials ? { token: credentials } : {}) });
    agents.set(proxy.href, agent);
  }
  return agent;
}
