import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
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
    context: 'app',
    file: '',
    target: '',
    buildArgs: [],
    secrets: '',
    platforms: [],
    push: true,
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

function setup(env: Record<string, string>, buildx: boolean) {
  const outputs: Record<string, unknown> = {};
  const calls: string[] = [];
  const seen: { config?: string; secret?: string } = {};
  const exec = recordingExecutor((argv) => {
    if (argv[1] === 'buildx' && argv[2] === 'version') return { exitCode: buildx ? 0 : 1 };
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
  };
  return { outputs, calls, exec, log, deps, seen };
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
      'docker login --username',
      'docker buildx version',
      'docker buildx build',
    ]);
    const login = s.exec.commands[0]!;
    expect(login.options.input).toBe('pw');
    expect(login.argv).not.toContain('pw');
    const config = login.options.env!.DOCKER_CONFIG!;
    expect(config.startsWith(join(temp, 'tg-build-'))).toBe(true);
    expect(existsSync(config)).toBe(false); // removed afterwards
    const build = argv[2]!;
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
    expect(s.exec.commands.map((c) => c.argv.slice(0, 2).join(' '))).toEqual([
      'docker buildx',
      'docker build',
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

  it('recognizes full references', () => {
    expect(isFullReference('ghcr.io/org/bot:1.2')).toBe(true);
    expect(isFullReference('127.0.0.1:5000/bot')).toBe(false);
    expect(isFullReference('type=raw,value=x')).toBe(false);
    expect(isFullReference('plain')).toBe(false);
  });
});
