import type { GitHubApi } from '../github/api.js';

/**
 * A GitHub deployment for the run: created before the hosts are touched, then its statuses
 * (in_progress, success or failure) with the environment and its URL, like the Deployments
 * page shows them. Plain REST calls through the injected client.
 */
export interface DeploymentTarget {
  repository: string; // owner/name
  ref: string;
  environment: string;
  environmentUrl?: string;
  transient?: boolean;
  description: string;
  logUrl?: string;
}

export interface GithubDeployment {
  id: number;
  status(
    state: 'in_progress' | 'success' | 'failure' | 'error',
    description: string,
  ): Promise<void>;
}

export async function createDeployment(
  api: GitHubApi,
  target: DeploymentTarget,
): Promise<GithubDeployment> {
  const created = await api.request<{ id: number }>(
    'POST',
    `/repos/${target.repository}/deployments`,
    {
      ref: target.ref,
      environment: target.environment,
      description: target.description.slice(0, 140),
      auto_merge: false,
      required_contexts: [],
      transient_environment: target.transient ?? false,
      production_environment: target.environment === 'production',
    },
  );
  return {
    id: created.id,
    async status(state, description) {
      await api.request('POST', `/repos/${target.repository}/deployments/${created.id}/statuses`, {
        state,
        description: description.slice(0, 140),
        environment: target.environment,
        ...(target.environmentUrl ? { environment_url: target.environmentUrl } : {}),
        ...(target.logUrl ? { log_url: target.logUrl } : {}),
        auto_inactive: state === 'success',
      });
    },
  };
}
