/**
 * The environment the test command runs in: the job's, minus what belongs to the action and the
 * runner. A node action's process holds its inputs (INPUT_GITHUB-TOKEN among them) and the
 * runner's tokens for the cache and artifact services (ACTIONS_RUNTIME_TOKEN) and for OIDC;
 * the code under test, which in a PR is the PR's code, gets none of them.
 */
const RUNNER_SECRETS = new Set([
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
]);

export function testEnvironment(
  job: Record<string, string | undefined>,
  add: Record<string, string>,
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const key of Object.keys(job)) {
    // undefined removes the variable from the child's environment (see src/exec.ts).
    if (key.startsWith('INPUT_') || RUNNER_SECRETS.has(key)) env[key] = undefined;
  }
  return { ...env, ...add };
}
