/**
 * Assertions on load reports (tests/helpers/load.ts) shared by the integration tests that deploy
 * under load. Kept apart from load.ts, which is also the load worker and is run by the benches
 * outside jest. Counts only, never times.
 */
import { expect } from '@jest/globals';
import { window, type LoadReport } from './load.js';

/** Each client kind sent more than `atLeast` requests, and none failed. */
export function expectNoFailures(reports: LoadReport[], atLeast: number): void {
  for (const r of reports) {
    expect(r.sent).toBeGreaterThan(atLeast);
    expect({ mode: r.mode, failed: r.failed, errors: r.errors }).toEqual({
      mode: r.mode,
      failed: 0,
      errors: {},
    });
  }
}

/** After `endedAt`: each client kind sent requests, every one answered, and only by `version`. */
export function expectOnlyAfter(reports: LoadReport[], endedAt: number, version: string): void {
  for (const r of reports) {
    const after = window(r, endedAt, Number.MAX_SAFE_INTEGER);
    expect(after.sent).toBeGreaterThan(0);
    expect({ mode: r.mode, failed: after.failed, versions: Object.keys(after.versions) }).toEqual({
      mode: r.mode,
      failed: 0,
      versions: [version],
    });
  }
}
