import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for GitHub's Actions cache service, version 2: the one @actions/cache 6 speaks
 * on github.com (ACTIONS_CACHE_SERVICE_V2 set, ACTIONS_RESULTS_URL the service). It answers the
 * three Twirp JSON calls of github.actions.results.api.v1.CacheService and serves the signed blob
 * URLs they hand out (an Azure block blob PUT for the upload, a plain GET for the download), and
 * records every request.
 *
 * Scopes work like GitHub's: the runtime token names the run's ref (written to) and the refs it
 * may read, e.g. a pull request reads its own scope and then its base branch's. A lookup tries
 * the exact key, then each restore key as a prefix (newest entry first), scope by scope.
 */

const SERVICE = '/twirp/github.actions.results.api.v1.CacheService/';

export interface CacheRequest {
  method: string;
  path: string;
  /** The Twirp method (CreateCacheEntry, …) or `blob-upload` / `blob-download`. */
  call: string;
  headers: IncomingHttpHeaders;
  body?: Record<string, unknown>;
  /** For the blob calls: bytes moved. */
  bytes?: number;
  status: number;
}

export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  scope: string;
  data?: Buffer;
  finalized: boolean;
  sizeBytes?: number;
  created: number;
}

export interface RunScopes {
  /** The ref the run writes to (refs/heads/main, refs/pull/7/merge). */
  ref: string;
  /** Further refs it may read, in order (a PR's base branch). */
  reads?: string[];
}

interface TokenClaims {
  scp: string;
  ac: string;
}

export class FakeActionsCache {
  readonly requests: CacheRequest[] = [];
  readonly entries: CacheEntry[] = [];
  private server?: Server;
  private nextId = 1;
  private clock = 0;
  url = '';

  /** A JWT-shaped runtime token carrying the scopes, as the runner's ACTIONS_RUNTIME_TOKEN does. */
  static tokenFor(scopes: RunScopes): string {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const ac = [
      { Scope: scopes.ref, Permission: 3 },
      ...(scopes.reads ?? []).map((ref) => ({ Scope: ref, Permission: 1 })),
    ];
    const claims: TokenClaims = { scp: 'Actions.Results', ac: JSON.stringify(ac) };
    return `${encode({ typ: 'JWT', alg: 'none' })}.${encode(claims)}.fake-signature`;
  }

  /** The environment a job gets when the runner offers the cache service. */
  envFor(scopes: RunScopes): Record<string, string> {
    return {
      ACTIONS_CACHE_SERVICE_V2: 'True',
      ACTIONS_RESULTS_URL: `${this.url}/`,
      ACTIONS_RUNTIME_TOKEN: FakeActionsCache.tokenFor(scopes),
    };
  }

  async listen(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          this.handle(req.method ?? '', req.url ?? '', req.headers, Buffer.concat(chunks), res);
        } catch (error) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 'internal', msg: (error as Error).message }));
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The Twirp calls in order, as `Method key` lines. */
  calls(): string[] {
    return this.requests.map((r) =>
      r.call.startsWith('blob')
        ? `${r.call} ${r.status}`
        : `${r.call} ${String(r.body?.key ?? '')} ${r.status}`,
    );
  }

  private scopesOf(headers: IncomingHttpHeaders): { write: string; read: string[] } | undefined {
    const auth = headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const payload = token.split('.')[1];
    if (!payload) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
      const ac = JSON.parse(claims.ac) as { Scope: string; Permission: number }[];
      const write = ac.find((a) => (a.Permission & 2) !== 0)?.Scope;
      if (!write) return undefined;
      return { write, read: ac.filter((a) => (a.Permission & 1) !== 0).map((a) => a.Scope) };
    } catch {
      return undefined;
    }
  }

  private handle(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
    res: import('node:http').ServerResponse,
  ): void {
    const path = url.split('?')[0]!;
    const record = (call: string, status: number, extra: Partial<CacheRequest> = {}) =>
      this.requests.push({ method, path, call, headers, status, ...extra });
    const json = (status: number, value: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };

    if (path.startsWith(SERVICE)) {
      const call = path.slice(SERVICE.length);
      let request: Record<string, unknown> = {};
      try {
        request = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        record(call, 400);
        return json(400, { code: 'malformed', msg: 'the body is not JSON' });
      }
      const scopes = this.scopesOf(headers);
      if (method !== 'POST' || headers['content-type'] !== 'application/json') {
        record(call, 400, { body: request });
        return json(400, {
          code: 'bad_route',
          msg: 'Twirp JSON calls are POSTs of application/json',
        });
      }
      if (!scopes) {
        record(call, 401, { body: request });
        return json(401, { code: 'unauthenticated', msg: 'no valid runtime token' });
      }
      const { status, answer } = this.twirp(call, request, scopes);
      record(call, status, { body: request });
      return json(status, answer);
    }

    const blob = path.match(/^\/devstoreaccount1\/actions-cache\/(\d+)$/);
    const signed = new URL(url, 'http://x').searchParams.get('sig');
    if (blob) {
      const entry = this.entries.find((e) => e.id === Number(blob[1]));
      if (!entry || signed !== `sig-${entry.id}`) {
        record(method === 'PUT' ? 'blob-upload' : 'blob-download', 403);
        res.writeHead(403);
        return void res.end('AuthenticationFailed');
      }
      if (method === 'PUT') {
        // Azure's Put Blob: one shot for small archives (the SDK's maxSingleShotSize is 128 MiB).
        if (headers['x-ms-blob-type'] !== 'BlockBlob' || entry.finalized) {
          record('blob-upload', 400, { bytes: body.length });
          res.writeHead(400);
          return void res.end('InvalidHeaderValue');
        }
        entry.data = body;
        record('blob-upload', 201, { bytes: body.length });
        res.writeHead(201, {
          etag: `"0x${entry.id.toString(16)}"`,
          'last-modified': new Date().toUTCString(),
          'x-ms-request-server-encrypted': 'true',
          'x-ms-version': headers['x-ms-version'] ?? '2025-01-05',
        });
        return void res.end();
      }
      if (method === 'GET' && entry.finalized && entry.data) {
        record('blob-download', 200, { bytes: entry.data.length });
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': String(entry.data.length),
        });
        return void res.end(entry.data);
      }
      record('blob-download', 404);
      res.writeHead(404);
      return void res.end('BlobNotFound');
    }
    record('unknown', 404);
    res.writeHead(404);
    res.end();
  }

  private twirp(
    call: string,
    request: Record<string, unknown>,
    scopes: { write: string; read: string[] },
  ): { status: number; answer: object } {
    const key = String(request.key ?? '');
    const version = String(request.version ?? '');
    if (!key || !version) {
      return {
        status: 400,
        answer: { code: 'invalid_argument', msg: 'key and version are required' },
      };
    }
    switch (call) {
      case 'CreateCacheEntry': {
        const taken = this.entries.some(
          (e) => e.key === key && e.version === version && e.scope === scopes.write,
        );
        if (taken) {
          return {
            status: 409,
            answer: {
              code: 'already_exists',
              msg: 'cache entry with the same key, version, and scope already exists',
            },
          };
        }
        const entry: CacheEntry = {
          id: this.nextId++,
          key,
          version,
          scope: scopes.write,
          finalized: false,
          created: ++this.clock,
        };
        this.entries.push(entry);
        return {
          status: 200,
          answer: {
            ok: true,
            signed_upload_url: `${this.url}/devstoreaccount1/actions-cache/${entry.id}?sv=2025-01-05&sr=b&sp=cw&sig=sig-${entry.id}`,
          },
        };
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = this.entries.find(
          (e) => e.key === key && e.version === version && e.scope === scopes.write && !e.finalized,
        );
        if (!entry || !entry.data || String(entry.data.length) !== String(request.size_bytes)) {
          return {
            status: 200,
            answer: { ok: false, message: 'no uploaded entry of that size to finalize' },
          };
        }
        entry.finalized = true;
        entry.sizeBytes = entry.data.length;
        return { status: 200, answer: { ok: true, entry_id: String(entry.id) } };
      }
      case 'GetCacheEntryDownloadURL': {
        const restoreKeys = Array.isArray(request.restore_keys)
          ? request.restore_keys.map(String)
          : [];
        const found = this.lookup(key, restoreKeys, version, scopes.read);
        if (!found) return { status: 200, answer: { ok: false } };
        return {
          status: 200,
          answer: {
            ok: true,
            signed_download_url: `${this.url}/devstoreaccount1/actions-cache/${found.id}?sv=2025-01-05&sr=b&sp=r&sig=sig-${found.id}`,
            matched_key: found.key,
          },
        };
      }
      default:
        return { status: 404, answer: { code: 'bad_route', msg: `no method ${call}` } };
    }
  }

  private lookup(
    key: string,
    restoreKeys: string[],
    version: string,
    readable: string[],
  ): CacheEntry | undefined {
    for (const scope of readable) {
      const candidates = this.entries
        .filter((e) => e.finalized && e.version === version && e.scope === scope)
        .sort((a, b) => b.created - a.created);
      const exact = candidates.find((e) => e.key === key);
      if (exact) return exact;
      for (const prefix of restoreKeys) {
        const match = candidates.find((e) => e.key.startsWith(prefix));
        if (match) return match;
      }
    }
    return undefined;
  }
}
