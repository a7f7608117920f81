/**
 * A small forward proxy like the ones self-hosted runners sit behind: plain HTTP requests in
 * absolute form (`GET http://host/path`) and CONNECT tunnels (HTTPS, and HTTP through undici's
 * ProxyAgent). It records every request it is asked for, and resolves the names it is given
 * itself (`*.proxied.test` -> 127.0.0.1), so a client that skipped it could not even reach the
 * stand-ins behind those names: they exist only through the proxy.
 *
 * Also: a self-signed certificate from openssl for HTTPS stand-ins, and serving a fetch-style
 * handler over HTTP or HTTPS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProxiedRequest {
  kind: 'connect' | 'http';
  /** host:port the client asked for. */
  target: string;
  /** For plain HTTP: method and path. */
  method?: string;
  path?: string;
  /** The Proxy-Authorization header, when the client sent one. */
  authorization?: string;
}

export interface ForwardProxy {
  url: string;
  requests: ProxiedRequest[];
  /** host:port targets asked for, in order. */
  targets(): string[];
  close(): Promise<void>;
}

/** Names ending in `.proxied.test` resolve to 127.0.0.1, here only. */
export const PROXIED_SUFFIX = '.proxied.test';

function resolveHost(host: string): string {
  return host.endsWith(PROXIED_SUFFIX) ? '127.0.0.1' : host;
}

export async function startForwardProxy(): Promise<ForwardProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => forwardPlain(req, res, requests));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    requests.push({
      kind: 'connect',
      target,
      authorization: req.headers['proxy-authorization'],
    });
    const at = target.lastIndexOf(':');
    const upstream = connect(Number(target.slice(at + 1)), resolveHost(target.slice(0, at)));
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    targets: () => requests.map((r) => r.target),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function forwardPlain(req: IncomingMessage, res: ServerResponse, requests: ProxiedRequest[]): void {
  let url: URL;
  try {
    url = new URL(req.url ?? '');
  } catch {
    res.writeHead(400).end('a forward proxy takes absolute URLs');
    return;
  }
  const port = Number(url.port || 80);
  requests.push({
    kind: 'http',
    target: `${url.hostname}:${port}`,
    method: req.method,
    path: `${url.pathname}${url.search}`,
    authorization: req.headers['proxy-authorization'],
  });
  const headers = { ...req.headers };
  delete headers['proxy-authorization'];
  delete headers['proxy-connection'];
  const upstream = httpRequest(
    {
      host: resolveHost(url.hostname),
      port,
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.headersSent || res.writeHead(502).end());
  req.pipe(upstream);
}

export interface Certificate {
  key: string;
  cert: string;
  /** The certificate's file: a client trusts it through NODE_EXTRA_CA_CERTS. */
  certFile: string;
}

/** A throwaway self-signed certificate for the given DNS names (openssl, EC P-256, one day). */
export function selfSignedCertificate(names: readonly string[]): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'tg-cert-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      `/CN=${names[0]}`,
      '-addext',
      `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

export type FetchHandler = (
  method: string,
  url: URL,
  headers: IncomingMessage['headers'],
  body: string,
) => StandInAnswer | Promise<StandInAnswer>;

export interface StandInAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Serves a handler on 127.0.0.1 (any free port), over HTTPS when a certificate is given. */
export async function serve(
  handler: FetchHandler,
  options: { tls?: Certificate; host?: string } = {},
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const scheme = options.tls ? 'https' : 'http';
      const url = new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? 'stand-in'}`);
      const answer = await handler(
        req.method ?? 'GET',
        url,
        req.headers,
        Buffer.concat(chunks).toString('utf8'),
      );
      const text =
        answer.body === undefined
          ? ''
          : typeof answer.body === 'string'
            ? answer.body
            : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(text);
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
