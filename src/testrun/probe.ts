import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** A service address the readiness check connects to. */
export interface Endpoint {
  host: string;
  port: number;
  tls?: boolean;
}

/** A failure that waiting will not fix (a wrong password, a missing database): stop retrying. */
export class FatalProbeError extends Error {
  override name = 'FatalProbeError';
}

/**
 * One connection that yields incoming bytes and fails on error, close or timeout. The timeout
 * is a socket timer: the overall deadline is kept by the caller's injected clock.
 */
export interface Connection {
  write(data: Buffer | string): void;
  /** Waits until `need` returns a result for the bytes received so far. */
  read<T>(need: (buffer: Buffer) => { value: T; used: number } | undefined): Promise<T>;
  close(): void;
}

export function openConnection(endpoint: Endpoint, timeoutMs: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const socket: Socket = endpoint.tls
      ? tlsConnect({ host: endpoint.host, port: endpoint.port, servername: endpoint.host })
      : netConnect({ host: endpoint.host, port: endpoint.port });
    socket.setTimeout(timeoutMs);
    const fail = (error: Error) => {
      failure ??= error;
      socket.destroy();
      wake?.();
      reject(failure);
    };
    socket.on('timeout', () => fail(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('error', (error) => fail(error));
    socket.on('close', () => fail(new Error('the server closed the connection')));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      wake?.();
    });
    socket.once(endpoint.tls ? 'secureConnect' : 'connect', () =>
      resolve({
        write: (data) => void socket.write(data),
        close: () => {
          socket.removeAllListeners('close');
          socket.on('error', () => undefined);
          socket.end();
          socket.destroy();
        },
        read: async (need) => {
          for (;;) {
            if (failure) throw failure;
            const result = need(buffer);
            if (result) {
              buffer = buffer.subarray(result.used);
              return result.value;
            }
            await new Promise<void>((done) => (wake = done));
            wake = undefined;
          }
        },
      }),
    );
  });
}
