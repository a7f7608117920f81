import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildxBuildArgs,
  classicBuildArgs,
  defaultCache,
  digestFromPush,
  digestFromRepoDigests,
  loginArgs,
} from '../../src/docker/argv.js';
import { credentialsFromDockerConfig } from '../../src/docker/config.js';
import { promote } from '../../src/docker/promote.js';
import { formatReference, parseReference, registryBaseUrl } from '../../src/docker/reference.js';
import { MEDIA, RegistryClient, sha256 } from '../../src/docker/registry.js';
import { recordingLog } from '../../src/log.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;

describe('docker: image references', () => {
  it.each([
    ['bot', { registry: 'docker.io', repository: 'library/bot' }],
    ['org/bot:1.2', { registry: 'docker.io', repository: 'org/bot', tag: '1.2' }],
    ['ghcr.io/org/bot', { registry: 'ghcr.io', repository: 'org/bot' }],
    ['127.0.0.1:5000/a/b:v1', { registry: '127.0.0.1:5000', repository: 'a/b', tag: 'v1' }],
    ['localhost/x', { registry: 'localhost', repository: 'x' }],
    [`ghcr.io/o/b@${D('a')}`, { registry: 'ghcr.io', repository: 'o/b', digest: D('a') }],
    [`o/b:t@${D('b')}`, { registry: 'docker.io', repository: 'o/b', tag: 't', digest: D('b') }],
    ['a.b/c__d/e-f--g:_x.Y-9', { registry: 'a.b', repository: 'c__d/e-f--g', tag: '_x.Y-9' }],
  ])('%s', (ref, parsed) => {
    expect(parseReference(ref)).toEqual(parsed);
  });

  it.each([
    ['', 'empty'],
    ['Org/bot', '"Org" is not a valid name component'],
    ['org/bot:', 'tag "" is invalid'],
    ['org/bot:-x', 'tag "-x" is invalid'],
    [`org/bot:${'a'.repeat(129)}`, 'is invalid'],
    ['org/bot@sha256:abc', 'is not a sha256 digest'],
    ['org//bot', 'empty name component'],
    ['org/bot$(id)', 'not a valid name component'],
    ['ghcr.io/org/bot:1;rm', 'tag "1;rm" is invalid'],
  ])('rejects %j', (ref, message) => {
    expect(() => parseReference(ref)).toThrow(message);
  });

  it('formats references and chooses http only for loopback', () => {
    expect(formatReference(parseReference('library/bot:1'))).toBe('bot:1');
    expect(registryBaseUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(registryBaseUrl('ghcr.io')).toBe('https://ghcr.io');
    expect(registryBaseUrl('docker.io')).toBe('https://registry-1.docker.io');
  });
});

describe('docker: argv builders', () => {
  const options = {
    context: 'ctx dir',
    file: 'ctx dir/Dockerfile',
    target: 'web',
    buildArgs: ['A=1', 'B=$(id)'],
    labels: ['k=v w'],
    tags: ['r/i:1', 'r/i:sha-abc'],
    secretFiles: [{ id: 'TOKEN', file: '/tmp/s/secret-0' }],
    cacheFrom: ['type=gha'],
    cacheTo: ['type=gha,mode=max'],
    platforms: ['linux/amd64', 'linux/arm64'],
    metadataFile: '/tmp/s/meta.json',
  };

  it('builds classic argv, one argument per value, never a shell string', () => {
    expect(classicBuildArgs('docker', options)).toEqual([
      'docker',
      'build',
      '--file',
      'ctx dir/Dockerfile',
      '--target',
      'web',
      '--build-arg',
      'A=1',
      '--build-arg',
      'B=$(id)',
      '--label',
      'k=v w',
      '--tag',
      'r/i:1',
      '--tag',
      'r/i:sha-abc',
      '--secret',
      'id=TOKEN,src=/tmp/s/secret-0',
      '--cache-from',
      'type=gha',
      'ctx dir',
    ]);
  });

  it('builds buildx argv with platforms, cache, metadata file and push', () => {
    const argv = buildxBuildArgs('docker', { ...options, push: true });
    expect(argv.slice(0, 3)).toEqual(['docker', 'buildx', 'build']);
    expect(argv.slice(-10)).toEqual([
      '--platform',
      'linux/amd64,linux/arm64',
      '--cache-from',
      'type=gha',
      '--cache-to',
      'type=gha,mode=max',
      '--metadata-file',
      '/tmp/s/meta.json',
      '--push',
      'ctx dir',
    ]);
    expect(buildxBuildArgs('docker', { context: '.', tags: ['x:1'] })).toContain('--load');
  });

  it('logs in with the password on stdin only', () => {
    expect(loginArgs('docker', 'ghcr.io', 'me')).toEqual([
      'docker',
      'login',
      '--username',
      'me',
      '--password-stdin',
      'ghcr.io',
    ]);
  });

  it('reads digests from push output and RepoDigests', () => {
    expect(digestFromPush(`v1: digest: ${D('c')} size: 528\n`)).toBe(D('c'));
    expect(digestFromPush('nothing')).toBeUndefined();
    const json = JSON.stringify([`other/x@${D('1')}`, `127.0.0.1:5000/a/b@${D('2')}`]);
    expect(digestFromRepoDigests(json, '127.0.0.1:5000/a/b')).toBe(D('2'));
    expect(digestFromRepoDigests('not json', 'a')).toBeUndefined();
  });

  it('uses the GitHub cache service when present, else a registry cache', () => {
    expect(defaultCache({ ACTIONS_RESULTS_URL: 'http://x' }, 'r/i:buildcache')).toEqual({
      from: ['type=gha'],
      to: ['type=gha,mode=max'],
    });
    expect(defaultCache({}, 'r/i:buildcache')).toEqual({
      from: ['type=registry,ref=r/i:buildcache'],
      to: ['type=registry,ref=r/i:buildcache,mode=max'],
    });
  });

  it('finds credentials an earlier docker login stored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-cfg-'));
    try {
      const auth = Buffer.from('me:pa:ss').toString('base64');
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth } } }));
      expect(credentialsFromDockerConfig({ DOCKER_CONFIG: dir }, 'ghcr.io')).toEqual({
        username: 'me',
        password: 'pa:ss',
      });
      expect(credentialsFromDockerConfig({ DOCKER_CONFIG: dir }, 'quay.io')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * A registry that answers like distribution with token auth: 401 + Bearer challenge, a token
 * endpoint checking Basic credentials, manifests and blobs per repository, cross-repo mounts.
 */
interface FakeRegistry {
  host: string;
  requests: string[];
  blobUploads: number;
  manifests: Map<string, { type: string; bytes: Buffer }>;
  tags: Map<string, string>;
  blobs: Set<string>;
  close(): Promise<void>;
}

async function startFakeRegistry(user: string, password: string): Promise<FakeRegistry> {
  const state = {
    requests: [] as string[],
    blobUploads: 0,
    manifests: new Map<string, { type: string; bytes: Buffer }>(), // repo@digest
    tags: new Map<string, string>(), // repo:tag -> digest
    blobs: new Set<string>(), // repo@digest
  };
  const basic = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  let base = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      state.requests.push(`${req.method} ${url.pathname}${url.search}`);
      if (url.pathname === '/token') {
        if (req.headers.authorization !== basic) return void res.writeHead(401).end('{}');
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ token: `tok ${url.searchParams.get('scope')}` }));
      }
      if (!req.headers.authorization?.startsWith('Bearer tok ')) {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm="${base}/token",service="fake",scope="x"`,
          'content-type': 'application/json',
        });
        return void res.end(
          '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
        );
      }
      if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
      const m = url.pathname.match(/^\/v2\/(.+)\/(manifests|blobs)\/(.+)$/);
      const upload = url.pathname.match(/^\/v2\/(.+)\/blobs\/uploads\/$/);
      if (upload && req.method === 'POST') {
        const mount = url.searchParams.get('mount');
        const from = url.searchParams.get('from');
        if (mount && from && state.blobs.has(`${from}@${mount}`)) {
          state.blobs.add(`${upload[1]}@${mount}`);
          return void res.writeHead(201, { 'docker-content-digest': mount }).end();
        }
        state.blobUploads++;
        return void res.writeHead(202).end();
      }
      if (!m) return void res.writeHead(404).end();
      const [, repo, kind, ref] = m as unknown as [string, string, string, string];
      if (kind === 'blobs') {
        return void res.writeHead(state.blobs.has(`${repo}@${ref}`) ? 200 : 404).end();
      }
      if (req.method === 'PUT' && ref.startsWith('reject')) {
        res.writeHead(400, { 'content-type': 'application/json' });
        return void res.end('{"errors":[{"code":"TAG_INVALID","message":"tag is immutable"}]}');
      }
      if (req.method === 'PUT') {
        const bytes = Buffer.concat(chunks);
        const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
        state.manifests.set(`${repo}@${digest}`, {
          type: String(req.headers['content-type']),
          bytes,
        });
        if (!ref.startsWith('sha256:')) state.tags.set(`${repo}:${ref}`, digest);
        return void res.writeHead(201, { 'docker-content-digest': digest }).end();
      }
      const digest = ref.startsWith('sha256:') ? ref : state.tags.get(`${repo}:${ref}`);
      const manifest = digest && state.manifests.get(`${repo}@${digest}`);
      if (!manifest) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end(
          '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}',
        );
      }
      res.writeHead(200, { 'content-type': manifest.type, 'docker-content-digest': digest! });
      res.end(req.method === 'HEAD' ? undefined : manifest.bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `http://${host}`;
  return {
    host,
    ...state,
    get requests() {
      return state.requests;
    },
    get blobUploads() {
      return state.blobUploads;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function seedImage(reg: FakeRegistry, repo: string, type: string, layers: string[]): string {
  const config = {
    mediaType: 'application/vnd.oci.image.config.v1+json',
    digest: D('f'),
    size: 100,
  };
  reg.blobs.add(`${repo}@${config.digest}`);
  const layerDescs = layers.map((c, i) => {
    reg.blobs.add(`${repo}@${D(c)}`);
    return {
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: D(c),
      size: 1000 * (i + 1),
    };
  });
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: type, config, layers: layerDescs }, null, 3),
  );
  const digest = sha256(bytes);
  reg.manifests.set(`${repo}@${digest}`, { type, bytes });
  return digest;
}

describe('docker: registry client and promote (fake registry with token auth)', () => {
  let reg: FakeRegistry;
  beforeEach(async () => {
    reg = await startFakeRegistry('ci', 's3cret');
  });
  afterEach(() => reg.close());

  it.each([MEDIA.dockerManifest, MEDIA.ociManifest])(
    'promotes a %s by re-PUTting its exact bytes',
    async (type) => {
      const digest = seedImage(reg, 'org/bot', type, ['1', '2']);
      const client = new RegistryClient({ registry: reg.host, username: 'ci', password: 's3cret' });
      const log = recordingLog();
      const result = await promote(
        client,
        { repository: 'org/bot', digest },
        [
          { repository: 'org/bot', tag: '1.4.0' },
          { repository: 'org/bot', tag: 'latest' },
        ],
        log,
      );
      expect(result).toMatchObject({ digest, mediaType: type, size: 100 + 1000 + 2000 });
      expect(reg.tags.get('org/bot:1.4.0')).toBe(digest);
      expect(reg.tags.get('org/bot:latest')).toBe(digest);
      expect(reg.blobUploads).toBe(0);
      expect(reg.requests.filter((r) => r.startsWith('PUT'))).toEqual([
        'PUT /v2/org/bot/manifests/1.4.0',
        'PUT /v2/org/bot/manifests/latest',
      ]);
      const token = reg.requests.find((r) => r.startsWith('GET /token'))!;
      expect(decodeURIComponent(token)).toContain('scope=repository:org/bot:pull');
      expect(log.text()).toContain(`org/bot:1.4.0 -> ${digest}`);
    },
  );

  it('promotes an OCI index across repositories by mounting blobs, never uploading', async () => {
    const a = seedImage(reg, 'org/build', MEDIA.ociManifest, ['1']);
    const b = seedImage(reg, 'org/build', MEDIA.ociManifest, ['2', '3']);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.ociIndex,
        manifests: [
          {
            mediaType: MEDIA.ociManifest,
            digest: a,
            size: 10,
            platform: { os: 'linux', architecture: 'amd64' },
          },
          {
            mediaType: MEDIA.ociManifest,
            digest: b,
            size: 10,
            platform: { os: 'linux', architecture: 'arm64' },
          },
        ],
      }),
    );
    const digest = sha256(index);
    reg.manifests.set(`org/build@${digest}`, { type: MEDIA.ociIndex, bytes: index });
    const client = new RegistryClient({ registry: reg.host, username: 'ci', password: 's3cret' });
    const result = await promote(
      client,
      { repository: 'org/build', digest },
      [{ repository: 'org/release', tag: 'v1' }],
      recordingLog(),
    );
    expect(result.digest).toBe(digest);
    expect(result.size).toBe(100 + 1000 + 100 + 1000 + 2000);
    expect(reg.tags.get('org/release:v1')).toBe(digest);
    expect(reg.manifests.has(`org/release@${a}`)).toBe(true);
    expect(reg.manifests.has(`org/release@${b}`)).toBe(true);
    expect(reg.blobs.has(`org/release@${D('3')}`)).toBe(true);
    expect(reg.blobUploads).toBe(0);
    expect(new Set(reg.requests.filter((r) => r.includes('mount='))).size).toBe(4);
  });

  it('rolls moved tags back when the registry rejects a later tag', async () => {
    const old = seedImage(reg, 'org/bot', MEDIA.dockerManifest, ['1']);
    reg.tags.set('org/bot:latest', old);
    const digest = seedImage(reg, 'org/bot', MEDIA.ociManifest, ['2']);
    const client = new RegistryClient({ registry: reg.host, username: 'ci', password: 's3cret' });
    await expect(
      promote(
        client,
        { repository: 'org/bot', digest },
        [
          { repository: 'org/bot', tag: 'latest' },
          { repository: 'org/bot', tag: '1.4' },
          { repository: 'org/bot', tag: 'reject-me' },
        ],
        recordingLog(),
      ),
    ).rejects.toThrow(
      `PUT manifest org/bot:reject-me: HTTP 400 TAG_INVALID: tag is immutable; restored org/bot:latest back to ${old}; new tags left on the promoted digest: org/bot:1.4`,
    );
    expect(reg.tags.get('org/bot:latest')).toBe(old);
    expect(reg.manifests.get(`org/bot@${old}`)!.type).toBe(MEDIA.dockerManifest);
  });

  it('refuses a manifest whose bytes do not match the digest asked for', async () => {
    const digest = seedImage(reg, 'org/bot', MEDIA.ociManifest, ['1']);
    const other = D('9');
    reg.manifests.set(`org/bot@${other}`, reg.manifests.get(`org/bot@${digest}`)!);
    const client = new RegistryClient({ registry: reg.host, username: 'ci', password: 's3cret' });
    await expect(client.getManifest('org/bot', other)).rejects.toThrow('does not match its bytes');
  });

  it('fails clearly on wrong credentials and changes nothing', async () => {
    const digest = seedImage(reg, 'org/bot', MEDIA.ociManifest, ['1']);
    const client = new RegistryClient({ registry: reg.host, username: 'ci', password: 'wrong' });
    await expect(
      promote(
        client,
        { repository: 'org/bot', digest },
        [{ repository: 'org/bot', tag: 'x' }],
        recordingLog(),
      ),
    ).rejects.toThrow(
      `registry ${reg.host}: token request refused (HTTP 401): check the username and password`,
    );
    expect(reg.tags.size).toBe(0);
  });

  it('reports a missing manifest with the registry error code', async () => {
    const client = new RegistryClient({ registry: reg.host, username: 'ci', password: 's3cret' });
    await expect(client.getManifest('org/bot', 'nope')).rejects.toThrow(
      'manifest org/bot:nope: HTTP 404 MANIFEST_UNKNOWN: manifest unknown',
    );
    expect(await client.headManifest('org/bot', 'nope')).toBeUndefined();
  });
});
