import { getUserAgentWithOrchestrationId, GitHub } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { StepError } from '../errors.js';
import { proxyFetch } from './http.js';

/**
 * The GitHub REST API through Octokit (@actions/github): GITHUB_API_URL for GHES, Link-header
 * pagination, retries on 5xx and network errors (@octokit/plugin-retry), and GitHub's rate-limit
 * rules (@octokit/plugin-throttling: writes spaced out, a rate limit waited out when short).
 * Requests go through proxyFetch, so a runner's HTTPS_PROXY/NO_PROXY hold here too. The rest of
 * src/ sees only this small interface, with literal paths.
 */
export interface GitHubApi {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Follows Link rel="next" pages of a list endpoint, up to maxPages. */
  paginate<T>(path: string, maxPages?: number): Promise<T[]>;
}

export interface ApiOptions {
  token: string;
  baseUrl?: string;
  /** Tests answer in memory or through a local server; default: proxyFetch. */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  userAgent?: string;
  /** Where rate-limit waits are reported (default: nowhere). */
  warn?: (message: string) => void;
  /** Retries after a 5xx or a network error (default 3), and the base of their wait: n² × base. */
  retries?: number;
  retryBaseMs?: number;
  /** Per request (default 30 s): a GitHub that never answers must not hold a deploy forever. */
  timeoutMs?: number;
  /**
   * GitHub's pacing (default on): writes 1 s apart, comments 3 s apart across the process, rate
   * limits waited out. Off only for tests whose stand-in answers in memory.
   */
  throttle?: boolean;
}

/** A rate limit is waited out only when it ends within this long, and only this often. */
const RATE_LIMIT_MAX_WAIT_SECONDS = 60;
const RATE_LIMIT_MAX_RETRIES = 2;

const Client = GitHub.plugin(retry, throttling);

export function githubApi(options: ApiOptions): GitHubApi {
  const baseUrl = (
    options.baseUrl ||
    process.env.GITHUB_API_URL ||
    'https://api.github.com'
  ).replace(/\/+$/, '');
  const warn = options.warn ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _o: unknown, count: number) => {
      const wait = retryAfter <= RATE_LIMIT_MAX_WAIT_SECONDS && count < RATE_LIMIT_MAX_RETRIES;
      warn(
        `GitHub API ${kind} on ${request.method} ${request.url}: ` +
          (wait ? `retrying in ${retryAfter} s` : `giving up (resets in ${retryAfter} s)`),
      );
      return wait;
    };
  const octokit = new Client({
    baseUrl,
    userAgent: getUserAgentWithOrchestrationId(options.userAgent ?? 'tg-devops'),
    request: { fetch: withTimeout(options.fetch ?? proxyFetch, timeoutMs) },
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: options.retryBaseMs ?? 1000,
    },
    throttle: {
      enabled: options.throttle ?? true,
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
    },
    // Octokit's own log would print request errors to the console; ours reach the caller.
    log: { debug: () => undefined, info: () => undefined, warn, error: () => undefined },
  });
  // Bearer, as GitHub documents it for every token kind (Octokit's own auth would send `token`).
  const headers = {
    'x-github-api-version': '2022-11-28',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
  };
  const route = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

  async function call<T>(method: string, path: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw apiError(method, path, error, timeoutMs);
    }
  }

  return {
    request<T>(method: string, path: string, body?: unknown): Promise<T> {
      return call(method, path, async () => {
        // `data` is the body as is: its keys never mix with Octokit's own options.
        const response = await octokit.request(route(method, path), {
          headers,
          ...(body === undefined ? {} : { data: body }),
        });
        return (response.data === '' ? undefined : response.data) as T;
      });
    },
    paginate<T>(path: string, maxPages = 30): Promise<T[]> {
      return call('GET', path, async () => {
        const items: T[] = [];
        let pages = 0;
        for await (const page of octokit.paginate.iterator(route('GET', path), {
          headers,
          per_page: 100,
        })) {
          items.push(...(page.data as T[]));
          if (++pages >= maxPages) break;
        }
        return items;
      });
    },
  };
}

type Fetch = NonNullable<ApiOptions['fetch']>;

function withTimeout(fetchFn: Fetch, timeoutMs: number): Fetch {
  return (url, init) =>
    fetchFn(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
}

/** Octokit's RequestError as our StepError: the call, the status, GitHub's message. */
function apiError(method: string, path: string, error: unknown, timeoutMs: number): Error {
  const status = (error as { status?: number }).status;
  if (typeof status !== 'number' || (status === 500 && !hasResponse(error)))
    return new StepError(`GitHub API ${method} ${path}`, causeText(error, timeoutMs));
  const data = (error as { response?: { data?: unknown } }).response?.data;
  const message =
    data && typeof data === 'object' && 'message' in data
      ? String((data as { message: unknown }).message)
      : typeof data === 'string'
        ? data.slice(0, 200)
        : '';
  return new StepError(
    `GitHub API ${method} ${path}`,
    `HTTP ${status}${message ? `: ${message}` : ''}`,
  );
}

function hasResponse(error: unknown): boolean {
  return Boolean((error as { response?: unknown }).response);
}

/** A network failure: fetch hides the reason (ECONNREFUSED, a proxy's refusal) in `cause`. */
function causeText(error: unknown, timeoutMs: number): string {
  const cause = (error as { cause?: { name?: string; code?: unknown; message?: string } }).cause;
  const name = cause?.name ?? (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const message = error instanceof Error ? error.message : String(error);
  const detail = typeof cause?.code === 'string' ? cause.code : (cause?.message ?? '');
  return detail && !message.includes(detail) ? `${message}: ${detail}` : message;
}
