import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local server that answers GET /repos/{owner}/{repo} (and commits) like the GitHub API. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FakeGitHub {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const FAKE_REPO = {
  id: 1296269,
  name: 'Hello-World',
  full_name: 'octocat/Hello-World',
  description: 'This your first repo!',
  html_url: 'https://github.com/octocat/Hello-World',
  clone_url: 'https://github.com/octocat/Hello-World.git',
  default_branch: 'main',
  license: { key: 'mit', name: 'MIT License', spdx_id: 'MIT' },
};

export async function startFakeGitHub(
  options: { token: string; repository?: string; commitDates?: Record<string, string> } = {
    token: 'ghs_test',
  },
): Promise<FakeGitHub> {
  const repository = options.repository ?? 'octocat/Hello-World';
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return send(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
      });
    }
    if (req.method === 'GET' && req.url === `/repos/${repository}`) return send(200, FAKE_REPO);
    const commit = req.url?.match(new RegExp(`^/repos/${repository}/commits/([0-9a-f]+)$`));
    if (req.method === 'GET' && commit && options.commitDates?.[commit[1]!]) {
      const date = options.commitDates[commit[1]!];
      return send(200, { sha: commit[1], commit: { committer: { name: 'x', date } } });
    }
    return send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
