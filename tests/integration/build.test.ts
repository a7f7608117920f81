import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type Deps } from '../../actions/build/main.js';
import type { Inputs } from '../../actions/build/inputs.js';
import { localExecutor, type Executor, type RecordedCommand } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github-repo.js';
import { sandboxEnv } from '../helpers/sandbox.js';
import { proxyFetch } from '../../src/github/http.js';

/** build and promote against the sandbox's real dockerd and registry (htpasswd auth). */

const sandbox = sandboxEnv();
const REGISTRY = sandbox.SANDBOX_REGISTRY!;
const USER = sandbox.SANDBOX_REGISTRY_USER!;
const PASSWORD = sandbox.SANDBOX_REGISTRY_PASSWORD!;
const RUN = randomBytes(4).toString('hex');
const REPO = `build-it/bot-${RUN}`;
const IMAGE = `${REGISTRY}/${REPO}`;
const RELEASE = `${REGISTRY}/build-it/release-${RUN}`;
let releaseCreated = false;
const SHA = createHash('sha1').update(RUN).digest('hex');
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

let github: FakeGitHub;
let work: string;
const commands: RecordedCommand[] = [];
const local = localExecutor({
  env: { DOCKER_HOST: sandbox.DOCKER_HOST, DOCKER_BUILDKIT: sandbox.SANDBOX_DOCKER_BUILDKIT },
});
const exec: Executor = {
  where: 'local',
  run: (argv, options = {}) => {
    commands.push({ argv, options });
    return local.run(argv, options);
  },
};

beforeAll(async () => {
  github = await startFakeGitHub({ token: 'ghs_build' });
  work = mkdtempSync(join(tmpdir(), 'build-it-'));
  writeFileSync(
    join(work, 'Dockerfile'),
    `FROM ${sandbox.SANDBOX_IMAGE_WEB_V1_LOCAL}\nARG RUN_ID\nLABEL tg.test.run=$RUN_ID\n`,
  );
});

afterAll(async () => {
  await github.close();
  rmSync(work, { recursive: true, force: true });
  // Remove what this run created: local tags and the registry manifests (delete is enabled).
  const images = await local.run(
    [sandbox.SANDBOX_DOCKER_CLI!, 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', IMAGE],
    { allowFailure: true },
  );
  const refs = images.stdout.split('\n').filter((l) => l.startsWith(IMAGE));
  if (refs.length)
    await local.run([sandbox.SANDBOX_DOCKER_CLI!, 'image', 'rm', '-f', ...refs], {
      allowFailure: true,
    });
  for (const digest of createdDigests) {
    if (releaseCreated) {
      await fetch(`http://${REGISTRY}/v2/build-it/release-${RUN}/manifests/${digest}`, {
        method: 'DELETE',
        headers: { authorization: AUTH },
      });
    }
    await fetch(`http://${REGISTRY}/v2/${REPO}/manifests/${digest}`, {
      method: 'DELETE',
      headers: { authorization: AUTH },
    });
  }
});

const createdDigests = new Set<string>();

function inputs(over: Partial<Inputs> = {}): Inputs {
  return {
    images: [IMAGE],
    tags: [],
    flavor: [],
    labels: [],
    annotations: [],
    context: work,
    file: '',
    target: '',
    buildArgs: [`RUN_ID=${RUN}`],
    secrets: '',
    platforms: [],
    push: true,
    builder: '',
    cacheFrom: [],
    cacheTo: [],
    registryUsername: USER,
    registryPassword: PASSWORD,
    promoteDigest: '',
    githubToken: 'ghs_build',
    ...over,
  };
}

function deps(ref: string, outputs: Record<string, unknown>, runnerTemp: string): Deps {
  return {
    env: {
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: ref,
      GITHUB_SHA: SHA,
      GITHUB_REPOSITORY: 'octocat/Hello-World',
      GITHUB_API_URL: github.url,
      RUNNER_TEMP: runnerTemp,
      HOME: runnerTemp,
      SOURCE_DATE_EPOCH: '1700000000',
    },
    log: recordingLog(),
    exec,
    docker: sandbox.SANDBOX_DOCKER_CLI!,
    fetch: proxyFetch, // as actions/build/index.ts: the GitHub stand-in and registry on loopback
    setOutputs: (o) => Object.assign(outputs, o),
    writeSummary: (m) => void (outputs.summary = m),
  };
}

async function servedDigest(tag: string): Promise<{ header: string | null; computed: string }> {
  const response = await fetch(`http://${REGISTRY}/v2/${REPO}/manifests/${tag}`, {
    headers: { authorization: AUTH, accept: ACCEPT },
  });
  expect(response.status).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    header: response.headers.get('docker-content-digest'),
    computed: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
  };
}

/** Access-log lines of the registry for our repository, from a byte offset on. */
function registryRequests(from: number): string[] {
  const text = readFileSync(sandbox.SANDBOX_REGISTRY_LOG!, 'utf8').slice(from);
  return [...text.matchAll(/"(GET|HEAD|PUT|POST|PATCH|DELETE) (\/v2\/[^ ]*) HTTP\/1\.1" (\d+)/g)]
    .map((m) => `${m[1]} ${m[2]} ${m[3]}`)
    .filter((l) => l.includes(`/v2/${REPO}/`));
}

const logSize = () => readFileSync(sandbox.SANDBOX_REGISTRY_LOG!).length;

describe('build action against the sandbox registry', () => {
  let digest = '';

  it('builds, pushes every tag, and reports the digest the registry serves', async () => {
    const outputs: Record<string, unknown> = {};
    const temp = mkdtempSync(join(tmpdir(), 'build-it-runner-'));
    try {
      await run(
        inputs({ tags: ['type=ref,event=branch', `type=raw,value=it-${RUN}`] }),
        deps('refs/heads/main', outputs, temp),
      );
      // the private docker config with the credentials is gone afterwards
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    digest = String(outputs.digest);
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    createdDigests.add(digest);
    expect(outputs.image).toBe(`${IMAGE}@${digest}`);
    const tags = String(outputs.tags).split('\n');
    expect(tags).toEqual([
      `${IMAGE}:main`,
      `${IMAGE}:it-${RUN}`,
      `${IMAGE}:sha-${SHA.slice(0, 7)}`,
    ]);
    for (const tag of ['main', `it-${RUN}`, `sha-${SHA.slice(0, 7)}`]) {
      expect(await servedDigest(tag)).toEqual({ header: digest, computed: digest });
    }
    // the password went over stdin only, never into argv
    const login = commands.find((c) => c.argv.includes('login'))!;
    expect(login.argv).toContain('--password-stdin');
    expect(login.options.input).toBe(PASSWORD);
    expect(commands.flatMap((c) => c.argv).join(' ')).not.toContain(PASSWORD);
    expect(String(outputs.summary)).toContain(digest);
  });

  it('the image carries the OCI labels from the tag rules', async () => {
    const inspect = await local.run([
      sandbox.SANDBOX_DOCKER_CLI!,
      'image',
      'inspect',
      '--format',
      '{{json .Config.Labels}}',
      `${IMAGE}:main`,
    ]);
    const labels = JSON.parse(inspect.stdout) as Record<string, string>;
    expect(labels['org.opencontainers.image.revision']).toBe(SHA);
    expect(labels['org.opencontainers.image.created']).toBe('2023-11-14T22:13:20.000Z');
    expect(labels['org.opencontainers.image.version']).toBe('main');
    expect(labels['tg.test.run']).toBe(RUN);
  });

  it('promotes that digest to release tags without pushing a layer', async () => {
    expect(digest).not.toBe('');
    const before = logSize();
    const built = commands.length;
    const outputs: Record<string, unknown> = {};
    const temp = mkdtempSync(join(tmpdir(), 'build-it-runner-'));
    try {
      await run(
        inputs({
          tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}'],
          promoteDigest: `${IMAGE}@${digest}`,
        }),
        deps('refs/tags/v1.4.0', outputs, temp),
      );
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    expect(commands.length).toBe(built); // no docker command at all
    expect(outputs.digest).toBe(digest);
    expect(String(outputs.tags).split('\n')).toEqual([
      `${IMAGE}:1.4.0`,
      `${IMAGE}:1.4`,
      `${IMAGE}:sha-${SHA.slice(0, 7)}`,
      `${IMAGE}:latest`,
    ]);
    for (const tag of ['1.4.0', '1.4', 'latest']) {
      expect(await servedDigest(tag)).toEqual({ header: digest, computed: digest });
    }
    const requests = registryRequests(before);
    expect(
      requests.filter((r) => /\/blobs\/uploads|^PUT \/v2\/[^ ]*\/blobs|^PATCH/.test(r)),
    ).toEqual([]);
    expect(requests.filter((r) => r.startsWith('PUT '))).toEqual([
      `PUT /v2/${REPO}/manifests/1.4.0 201`,
      `PUT /v2/${REPO}/manifests/1.4 201`,
      `PUT /v2/${REPO}/manifests/latest 201`,
    ]);
  });

  it('promotes into another repository of the registry by mounting blobs, not uploading', async () => {
    expect(digest).not.toBe('');
    const before = logSize();
    const outputs: Record<string, unknown> = {};
    const temp = mkdtempSync(join(tmpdir(), 'build-it-runner-'));
    try {
      await run(
        inputs({ images: [], tags: [`${RELEASE}:1.4.0`], promoteDigest: `${IMAGE}@${digest}` }),
        deps('refs/tags/v1.4.0', outputs, temp),
      );
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    releaseCreated = true;
    expect(outputs).toMatchObject({ digest, tags: `${RELEASE}:1.4.0` });
    const text = readFileSync(sandbox.SANDBOX_REGISTRY_LOG!, 'utf8').slice(before);
    const lines = [...text.matchAll(/"(POST|PUT|PATCH) (\/v2\/[^ ]*) HTTP\/1\.1" (\d+)/g)].map(
      (m) => `${m[1]} ${m[2]} ${m[3]}`,
    );
    const uploads = lines.filter((l) => l.includes('/blobs/'));
    expect(uploads.length).toBeGreaterThan(0);
    for (const line of uploads)
      expect(line).toMatch(
        /^POST \/v2\/[^ ]*\/blobs\/uploads\/\?mount=sha256%3A[a-f0-9]{64}&from=[^ ]+ 201$/,
      );
    expect(lines.filter((l) => l.includes('/manifests/'))).toEqual([
      `PUT /v2/${RELEASE.slice(REGISTRY.length + 1)}/manifests/1.4.0 201`,
    ]);
    const response = await fetch(
      `http://${RELEASE.replace(`${REGISTRY}/`, `${REGISTRY}/v2/`)}/manifests/1.4.0`,
      {
        method: 'HEAD',
        headers: { authorization: AUTH, accept: ACCEPT },
      },
    );
    expect(response.headers.get('docker-content-digest')).toBe(digest);
  });

  it("without credentials uses the runner's own docker login (as docker/login-action leaves it), classic builder", async () => {
    // The runner's docker config, logged in for real by the docker CLI, as login-action does.
    const runnerConfig = mkdtempSync(join(tmpdir(), 'build-it-runner-config-'));
    const temp = mkdtempSync(join(tmpdir(), 'build-it-runner-'));
    const seen: RecordedCommand[] = [];
    const runnerExec: Executor = {
      where: 'local',
      run: (argv, options = {}) => {
        seen.push({ argv, options });
        return local.run(argv, {
          ...options,
          env: { DOCKER_CONFIG: runnerConfig, ...options.env },
        });
      },
    };
    const outputs: Record<string, unknown> = {};
    const notices: string[] = [];
    try {
      await local.run(
        [sandbox.SANDBOX_DOCKER_CLI!, 'login', '--username', USER, '--password-stdin', REGISTRY],
        {
          input: PASSWORD,
          env: { DOCKER_CONFIG: runnerConfig },
        },
      );
      const base = deps('refs/heads/main', outputs, temp);
      await run(
        inputs({
          tags: [`type=raw,value=runner-login-${RUN}`],
          registryUsername: '',
          registryPassword: '',
          annotations: ['org.example.team=bots'],
        }),
        {
          ...base,
          env: { ...base.env, DOCKER_CONFIG: runnerConfig },
          exec: runnerExec,
          notice: (m) => void notices.push(m),
        },
      );
      // No private config: every docker command ran with the runner's.
      expect(seen.map((c) => c.options.env?.DOCKER_CONFIG)).toEqual(seen.map(() => undefined));
      // buildx absent (Debian's docker): the classic builder, pushed with the engine.
      expect(seen.map((c) => c.argv[1])).toEqual(['buildx', 'build', 'push', 'image']);
      expect(notices).toEqual([
        'Annotations not stored: the classic builder keeps none (labels are still set).',
      ]);
      const pushed = String(outputs.digest);
      createdDigests.add(pushed);
      expect(await servedDigest(`runner-login-${RUN}`)).toEqual({
        header: pushed,
        computed: pushed,
      });
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
      rmSync(runnerConfig, { recursive: true, force: true });
    }
  });

  it('fails clearly on wrong credentials, before building or pushing anything', async () => {
    const before = logSize();
    const ran = commands.length;
    const temp = mkdtempSync(join(tmpdir(), 'build-it-runner-'));
    try {
      await expect(
        run(
          inputs({ tags: [`type=raw,value=wrong-${RUN}`], registryPassword: 'not-the-password' }),
          deps('refs/heads/main', {}, temp),
        ),
      ).rejects.toThrow(`registry ${REGISTRY}: the credentials for user ${USER} were refused`);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    expect(commands.length).toBe(ran);
    expect(registryRequests(before).filter((r) => !r.startsWith('GET /v2/ '))).toEqual([]);
    const response = await fetch(`http://${REGISTRY}/v2/${REPO}/manifests/wrong-${RUN}`, {
      method: 'HEAD',
      headers: { authorization: AUTH, accept: ACCEPT },
    });
    expect(response.status).toBe(404);
  });

  it('rejects an invalid image reference before any command', async () => {
    const ran = commands.length;
    await expect(
      run(
        inputs({ images: [`${REGISTRY}/Build-IT/UPPER case`] }),
        deps('refs/heads/main', {}, work),
      ),
    ).rejects.toThrow("Input 'images'");
    expect(commands.length).toBe(ran);
    expect(existsSync(join(work, 'Dockerfile'))).toBe(true);
  });
});
