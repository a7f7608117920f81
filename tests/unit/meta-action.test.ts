import { run } from '../../actions/meta/main.js';
import { recordingLog } from '../../src/log.js';
import { FAKE_REPO, startFakeGitHub, type FakeGitHub } from '../helpers/fake-github-repo.js';

const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
let github: FakeGitHub;

beforeEach(async () => {
  github = await startFakeGitHub({
    token: 'ghs_test',
    commitDates: { [SHA]: '2024-05-06T07:08:09Z' },
  });
});
afterEach(() => github.close());

function inputs(over: Partial<Parameters<typeof run>[0]> = {}): Parameters<typeof run>[0] {
  return {
    images: ['ghcr.io/Octocat/hello-world'],
    tags: [],
    flavor: [],
    labels: [],
    annotations: [],
    sepTags: '\n',
    sepLabels: '\n',
    sepAnnotations: '\n',
    githubToken: 'ghs_test',
    ...over,
  };
}

function env(over: Record<string, string> = {}) {
  return {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/tags/v1.2.3',
    GITHUB_SHA: SHA,
    GITHUB_REPOSITORY: 'octocat/Hello-World',
    GITHUB_API_URL: github.url,
    GITHUB_EVENT_PATH: '/event.json',
    SOURCE_DATE_EPOCH: '1700000000',
    ...over,
  };
}

describe('meta action', () => {
  it('sets every output from the rules and the repository data', async () => {
    const outputs: Record<string, unknown> = {};
    const exported: Record<string, string> = {};
    const summary: string[] = [];
    const log = recordingLog();
    await run(inputs({ tags: ['type=semver,pattern={{version}}', 'type=sha'], sepTags: ',' }), {
      env: env(),
      log,
      readEvent: (path) => {
        expect(path).toBe('/event.json');
        return { repository: { default_branch: 'main' } };
      },
      setOutputs: (o) => Object.assign(outputs, o),
      writeSummary: (m) => summary.push(m),
      exportVariable: (name, value) => void (exported[name] = value),
    });
    expect(Object.keys(exported).sort()).toEqual([
      'DOCKER_METADATA_OUTPUT_ANNOTATIONS',
      'DOCKER_METADATA_OUTPUT_JSON',
      'DOCKER_METADATA_OUTPUT_LABELS',
      'DOCKER_METADATA_OUTPUT_TAGS',
      'DOCKER_METADATA_OUTPUT_TAG_NAMES',
      'DOCKER_METADATA_OUTPUT_VERSION',
    ]);
    expect(exported.DOCKER_METADATA_OUTPUT_VERSION).toBe('1.2.3');
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/octocat/Hello-World',
    ]);
    expect(github.requests[0]!.headers.authorization).toBe('Bearer ghs_test');
    expect(github.requests[0]!.headers['x-github-api-version']).toBe('2022-11-28');
    expect(outputs.version).toBe('1.2.3');
    expect(outputs.tags).toBe(
      'ghcr.io/octocat/hello-world:1.2.3,ghcr.io/octocat/hello-world:sha-860c190,ghcr.io/octocat/hello-world:latest',
    );
    expect(outputs['tag-names']).toBe('1.2.3,sha-860c190,latest');
    const labels = String(outputs.labels).split('\n');
    expect(labels).toContain('org.opencontainers.image.created=2023-11-14T22:13:20.000Z');
    expect(labels).toContain(`org.opencontainers.image.source=${FAKE_REPO.html_url}`);
    expect(labels).toContain('org.opencontainers.image.licenses=MIT');
    expect(String(outputs.annotations).split('\n')[0]).toBe(
      'manifest:org.opencontainers.image.created=2023-11-14T22:13:20.000Z',
    );
    const json = JSON.parse(String(outputs.json));
    expect(Object.keys(json)).toEqual(['tags', 'labels', 'annotations']);
    expect(json.labels['org.opencontainers.image.title']).toBe('Hello-World');
    expect(summary.join('\n')).toContain('`ghcr.io/octocat/hello-world:1.2.3`');
  });

  it('asks the API for the commit date only when a rule needs it', async () => {
    const outputs: Record<string, unknown> = {};
    await run(inputs({ tags: ["type=raw,value={{commit_date 'YYYYMMDD-HHmmss'}}"] }), {
      env: env({ DOCKER_METADATA_SET_OUTPUT_ENV: 'false' }),
      exportVariable: () => {
        throw new Error('DOCKER_METADATA_SET_OUTPUT_ENV=false must not export');
      },
      log: recordingLog(),
      readEvent: () => ({}),
      setOutputs: (o) => Object.assign(outputs, o),
      writeSummary: () => undefined,
    });
    expect(outputs['tag-names']).toBe('20240506-070809');
    expect(github.requests.map((r) => r.path)).toEqual([
      '/repos/octocat/Hello-World',
      `/repos/octocat/Hello-World/commits/${SHA}`,
    ]);
  });

  it('fails clearly when the token is refused', async () => {
    await expect(
      run(inputs({ githubToken: 'wrong' }), {
        env: env(),
        log: recordingLog(),
        readEvent: () => ({}),
        setOutputs: () => undefined,
        writeSummary: () => undefined,
        exportVariable: () => undefined,
      }),
    ).rejects.toThrow('GitHub API GET /repos/octocat/Hello-World: HTTP 401: Bad credentials');
  });

  it('fails on a bad rule before calling anything that changes state', async () => {
    const outputs: Record<string, unknown> = {};
    await expect(
      run(inputs({ tags: ['type=ref,event=push'] }), {
        env: env(),
        log: recordingLog(),
        readEvent: () => ({}),
        setOutputs: (o) => Object.assign(outputs, o),
        writeSummary: () => undefined,
      }),
    ).rejects.toThrow(
      "Input 'tags': line 1 (type=ref,event=push): event must be branch, tag or pr",
    );
    expect(outputs).toEqual({});
  });
});
