import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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
import {
  builderCapabilities,
  containerdStoreFromDriverStatus,
  parseBuildxInspect,
  parseBuildxVersion,
  planCache,
} from '../../src/docker/builder.js';
import {
  credentialsFromDockerConfig,
  preparePrivateDockerConfig,
} from '../../src/docker/config.js';
import { promote } from '../../src/docker/promote.js';
import { formatReference, parseReference, registryBaseUrl } from '../../src/docker/reference.js';
import { MEDIA, RegistryClient, sha256 } from '../../src/docker/registry.js';
import { recordingLog } from '../../src/log.js';
import { proxyFetch } from '../../src/github/http.js';

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
      const client = new RegistryClient({
        registry: reg.host,
        username: 'ci',
        password: 's3cret',
        fetch: proxyFetch,
      });
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
    const client = new RegistryClient({
      registry: reg.host,
      username: 'ci',
      password: 's3cret',
      fetch: proxyFetch,
    });
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
    const client = new RegistryClient({
      registry: reg.host,
      username: 'ci',
      password: 's3cret',
      fetch: proxyFetch,
    });
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
    const client = new RegistryClient({
      registry: reg.host,
      username: 'ci',
      password: 's3cret',
      fetch: proxyFetch,
    });
    await expect(client.getManifest('org/bot', other)).rejects.toThrow('does not match its bytes');
  });

  it('fails clearly on wrong credentials and changes nothing', async () => {
    const digest = seedImage(reg, 'org/bot', MEDIA.ociManifest, ['1']);
    const client = new RegistryClient({
      registry: reg.host,
      username: 'ci',
      password: 'wrong',
      fetch: proxyFetch,
    });
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
    const client = new RegistryClient({
      registry: reg.host,
      username: 'ci',
      password: 's3cret',
      fetch: proxyFetch,
    });
    await expect(client.getManifest('org/bot', 'nope')).rejects.toThrow(
      'manifest org/bot:nope: HTTP 404 MANIFEST_UNKNOWN: manifest unknown',
    );
    expect(await client.headManifest('org/bot', 'nope')).toBeUndefined();
  });
});

const BUILDX = join(import.meta.dirname, '..', 'fixtures', 'buildx');
const recorded = (name: string) => readFileSync(join(BUILDX, name), 'utf8');

describe('docker: builder probe on recorded buildx outputs', () => {
  it('reads the buildx version', () => {
    expect(parseBuildxVersion(recorded('version.txt'))).toBe('v0.29.1');
    expect(parseBuildxVersion("docker: 'buildx' is not a docker command.")).toBeUndefined();
    expect(parseBuildxVersion('')).toBeUndefined();
  });

  it.each([
    [
      'inspect-docker.txt',
      {
        name: 'default',
        driver: 'docker',
        status: 'running',
        buildkit: 'v0.23.2',
        platforms: [
          'linux/amd64',
          'linux/amd64/v2',
          'linux/amd64/v3',
          'linux/amd64/v4',
          'linux/386',
        ],
        labels: { 'org.mobyproject.buildkit.worker.moby.host-gateway-ip': '172.17.0.1' },
      },
    ],
    [
      'inspect-docker-container.txt',
      {
        name: 'builder-7f4c2a9e-1d3b-4f5a-8e6c-9b0a1d2c3e4f',
        driver: 'docker-container',
        status: 'running',
        buildkit: 'v0.25.1',
        platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/386'],
      },
    ],
    [
      'inspect-remote.txt',
      {
        name: 'remote-builder',
        driver: 'remote',
        status: 'running',
        buildkit: 'v0.25.1',
        platforms: ['linux/amd64', 'linux/arm64'],
      },
    ],
  ])('parses %s', (file, expected) => {
    expect(parseBuildxInspect(recorded(file))).toMatchObject(expected);
  });

  it('reads worker labels of the containerd store and refuses text without a driver', () => {
    const info = parseBuildxInspect(recorded('inspect-docker-containerd.txt'));
    expect(info.labels['org.mobyproject.buildkit.worker.snapshotter']).toBe('overlayfs');
    expect(info.labels['org.mobyproject.buildkit.worker.executor']).toBe('containerd');
    expect(() => parseBuildxInspect('ERROR: no builder "x" found')).toThrow(/no Driver line/);
  });

  it('tells the containerd image store from the classic one by docker info', () => {
    expect(containerdStoreFromDriverStatus(recorded('info-containerd.json'))).toBe(true);
    expect(containerdStoreFromDriverStatus(recorded('info-classic.json'))).toBe(false);
    expect(containerdStoreFromDriverStatus('null')).toBe(false); // vfs, as in the sandbox
    expect(containerdStoreFromDriverStatus('')).toBe(false);
  });

  const DEFAULT_CACHE = {
    from: ['type=gha'],
    to: ['type=gha,mode=max'],
  };
  const REGISTRY_CACHE = {
    from: ['type=registry,ref=ghcr.io/org/bot:buildcache'],
    to: ['type=registry,ref=ghcr.io/org/bot:buildcache,mode=max', 'type=inline'],
  };

  // driver x containerd store -> what is exported, annotated, built for several platforms
  it.each([
    [
      'inspect-docker.txt',
      'info-classic.json',
      false,
      DEFAULT_CACHE,
      { from: ['type=gha'], to: [] },
    ],
    [
      'inspect-docker.txt',
      'info-classic.json',
      false,
      REGISTRY_CACHE,
      { from: REGISTRY_CACHE.from, to: ['type=inline'] },
    ],
    ['inspect-docker-containerd.txt', 'info-containerd.json', true, DEFAULT_CACHE, DEFAULT_CACHE],
    ['inspect-docker-container.txt', 'info-classic.json', true, DEFAULT_CACHE, DEFAULT_CACHE],
    ['inspect-docker-container.txt', 'info-containerd.json', true, REGISTRY_CACHE, REGISTRY_CACHE],
    ['inspect-remote.txt', 'info-classic.json', true, DEFAULT_CACHE, DEFAULT_CACHE],
    ['inspect-remote.txt', 'info-containerd.json', true, REGISTRY_CACHE, REGISTRY_CACHE],
  ])('%s with %s: full=%s', (inspect, info, full, wanted, expected) => {
    const builder = parseBuildxInspect(recorded(inspect));
    // Only the docker driver asks docker info; the others run BuildKit outside the daemon.
    const store = builder.driver === 'docker' && containerdStoreFromDriverStatus(recorded(info));
    const caps = builderCapabilities(builder, store);
    expect(caps).toMatchObject({ cacheExport: full, annotations: full, multiPlatform: full });
    const plan = planCache(wanted, builder, caps);
    expect({ from: plan.from, to: plan.to }).toEqual(expected);
    if (full) expect(plan.notice).toBeUndefined();
    else {
      expect(plan.notice).toContain(
        'Cache import only: the builder default uses the docker driver on the classic image store',
      );
      expect(plan.notice).toContain('docker/setup-buildx-action');
    }
  });

  it('summarizes the builder for the log and the job summary', () => {
    const docker = parseBuildxInspect(recorded('inspect-docker.txt'));
    expect(builderCapabilities(docker, false).summary).toBe(
      'builder default: docker driver, classic image store, BuildKit v0.23.2',
    );
    expect(builderCapabilities(docker, true).summary).toBe(
      'builder default: docker driver, containerd image store, BuildKit v0.23.2',
    );
    const remote = parseBuildxInspect(recorded('inspect-remote.txt'));
    expect(builderCapabilities(remote, false).summary).toBe(
      'builder remote-builder: remote driver, BuildKit v0.25.1',
    );
  });

  it('builds buildx argv with the builder and the annotations', () => {
    const argv = buildxBuildArgs('docker', {
      context: '.',
      tags: ['x:1'],
      builder: 'builder-1',
      annotations: ['manifest:org.opencontainers.image.version=1.0', 'index:a=b'],
    });
    expect(argv.slice(0, 5)).toEqual(['docker', 'buildx', 'build', '--builder', 'builder-1']);
    expect(argv.join(' ')).toContain(
      '--annotation manifest:org.opencontainers.image.version=1.0 --annotation index:a=b',
    );
    expect(
      classicBuildArgs('docker', { context: '.', tags: ['x:1'], annotations: ['a=b'] }),
    ).not.toContain('--annotation');
  });
});

describe("docker: private config that keeps the runner's builders", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'docker-private-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('copies the config without the credential store and links buildx, contexts and cli-plugins', () => {
    const runner = join(root, 'runner');
    const mine = join(root, 'mine');
    mkdirSync(join(runner, 'buildx', 'instances'), { recursive: true });
    writeFileSync(
      join(runner, 'buildx', 'current'),
      '{"Key":"unix:///var/run/docker.sock","Name":"builder-1","Global":false}',
    );
    mkdirSync(join(runner, 'cli-plugins'));
    mkdirSync(mine, { mode: 0o700 });
    const other = Buffer.from('bot:quay-pw').toString('base64');
    writeFileSync(
      join(runner, 'config.json'),
      JSON.stringify({
        auths: { 'quay.io': { auth: other } },
        credsStore: 'desktop',
        credHelpers: { 'ghcr.io': 'gcloud', 'gcr.io': 'gcloud' },
        proxies: { default: { httpsProxy: 'http://proxy:3128' } },
      }),
    );
    const { linked } = preparePrivateDockerConfig(mine, runner, ['ghcr.io']);
    expect(linked).toEqual(['buildx', 'cli-plugins']);
    expect(lstatSync(join(mine, 'buildx')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(mine, 'buildx'))).toBe(join(runner, 'buildx'));
    expect(readFileSync(join(mine, 'buildx', 'current'), 'utf8')).toContain('builder-1');
    expect(existsSync(join(mine, 'contexts'))).toBe(false);
    const copied = JSON.parse(readFileSync(join(mine, 'config.json'), 'utf8'));
    expect(copied).toEqual({
      auths: { 'quay.io': { auth: other } },
      credHelpers: { 'gcr.io': 'gcloud' },
      proxies: { default: { httpsProxy: 'http://proxy:3128' } },
    });
    expect(lstatSync(join(mine, 'config.json')).mode & 0o777).toBe(0o600);
    // The runner's own config is untouched.
    expect(JSON.parse(readFileSync(join(runner, 'config.json'), 'utf8')).credsStore).toBe(
      'desktop',
    );
  });

  it('starts from an empty config when the runner has none', () => {
    const mine = join(root, 'mine');
    mkdirSync(mine);
    expect(preparePrivateDockerConfig(mine, join(root, 'absent'), ['ghcr.io'])).toEqual({
      linked: [],
    });
    expect(JSON.parse(readFileSync(join(mine, 'config.json'), 'utf8'))).toEqual({});
  });
});
