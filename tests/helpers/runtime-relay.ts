/**
 * A relay in front of HAProxy's runtime API socket that can make ONE switch fail after it took
 * effect: the `set server <backend>/...` commands are passed to HAProxy (the routing really
 * changes), but the caller is told otherwise — an error answer, and the next read-back of the
 * backend (`show servers state <backend>`) shows the state from before the change. That is what a
 * deploy sees when the runtime API's answer is lost, or when HAProxy applied the change and the
 * step failed afterwards (e.g. saving the config file): the step failed, the traffic moved.
 *
 * Everything else passes through unchanged. The deploy reaches the relay with socat as the deploy
 * user, so the relay's socket is made world-writable inside the (private) HAProxy's directory.
 */
import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';

export interface RuntimeRelay {
  /** The socket to give the deploy as `haproxy-socket`. */
  path: string;
  /** Fail the next switch of this backend (`be_<app>`) after applying it. */
  arm(backend: string): void;
  /** How many switches were made to fail, and the backend's real state right after each. */
  injected(): { backend: string; before: string; after: string }[];
  close(): Promise<void>;
}

/** One request/answer exchange with the real runtime socket. */
export function ask(socket: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = net.createConnection(socket);
    const chunks: Buffer[] = [];
    conn.on('connect', () => conn.end(line.endsWith('\n') ? line : `${line}\n`));
    conn.on('data', (c: Buffer) => chunks.push(c));
    conn.on('error', reject);
    conn.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

export async function startRuntimeRelay(target: string, path: string): Promise<RuntimeRelay> {
  let armed: string | undefined;
  let lie: { backend: string; answer: string } | undefined;
  const injected: { backend: string; before: string; after: string }[] = [];

  const handle = async (request: string): Promise<string> => {
    const backend = armed;
    if (backend && new RegExp(`set server ${backend}/\\S+ weight`).test(request)) {
      armed = undefined;
      const before = await ask(target, `show servers state ${backend}`);
      await ask(target, request);
      const after = await ask(target, `show servers state ${backend}`);
      injected.push({ backend, before, after });
      const failed = 'Runtime API: the change could not be confirmed.\n';
      // a read-back in the same exchange, or else the next one, shows the state from before
      if (request.includes(`show servers state ${backend}`)) return `${failed}${before}`;
      lie = { backend, answer: before };
      return failed;
    }
    if (lie && request.trim() === `show servers state ${lie.backend}`) {
      const answer = lie.answer;
      lie = undefined;
      return answer;
    }
    return ask(target, request);
  };

  const server = net.createServer({ allowHalfOpen: true }, (conn) => {
    let data = '';
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      handle(data).then(
        (reply) => conn.end(reply),
        () => conn.destroy(),
      );
    };
    conn.on('data', (c: Buffer) => {
      data += c.toString('utf8');
      if (data.includes('\n')) answer();
    });
    conn.on('end', answer);
    conn.on('error', () => undefined);
  });
  rmSync(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o666);
  return {
    path,
    arm: (backend) => {
      armed = backend;
    },
    injected: () => [...injected],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(path, { force: true });
      }),
  };
}
