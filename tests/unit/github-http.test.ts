import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { proxyFetch, proxyFor } from '../../src/github/http.js';
import { serve, startForwardProxy, type ForwardProxy } from '../helpers/forward-proxy.js';

/**
 * proxyFetch against a real local forward proxy: the runner's HTTP(S)_PROXY and NO_PROXY rules
 * (@actions/http-client's), loopback always direct.
 */
const PROXY_VARS = [
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
];
const saved: Record<string, string | undefined> = {};
let proxy: ForwardProxy;
let standIn: Awaited<ReturnType<typeof serve>>;
let hits: string[];

beforeAll(async () => {
  for (const name of PROXY_VARS) saved[name] = process.env[name];
  proxy = await startForwardProxy();
  standIn = await serve((method, url) => {
    hits.push(`${method} ${url.pathname}`);
    return { status: 200, body: { ok: true, path: url.pathname } };
  });
});
beforeEach(() => {
  for (const name of PROXY_VARS) delete process.env[name];
  proxy.requests.length = 0;
  hits = [];
});
afterAll(async () => {
  for (const name of PROXY_VARS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await standIn.close();
  await proxy.close();
});

test('HTTP_PROXY: a request goes through the proxy, which alone can resolve the name', async () => {
  process.env.HTTP_PROXY = proxy.url;
  const url = `http://api.proxied.test:${standIn.port}/through`;
  const response = await proxyFetch(url, { method: 'POST', body: '{}' });
  expect(await response.json()).toEqual({ ok: true, path: '/through' });
  expect(proxy.targets()).toEqual([`api.proxied.test:${standIn.port}`]);
  expect(hits).toEqual(['POST /through']);
});

test('without a proxy variable the same name is not reachable: the call went direct', async () => {
  await expect(proxyFetch(`http://api.proxied.test:${standIn.port}/`)).rejects.toThrow();
  expect(proxy.requests).toEqual([]);
});

test('NO_PROXY: a listed host goes direct (by name, by .suffix, by host:port, by *)', async () => {
  process.env.HTTP_PROXY = proxy.url;
  // A name that resolves by itself and is not a loopback literal: this machine's name.
  const name = hostname();
  const { address } = await lookup(name, { family: 4 });
  const direct = await serve(() => ({ status: 200, body: 'direct' }), { host: address });
  try {
    const url = `http://${name}:${direct.port}/`;
    for (const noProxy of [name, `other.example,${name}:${direct.port}`, '*']) {
      process.env.NO_PROXY = noProxy;
      expect(proxyFor(url)).toBeUndefined();
      expect(await (await proxyFetch(url)).text()).toBe('direct');
    }
    expect(proxy.requests).toEqual([]);
    process.env.NO_PROXY = 'other.example';
    expect(proxyFor(url)?.href).toBe(`${proxy.url}/`);
    await proxyFetch(url);
    expect(proxy.targets()).toEqual([`${name}:${direct.port}`]);
    process.env.NO_PROXY = '.corp.example';
    expect(proxyFor('http://api.corp.example/')).toBeUndefined();
    expect(proxyFor('http://corp.example.org/')).toBeDefined();
  } finally {
    await direct.close();
  }
});

test('loopback (127.x, localhost, ::1) stays direct with a proxy set and no NO_PROXY', async () => {
  process.env.HTTP_PROXY = proxy.url;
  process.env.HTTPS_PROXY = proxy.url;
  const response = await proxyFetch(`http://127.0.0.1:${standIn.port}/loopback`);
  expect(response.status).toBe(200);
  expect(await proxyFetch(`http://localhost:${standIn.port}/loopback`)).toHaveProperty('ok', true);
  expect(proxyFor('https://[::1]:8443/')).toBeUndefined();
  expect(proxy.requests).toEqual([]);
  expect(hits).toEqual(['GET /loopback', 'GET /loopback']);
});

test('https URLs take HTTPS_PROXY, http URLs HTTP_PROXY; lower-case names win', () => {
  process.env.HTTPS_PROXY = 'http://secure-proxy.example:3128';
  process.env.HTTP_PROXY = 'http://plain-proxy.example:3128';
  expect(proxyFor('https://api.github.com/')?.host).toBe('secure-proxy.example:3128');
  expect(proxyFor('http://prometheus.internal:9090/')?.host).toBe('plain-proxy.example:3128');
  process.env.https_proxy = 'http://lower.example:8080';
  expect(proxyFor('https://api.github.com/')?.host).toBe('lower.example:8080');
  delete process.env.HTTPS_PROXY;
  delete process.env.https_proxy;
  expect(proxyFor('https://api.github.com/')).toBeUndefined();
});

test('proxy credentials in the URL reach the proxy as Proxy-Authorization, decoded', async () => {
  const { port } = new URL(proxy.url);
  process.env.HTTP_PROXY = `http://runner:p%40ss@127.0.0.1:${port}`;
  await proxyFetch(`http://api.proxied.test:${standIn.port}/auth`);
  expect(proxy.requests.map((r) => r.authorization)).toEqual([
    `Basic ${Buffer.from('runner:p@ss').toString('base64')}`,
  ]);
});

test('a Request object is refused (it would carry its own method past init)', async () => {
  await expect(proxyFetch(new Request('http://127.0.0.1/'))).rejects.toThrow(/takes a URL/);
});
