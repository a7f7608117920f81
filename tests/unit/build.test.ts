import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFullReference, run, type Deps } from '../../actions/build/main.js';
import type { Inputs } from '../../actions/build/inputs.js';
import { MEDIA, sha256 } from '../../src/docker/registry.js';
import { recordingExecutor } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';
import { FAKE_REPO } from '../helpers/fake-github-repo.js';

const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
const HEAD = 'a9c8c5828b91be48d1fe0e1bb8ba0b0ebc7e2d3f';
const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: { digest: `sha256:${'c'.repeat(64)}`, size: 500 },
    layers: [{ digest: `sha256:${'d'.repeat(64)}`, size: 2048 }],
  }),
);
const DIGEST = sha256(MANIFEST);

/** Answers the GitHub API and a registry (Basic auth) the way the real ones do. */
function fakeFetch(calls: string[]): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const headers = new Headers(init?.headers);
    calls.push(`${method} ${url.host}${url.pathname}`);
    if (url.host === 'api.test') {
      expect(headers.get('authorization')).toBe('Bearer ghs_x');
      return new Response(JSON.stringify(FAKE_REPO), { status: 200 });
    }
    if (headers.get('authorization') !== `Basic ${Buffer.from('ci:pw').toString('base64')}`) {
      return new Response('{}', {
        status: 401,
        headers: { 'www-authenticate': 'Basic realm="r"' },
      });
    }
    if (url.pathname === '/v2/') return new Response('{}', { status: 200 });
    if (url.pathname.includes('/manifests/')) {
      const h = { 'docker-content-digest': DIGEST, 'content-type': MEDIA.ociManifest };
      return new Response(method === 'HEAD' ? null : MANIFEST, { status: 200, headers: h });
    }
    return new Response('', { status: 404 });
  }) as typeof fetch;
}

function inputs(over: Partial<Inputs> = {}): Inputs {
  return {
    images: ['ghcr.io/org/bot'],
    tags: [],
    flavor: [],
    labels: [],
    annotations: [],
    context: 'app',
    file: '',
    target: '',
    buildArgs: [],
    secrets: '',
    platforms: [],
    push: true,
    builder: '',
    cacheFrom: [],
    cacheTo: [],
    registryUsername: 'ci',
    registryPassword: 'pw',
    promoteDigest: '',
    githubToken: 'ghs_x',
    ...over,
  };
}

let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'build-unit-'));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

const BUILDX = join(import.meta.dirname, '..', 'fixtures', 'buildx');
const recorded = (name: string) => readFileSync(join(BUILDX, name), 'utf8');

/** A recorded docker: buildx answers with the given `buildx inspect` and `docker info` outputs. */
function setup(
  env: Record<string, string>,
  buildx: boolean | { inspect: string; info?: string; builders?: readonly string[] },
) {
  const outputs: Record<string, unknown> = {};
  const calls: string[] = [];
  const seen: { config?: string; secret?: string } = {};
  const notices: string[] = [];
  const probe =
    buildx === true
      ? { inspect: 'inspect-docker-container.txt' }
      : buildx === false
        ? undefined
        : buildx;
  const exec = recordingExecutor((argv) => {
    if (argv[1] === 'buildx' && argv[2] === 'version')
      return probe
        ? { stdout: recorded('version.txt') }
        : { exitCode: 1, stderr: "'buildx' is not a docker command" };
    if (argv[1] === 'buildx' && argv[2] === 'inspect') {
      const name = argv[3];
      if (name && !(probe?.builders ?? []).includes(name))
        return { exitCode: 1, stderr: `ERROR: no builder "${name}" found` };
      return { stdout: recorded(probe!.inspect) };
    }
    if (argv[1] === 'info') return { stdout: recorded(probe?.info ?? 'info-classic.json') };
    if (argv[1] === 'buildx' && argv[2] === 'build') {
      const file = argv[argv.indexOf('--metadata-file') + 1]!;
      if (argv.includes('--push'))
        writeFileSync(file, JSON.stringify({ 'containerimage.digest': DIGEST }));
    }
    const secret = argv.find((a) => a.startsWith('id=TOKEN,src='));
    if (secret) seen.secret = readFileSync(secret.split('src=')[1]!, 'utf8');
    return {};
  });
  const log = recordingLog();
  const deps: Deps = {
    env: {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_SHA: SHA,
      GITHUB_REPOSITORY: 'octocat/Hello-World',
      GITHUB_API_URL: 'http://api.test',
      GITHUB_EVENT_PATH: '/event.json',
      RUNNER_TEMP: temp,
      HOME: temp,
      ...env,
    },
    log,
    exec,
    docker: 'docker',
    fetch: fakeFetch(calls),
    readEvent: () => ({ number: 7, pull_request: { head: { sha: HEAD }, base: { ref: 'main' } } }),
    setOutputs: (o) => Object.assign(outputs, o),
    writeSummary: (m) => void (outputs.summary = m),
    notice: (m) => void notices.push(m),
  };
  return { outputs, calls, exec, log, deps, seen, notices };
}

describe('build action (recorded docker, faked registry)', () => {
  it('with buildx: pushes from the builder, tags the PR head commit, verifies every tag', async () => {
    const s = setup({ ACTIONS_RESULTS_URL: 'http://cache.test' }, true);
    await run(
      inputs({ platforms: ['linux/amd64', 'linux/arm64'], secrets: 'TOKEN=t0k\n' }),
      s.deps,
    );
    const argv = s.exec.commands.map((c) => c.argv);
    expect(argv.map((a) => a.slice(0, 3).join(' '))).toEqual([
      'docker buildx version',
      'docker buildx inspect',
      'docker login --username',
      'docker buildx build',
    ]);
    const login = s.exec.commands[2]!;
    expect(login.options.input).toBe('pw');
    expect(login.argv).not.toContain('pw');
    const config = login.options.env!.DOCKER_CONFIG!;
    expect(config.startsWith(join(temp, 'tg-build-'))).toBe(true);
    expect(existsSync(config)).toBe(false); // removed afterwards
    const build = argv[3]!;
    expect(build).toEqual(
      expect.arrayContaining(['--platform', 'linux/amd64,linux/arm64', '--push']),
    );
    expect(build.join(' ')).toContain('--cache-from type=gha --cache-to type=gha,mode=max');
    expect(build.join(' ')).toContain(
      '--tag ghcr.io/org/bot:pr-7 --tag ghcr.io/org/bot:sha-a9c8c58',
    );
    expect(build.join(' ')).toContain(`--label org.opencontainers.image.revision=${HEAD}`);
    expect(s.seen.secret).toBe('t0k');
    expect(s.outputs).toMatchObject({
      digest: DIGEST,
      image: `ghcr.io/org/bot@${DIGEST}`,
      tags: 'ghcr.io/org/bot:pr-7\nghcr.io/org/bot:sha-a9c8c58',
      version: 'pr-7',
    });
    expect(s.calls).toEqual(
      expect.arrayContaining([
        'HEAD ghcr.io/v2/org/bot/manifests/pr-7',
        'HEAD ghcr.io/v2/org/bot/manifests/sha-a9c8c58',
      ]),
    );
    expect(String(s.outputs.summary)).toContain('2.5 KiB');
  });

  it('without buildx: classic build, warns about platforms, push=false skips login and push', async () => {
    const s = setup({}, false);
    await run(
      inputs({ push: false, platforms: ['linux/arm64'], file: 'app/Dockerfile', target: 'web' }),
      s.deps,
    );
    expect(s.exec.commands.map((c) => c.argv.slice(0, 3).join(' '))).toEqual([
      'docker buildx version',
      'docker build --file',
    ]);
    expect(s.exec.commands[1]!.argv).toEqual(
      expect.arrayContaining(['--file', 'app/Dockerfile', '--target', 'web', 'app']),
    );
    expect(s.log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'platforms linux/arm64 need buildx; building for this machine only',
    ]);
    expect(s.outputs.digest).toBe('');
    expect(s.calls.filter((c) => c.startsWith('HEAD') || c.includes('/v2/'))).toEqual([]);
  });

  it('never tags a prerelease latest', async () => {
    const s = setup({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v2.0.0-rc.1' }, false);
    await run(inputs({ push: false, tags: ['type=ref,event=tag'] }), s.deps);
    expect(s.outputs.tags).toBe('ghcr.io/org/bot:v2.0.0-rc.1\nghcr.io/org/bot:sha-860c190');
    expect(s.log.text()).toContain('Not tagging latest: this is a prerelease.');
  });

  it('takes full references from the meta action as they are', async () => {
    const s = setup({}, false);
    await run(
      inputs({ images: [], push: false, tags: ['ghcr.io/org/bot:1.2', 'ghcr.io/org/bot:1'] }),
      s.deps,
    );
    expect(s.outputs.tags).toBe('ghcr.io/org/bot:1.2\nghcr.io/org/bot:1');
    expect(s.calls).toEqual([]); // no GitHub API call without rules
  });

  it.each([
    [
      { registryPassword: '' },
      "Input 'registry-password': is required when registry-username is set",
    ],
    [{ registryUsername: '' }, "Input 'registry-username': is required"],
    [{ secrets: 'just-a-value' }, "Input 'secrets': line 1: expected ID=value"],
    [
      { tags: ['type=sha', 'ghcr.io/org/bot:1'] },
      "Input 'tags': mixes full image references and tag rules",
    ],
    [{ images: [] }, "Input 'images': is required when tags holds rules"],
    [{ images: ['ghcr.io/org/bot:1'] }, 'give the name without a tag or digest'],
    [{ tags: ['ghcr.io/org/bot:bad:tag'] }, "Input 'tags'"],
    [
      { promoteDigest: 'ghcr.io/org/bot:1' },
      'Input \'promote-digest\': "ghcr.io/org/bot:1" has no @sha256: digest',
    ],
  ])('rejects %j before running anything', async (over: Partial<Inputs>, message) => {
    const s = setup({}, true);
    await expect(
      run(inputs({ ...over, tags: over.tags ?? ['type=ref,event=tag'] }), s.deps),
    ).rejects.toThrow(message);
    expect(s.exec.commands).toEqual([]);
  });

  it('on a stock runner (docker driver, classic store): imports the cache only, with notices, and annotations stay out', async () => {
    const s = setup(
      { ACTIONS_RESULTS_URL: 'http://cache.test' },
      {
        inspect: 'inspect-docker.txt',
        info: 'info-classic.json',
      },
    );
    // docker/login-action logged in before: its entry in the runner's config serves the registry API.
    mkdirSync(join(temp, '.docker'));
    const auth = Buffer.from('ci:pw').toString('base64');
    writeFileSync(
      join(temp, '.docker', 'config.json'),
      JSON.stringify({ auths: { 'ghcr.io': { auth } } }),
    );
    await run(inputs({ registryUsername: '', registryPassword: '' }), s.deps);
    const argv = s.exec.commands.map((c) => c.argv);
    expect(argv.map((a) => a.slice(0, 3).join(' '))).toEqual([
      'docker buildx version',
      'docker buildx inspect',
      'docker info --format',
      'docker buildx build',
    ]);
    const build = argv[3]!;
    expect(build.join(' ')).toContain('--cache-from type=gha');
    expect(build).not.toContain('--cache-to');
    expect(build).not.toContain('--annotation');
    expect(build).not.toContain('--builder');
    expect(s.notices).toEqual([
      'Annotations not stored: builder default: docker driver, classic image store, BuildKit v0.23.2 keeps none (labels are still set).',
      expect.stringContaining(
        'Cache import only: the builder default uses the docker driver on the classic image store, which cannot export "type=gha,mode=max"',
      ),
    ]);
    // No credentials: the runner's own docker config (its logins and builders) stays in use.
    for (const command of s.exec.commands)
      expect(command.options.env?.DOCKER_CONFIG).toBeUndefined();
    expect(String(s.outputs.summary)).toContain('Cache: import `type=gha`; export none.');
  });

  it('with the containerd image store the docker driver exports the cache and stores annotations', async () => {
    const s = setup(
      { ACTIONS_RESULTS_URL: 'http://cache.test' },
      {
        inspect: 'inspect-docker-containerd.txt',
        info: 'info-containerd.json',
      },
    );
    await run(inputs({ annotations: ['org.example.team=bots'] }), s.deps);
    const build = s.exec.commands.find((c) => c.argv[2] === 'build')!.argv.join(' ');
    expect(build).toContain('--cache-from type=gha --cache-to type=gha,mode=max');
    expect(build).toContain('--annotation manifest:org.example.team=bots');
    expect(build).toContain(`--annotation manifest:org.opencontainers.image.revision=${HEAD}`);
    expect(s.notices).toEqual([]);
  });

  it("builds with the builder input (setup-buildx-action's), passing the meta annotations and exporting the cache", async () => {
    const s = setup(
      {},
      { inspect: 'inspect-docker-container.txt', builders: ['builder-7f4c2a9e'] },
    );
    await run(
      inputs({
        builder: 'builder-7f4c2a9e',
        tags: ['ghcr.io/org/bot:1.2'],
        images: [],
        annotations: ['manifest:org.opencontainers.image.version=1.2'],
      }),
      s.deps,
    );
    const argv = s.exec.commands.map((c) => c.argv);
    expect(argv[1]).toEqual(['docker', 'buildx', 'inspect', 'builder-7f4c2a9e']);
    expect(argv.some((a) => a[1] === 'info')).toBe(false); // only the docker driver asks the daemon
    const build = argv.find((a) => a[2] === 'build')!;
    expect(build.slice(0, 5)).toEqual([
      'docker',
      'buildx',
      'build',
      '--builder',
      'builder-7f4c2a9e',
    ]);
    expect(build.join(' ')).toContain('--annotation manifest:org.opencontainers.image.version=1.2');
    expect(build.join(' ')).toContain(
      '--cache-from type=registry,ref=ghcr.io/org/bot:buildcache --cache-to type=registry,ref=ghcr.io/org/bot:buildcache,mode=max',
    );
    expect(s.notices).toEqual([]);
  });

  it("with credentials: a private config that still sees the runner's buildx builders and other logins", async () => {
    const runnerConfig = join(temp, '.docker');
    mkdirSync(join(runnerConfig, 'buildx'), { recursive: true });
    writeFileSync(join(runnerConfig, 'buildx', 'current'), '{"Name":"builder-7f4c2a9e"}');
    writeFileSync(
      join(runnerConfig, 'config.json'),
      JSON.stringify({ auths: { 'quay.io': { auth: 'eDp5' } } }),
    );
    const s = setup({}, true);
    const seenConfig: { current?: string; config?: string } = {};
    const inner = s.exec.run.bind(s.exec);
    s.deps.exec = {
      where: s.exec.where,
      run: async (argv, options) => {
        const dir = options?.env?.DOCKER_CONFIG;
        if (argv[2] === 'inspect' && dir) {
          seenConfig.current = readFileSync(join(dir, 'buildx', 'current'), 'utf8');
          seenConfig.config = readFileSync(join(dir, 'config.json'), 'utf8');
        }
        return inner(argv, options);
      },
    };
    await run(inputs(), s.deps);
    expect(seenConfig.current).toBe('{"Name":"builder-7f4c2a9e"}');
    expect(JSON.parse(seenConfig.config!)).toEqual({ auths: { 'quay.io': { auth: 'eDp5' } } });
    const configs = new Set(s.exec.commands.map((c) => c.options.env?.DOCKER_CONFIG));
    expect(configs.size).toBe(1);
    expect([...configs][0]!.startsWith(join(temp, 'tg-build-'))).toBe(true);
    expect(existsSync([...configs][0]!)).toBe(false); // removed afterwards
    // The runner's config is as it was: the login went into the private copy only.
    expect(readFileSync(join(runnerConfig, 'config.json'), 'utf8')).not.toContain('ghcr.io');
  });

  it.each([
    [
      { inspect: 'inspect-docker.txt', info: 'info-classic.json' },
      inputs({ platforms: ['linux/amd64', 'linux/arm64'] }),
      "Input 'platforms': linux/amd64,linux/arm64 needs a builder that builds several platforms; builder default: docker driver, classic image store",
    ],
    [
      { inspect: 'inspect-docker.txt', builders: [] },
      inputs({ builder: 'nope' }),
      'Input \'builder\': no buildx builder "nope": ERROR: no builder "nope" found',
    ],
    [false, inputs({ builder: 'builder-1' }), 'Input \'builder\': "builder-1" needs buildx'],
  ] as const)(
    'refuses a build the builder cannot do before logging in: %j',
    async (probe, given, message) => {
      const s = setup({}, probe);
      await expect(run(given, s.deps)).rejects.toThrow(message);
      expect(s.exec.commands.map((c) => c.argv[1])).not.toContain('login');
      expect(s.exec.commands.some((c) => c.argv[2] === 'build' || c.argv[1] === 'build')).toBe(
        false,
      );
    },
  );

  it('recognizes full references', () => {
    expect(isFullReference('ghcr.io/org/bot:1.2')).toBe(true);
    expect(isFullReference('127.0.0.1:5000/bot')).toBe(false);
    expect(isFullReference('type=raw,value=x')).toBe(false);
    expect(isFullReference('plain')).toBe(false);
  });
});
