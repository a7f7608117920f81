import type { FetchLike } from '../../src/health/http.js';

/** The fetch of a test that must make no HTTP call: every call rejects, naming the URL. */
export const noNetwork: FetchLike = (url) =>
  Promise.reject(new Error(`no network in this test: ${url}`));
