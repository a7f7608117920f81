import { createHash } from 'node:crypto';
import { StepError } from '../errors.js';
import { registryBaseUrl } from './reference.js';

/**
 * A small client for the registry HTTP API (distribution spec): Bearer token or Basic auth,
 * manifests by tag or digest in every media type, and PUT of the same bytes under a new tag.
 */

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;
export const MANIFEST_ACCEPT = [
  MEDIA.ociIndex,
  MEDIA.dockerList,
  MEDIA.ociManifest,
  MEDIA.dockerManifest,
];
const INDEX_TYPES: readonly string[] = [MEDIA.ociIndex, MEDIA.dockerList];

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
}

export interface ManifestBody {
  schemaVersion?: number;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

export interface Manifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
  body: ManifestBody;
  isIndex: boolean;
}

export interface RegistryOptions {
  registry: string;
  username?: string;
  password?: string;
  /** proxyFetch (src/github/http.ts) in a run: the runner's proxy rules hold for the registry. */
  fetch: typeof fetch;
  insecure?: boolean;
  userAgent?: string;
}

export interface RegistryCall {
  method: string;
  path: string;
  status: number;
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export class RegistryClient {
  readonly base: string;
  /** Every request made, for tests and the job summary. */
  readonly calls: RegistryCall[] = [];
  private readonly doFetch: typeof fetch;
  private readonly tokens = new Map<string, string>();
  private basic = false;

  constructor(private readonly options: RegistryOptions) {
    this.base = registryBaseUrl(options.registry, options.insecure);
    this.doFetch = options.fetch;
  }

  private basicHeader(): string | undefined {
    const { username, password } = this.options;
    if (!username && !password) return undefined;
    return `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}`;
  }

  private authHeader(scope: string): string | undefined {
    const token = this.tokens.get(scope);
    if (token) return `Bearer ${token}`;
    return this.basic ? this.basicHeader() : undefined;
  }

  /** One request with auth: on 401 it answers the challenge once and retries. */
  async request(
    method: string,
    path: string,
    scope: string,
    init: { headers?: Record<string, string>; body?: Uint8Array } = {},
  ): Promise<Response> {
    const send = async () => {
      const headers: Record<string, string> = {
        'user-agent': this.options.userAgent ?? 'tg-devops',
        ...init.headers,
      };
      const auth = this.authHeader(scope);
      if (auth) headers.authorization = auth;
      let response: Response;
      try {
        response = await this.doFetch(`${this.base}${path}`, {
          method,
          headers,
          body: init.body as unknown as BodyInit | undefined,
          redirect: 'follow',
        });
      } catch (error) {
        throw new StepError(
          `registry ${this.options.registry}`,
          `${method} ${path}: ${(error as Error).message}`,
        );
      }
      this.calls.push({ method, path, status: response.status });
      return response;
    };
    let response = await send();
    if (response.status === 401) {
      const challenge = response.headers.get('www-authenticate') ?? '';
      await response.body?.cancel();
      await this.answer(challenge, scope);
      response = await send();
      if (response.status === 401) {
        await response.body?.cancel();
        throw new StepError(
          `registry ${this.options.registry}`,
          `the credentials for ${this.options.username ? `user ${this.options.username}` : 'anonymous access'} were refused (HTTP 401 on ${method} ${path})`,
        );
      }
    }
    return response;
  }

  private async answer(challenge: string, scope: string): Promise<void> {
    if (/^basic/i.test(challenge)) {
      if (!this.basicHeader()) {
        throw new StepError(`registry ${this.options.registry}`, 'needs a username and password');
      }
      this.basic = true;
      return;
    }
    if (!/^bearer/i.test(challenge)) {
      throw new StepError(
        `registry ${this.options.registry}`,
        `unsupported auth challenge ${JSON.stringify(challenge)}`,
      );
    }
    const params: Record<string, string> = {};
    for (const m of challenge.slice(6).matchAll(/(\w+)="([^"]*)"/g)) params[m[1]!] = m[2]!;
    if (!params.realm)
      throw new StepError(`registry ${this.options.registry}`, 'bearer challenge without realm');
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    if (scope) url.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    const basic = this.basicHeader();
    if (basic) headers.authorization = basic;
    const response = await this.doFetch(url, { headers });
    this.calls.push({ method: 'GET', path: `token ${url.pathname}`, status: response.status });
    if (!response.ok) {
      await response.body?.cancel();
      throw new StepError(
        `registry ${this.options.registry}`,
        `token request refused (HTTP ${response.status}): check the username and password`,
      );
    }
    const json = (await response.json()) as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    if (!token)
      throw new StepError(`registry ${this.options.registry}`, 'token response without token');
    this.tokens.set(scope, token);
  }

  private async fail(response: Response, what: string): Promise<never> {
    const text = await response.text().catch(() => '');
    let detail = text.slice(0, 300);
    try {
      const errors = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] })
        .errors;
      if (errors?.length) detail = errors.map((e) => `${e.code}: ${e.message}`).join('; ');
    } catch {
      /* not JSON */
    }
    throw new StepError(
      `registry ${this.options.registry}`,
      `${what}: HTTP ${response.status}${detail ? ` ${detail}` : ''}`,
    );
  }

  /** Checks that the credentials can pull and push this repository (before anything is built). */
  async checkAccess(repository: string, actions = 'pull,push'): Promise<void> {
    const response = await this.request('GET', '/v2/', `repository:${repository}:${actions}`);
    await response.body?.cancel();
    if (!response.ok) await this.fail(response, 'GET /v2/');
  }

  async getManifest(repository: string, reference: string): Promise<Manifest> {
    const response = await this.request(
      'GET',
      `/v2/${repository}/manifests/${reference}`,
      `repository:${repository}:pull`,
      {
        headers: { accept: MANIFEST_ACCEPT.join(', ') },
      },
    );
    if (!response.ok) await this.fail(response, `manifest ${repository}:${reference}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const body = JSON.parse(bytes.toString('utf8')) as ManifestBody;
    const mediaType = (response.headers.get('content-type') ?? body.mediaType ?? '')
      .split(';')[0]!
      .trim();
    const digest = sha256(bytes);
    const claimed = response.headers.get('docker-content-digest');
    if (claimed && claimed !== digest) {
      throw new StepError(
        `registry ${this.options.registry}`,
        `manifest ${repository}:${reference} digest ${claimed} does not match its bytes (${digest})`,
      );
    }
    if (reference.startsWith('sha256:') && reference !== digest) {
      throw new StepError(
        `registry ${this.options.registry}`,
        `manifest ${reference} came back with digest ${digest}`,
      );
    }
    return {
      bytes,
      mediaType,
      digest,
      body,
      isIndex: INDEX_TYPES.includes(mediaType) || !!body.manifests,
    };
  }

  /** The digest the registry serves for a tag (HEAD, no body). */
  async headManifest(repository: string, reference: string): Promise<string | undefined> {
    const response = await this.request(
      'HEAD',
      `/v2/${repository}/manifests/${reference}`,
      `repository:${repository}:pull`,
      {
        headers: { accept: MANIFEST_ACCEPT.join(', ') },
      },
    );
    if (response.status === 404) return undefined;
    if (!response.ok) await this.fail(response, `HEAD manifest ${repository}:${reference}`);
    return response.headers.get('docker-content-digest') ?? undefined;
  }

  /** PUTs manifest bytes unchanged under a tag (or digest); returns the digest the registry reports. */
  async putManifest(
    repository: string,
    reference: string,
    manifest: Pick<Manifest, 'bytes' | 'mediaType' | 'digest'>,
  ): Promise<string> {
    const response = await this.request(
      'PUT',
      `/v2/${repository}/manifests/${reference}`,
      `repository:${repository}:pull,push`,
      {
        headers: { 'content-type': manifest.mediaType },
        body: manifest.bytes,
      },
    );
    if (!response.ok) await this.fail(response, `PUT manifest ${repository}:${reference}`);
    await response.body?.cancel();
    const digest = response.headers.get('docker-content-digest') ?? manifest.digest;
    if (digest !== manifest.digest) {
      throw new StepError(
        `registry ${this.options.registry}`,
        `PUT ${repository}:${reference} stored digest ${digest}, expected ${manifest.digest}`,
      );
    }
    return digest;
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const response = await this.request(
      'HEAD',
      `/v2/${repository}/blobs/${digest}`,
      `repository:${repository}:pull`,
    );
    await response.body?.cancel();
    if (response.status === 404) return false;
    if (!response.ok) await this.fail(response, `HEAD blob ${digest}`);
    return true;
  }

  /** Cross-repository blob mount: no bytes move. */
  async mountBlob(repository: string, digest: string, from: string): Promise<void> {
    const response = await this.request(
      'POST',
      `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
      `repository:${repository}:pull,push repository:${from}:pull`,
    );
    await response.body?.cancel();
    if (response.status !== 201) {
      throw new StepError(
        `registry ${this.options.registry}`,
        `cannot mount ${digest} from ${from} into ${repository} (HTTP ${response.status}); promote only within one registry`,
      );
    }
  }
}
