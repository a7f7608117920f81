import { fakeClock } from '../../src/clock.js';
import { recordingLog } from '../../src/log.js';
import {
  errorResponse,
  parsePostgresUrl,
  scramClient,
  startupMessage,
} from '../../src/testrun/postgres.js';
import { FatalProbeError } from '../../src/testrun/probe.js';
import { command, parseRedisUrl } from '../../src/testrun/redis.js';
import { waitForService } from '../../src/testrun/wait.js';
import { splitWords } from '../../src/testrun/words.js';

describe('splitWords', () => {
  it('splits like a shell: quotes and backslashes, no expansion', () => {
    expect(splitWords(`python -m pytest  -k "not slow and db" --cov='bot app' a\\ b ''`)).toEqual([
      'python',
      '-m',
      'pytest',
      '-k',
      'not slow and db',
      '--cov=bot app',
      'a b',
      '',
    ]);
    expect(splitWords(`bash -c 'pytest | tee out && echo $HOME'`)).toEqual([
      'bash',
      '-c',
      'pytest | tee out && echo $HOME',
    ]);
    expect(splitWords('pytest\n  --cov')).toEqual(['pytest', '--cov']);
  });

  it.each([
    ['pytest | tee log', /"\|" has no effect/],
    ['pytest && echo ok', /"&" has no effect/],
    ['pytest; rm -rf /', /";" has no effect/],
    ['pytest --cov=$PKG', /"\$" has no effect/],
    ['pytest "$(id)"', /\$ is not expanded/],
    ['pytest "unclosed', /unclosed double quote/],
    ["pytest 'unclosed", /unclosed single quote/],
    ['   ', /empty/],
  ])('refuses %j with a reason', (line, message) => {
    expect(() => splitWords(line)).toThrow(message);
  });
});

describe('PostgreSQL wire protocol', () => {
  it('computes the SCRAM-SHA-256 proof and checks the server signature (RFC 7677 example)', () => {
    const scram = scramClient('pencil', 'rOprNGfwEbeRWgbNEkqO', 'user');
    expect(scram.clientFirst).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const final = scram.clientFinal(
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    );
    expect(final).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(() => scram.verify('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow();
    expect(() => scram.verify('v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).toThrow(
      FatalProbeError,
    );
  });

  it('refuses a server nonce that does not extend ours', () => {
    const scram = scramClient('pencil', 'abc');
    expect(() => scram.clientFinal('r=xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).toThrow(
      /invalid first message/,
    );
  });

  it('builds a StartupMessage for protocol 3.0 and reads ErrorResponse fields', () => {
    const message = startupMessage('bot', 'botdb');
    expect(message.readInt32BE(0)).toBe(message.length);
    expect(message.readInt32BE(4)).toBe(196608);
    expect(message.subarray(8).toString('utf8').split('\0')).toEqual([
      'user',
      'bot',
      'database',
      'botdb',
      'application_name',
      'tg-devops-readiness',
      '',
      '',
    ]);
    const body = Buffer.from('SFATAL\0VFATAL\0C57P03\0Mthe database system is starting up\0\0');
    expect(errorResponse(body)).toEqual({
      code: '57P03',
      text: 'FATAL 57P03: the database system is starting up',
    });
  });

  it('parses connection URLs', () => {
    expect(parsePostgresUrl('postgresql+asyncpg://u%40x:p%2Fw@db.local:6543/app')).toEqual({
      host: 'db.local',
      port: 6543,
      user: 'u@x',
      password: 'p/w',
      database: 'app',
    });
    expect(parsePostgresUrl('postgres://localhost')).toMatchObject({
      port: 5432,
      user: 'postgres',
      database: 'postgres',
    });
    expect(() => parsePostgresUrl('mysql://x')).toThrow(/expected a postgresql:\/\/ URL/);
    expect(parseRedisUrl('rediss://:secret@cache:6380/2')).toEqual({
      host: 'cache',
      port: 6380,
      tls: true,
      username: '',
      password: 'secret',
    });
    expect(command('AUTH', 'pä')).toBe('*2\r\n$4\r\nAUTH\r\n$3\r\npä\r\n');
  });
});

describe('waitForService', () => {
  it('retries until the service answers, counting attempts on the injected clock', async () => {
    const clock = fakeClock();
    const log = recordingLog();
    let calls = 0;
    const attempts = await waitForService(
      {
        name: 'Postgres',
        address: '127.0.0.1:5432',
        probe: async () => {
          if (++calls < 4) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        },
      },
      { clock, log, timeoutMs: 30_000, intervalMs: 1000 },
    );
    expect(attempts).toBe(4);
    expect(clock.slept).toEqual([1000, 1000, 1000]);
    expect(log.text()).toContain('Postgres at 127.0.0.1:5432 accepts connections (attempt 4)');
  });

  it('fails after the deadline with the name, address and last error', async () => {
    const clock = fakeClock();
    let calls = 0;
    const wait = waitForService(
      {
        name: 'Redis',
        address: '127.0.0.1:6379',
        probe: async () => {
          calls++;
          throw new Error(calls < 3 ? 'connect ECONNREFUSED 127.0.0.1:6379' : 'LOADING dataset');
        },
      },
      { clock, log: recordingLog(), timeoutMs: 5000, intervalMs: 1000 },
    );
    await expect(wait).rejects.toThrow(
      'Redis at 127.0.0.1:6379: not accepting connections after 5s (6 attempts); last error: LOADING dataset',
    );
    expect(calls).toBe(6);
  });

  it('does not wait out an error that waiting cannot fix', async () => {
    const clock = fakeClock();
    let calls = 0;
    const wait = waitForService(
      {
        name: 'Postgres',
        address: 'db:5432',
        probe: async () => {
          calls++;
          throw new FatalProbeError('FATAL 28P01: password authentication failed for user "bot"');
        },
      },
      { clock, log: recordingLog(), timeoutMs: 60_000 },
    );
    await expect(wait).rejects.toThrow(
      'Postgres at db:5432: refused the connection: FATAL 28P01: password authentication failed for user "bot"',
    );
    expect(calls).toBe(1);
    expect(clock.slept).toEqual([]);
  });
});
