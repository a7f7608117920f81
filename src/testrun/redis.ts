import { type Connection, type Endpoint, FatalProbeError, openConnection } from './probe.js';

export interface RedisTarget extends Endpoint {
  username: string;
  password: string;
}

/** redis://[user:password@]host:6379[/db], rediss:// for TLS. */
export function parseRedisUrl(raw: string): RedisTarget {
  const url = new URL(raw);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`expected a redis:// or rediss:// URL, got ${url.protocol}//`);
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: url.port ? Number(url.port) : 6379,
    tls: url.protocol === 'rediss:',
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

export function command(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** A simple-string or error reply line: "+PONG" or "-NOAUTH Authentication required." */
function replyLine(buffer: Buffer): { value: string; used: number } | undefined {
  const end = buffer.indexOf('\r\n');
  return end < 0 ? undefined : { value: buffer.toString('utf8', 0, end), used: end + 2 };
}

/** AUTH when the URL has a password, then PING, expecting +PONG. */
export async function redisReady(
  target: RedisTarget,
  timeoutMs: number,
  open: (endpoint: Endpoint, timeoutMs: number) => Promise<Connection> = openConnection,
): Promise<void> {
  const connection: Connection = await open(target, timeoutMs);
  try {
    if (target.password) {
      connection.write(
        target.username
          ? command('AUTH', target.username, target.password)
          : command('AUTH', target.password),
      );
      const auth = await connection.read(replyLine);
      if (auth !== '+OK') {
        throw new FatalProbeError(`AUTH was refused: ${auth.replace(/^-/, '')}`);
      }
    }
    connection.write(command('PING'));
    const reply = await connection.read(replyLine);
    if (reply === '+PONG') return;
    if (/^-(NOAUTH|WRONGPASS)/.test(reply)) throw new FatalProbeError(reply.slice(1));
    throw new Error(reply.replace(/^-/, '') || 'an empty reply to PING');
  } finally {
    connection.close();
  }
}
