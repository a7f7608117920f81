import type { GitHubApi } from '../github/api.js';
import type { RepoInfo } from './meta.js';

/** Repository data for the OCI labels: GET /repos/{owner}/{repo}. */
export async function fetchRepo(api: GitHubApi, repository: string): Promise<RepoInfo> {
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) {
    throw new Error(`GITHUB_REPOSITORY must be owner/name, got ${JSON.stringify(repository)}`);
  }
  return api.request<RepoInfo>('GET', `/repos/${repository}`);
}

/** The committer date of a commit, for {{commit_date}} when the event does not carry it. */
export async function fetchCommitDate(
  api: GitHubApi,
  repository: string,
  sha: string,
): Promise<Date | undefined> {
  try {
    const commit = await api.request<{ commit?: { committer?: { date?: string } } }>(
      'GET',
      `/repos/${repository}/commits/${encodeURIComponent(sha)}`,
    );
    const date = commit.commit?.committer?.date
      ? new Date(commit.commit.committer.date)
      : undefined;
    return date && !Number.isNaN(date.getTime()) ? date : undefined;
  } catch {
    return undefined;
  }
}
