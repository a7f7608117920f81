import { systemClock } from '../../src/clock.js';
import { recordingLog } from '../../src/log.js';
import { parsePostgresUrl, postgresReady } from '../../src/testrun/postgres.js';
import { FatalProbeError } from '../../src/testrun/probe.js';
import { parseRedisUrl, redisReady } from '../../src/testrun/redis.js';
import { waitForService } from '../../src/testrun/wait.js';
import { sandboxEnv } from '../helpers/sandbox.js';

/** The readiness handshakes against the sandbox's real PostgreSQL (SCRAM-SHA-256) and Redis. */
const sandbox = sandboxEnv();
const pg = parsePostgresUrl(sandbox.DATABASE_URL!);
const redis = parseRedisUrl(sandbox.REDIS_URL!);

describe('readiness handshakes against real services', () => {
  it('completes the PostgreSQL startup handshake with SCRAM-SHA-256 and the Redis PING', async () => {
    await expect(postgresReady(pg, 5000)).resolves.toBeUndefined();
    await expect(redisReady(redis, 5000)).resolves.toBeUndefined();
  });

  it('reports PostgreSQL’s own error for a wrong password or database, without retrying', async () => {
    const wrong = postgresReady({ ...pg, password: 'not-the-password' }, 5000);
    await expect(wrong).rejects.toBeInstanceOf(FatalProbeError);
    await expect(wrong).rejects.toThrow(
      `FATAL 28P01: password authentication failed for user "${pg.user}"`,
    );
    const missing = postgresReady({ ...pg, database: 'test_action_no_such_db' }, 5000);
    await expect(missing).rejects.toThrow(
      'FATAL 3D000: database "test_action_no_such_db" does not exist',
    );
    let attempts = 0;
    const wait = waitForService(
      {
        name: 'Postgres',
        address: `${pg.host}:${pg.port}`,
        probe: (t) => {
          attempts++;
          return postgresReady({ ...pg, password: 'not-the-password' }, t);
        },
      },
      { clock: systemClock, log: recordingLog(), timeoutMs: 30_000 },
    );
    await expect(wait).rejects.toThrow(
      `Postgres at ${pg.host}:${pg.port}: refused the connection: FATAL 28P01: password authentication failed`,
    );
    expect(attempts).toBe(1);
  });

  it('reports a refused Redis AUTH', async () => {
    await expect(redisReady({ ...redis, password: 'nope' }, 5000)).rejects.toThrow(
      /^AUTH was refused: /,
    );
  });
});
