import { StepError } from '../errors.js';

/**
 * A small REST client for the GitHub API. It reads GITHUB_API_URL, so tests point it at a local
 * server that answers like the real API; fetch is injectable for the same reason.
 */
export interface GitHubApi {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Follows Link rel="next" pages of a list endpoint, up to maxPages. */
  paginate<T>(path: string, maxPages?: number): Promise<T[]>;
}

export interface ApiOptions {
  token: string;
  baseUrl?: string;
  fetch?: typeof fetch;
  userAgent?: string;
}

export function githubApi(options: ApiOptions): GitHubApi {
  const baseUrl = (
    options.baseUrl ||
    process.env.GITHUB_API_URL ||
    'https://api.github.com'
  ).replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': options.userAgent ?? 'tg-devops',
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;

  async function call(method: string, url: string, body?: unknown): Promise<Response> {
    const response = await doFetch(url, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      const detail = safeMessage(text);
      throw new StepError(
        `GitHub API ${method} ${url.replace(baseUrl, '')}`,
        `HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
      );
    }
    return response;
  }

  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await call(method, `${baseUrl}${path}`, body);
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async paginate<T>(path: string, maxPages = 30): Promise<T[]> {
      const items: T[] = [];
      let url: string | undefined =
        `${baseUrl}${path}${path.includes('?') ? '&' : '?'}per_page=100`;
      for (let page = 0; url && page < maxPages; page++) {
        const response = await call('GET', url);
        items.push(...((await response.json()) as T[]));
        url = nextLink(response.headers.get('link'));
      }
      return items;
    },
  };
}

export function nextLink(header: string | null): string | undefined {
  const match = header?.split(',').find((part) => /rel="next"/.test(part));
  return match?.match(/<([^>]+)>/)?.[1];
}

function safeMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: string };
    return parsed.message ?? '';
  } catch {
    return text.slice(0, 200);
  }
}
