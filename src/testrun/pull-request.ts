import { changedFiles, type ChangedFile, type PullFile } from '../coverage/diff.js';
import type { GitHubApi } from '../github/api.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

export function parseRepository(value: string): RepoRef {
  const [owner, repo, ...rest] = value.split('/');
  if (!owner || !repo || rest.length)
    throw new Error(`expected owner/repo, got ${JSON.stringify(value)}`);
  return { owner, repo };
}

const base = (r: RepoRef) => `/repos/${encodeURIComponent(r.owner)}/${encodeURIComponent(r.repo)}`;

/** The PR's changed files with their added lines (GET .../pulls/{n}/files, every page). */
export async function fetchChangedFiles(
  api: GitHubApi,
  repo: RepoRef,
  pr: number,
): Promise<ChangedFile[]> {
  // GitHub lists at most 3000 files (30 pages of 100).
  const files = await api.paginate<PullFile>(`${base(repo)}/pulls/${pr}/files`, 30);
  return changedFiles(files);
}

export async function fetchPullHead(api: GitHubApi, repo: RepoRef, pr: number): Promise<string> {
  const pull = await api.request<{ head?: { sha?: string } }>('GET', `${base(repo)}/pulls/${pr}`);
  return pull.head?.sha ?? '';
}

interface IssueComment {
  id: number;
  body?: string;
  html_url?: string;
  user?: { login?: string; type?: string } | null;
}

export function commentMarker(id: string): string {
  return `<!-- tg-devops:coverage:${id} -->`;
}

export interface CommentResult {
  action: 'created' | 'updated';
  id: number;
  url: string;
}

/**
 * One sticky comment per PR and marker: the bot's earlier comment that starts with the hidden
 * marker is edited in place; only when there is none is a new one posted. Comments by people
 * that quote the marker are never touched.
 */
export async function upsertComment(
  api: GitHubApi,
  repo: RepoRef,
  pr: number,
  marker: string,
  body: string,
): Promise<CommentResult> {
  const comments = await api.paginate<IssueComment>(`${base(repo)}/issues/${pr}/comments`, 50);
  const mine = comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(marker));
  if (mine) {
    const updated = await api.request<IssueComment>(
      'PATCH',
      `${base(repo)}/issues/comments/${mine.id}`,
      { body },
    );
    return { action: 'updated', id: mine.id, url: updated?.html_url ?? mine.html_url ?? '' };
  }
  const created = await api.request<IssueComment>('POST', `${base(repo)}/issues/${pr}/comments`, {
    body,
  });
  return { action: 'created', id: created.id, url: created.html_url ?? '' };
}
