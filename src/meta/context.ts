/**
 * The GitHub context a workflow run gives an action, read from its environment and event JSON.
 * Pure: tests pass an env record and an event object, nothing touches process.env.
 */

export interface EventPayload {
  number?: number;
  base_ref?: string | null;
  pull_request?: { number?: number; head?: { sha?: string }; base?: { ref?: string } };
  repository?: { default_branch?: string };
  commits?: { id?: string; timestamp?: string }[];
  head_commit?: { id?: string; timestamp?: string } | null;
  [key: string]: unknown;
}

export interface MetaContext {
  eventName: string;
  ref: string;
  /** The commit the tags describe (the PR head when DOCKER_METADATA_PR_HEAD_SHA is on). */
  sha: string;
  /** owner/name */
  repository: string;
  serverUrl: string;
  apiUrl: string;
  payload: EventPayload;
  /** The commit date when the event carries it; otherwise the caller asks the API. */
  commitDate?: Date;
}

export interface ContextOptions {
  /** Tag pull requests by their head commit instead of the merge commit GitHub builds. */
  prHeadSha?: boolean;
}

export function isTrue(value: string | undefined): boolean {
  return /true/i.test(value ?? '');
}

export function readContext(
  env: Record<string, string | undefined>,
  payload: EventPayload,
  options: ContextOptions = {},
): MetaContext {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let ref = env.GITHUB_REF ?? '';
  let sha = env.GITHUB_SHA ?? '';
  // pull_request_target runs on the base branch; metadata-action tags it as the PR.
  if (/pull_request_target/.test(eventName) && payload.number !== undefined) {
    ref = `refs/pull/${payload.number}/merge`;
  }
  const prHeadSha = options.prHeadSha ?? isTrue(env.DOCKER_METADATA_PR_HEAD_SHA);
  if (prHeadSha && /pull_request/.test(eventName) && payload.pull_request?.head?.sha) {
    sha = payload.pull_request.head.sha;
  }
  return {
    eventName,
    ref,
    sha,
    repository: env.GITHUB_REPOSITORY ?? '',
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    payload,
    commitDate: commitDateFromEvent(payload, sha),
  };
}

function commitDateFromEvent(payload: EventPayload, sha: string): Date | undefined {
  const stamp =
    payload.commits?.find((c) => c.id === sha)?.timestamp ??
    (payload.head_commit?.id === sha ? payload.head_commit.timestamp : undefined);
  const date = stamp ? new Date(stamp) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** "Now" for dates and the created label: SOURCE_DATE_EPOCH when set (reproducible builds). */
export function buildDate(
  env: Record<string, string | undefined>,
  now: () => number = Date.now,
): Date {
  const epoch = env.SOURCE_DATE_EPOCH?.trim();
  if (epoch) {
    if (!/^\d+$/.test(epoch)) {
      throw new Error(
        `SOURCE_DATE_EPOCH must be whole seconds since 1970, got ${JSON.stringify(epoch)}`,
      );
    }
    return new Date(Number(epoch) * 1000);
  }
  return new Date(now());
}
