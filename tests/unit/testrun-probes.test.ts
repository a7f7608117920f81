import { createHash } from 'node:crypto';
import { postgresReady, type PostgresTarget } from '../../src/testrun/postgres.js';
import { type Connection, FatalProbeError } from '../../src/testrun/probe.js';
import { redisReady } from '../../src/testrun/redis.js';

/**
 * The handshakes against scripted servers: each test's server answers the client's messages the
 * way PostgreSQL or Redis does, and the test checks what the client sent.
 */
function scripted(server: (message: Buffer, reply: (bytes: Buffer | string) => void) => void) {
  const written: Buffer[] = [];
  let inbox = Buffer.alloc(0);
  let closed = false;
  const connection: Connection = {
    write(data) {
      const bytes = Buffer.from(data);
      written.push(bytes);
      server(bytes, (r) => (inbox = Buffer.concat([inbox, Buffer.from(r)])));
    },
    async read(need) {
      const result = need(inbox);
      if (!result) throw new Error('the server closed the connection');
      inbox = inbox.subarray(result.used);
      return result.value;
    },
    close: () => void (closed = true),
  };
  return { open: async () => connection, written, closed: () => closed };
}

function msg(type: string, body: Buffer | string = Buffer.alloc(0)): Buffer {
  const payload = Buffer.from(body);
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(payload.length + 4, 1);
  return Buffer.concat([header, payload]);
}
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const auth = (kind: number, extra: Buffer | string = Buffer.alloc(0)) =>
  msg('R', Buffer.concat([int32(kind), Buffer.from(extra)]));
const READY = Buffer.concat([
  auth(0),
  msg('S', 'server_version\u000016.4\u0000'),
  msg('K', Buffer.alloc(8)),
  msg('Z', 'I'),
]);
const error = (code: string, text: string) =>
  msg('E', `SFATAL\u0000C${code}\u0000M${text}\u0000\u0000`);

const target: PostgresTarget = {
  host: 'db',
  port: 5432,
  user: 'bot',
  password: 'pä$$',
  database: 'botdb',
};

describe('PostgreSQL handshake', () => {
  it('trust: ReadyForQuery after the startup message, then Terminate', async () => {
    const s = scripted((_m, reply) => reply(READY));
    await postgresReady(target, 1000, s.open);
    expect(s.written).toHaveLength(2);
    expect(s.written[1]).toEqual(msg('X'));
    expect(s.closed()).toBe(true);
  });

  it('cleartext: answers with the password', async () => {
    const s = scripted((m, reply) => {
      if (m[0] === 'p'.charCodeAt(0)) {
        reply(m.subarray(5).toString('utf8') === 'pä$$\u0000' ? READY : error('28P01', 'bad'));
      } else reply(auth(3));
    });
    await postgresReady(target, 1000, s.open);
    expect(s.written.map((b) => String.fromCharCode(b[0]!))).toEqual(['\u0000', 'p', 'X']);
  });

  it('MD5: answers md5(md5(password + user) + salt)', async () => {
    const salt = Buffer.from([1, 2, 3, 250]);
    const inner = createHash('md5').update('pä$$bot').digest('hex');
    const expected = `md5${createHash('md5')
      .update(Buffer.concat([Buffer.from(inner), salt]))
      .digest('hex')}\u0000`;
    const s = scripted((m, reply) => {
      if (m[0] === 'p'.charCodeAt(0)) {
        reply(m.subarray(5).toString('latin1') === expected ? READY : error('28P01', 'bad md5'));
      } else reply(auth(5, salt));
    });
    await postgresReady(target, 1000, s.open);
  });

  it('SCRAM-SHA-256: sends the client-first message, refuses a forged server signature', async () => {
    let clientFirst = '';
    const s = scripted((m, reply) => {
      if (m[0] !== 'p'.charCodeAt(0))
        return reply(auth(10, 'SCRAM-SHA-256-PLUS\u0000SCRAM-SHA-256\u0000\u0000'));
      const body = m.subarray(5);
      if (!clientFirst) {
        const mechanism = body.subarray(0, body.indexOf(0)).toString();
        expect(mechanism).toBe('SCRAM-SHA-256');
        clientFirst = body.subarray(body.indexOf(0) + 5).toString();
        const nonce = clientFirst.split('r=')[1]!;
        return reply(
          auth(11, `r=${nonce}SERVER,s=${Buffer.from('salt').toString('base64')},i=4096`),
        );
      }
      expect(body.toString()).toMatch(/^c=biws,r=\S+SERVER,p=[A-Za-z0-9+/=]{44}$/);
      reply(auth(12, `v=${Buffer.alloc(32).toString('base64')}`));
    });
    await expect(postgresReady(target, 1000, s.open)).rejects.toThrow(FatalProbeError);
    expect(clientFirst).toMatch(/^n,,n=,r=[A-Za-z0-9+/=]{24}$/);
    expect(s.closed()).toBe(true);
  });

  it('reports the server error; a starting server is retried, bad credentials are fatal', async () => {
    const starting = scripted((_m, reply) =>
      reply(error('57P03', 'the database system is starting up')),
    );
    const attempt = postgresReady(target, 1000, starting.open);
    await expect(attempt).rejects.toThrow('FATAL 57P03: the database system is starting up');
    await expect(attempt).rejects.not.toBeInstanceOf(FatalProbeError);
    const denied = scripted((_m, reply) =>
      reply(error('28P01', 'password authentication failed for user "bot"')),
    );
    await expect(postgresReady(target, 1000, denied.open)).rejects.toBeInstanceOf(FatalProbeError);
  });
});

describe('Redis handshake', () => {
  const redis = { host: 'cache', port: 6379, username: '', password: '' };

  it('PING, expecting PONG', async () => {
    const s = scripted((_m, reply) => reply('+PONG\r\n'));
    await redisReady(redis, 1000, s.open);
    expect(s.written.map(String)).toEqual(['*1\r\n$4\r\nPING\r\n']);
  });

  it('AUTH with user and password from the URL first', async () => {
    const s = scripted((m, reply) => reply(String(m).includes('AUTH') ? '+OK\r\n' : '+PONG\r\n'));
    await redisReady({ ...redis, username: 'bot', password: 's3cret' }, 1000, s.open);
    expect(s.written.map(String)).toEqual([
      '*3\r\n$4\r\nAUTH\r\n$3\r\nbot\r\n$6\r\ns3cret\r\n',
      '*1\r\n$4\r\nPING\r\n',
    ]);
  });

  it('retries LOADING, gives up at once on NOAUTH and a refused AUTH', async () => {
    const loading = scripted((_m, reply) =>
      reply('-LOADING Redis is loading the dataset in memory\r\n'),
    );
    const attempt = redisReady(redis, 1000, loading.open);
    await expect(attempt).rejects.toThrow('LOADING Redis is loading the dataset in memory');
    await expect(attempt).rejects.not.toBeInstanceOf(FatalProbeError);
    const noauth = scripted((_m, reply) => reply('-NOAUTH Authentication required.\r\n'));
    await expect(redisReady(redis, 1000, noauth.open)).rejects.toBeInstanceOf(FatalProbeError);
    const wrong = scripted((_m, reply) => reply('-WRONGPASS invalid username-password pair\r\n'));
    await expect(redisReady({ ...redis, password: 'x' }, 1000, wrong.open)).rejects.toThrow(
      'AUTH was refused: WRONGPASS invalid username-password pair',
    );
  });
});
