import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/repo.js';
import { sandboxEnv } from '../helpers/sandbox.js';

// Every sandbox service, talked to for real: build and push an image, ssh in with host-key
// checking, reload nginx, a SQL query, a Redis PING, a Prometheus query, HAProxy's runtime API.
describe('sandbox of real services', () => {
  it('passes its smoke checks, each against the live service', () => {
    const env = sandboxEnv();
    const result = spawnSync('bash', [join(ROOT, 'scripts/sandbox/smoke.sh')], {
      env: { ...process.env, TG_SANDBOX_DIR: env.SANDBOX_DIR },
      encoding: 'utf8',
      timeout: 300_000,
    });
    const summary = result.stdout.match(/^(\d+) passed, (\d+) failed$/m);
    const passed = result.stdout.split('\n').filter((l) => l.startsWith('PASS ')).length;
    expect(passed).toBe(13);
    expect({
      status: result.status,
      summary: summary?.[0],
      failures: result.stdout.split('\n').filter((l) => l.startsWith('FAIL ')),
    }).toEqual({
      status: 0,
      summary: '13 passed, 0 failed',
      failures: [],
    });
  });
});
