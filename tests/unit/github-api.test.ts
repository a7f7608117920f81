import { createDeployment } from '../../src/deploy/github-deployment.js';
import { githubApi } from '../../src/github/api.js';
import { serve } from '../helpers/forward-proxy.js';

/**
 * The GitHub API client (Octokit with retry and throttling) against a local server that answers
 * like the API: retries after 5xx, never after 4xx, rate limits, pagination, GHES base paths.
 */
interface Seen {
  method: string;
  path: string;
  authorization?: string;
  version?: string;
  body: string;
}
let seen: Seen[];
let answers: ((s: Seen) => { status: number; body?: unknown; headers?: Record<string, string> })[];
let server: Awaited<ReturnType<typeof serve>>;
let base: string;

beforeAll(async () => {
  server = await serve((method, url, headers, body) => {
    const s: Seen = {
      method,
      path: `${url.pathname}${url.search}`,
      authorization: headers.authorization,
      version: headers['x-github-api-version'] as string | undefined,
      body,
    };
    seen.push(s);
    const answer = answers.shift();
    return answer ? answer(s) : { status: 404, body: { message: 'Not Found' } };
  });
  base = `http://127.0.0.1:${server.port}`;
});
beforeEach(() => {
  seen = [];
  answers = [];
});
afterAll(() => server.close());

const api = (over: Partial<Parameters<typeof githubApi>[0]> = {}) =>
  githubApi({ token: 'ghs_unit', baseUrl: base, retryBaseMs: 5, ...over });

test('502 twice, then 201: one deployment, created on the third try, and the deploy goes on', async () => {
  const badGateway = () => ({ status: 502, body: 'Bad Gateway' });
  answers = [
    badGateway,
    badGateway,
    () => ({ status: 201, body: { id: 42 } }),
    () => ({ status: 201, body: { id: 1, state: 'in_progress' } }),
  ];
  const deployment = await createDeployment(api(), {
    repository: 'org/bot',
    ref: 'feedc0de',
    environment: 'production',
    description: 'bot ghcr.io/org/bot@sha256:1',
  });
  expect(deployment.id).toBe(42);
  await deployment.status('in_progress', 'deploying');
  expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
    'POST /repos/org/bot/deployments',
    'POST /repos/org/bot/deployments',
    'POST /repos/org/bot/deployments',
    'POST /repos/org/bot/deployments/42/statuses',
  ]);
  // The body is the deployment as given, the same on every try.
  const bodies = seen.slice(0, 3).map((s) => JSON.parse(s.body) as Record<string, unknown>);
  expect(new Set(seen.slice(0, 3).map((s) => s.body)).size).toBe(1);
  expect(bodies[0]).toMatchObject({
    ref: 'feedc0de',
    environment: 'production',
    production_environment: true,
    required_contexts: [],
  });
  expect(JSON.parse(seen[3]!.body)).toMatchObject({
    state: 'in_progress',
    environment: 'production',
  });
  expect(seen.every((s) => s.authorization === 'Bearer ghs_unit')).toBe(true);
  expect(seen.every((s) => s.version === '2022-11-28')).toBe(true);
});

test('a 5xx that persists fails after the retries, naming the call and the status', async () => {
  answers = Array.from({ length: 5 }, () => () => ({ status: 503, body: { message: 'down' } }));
  await expect(api({ retries: 2 }).request('GET', '/repos/org/bot')).rejects.toThrow(
    'GitHub API GET /repos/org/bot: HTTP 503: down',
  );
  expect(seen).toHaveLength(3);
});

test('a 4xx is not retried: one request, GitHub message in the error', async () => {
  answers = [() => ({ status: 422, body: { message: 'Validation Failed' } })];
  await expect(api().request('POST', '/repos/org/bot/deployments', { ref: 'x' })).rejects.toThrow(
    'GitHub API POST /repos/org/bot/deployments: HTTP 422: Validation Failed',
  );
  expect(seen).toHaveLength(1);
});

test('no token: no Authorization header', async () => {
  answers = [() => ({ status: 200, body: { full_name: 'org/bot' } })];
  expect(await api({ token: '' }).request('GET', '/repos/org/bot')).toEqual({
    full_name: 'org/bot',
  });
  expect(seen[0]!.authorization).toBeUndefined();
});

test('GHES: GITHUB_API_URL with its /api/v3 path is the base of every call', async () => {
  const saved = process.env.GITHUB_API_URL;
  process.env.GITHUB_API_URL = `${base}/api/v3`;
  try {
    answers = [() => ({ status: 200, body: { id: 1 } })];
    await githubApi({ token: 't' }).request('GET', '/repos/org/bot');
    expect(seen.map((s) => s.path)).toEqual(['/api/v3/repos/org/bot']);
  } finally {
    if (saved === undefined) delete process.env.GITHUB_API_URL;
    else process.env.GITHUB_API_URL = saved;
  }
});

test('pagination follows Link rel="next" with per_page=100, up to maxPages', async () => {
  const items = Array.from({ length: 250 }, (_, i) => ({ n: i }));
  const page = (s: Seen) => {
    const url = new URL(s.path, base);
    const n = Number(url.searchParams.get('page') ?? 1);
    const per = Number(url.searchParams.get('per_page'));
    const next = new URL(url);
    next.searchParams.set('page', String(n + 1));
    return {
      status: 200,
      body: items.slice((n - 1) * per, n * per),
      headers: n * per < items.length ? { link: `<${next.href}>; rel="next"` } : undefined,
    };
  };
  answers = [page, page, page];
  const all = await api().paginate<{ n: number }>('/repos/org/bot/pulls/7/files');
  expect(all.map((i) => i.n)).toEqual(items.map((i) => i.n));
  expect(seen.map((s) => s.path)).toEqual([
    '/repos/org/bot/pulls/7/files?per_page=100',
    '/repos/org/bot/pulls/7/files?per_page=100&page=2',
    '/repos/org/bot/pulls/7/files?per_page=100&page=3',
  ]);
  seen = [];
  answers = [page, page, page];
  expect(await api().paginate('/repos/org/bot/pulls/7/files', 2)).toHaveLength(200);
  expect(seen).toHaveLength(2);
});

test('a rate limit that resets soon is waited out (and reported); a far one fails', async () => {
  const warnings: string[] = [];
  const limited = (resetIn: number) => () => ({
    status: 403,
    body: { message: 'API rate limit exceeded' },
    headers: {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + resetIn),
    },
  });
  answers = [limited(0), () => ({ status: 200, body: { id: 1 } })];
  await api({ warn: (m) => warnings.push(m) }).request('GET', '/repos/org/bot');
  expect(seen).toHaveLength(2);
  expect(warnings).toEqual([expect.stringMatching(/rate limit on GET .*: retrying in \d+ s/)]);

  seen = [];
  warnings.length = 0;
  answers = [limited(3600)];
  await expect(
    api({ warn: (m) => warnings.push(m) }).request('GET', '/repos/org/bot'),
  ).rejects.toThrow('GitHub API GET /repos/org/bot: HTTP 403: API rate limit exceeded');
  expect(seen).toHaveLength(1);
  expect(warnings).toEqual([expect.stringMatching(/giving up \(resets in \d+ s\)/)]);
});

test('throttle: false (tests answering in memory) turns the pacing off: a rate limit is not waited out', async () => {
  answers = [
    () => ({
      status: 403,
      body: { message: 'API rate limit exceeded' },
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)),
      },
    }),
    () => ({ status: 200, body: { id: 1 } }),
  ];
  await expect(api({ throttle: false }).request('GET', '/repos/org/bot')).rejects.toThrow(
    'HTTP 403: API rate limit exceeded',
  );
  expect(seen).toHaveLength(1);
});

test('a refused connection is retried, then fails naming the call', async () => {
  const closed = githubApi({
    token: 't',
    baseUrl: 'http://127.0.0.1:9',
    retries: 1,
    retryBaseMs: 5,
  });
  await expect(closed.request('GET', '/repos/org/bot')).rejects.toThrow(
    /^GitHub API GET \/repos\/org\/bot: .*(ECONNREFUSED|fetch failed)/,
  );
});

test('a GitHub that never answers fails the call after timeoutMs, naming it', async () => {
  const silent = await serve(() => new Promise(() => undefined));
  try {
    const api = githubApi({
      token: 't',
      baseUrl: `http://127.0.0.1:${silent.port}`,
      timeoutMs: 200,
      retries: 0,
    });
    await expect(api.request('GET', '/repos/org/bot')).rejects.toThrow(
      'GitHub API GET /repos/org/bot: no answer within 200 ms',
    );
  } finally {
    await silent.close();
  }
});
