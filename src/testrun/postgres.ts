import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { type Connection, type Endpoint, FatalProbeError, openConnection } from './probe.js';

/** What a PostgreSQL URL says about where and as whom to connect. */
export interface PostgresTarget extends Endpoint {
  user: string;
  password: string;
  database: string;
}

/** postgresql://user:pass@host:5432/db, also postgres:// and driver schemes like postgresql+asyncpg://. */
export function parsePostgresUrl(raw: string): PostgresTarget {
  const url = new URL(raw);
  if (!/^postgres(ql)?(\+\w+)?:$/.test(url.protocol)) {
    throw new Error(`expected a postgresql:// URL, got ${url.protocol}//`);
  }
  const user = decodeURIComponent(url.username) || 'postgres';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: url.port ? Number(url.port) : 5432,
    user,
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || user,
  };
}

/** One PostgreSQL message: type byte, then an int32 length that counts itself. */
function message(
  buffer: Buffer,
): { value: { type: string; body: Buffer }; used: number } | undefined {
  if (buffer.length < 5) return undefined;
  const length = buffer.readInt32BE(1);
  if (buffer.length < 1 + length) return undefined;
  return {
    value: { type: String.fromCharCode(buffer[0]!), body: buffer.subarray(5, 1 + length) },
    used: 1 + length,
  };
}

function frame(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const cstring = (text: string) => Buffer.from(`${text}\0`, 'utf8');

export function startupMessage(user: string, database: string): Buffer {
  const body = Buffer.concat([
    Buffer.from([0, 3, 0, 0]), // protocol 3.0
    cstring('user'),
    cstring(user),
    cstring('database'),
    cstring(database),
    cstring('application_name'),
    cstring('tg-devops-readiness'),
    Buffer.from([0]),
  ]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([length, body]);
}

/** The fields of an ErrorResponse: "FATAL 28P01: password authentication failed for user ...". */
export function errorResponse(body: Buffer): { text: string; code: string } {
  const fields: Record<string, string> = {};
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const end = body.indexOf(0, at + 1);
    fields[String.fromCharCode(body[at]!)] = body.toString('utf8', at + 1, end);
    at = end + 1;
  }
  const code = fields.C ?? '';
  return {
    text: `${fields.S ?? 'ERROR'}${code ? ` ${code}` : ''}: ${fields.M ?? 'unknown error'}`,
    code,
  };
}

/** The client side of SCRAM-SHA-256 (RFC 5802 / 7677), as PostgreSQL uses it. */
export function scramClient(
  password: string,
  nonce = randomBytes(18).toString('base64'),
  user = '',
) {
  const clientFirstBare = `n=${user},r=${nonce}`;
  let expectedServerSignature: Buffer | undefined;
  return {
    clientFirst: `n,,${clientFirstBare}`,
    clientFinal(serverFirst: string): string {
      const attrs = Object.fromEntries(
        serverFirst.split(',').map((part) => [part[0], part.slice(2)] as [string, string]),
      );
      const serverNonce = attrs.r ?? '';
      const salt = Buffer.from(attrs.s ?? '', 'base64');
      const iterations = Number(attrs.i);
      if (!serverNonce.startsWith(nonce) || !salt.length || !(iterations > 0)) {
        throw new FatalProbeError('SCRAM: the server sent an invalid first message');
      }
      const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
      const clientKey = hmac(salted, 'Client Key');
      const storedKey = createHash('sha256').update(clientKey).digest();
      const withoutProof = `c=biws,r=${serverNonce}`;
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const signature = hmac(storedKey, authMessage);
      const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!));
      expectedServerSignature = hmac(hmac(salted, 'Server Key'), authMessage);
      return `${withoutProof},p=${proof.toString('base64')}`;
    },
    verify(serverFinal: string): void {
      const v = serverFinal.split(',').find((p) => p.startsWith('v='));
      if (
        !v ||
        !expectedServerSignature ||
        Buffer.from(v.slice(2), 'base64').compare(expectedServerSignature) !== 0
      ) {
        throw new FatalProbeError(
          'SCRAM: the server signature does not match (not the server we expected)',
        );
      }
    },
  };
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

/** SQLSTATEs that retrying cannot fix: bad credentials (class 28), no such database. */
const FATAL = /^(28|3D000)/;

/**
 * A real startup handshake: StartupMessage, the server's authentication method (trust,
 * cleartext, MD5 or SCRAM-SHA-256) answered with the password, then ReadyForQuery.
 */
export async function postgresReady(
  target: PostgresTarget,
  timeoutMs: number,
  open: (endpoint: Endpoint, timeoutMs: number) => Promise<Connection> = openConnection,
): Promise<void> {
  const connection: Connection = await open(target, timeoutMs);
  try {
    connection.write(startupMessage(target.user, target.database));
    let scram: ReturnType<typeof scramClient> | undefined;
    for (;;) {
      const { type, body } = await connection.read(message);
      if (type === 'E') {
        const error = errorResponse(body);
        throw FATAL.test(error.code) ? new FatalProbeError(error.text) : new Error(error.text);
      }
      if (type === 'Z') {
        connection.write(frame('X', Buffer.alloc(0)));
        return;
      }
      if (type !== 'R') continue; // ParameterStatus, BackendKeyData, NoticeResponse, NegotiateProtocolVersion
      const kind = body.readInt32BE(0);
      if (kind === 0) continue;
      if (kind === 3) {
        connection.write(frame('p', cstring(target.password)));
      } else if (kind === 5) {
        const inner = md5(target.password + target.user);
        connection.write(
          frame(
            'p',
            cstring(`md5${md5(inner + body.subarray(4, 8).toString('latin1'), 'latin1')}`),
          ),
        );
      } else if (kind === 10) {
        const mechanisms = body.subarray(4).toString('utf8').split('\0').filter(Boolean);
        if (!mechanisms.includes('SCRAM-SHA-256')) {
          throw new FatalProbeError(`unsupported SASL mechanisms: ${mechanisms.join(', ')}`);
        }
        scram = scramClient(target.password);
        const first = Buffer.from(scram.clientFirst, 'utf8');
        const length = Buffer.alloc(4);
        length.writeInt32BE(first.length);
        connection.write(frame('p', Buffer.concat([cstring('SCRAM-SHA-256'), length, first])));
      } else if (kind === 11 && scram) {
        connection.write(
          frame('p', Buffer.from(scram.clientFinal(body.subarray(4).toString('utf8')), 'utf8')),
        );
      } else if (kind === 12 && scram) {
        scram.verify(body.subarray(4).toString('utf8'));
      } else {
        throw new FatalProbeError(`unsupported authentication request ${kind}`);
      }
    }
  } finally {
    connection.close();
  }
}

function md5(text: string, encoding: 'utf8' | 'latin1' = 'utf8'): string {
  return createHash('md5').update(Buffer.from(text, encoding)).digest('hex');
}
