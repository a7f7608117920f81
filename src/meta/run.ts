import { readFileSync } from 'node:fs';
import { githubApi, type GitHubApi } from '../github/api.js';
import type { Log } from '../log.js';
import { buildDate, readContext, type EventPayload, type MetaContext } from './context.js';
import {
  annotationLevelsFrom,
  computeMeta,
  needsCommitDate,
  shortShaLengthFrom,
  type MetaInputs,
  type MetaResult,
  type SafeDefaults,
} from './meta.js';
import { fetchCommitDate, fetchRepo } from './github.js';

/** Everything around computeMeta that touches the world: env, event file, GitHub API. */
export interface MetaEnvDeps {
  env: Record<string, string | undefined>;
  log: Log;
  token: string;
  fetch?: typeof fetch;
  now?: () => number;
  readEvent?: (path: string) => EventPayload;
}

export interface MetaRun {
  context: MetaContext;
  result: MetaResult;
}

export function readEventFile(path: string): EventPayload {
  return JSON.parse(readFileSync(path, 'utf8')) as EventPayload;
}

export async function resolveMeta(
  inputs: MetaInputs,
  deps: MetaEnvDeps,
  options: { safe?: SafeDefaults; prHeadSha?: boolean } = {},
): Promise<MetaRun> {
  const { env, log } = deps;
  const eventPath = env.GITHUB_EVENT_PATH;
  const payload = eventPath ? (deps.readEvent ?? readEventFile)(eventPath) : {};
  const context = readContext(env, payload, { prHeadSha: options.prHeadSha });
  const api: GitHubApi = githubApi({
    token: deps.token,
    baseUrl: context.apiUrl,
    fetch: deps.fetch,
  });
  const repo = await fetchRepo(api, context.repository);
  const date = buildDate(env, deps.now);
  let commitDate = context.commitDate;
  if (!commitDate && needsCommitDate(inputs) && context.sha) {
    commitDate = await fetchCommitDate(api, context.repository, context.sha);
  }
  await log.group('Context info', async () => {
    log.info(`eventName: ${context.eventName}`);
    log.info(`sha: ${context.sha}`);
    log.info(`ref: ${context.ref}`);
    log.info(`date: ${date.toISOString()}${env.SOURCE_DATE_EPOCH ? ' (SOURCE_DATE_EPOCH)' : ''}`);
  });
  const result = computeMeta(inputs, {
    context,
    repo,
    date,
    commitDate: commitDate ?? date,
    shortShaLength: shortShaLengthFrom(env.DOCKER_METADATA_SHORT_SHA_LENGTH),
    annotationLevels: annotationLevelsFrom(env.DOCKER_METADATA_ANNOTATIONS_LEVELS),
    safe: options.safe,
    warn: (m) => log.warn(m),
  });
  return { context, result };
}
