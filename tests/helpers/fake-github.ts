import { createServer, type Server } from 'node:http';
import type { PullFile } from '../../src/coverage/diff.js';

/**
 * A stand-in for the GitHub REST API: the endpoints the test action calls (pull request, its
 * files, issue comments), answering like the real API (pagination with Link headers, 201 on
 * create, 401/403/404 bodies) and recording every request. Serve it over node:http for an action
 * process, or call `fetch` directly in unit tests.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string;
  body?: unknown;
}

export interface Comment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
}

export interface FakeGitHubOptions {
  owner: string;
  repo: string;
  /** Tokens that may write (comment); any other non-empty token reads only (a fork PR's token). */
  writeTokens?: string[];
  pageSizeCap?: number;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly pulls = new Map<number, { headSha: string; files: PullFile[] }>();
  readonly comments: Comment[] = [];
  url = '';
  private server?: Server;
  private nextId = 1000;

  constructor(readonly options: FakeGitHubOptions) {}

  addComment(issue: number, body: string, user: Comment['user']): Comment {
    const comment = { id: this.nextId++, issue, body, user };
    this.comments.push(comment);
    return comment;
  }

  /** Requests other than the ones listed (for asserting "nothing else was called"). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  /** A fetch that answers in memory, for tests that need no server. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    const text = typeof init?.body === 'string' ? init.body : undefined;
    const answer = this.handle(
      init?.method ?? 'GET',
      url,
      headers.get('authorization') ?? '',
      text,
    );
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  };

  async listen(port: number): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
        const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
        const answer = this.handle(req.method ?? 'GET', url, req.headers.authorization ?? '', body);
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(
    method: string,
    url: URL,
    authorization: string,
    text: string | undefined,
  ): { status: number; body?: unknown; headers?: Record<string, string> } {
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    this.requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization,
      body,
    });
    const token = authorization.replace(/^Bearer /, '');
    if (!token) return { status: 401, body: { message: 'Bad credentials', status: '401' } };
    const base = `/repos/${this.options.owner}/${this.options.repo}`;
    const path = url.pathname;
    const canWrite = (this.options.writeTokens ?? []).includes(token);
    const forbidden = {
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
        status: '403',
      },
    };
    let match: RegExpMatchArray | null;
    if (method === 'GET' && (match = path.match(new RegExp(`^${base}/pulls/(\\d+)$`)))) {
      const pull = this.pulls.get(Number(match[1]));
      if (!pull) return notFound();
      return {
        status: 200,
        body: { number: Number(match[1]), state: 'open', head: { sha: pull.headSha } },
      };
    }
    if (method === 'GET' && (match = path.match(new RegExp(`^${base}/pulls/(\\d+)/files$`)))) {
      const pull = this.pulls.get(Number(match[1]));
      if (!pull) return notFound();
      return this.page(url, pull.files);
    }
    if (method === 'GET' && (match = path.match(new RegExp(`^${base}/issues/(\\d+)/comments$`)))) {
      const issue = Number(match[1]);
      return this.page(
        url,
        this.comments.filter((c) => c.issue === issue).map((c) => this.view(c)),
      );
    }
    if (method === 'POST' && (match = path.match(new RegExp(`^${base}/issues/(\\d+)/comments$`)))) {
      if (!canWrite) return forbidden;
      if (!this.pulls.has(Number(match[1]))) return notFound();
      const created = this.addComment(
        Number(match[1]),
        String((body as { body?: unknown })?.body ?? ''),
        {
          login: 'github-actions[bot]',
          type: 'Bot',
        },
      );
      return { status: 201, body: this.view(created) };
    }
    if (
      method === 'PATCH' &&
      (match = path.match(new RegExp(`^${base}/issues/comments/(\\d+)$`)))
    ) {
      if (!canWrite) return forbidden;
      const comment = this.comments.find((c) => c.id === Number(match![1]));
      if (!comment) return notFound();
      if (comment.user.type !== 'Bot') return forbidden;
      comment.body = String((body as { body?: unknown })?.body ?? '');
      return { status: 200, body: this.view(comment) };
    }
    return notFound();
  }

  private view(c: Comment) {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      html_url: `https://github.com/${this.options.owner}/${this.options.repo}/pull/${c.issue}#issuecomment-${c.id}`,
      body: c.body,
      user: c.user,
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
    };
  }

  /** GitHub's pagination: per_page (max 100) and page, with a Link header for next and last. */
  private page<T>(url: URL, items: T[]) {
    const perPage = Math.min(
      Number(url.searchParams.get('per_page') ?? 30),
      100,
      this.options.pageSizeCap ?? 100,
    );
    const page = Number(url.searchParams.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const headers: Record<string, string> = {};
    const link = (p: number, rel: string) => {
      const next = new URL(url);
      next.searchParams.set('page', String(p));
      next.searchParams.set('per_page', String(perPage));
      return `<${next.href}>; rel="${rel}"`;
    };
    const links = [];
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
    if (links.length) headers.link = links.join(', ');
    return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers };
  }
}

function notFound() {
  return {
    status: 404,
    body: {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404',
    },
  };
}
