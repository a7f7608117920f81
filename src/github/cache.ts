/**
 * GitHub's Actions cache through @actions/cache (the only importer): the service version, its
 * URL and the runtime token come from the runner's environment, as for actions/cache. Caching is
 * best effort: @actions/cache reports service trouble as warnings and a miss, never as a failure;
 * only a bad key or path throws.
 *
 * @actions/cache brings the Azure storage SDK along: it is loaded on first use, so a run that
 * caches nothing does not pay for parsing it at start-up.
 */
export interface CacheStore {
  /** Whether this runner offers the cache service at all. */
  available(): boolean;
  /** Restores paths from the exact key or the newest entry under a restore-key prefix; the key found. */
  restore(paths: string[], key: string, restoreKeys?: string[]): Promise<string | undefined>;
  /** Saves paths under key; false when nothing was saved (entry exists, nothing to save, service trouble). */
  save(paths: string[], key: string): Promise<boolean>;
}

const load = () => import('@actions/cache');

export const actionsCache: CacheStore = {
  // The same test as @actions/cache's isFeatureAvailable, without loading it.
  available: () =>
    process.env.ACTIONS_CACHE_SERVICE_V2 && !isGhes()
      ? Boolean(process.env.ACTIONS_RESULTS_URL)
      : Boolean(process.env.ACTIONS_CACHE_URL),
  restore: async (paths, key, restoreKeys = []) =>
    (await load()).restoreCache(paths, key, restoreKeys),
  save: async (paths, key) => {
    try {
      return (await (await load()).saveCache(paths, key)) !== -1;
    } catch (error) {
      // A path that does not exist is "nothing to save", not a failed step.
      if (error instanceof Error && /Path Validation Error/.test(error.message)) return false;
      throw error;
    }
  },
};

/** GHES speaks only the first cache service version (as @actions/cache decides). */
function isGhes(): boolean {
  const host = new URL(
    process.env.GITHUB_SERVER_URL || 'https://github.com',
  ).hostname.toUpperCase();
  return host !== 'GITHUB.COM' && !host.endsWith('.GHE.COM') && !host.endsWith('.LOCALHOST');
}
