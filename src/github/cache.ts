import * as cache from '@actions/cache';

/**
 * GitHub's Actions cache through @actions/cache (the only importer): the service version, its
 * URL and the runtime token come from the runner's environment, as for actions/cache. Caching is
 * best effort: @actions/cache reports service trouble as warnings and a miss, never as a failure;
 * only a bad key or path throws.
 */
export interface CacheStore {
  /** Whether this runner offers the cache service at all. */
  available(): boolean;
  /** Restores paths from the exact key or the newest entry under a restore-key prefix; the key found. */
  restore(paths: string[], key: string, restoreKeys?: string[]): Promise<string | undefined>;
  /** Saves paths under key; false when nothing was saved (entry exists, nothing to save, service trouble). */
  save(paths: string[], key: string): Promise<boolean>;
}

export const actionsCache: CacheStore = {
  available: () => cache.isFeatureAvailable(),
  restore: (paths, key, restoreKeys = []) => cache.restoreCache(paths, key, restoreKeys),
  save: async (paths, key) => {
    try {
      return (await cache.saveCache(paths, key)) !== -1;
    } catch (error) {
      // A path that does not exist is "nothing to save", not a failed step.
      if (error instanceof Error && /Path Validation Error/.test(error.message)) return false;
      throw error;
    }
  },
};
