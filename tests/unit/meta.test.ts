import { InputError } from '../../src/errors.js';
import { buildDate, readContext, type EventPayload } from '../../src/meta/context.js';
import { formatDate } from '../../src/meta/datefmt.js';
import {
  computeMeta,
  needsCommitDate,
  shortShaLengthFrom,
  type MetaInputs,
  type MetaOptions,
  type RepoInfo,
} from '../../src/meta/meta.js';
import { parsePep440 } from '../../src/meta/pep440.js';
import { splitFields } from '../../src/meta/csv.js';
import { render } from '../../src/meta/template.js';
import { readInputs as readMetaInputs } from '../../actions/meta/inputs.js';
import { run as runMetaAction } from '../../actions/meta/main.js';
import { recordingLog } from '../../src/log.js';
import { startFakeGitHub } from '../helpers/fake-github-repo.js';

const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
const HEAD_SHA = 'a9c8c5828b91be48d1fe0e1bb8ba0b0ebc7e2d3f';
const NOW = new Date('2020-01-10T00:30:00.000Z');
const REPO: RepoInfo = {
  name: 'Hello-World',
  description: 'This your first repo!',
  html_url: 'https://github.com/octocat/Hello-World',
  default_branch: 'master',
  license: { spdx_id: 'MIT' },
};

interface Case {
  event?: string;
  ref: string;
  tags?: string[];
  flavor?: string[];
  images?: string[];
  env?: Record<string, string>;
  payload?: EventPayload;
  expected: string[];
  version?: string;
}

function run(
  c: Omit<Case, 'expected'>,
  extra: Partial<MetaOptions> = {},
  inputs: Partial<MetaInputs> = {},
) {
  const env: Record<string, string> = {
    GITHUB_EVENT_NAME: c.event ?? (c.ref.startsWith('refs/pull/') ? 'pull_request' : 'push'),
    GITHUB_REF: c.ref,
    GITHUB_SHA: SHA,
    GITHUB_REPOSITORY: 'octocat/Hello-World',
    ...c.env,
  };
  const payload: EventPayload = c.payload ?? {
    repository: { default_branch: 'master' },
    pull_request: { head: { sha: HEAD_SHA }, base: { ref: 'master' } },
  };
  const warnings: string[] = [];
  const result = computeMeta(
    {
      images: c.images ?? ['name/app'],
      tags: c.tags ?? [],
      flavor: c.flavor ?? [],
      labels: [],
      annotations: [],
      ...inputs,
    },
    {
      context: readContext(env, payload),
      repo: REPO,
      date: NOW,
      shortShaLength: shortShaLengthFrom(env.DOCKER_METADATA_SHORT_SHA_LENGTH),
      warn: (m) => warnings.push(m),
      ...extra,
    },
  );
  return { ...result, warnings };
}

const SEMVER_RULES = [
  'type=schedule',
  'type=ref,event=branch',
  'type=ref,event=pr',
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
  'type=semver,pattern={{major}}',
  'type=sha',
];

describe('meta: default tag set (tags input empty)', () => {
  it.each<Case>([
    { ref: 'refs/heads/master', expected: ['name/app:master'] },
    { ref: 'refs/heads/my/branch', expected: ['name/app:my-branch'] },
    { ref: 'refs/tags/v1.2.3', expected: ['name/app:v1.2.3', 'name/app:latest'] },
    { ref: 'refs/tags/v2.0.8-beta.67', expected: ['name/app:v2.0.8-beta.67', 'name/app:latest'] },
    { ref: 'refs/pull/2/merge', expected: ['name/app:pr-2'] },
    {
      event: 'schedule',
      ref: 'refs/heads/master',
      expected: ['name/app:nightly', 'name/app:master'],
    },
    { event: 'workflow_dispatch', ref: 'refs/heads/dev', expected: ['name/app:dev'] },
  ])('$event $ref', (c) => {
    expect(run(c).tags).toEqual(c.expected);
  });
});

describe('meta: type=semver (the README example set)', () => {
  it.each<Case>([
    {
      ref: 'refs/tags/v1.2.3',
      expected: ['1.2.3', '1.2', '1', 'sha-860c190', 'latest'],
      version: '1.2.3',
    },
    {
      ref: 'refs/tags/v2.0.8-beta.67',
      expected: ['2.0.8-beta.67', 'sha-860c190'],
      version: '2.0.8-beta.67',
    },
    { ref: 'refs/pull/2/merge', expected: ['pr-2', 'sha-860c190'], version: 'pr-2' },
    { ref: 'refs/heads/master', expected: ['master', 'sha-860c190'], version: 'master' },
    { ref: 'refs/tags/release1', expected: ['sha-860c190'], version: 'sha-860c190' },
  ])('$ref', (c) => {
    const r = run({ ...c, tags: SEMVER_RULES, images: ['name/app'] });
    expect(r.tags).toEqual(c.expected.map((t) => `name/app:${t}`));
    expect(r.tagNames).toEqual(c.expected);
    expect(r.version).toBe(c.version);
  });

  it.each([
    ['v1.2.3', '{{raw}}', 'v1.2.3', true],
    ['v1.2.3', '{{version}}', '1.2.3', true],
    ['v1.2.3', '{{major}}.{{minor}}', '1.2', true],
    ['v1.2.3', 'v{{major}}', 'v1', true],
    ['v1.2.3', '{{minor}}', '2', true],
    ['v1.2.3', '{{patch}}', '3', true],
    ['v1.2.3+build.5', '{{version}}', '1.2.3', true],
    ['v0.1.2', '{{major}}', '0', true],
    ['v2.0.8-beta.67', '{{raw}}', 'v2.0.8-beta.67', false],
    ['v2.0.8-beta.67', '{{version}}', '2.0.8-beta.67', false],
    ['v2.0.8-beta.67', '{{major}}.{{minor}}', '2.0.8-beta.67', false],
    ['v2.0.8-rc.1+meta', '{{major}}', '2.0.8-rc.1', false],
  ])('tag %s pattern %s -> %s (latest %s)', (tag, pattern, out, latest) => {
    const r = run({ ref: `refs/tags/${tag}`, tags: [`type=semver,pattern=${pattern}`] });
    expect(r.tagNames).toEqual(latest ? [out, 'latest'] : [out]);
  });

  it('reads value= instead of the ref, on any event', () => {
    const r = run({
      ref: 'refs/heads/master',
      tags: ['type=semver,pattern={{version}},value=v3.1.0'],
    });
    expect(r.tagNames).toEqual(['3.1.0', 'latest']);
  });

  it('skips and warns on a tag that is not semver', () => {
    const r = run({ ref: 'refs/tags/1.2', tags: ['type=semver,pattern={{version}}'] });
    expect(r.tags).toEqual([]);
    expect(r.warnings).toEqual(['1.2 is not a valid semver. More info: https://semver.org/']);
  });

  it('does nothing on branches without value=', () => {
    expect(
      run({ ref: 'refs/heads/master', tags: ['type=semver,pattern={{version}}'] }).tags,
    ).toEqual([]);
  });
});

describe('meta: type=pep440', () => {
  it.each([
    ['1.2.3', '{{version}}', '1.2.3', true],
    ['1.2.3', '{{major}}.{{minor}}', '1.2', true],
    ['1.2.3', 'v{{major}}', 'v1', true],
    ['v1.2.3', '{{raw}}', 'v1.2.3', true],
    ['1.2', '{{patch}}', '0', true],
    ['1.2.3rc2', '{{raw}}', '1.2.3rc2', false],
    ['1.2.3rc2', '{{major}}.{{minor}}', '1.2.3rc2', false],
    ['1.2.3post1', '{{major}}.{{minor}}', '1.2.3.post1', false],
    ['1.2.3beta2', '{{major}}.{{minor}}', '1.2.3b2', false],
    ['1.0dev4', '{{major}}.{{minor}}', '1.0.dev4', false],
    ['v1.0.0-alpha.1', '{{version}}', '1.0.0a1', false],
    ['1.0.0-1', '{{version}}', '1.0.0.post1', false],
  ])('tag %s pattern %s -> %s (latest %s)', (tag, pattern, out, latest) => {
    const r = run({ ref: `refs/tags/${tag}`, tags: [`type=pep440,pattern=${pattern}`] });
    expect(r.tagNames).toEqual(latest ? [out, 'latest'] : [out]);
  });

  it('normalizes epochs, spellings and local versions', () => {
    expect(parsePep440('1!2.0.0-Preview.3_DEV.1+Ubuntu-1')?.normalized).toBe(
      '1!2.0.0rc3.dev1+ubuntu.1',
    );
    expect(parsePep440('not.a.version')).toBeUndefined();
  });

  it('warns on a version that is not PEP 440', () => {
    const r = run({ ref: 'refs/tags/release-x', tags: ['type=pep440,pattern={{version}}'] });
    expect(r.tags).toEqual([]);
    expect(r.warnings[0]).toMatch(/does not conform to PEP 440/);
  });
});

describe('meta: type=match', () => {
  it.each([
    ['v1.2.3', 'type=match,pattern=\\d.\\d.\\d', ['1.2.3', 'latest']],
    ['v2.0.8-beta.67', 'type=match,pattern=v(.*),group=1', ['2.0.8-beta.67', 'latest']],
    ['v2.0.8-beta.67', 'type=match,pattern=v(\\d.\\d),group=1', ['2.0', 'latest']],
    ['20200110-RC2', 'type=match,pattern=\\d+', ['20200110', 'latest']],
    ['v1.2.3', 'type=match,pattern=/V(\\d)/i,group=1', ['1', 'latest']],
    ['app/v1.2.3', 'type=match,pattern=app/v(.*),group=1', ['1.2.3', 'latest']],
    ['v1.2.3', 'type=match,"pattern=v(\\d{1,3}).\\d",group=1', ['1', 'latest']],
  ])('tag %s with %s', (tag, rule, expected) => {
    expect(run({ ref: `refs/tags/${tag}`, tags: [rule] }).tagNames).toEqual(expected);
  });

  it('warns when the pattern or group does not match', () => {
    const none = run({ ref: 'refs/tags/foo', tags: ['type=match,pattern=\\d+'] });
    expect(none.tags).toEqual([]);
    expect(none.warnings).toEqual(['\\d+ does not match foo.']);
    const group = run({ ref: 'refs/tags/v1', tags: ['type=match,pattern=v\\d,group=2'] });
    expect(group.warnings).toEqual(['Group 2 does not exist for v\\d pattern.']);
  });
});

describe('meta: type=edge, ref, raw, sha', () => {
  it.each<Case>([
    { ref: 'refs/heads/master', tags: ['type=edge'], expected: ['edge'] },
    { ref: 'refs/heads/dev', tags: ['type=edge'], expected: [] },
    { ref: 'refs/heads/dev', tags: ['type=edge,branch=dev'], expected: ['edge'] },
    { ref: 'refs/tags/v1', tags: ['type=edge'], expected: [] },
    { ref: 'refs/heads/master', tags: ['type=ref,event=branch'], expected: ['master'] },
    { ref: 'refs/heads/feature/Üx#1', tags: ['type=ref,event=branch'], expected: ['feature-x-1'] },
    { ref: 'refs/tags/v1.2.3', tags: ['type=ref,event=tag'], expected: ['v1.2.3', 'latest'] },
    { ref: 'refs/pull/2/merge', tags: ['type=ref,event=pr'], expected: ['pr-2'] },
    { ref: 'refs/pull/2/merge', tags: ['type=ref,event=pr,prefix=pull-'], expected: ['pull-2'] },
    {
      ref: 'refs/heads/master',
      tags: ['type=raw,value=foo', 'type=raw,bar', 'baz'],
      expected: ['foo', 'bar', 'baz'],
    },
    { ref: 'refs/heads/master', tags: ['type=sha'], expected: ['sha-860c190'] },
    { ref: 'refs/heads/master', tags: ['type=sha,format=long'], expected: [`sha-${SHA}`] },
    { ref: 'refs/heads/master', tags: ['type=sha,prefix=,suffix=-x'], expected: ['860c190-x'] },
    {
      ref: 'refs/heads/master',
      tags: ['type=sha'],
      env: { DOCKER_METADATA_SHORT_SHA_LENGTH: '12' },
      expected: ['sha-860c1904a1ce'],
    },
    {
      ref: 'refs/pull/2/merge',
      tags: ['type=sha'],
      env: { DOCKER_METADATA_PR_HEAD_SHA: 'true' },
      expected: ['sha-a9c8c58'],
    },
    {
      ref: 'refs/heads/master',
      event: 'pull_request_target',
      tags: ['type=ref,event=pr', 'type=ref,event=branch'],
      payload: { number: 7, repository: { default_branch: 'master' } },
      expected: ['pr-7'],
    },
  ])('$ref $tags $env', (c) => {
    expect(run(c).tagNames).toEqual(c.expected);
  });

  it('honours enable, with expressions', () => {
    const tags = [
      'type=raw,value=a,enable=false',
      'type=raw,value=b,enable={{is_default_branch}}',
      'type=edge,enable=true',
    ];
    expect(run({ ref: 'refs/heads/master', tags }).tagNames).toEqual(['edge', 'b']);
    expect(run({ ref: 'refs/heads/dev', tags }).tagNames).toEqual([]);
  });

  it('orders by priority: the highest gives the version, ties keep their order', () => {
    const r = run({
      ref: 'refs/tags/v1.2.3',
      tags: [
        'type=sha',
        'type=raw,value=z',
        'type=raw,value=first,priority=2000',
        'type=ref,event=tag',
      ],
    });
    expect(r.version).toBe('first');
    expect(r.tagNames).toEqual(['first', 'v1.2.3', 'z', 'sha-860c190']);
  });

  it('deduplicates tags and lowercases image names; images may be disabled', () => {
    const r = run({
      ref: 'refs/heads/master',
      tags: ['type=raw,value=x', 'type=raw,value=x', 'type=raw,value=y'],
      images: ['name=GHCR.io/Org/Bot', 'name=docker.io/org/bot,enable=false', 'quay.io/org/bot'],
    });
    expect(r.tags).toEqual([
      'ghcr.io/org/bot:x',
      'ghcr.io/org/bot:y',
      'quay.io/org/bot:x',
      'quay.io/org/bot:y',
    ]);
  });

  it('reads the old images format: one line, comma separated', () => {
    const r = run({ ref: 'refs/heads/master', images: ['a/one,B/two'] });
    expect(r.tags).toEqual(['a/one:master', 'b/two:master']);
  });

  it('gives bare tags when images is empty', () => {
    expect(run({ ref: 'refs/heads/master', images: [] }).tags).toEqual(['master']);
  });

  it('caps tags at 128 characters and strips invalid leading characters', () => {
    const long = 'a'.repeat(200);
    const r = run({
      ref: `refs/heads/${long}`,
      tags: ['type=ref,event=branch', 'type=raw,value=.-x'],
    });
    expect(r.tagNames).toEqual(['a'.repeat(128), 'x']);
  });

  it('produces nothing when no rule applies', () => {
    const r = run({ ref: 'refs/heads/master', tags: ['type=ref,event=tag'] });
    expect(r).toMatchObject({ tags: [], tagNames: [], version: '' });
  });
});

describe('meta: flavor', () => {
  it.each<Case>([
    {
      ref: 'refs/heads/master',
      flavor: ['latest=true'],
      tags: ['type=ref,event=branch'],
      expected: ['master', 'latest'],
    },
    {
      ref: 'refs/tags/v1.2.3',
      flavor: ['latest=false'],
      tags: ['type=ref,event=tag'],
      expected: ['v1.2.3'],
    },
    {
      ref: 'refs/tags/v1.2.3',
      flavor: ['latest=auto'],
      tags: ['type=ref,event=tag'],
      expected: ['v1.2.3', 'latest'],
    },
    {
      ref: 'refs/tags/v1.2.3',
      flavor: ['prefix=foo-', 'suffix=-bar'],
      tags: ['type=semver,pattern={{version}}'],
      expected: ['foo-1.2.3-bar', 'latest'],
    },
    {
      ref: 'refs/tags/v1.2.3',
      flavor: ['prefix=foo-,onlatest=true', 'suffix=-bar,onlatest=true'],
      tags: ['type=semver,pattern={{version}}'],
      expected: ['foo-1.2.3-bar', 'foo-latest-bar'],
    },
    {
      ref: 'refs/tags/v1.2.3',
      flavor: ['prefix=foo-'],
      tags: ['type=semver,pattern={{version}},prefix=own-', 'type=sha,prefix='],
      expected: ['own-1.2.3', '860c190', 'latest'],
    },
    {
      ref: 'refs/heads/master',
      flavor: ['prefix={{branch}}-'],
      tags: ['type=sha'],
      expected: ['sha-860c190'],
    },
    {
      ref: 'refs/heads/master',
      flavor: ['prefix={{branch}}-'],
      tags: ['type=raw,value=v'],
      expected: ['master-v'],
    },
  ])('$flavor $tags on $ref', (c) => {
    expect(run(c).tagNames).toEqual(c.expected);
  });
});

describe('meta: global expressions', () => {
  const master = { ref: 'refs/heads/master' };
  it.each<[Omit<Case, 'expected'>, string, string]>([
    [master, '{{branch}}', 'master'],
    [{ ref: 'refs/tags/v1' }, 'x{{branch}}', 'x'],
    [{ ref: 'refs/tags/v1.2' }, '{{tag}}', 'v1.2'],
    [master, '{{sha}}', '860c190'],
    [{ ...master, env: { DOCKER_METADATA_SHORT_SHA_LENGTH: '10' } }, '{{sha}}', '860c1904a1'],
    [{ ref: 'refs/pull/3/merge' }, 'b-{{base_ref}}', 'b-master'],
    [{ ref: 'refs/tags/v1', payload: { base_ref: 'refs/heads/main' } }, 'b-{{base_ref}}', 'b-main'],
    [master, 'd-{{is_default_branch}}', 'd-true'],
    [{ ref: 'refs/heads/x' }, 'd-{{is_default_branch}}', 'd-false'],
    [{ ref: 'refs/heads/x', event: 'schedule' }, 'd-{{is_default_branch}}', 'd-true'],
    [master, "{{date 'YYYYMMDD'}}", '20200110'],
    [master, "{{date 'YYYYMMDD-hhmmss' tz='Asia/Tokyo'}}", '20200110-093000'],
    [master, "{{date 'YYYY-MM-DD HH:mm Z' tz='America/New_York'}}", '2020-01-09-19-30--05-00'],
    [master, "{{date 'X'}}", '1578616200'],
    [master, "{{date '[week]WW-ddd'}}", 'week02-Fri'],
    [master, "{{commit_date 'YYYYMMDD'}}", '20200110'],
  ])('%j %s', (c, value, expected) => {
    expect(run({ ...c, tags: [`type=raw,value=${value}`] }).tagNames).toEqual([expected]);
  });

  it('uses the commit date for {{commit_date}}', () => {
    const r = run(
      { ref: 'refs/heads/master', tags: ["type=raw,value={{commit_date 'YYYY.MM.DD-HHmm'}}"] },
      { commitDate: new Date('2019-07-04T13:45:00Z') },
    );
    expect(r.tagNames).toEqual(['2019.07.04-1345']);
  });

  it('takes SOURCE_DATE_EPOCH as now', () => {
    expect(buildDate({ SOURCE_DATE_EPOCH: '1700000000' }).toISOString()).toBe(
      '2023-11-14T22:13:20.000Z',
    );
    expect(buildDate({}, () => 5).getTime()).toBe(5);
    expect(() => buildDate({ SOURCE_DATE_EPOCH: 'soon' })).toThrow(/SOURCE_DATE_EPOCH/);
  });

  it('formats schedule patterns with dates', () => {
    const r = run({
      event: 'schedule',
      ref: 'refs/heads/master',
      tags: ["type=schedule,pattern={{date 'YYYYMMDD'}}"],
    });
    expect(r.tagNames).toEqual(['20200110']);
  });

  it('escapes like Handlebars and keeps triple braces raw', () => {
    expect(render('{{x}}|{{{x}}}|\\{{x}}', { x: 'a&b=c' })).toBe('a&amp;b&#x3D;c|a&b=c|{{x}}');
    expect(render('{{missing}}-', {})).toBe('-');
  });

  it('formats moment tokens', () => {
    const d = new Date('2021-03-04T05:06:07.089Z');
    expect(formatDate(d, 'YY Q M MMM MMMM Do DDD H h A a mm ss SSS E')).toBe(
      '21 1 3 Mar March 4th 63 5 5 AM am 06 07 089 4',
    );
  });
});

describe('meta: cases from docker/metadata-action behaviour', () => {
  it.each<Case>([
    {
      ref: 'refs/heads/master',
      tags: ['type=ref,priority=2000,event=branch', 'type=edge'],
      expected: ['master', 'edge'],
    },
    {
      ref: 'refs/heads/master',
      tags: [
        'type=semver,pattern={{version}},value=v1.2.3',
        'type=pep440,pattern={{version}},value=v1.2.3',
        'type=edge',
      ],
      expected: ['1.2.3', 'edge', 'latest'],
    },
    {
      ref: 'refs/heads/master',
      tags: ['type=match,enable=false,pattern=v(.*),group=1,value=v1.2.3', 'type=edge'],
      expected: ['edge'],
    },
    {
      ref: 'refs/heads/master',
      tags: [
        'type=raw,value=mytag-{{branch}}',
        'type=raw,value=mytag-tag-{{tag}}',
        'type=raw,value=mytag-baseref-{{base_ref}}',
        'type=raw,value=mytag-defbranch,enable={{is_default_branch}}',
      ],
      expected: ['mytag-master', 'mytag-tag-', 'mytag-baseref-', 'mytag-defbranch'],
    },
    {
      ref: 'refs/tags/v1.2.3rc2',
      tags: ['type=pep440,pattern={{raw}}', 'type=pep440,pattern={{major}}.{{minor}}'],
      expected: ['v1.2.3rc2', '1.2.3rc2'],
    },
    {
      ref: 'refs/tags/v1.1.1',
      tags: [
        'type=semver,pattern={{version}}',
        'type=semver,pattern={{major}}.{{minor}}.{{patch}}',
      ],
      flavor: ['prefix=foo-,onlatest=true', 'suffix=-dev,onlatest=true'],
      expected: ['foo-1.1.1-dev', 'foo-latest-dev'],
    },
    {
      ref: 'refs/pull/15/merge',
      tags: ['type=ref,event=pr,prefix='],
      flavor: ['prefix=glo-', 'suffix=-bal'],
      expected: ['15-bal'],
    },
    {
      ref: 'refs/heads/dev',
      tags: ['type=raw,my,prefix=foo-,suffix=-bar', 'type=raw,custom', 'type=raw,bar,enable=false'],
      flavor: ['latest=false', 'prefix=glo-', 'suffix=-bal'],
      expected: ['foo-my-bar', 'glo-custom-bal'],
    },
    {
      ref: 'refs/heads/dev',
      tags: ['type=ref,priority=90,event=branch', 'type=raw,my'],
      flavor: ['latest=true'],
      expected: ['my', 'dev', 'latest'],
    },
    {
      ref: 'refs/tags/v9.5.7-alpha.2+fork.3.1.8',
      tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{raw}}'],
      expected: ['9.5.7-alpha.2', 'v9.5.7-alpha.2-fork.3.1.8'],
    },
    {
      ref: 'refs/pull/2/merge',
      tags: ['type=raw,value={{commit_date YYYY-MM-DD-HHmmSS}}'],
      expected: ['2020-01-10T00-30-00Z'],
    },
  ])('$ref $tags $flavor', (c) => {
    expect(run(c).tagNames).toEqual(c.expected);
  });

  it('keeps images given as name,enable=false without name=', () => {
    const r = run({
      ref: 'refs/heads/dev',
      tags: ['type=sha,format=long'],
      images: ['org/app', 'ghcr.io/user/app,enable=false'],
    });
    expect(r.tags).toEqual([`org/app:sha-${SHA}`]);
  });

  it('drops labels without = and keeps empty values', () => {
    const r = run({ ref: 'refs/heads/dev' }, {}, { labels: ['invalid', 'foo='] });
    expect(r.json.labels.foo).toBe('');
    expect(Object.keys(r.json.labels)).toHaveLength(9);
  });

  it('renders the default date format with the offset outside UTC', () => {
    const r = run({ ref: 'refs/heads/x', tags: ["type=raw,value={{date tz='Asia/Tokyo'}}"] });
    expect(r.tagNames).toEqual(['2020-01-10T09-30-00-09-00']);
  });
});

describe('meta: labels, annotations and json', () => {
  it('gives the OCI labels from the repository, sorted, custom ones overriding', () => {
    const r = run(
      { ref: 'refs/tags/v1.2.3', tags: ['type=semver,pattern={{version}}'] },
      {},
      {
        labels: [
          'maintainer=CrazyMax',
          'org.opencontainers.image.title=MyTitle',
          'x.branch={{tag}}',
          'novalue',
        ],
      },
    );
    expect(r.labels).toEqual([
      'maintainer=CrazyMax',
      'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
      'org.opencontainers.image.description=This your first repo!',
      'org.opencontainers.image.licenses=MIT',
      `org.opencontainers.image.revision=${SHA}`,
      'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
      'org.opencontainers.image.title=MyTitle',
      'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
      'org.opencontainers.image.version=1.2.3',
      'x.branch=v1.2.3',
    ]);
    expect(r.json.labels['org.opencontainers.image.version']).toBe('1.2.3');
    expect(r.json.tags).toEqual(['name/app:1.2.3', 'name/app:latest']);
  });

  it('prefixes annotations with each level', () => {
    const r = run(
      { ref: 'refs/heads/master' },
      { annotationLevels: ['manifest', 'index'] },
      { annotations: ['org.opencontainers.image.vendor=Me'] },
    );
    expect(r.annotations.filter((a) => a.includes('vendor'))).toEqual([
      'manifest:org.opencontainers.image.vendor=Me',
      'index:org.opencontainers.image.vendor=Me',
    ]);
    expect(r.annotations).toHaveLength(18);
    expect(r.json.annotations).toEqual(r.annotations);
  });

  it('labels the PR head commit when DOCKER_METADATA_PR_HEAD_SHA is set', () => {
    const r = run({ ref: 'refs/pull/2/merge', env: { DOCKER_METADATA_PR_HEAD_SHA: 'true' } });
    expect(r.json.labels['org.opencontainers.image.revision']).toBe(HEAD_SHA);
  });

  it('knows when the commit date is needed', () => {
    const base = { images: [], tags: [], flavor: [], labels: [], annotations: [] };
    expect(needsCommitDate({ ...base, tags: ["type=raw,value={{commit_date 'YYYY'}}"] })).toBe(
      true,
    );
    expect(needsCommitDate({ ...base, tags: ["type=raw,value={{date 'YYYY'}}"] })).toBe(false);
  });
});

describe('meta: safe defaults (used by the build action)', () => {
  const safe = { prereleaseNeverLatest: true, alwaysSha: true };
  it.each<Case>([
    { ref: 'refs/tags/v1.0.0-rc.1', expected: ['v1.0.0-rc.1', 'sha-860c190'] },
    { ref: 'refs/tags/v1.0.0', expected: ['v1.0.0', 'sha-860c190', 'latest'] },
    { ref: 'refs/tags/1.0.0rc1', expected: ['1.0.0rc1', 'sha-860c190'] },
    {
      ref: 'refs/tags/v1.0.0-rc.1',
      flavor: ['latest=true'],
      expected: ['v1.0.0-rc.1', 'sha-860c190'],
    },
    { ref: 'refs/heads/master', tags: ['type=sha,format=long'], expected: [`sha-${SHA}`] },
  ])('$ref $flavor', (c) => {
    expect(run(c, { safe }).tagNames).toEqual(c.expected);
  });
});

describe('meta: bad rules fail naming the input, line and problem', () => {
  it.each([
    [
      { tags: ['type=raw,value=a', 'type=bogus'] },
      'Input \'tags\': line 2 (type=bogus): unknown tag type "bogus"',
    ],
    [{ tags: ['type=semver'] }, 'line 1 (type=semver): type=semver needs a pattern'],
    [{ tags: ['type=pep440,value=1'] }, 'type=pep440 needs a pattern'],
    [{ tags: ['type=match,pattern=('] }, 'line 1 (type=match,pattern=(): bad pattern'],
    [{ tags: ['type=match,pattern=x,group=a'] }, 'match group must be a number'],
    [{ tags: ['type=ref'] }, 'type=ref needs event='],
    [{ tags: ['type=ref,event=push'] }, 'event must be branch, tag or pr, got "push"'],
    [{ tags: ['type=raw'] }, 'type=raw needs a value'],
    [{ tags: ['type=sha,format=medium'] }, 'format must be short or long'],
    [{ tags: ['type=raw,value=a,priority=high'] }, 'priority must be a number'],
    [{ tags: ['type=raw,value=a,enable=yes'] }, 'enable must be true or false, got "yes"'],
    [{ tags: ['type=raw,value=a,patern=x'] }, 'unknown attribute "patern"'],
    [
      { tags: ['type=raw,value={{#if x}}y{{/if}}'] },
      'block helpers and partials are not supported',
    ],
    [
      { tags: ["type=raw,value={{date 'YYYY' tz='Mars/Olympus'}}"] },
      'unknown time zone "Mars/Olympus"',
    ],
    [{ tags: ["type=raw,value={{date 'YYYY' zone='UTC'}}"] }, 'unknown zone attribute'],
    [{ tags: ['"type=raw,value=a'] }, 'a quoted field is not closed'],
    [
      { flavor: ['latest=maybe'] },
      "Input 'flavor': line 1 (latest=maybe): latest must be auto, true or false",
    ],
    [{ flavor: ['prefix=a,onlatest=sure'] }, 'onlatest must be true or false'],
    [{ flavor: ['colour=blue'] }, 'unknown flavor entry "colour"'],
    [{ flavor: ['latest'] }, '"latest" is not key=value'],
    [
      { images: ['name=a', 'enable=true'] },
      "Input 'images': line 2 (enable=true): the image name is empty",
    ],
    [{ images: ['name=a,enable=1', 'b'] }, 'enable must be true or false'],
    [{ images: ['name=a,registry=x', 'b'] }, 'unknown image attribute "registry"'],
  ])('%j', (input: { tags?: string[]; flavor?: string[]; images?: string[] }, message) => {
    const attempt = () =>
      run({
        ref: 'refs/heads/master',
        tags: input.tags ?? [],
        flavor: input.flavor,
        images: input.images,
      });
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(message);
  });

  it('rejects a bad DOCKER_METADATA_SHORT_SHA_LENGTH', () => {
    expect(() => shortShaLengthFrom('seven')).toThrow(/DOCKER_METADATA_SHORT_SHA_LENGTH/);
  });
});

describe('meta: csv fields', () => {
  it.each([
    ['a,b', ['a', 'b']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['a,', ['a', '']],
  ])('%s', (line, fields) => {
    expect(splitFields(line)).toEqual(fields);
  });
});

/**
 * docker/metadata-action's documented examples (README and __tests__/meta.test.ts), compared
 * whole: tags, labels and annotations. Labels come sorted by key as metadata-action gives them;
 * annotations are the same entries at the default `manifest` level.
 */
describe('meta: metadata-action parity (tags, labels and annotations)', () => {
  function ociLabels(version: string, revision: string): string[] {
    return [
      'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
      'org.opencontainers.image.description=This your first repo!',
      'org.opencontainers.image.licenses=MIT',
      `org.opencontainers.image.revision=${revision}`,
      'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
      'org.opencontainers.image.title=Hello-World',
      'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
      `org.opencontainers.image.version=${version}`,
    ];
  }

  interface ParityCase extends Case {
    name: string;
    labels: string[];
  }

  const cases: ParityCase[] = [
    {
      name: '{{is_not_default_branch}} on a branch that is not the default one',
      ref: 'refs/heads/dev',
      tags: [
        'type=raw,value=latest,enable={{is_default_branch}}',
        'type=raw,value=dev-build,enable={{is_not_default_branch}}',
        'type=raw,value=nd-{{is_not_default_branch}}',
      ],
      expected: ['name/app:dev-build', 'name/app:nd-true'],
      version: 'dev-build',
      labels: ociLabels('dev-build', SHA),
    },
    {
      name: '{{is_not_default_branch}} on the default branch',
      ref: 'refs/heads/master',
      tags: [
        'type=raw,value=latest,enable={{is_default_branch}}',
        'type=raw,value=dev-build,enable={{is_not_default_branch}}',
        'type=raw,value=nd-{{is_not_default_branch}}',
      ],
      expected: ['name/app:latest', 'name/app:nd-false'],
      version: 'latest',
      labels: ociLabels('latest', SHA),
    },
    {
      name: '{{is_not_default_branch}} on a Git tag (no branch: not the default one)',
      ref: 'refs/tags/v1.2.3',
      tags: [
        'type=semver,pattern={{version}}',
        'type=raw,value=nd,enable={{is_not_default_branch}}',
      ],
      expected: ['name/app:1.2.3', 'name/app:nd', 'name/app:latest'],
      version: '1.2.3',
      labels: ociLabels('1.2.3', SHA),
    },
    {
      name: '{{is_not_default_branch}} on a schedule (runs on the default branch)',
      event: 'schedule',
      ref: 'refs/heads/master',
      tags: ['type=raw,value=nd,enable={{is_not_default_branch}}', 'type=sha'],
      expected: ['name/app:sha-860c190'],
      version: 'sha-860c190',
      labels: ociLabels('sha-860c190', SHA),
    },
    {
      name: 'semver match= on the Git tag (README: p1/v1.2.3, {{version}}, v(\\d.\\d.\\d)$ -> 1.2.3)',
      ref: 'refs/tags/p1/v1.2.3',
      tags: [
        'type=semver,pattern={{version}},match=v(\\d.\\d.\\d)$',
        'type=semver,pattern={{major}}.{{minor}},match=v(\\d.\\d.\\d)$',
      ],
      expected: ['name/app:1.2.3', 'name/app:1.2', 'name/app:latest'],
      version: '1.2.3',
      labels: ociLabels('1.2.3', SHA),
    },
    {
      name: 'semver match= quoted as a whole CSV field, with value= (README example)',
      ref: 'refs/heads/master',
      tags: ['type=semver,pattern={{version}},value=p1/v1.0.0,"match=v(\\d.\\d.\\d)$"'],
      expected: ['name/app:1.0.0', 'name/app:latest'],
      version: '1.0.0',
      labels: ociLabels('1.0.0', SHA),
    },
    {
      name: 'pep440 match= on the Git tag',
      ref: 'refs/tags/bot-1.2.3rc2',
      tags: ['"type=pep440","pattern={{version}}","match=bot-(.*)$"'],
      expected: ['name/app:1.2.3rc2'],
      version: '1.2.3rc2',
      labels: ociLabels('1.2.3rc2', SHA),
    },
    {
      name: 'no event at all (metadata-action null01): no tag, labels with empty version and revision',
      event: '',
      ref: '',
      env: { GITHUB_SHA: '' },
      expected: [],
      version: '',
      labels: ociLabels('', ''),
    },
    {
      name: 'no event, rules that need one (metadata-action null02)',
      event: '',
      ref: '',
      env: { GITHUB_SHA: '' },
      tags: ['type=sha', 'type=raw,{{branch}}'],
      expected: [],
      version: '',
      labels: ociLabels('', ''),
    },
    {
      name: 'a branch push that no rule tags: labels still come, version empty',
      ref: 'refs/heads/dev',
      tags: ['type=ref,event=tag', 'type=semver,pattern={{version}}'],
      expected: [],
      version: '',
      labels: ociLabels('', SHA),
    },
  ];

  it.each(cases)('$name', (c) => {
    const r = run(c);
    expect(r.tags).toEqual(c.expected);
    expect(r.version).toBe(c.version);
    expect(r.labels).toEqual(c.labels);
    expect(r.annotations).toEqual(c.labels.map((l) => `manifest:${l}`));
    expect(r.json).toEqual({
      tags: c.expected,
      labels: Object.fromEntries(
        c.labels.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      ),
      annotations: c.labels.map((l) => `manifest:${l}`),
    });
  });

  it('semver match= that does not match warns and keeps the whole tag, which then is no semver', () => {
    const r = run({
      ref: 'refs/tags/p1/v1.2',
      tags: ['type=semver,pattern={{version}},match=v(\\d.\\d.\\d)$'],
    });
    expect(r.tags).toEqual([]);
    expect(r.warnings).toEqual([
      'v(\\d.\\d.\\d)$ does not match p1/v1.2.',
      'p1-v1.2 is not a valid semver. More info: https://semver.org/',
    ]);
    expect(r.labels).toContain('org.opencontainers.image.version=');
  });

  it('refuses a match= without a group, naming the input and the line', () => {
    expect(() =>
      run({
        ref: 'refs/tags/v1.2.3',
        tags: ['type=sha', 'type=semver,pattern={{version}},match=v\\d'],
      }),
    ).toThrow(
      new InputError(
        'tags',
        'line 2 (type=semver,pattern={{version}},match=v\\d): match needs a group for the version, e.g. match=v(\\d.\\d.\\d)$',
      ),
    );
    expect(() =>
      run({ ref: 'refs/tags/v1.2.3', tags: ['type=semver,pattern={{version}},match=v(\\d'] }),
    ).toThrow(/line 1 .*bad match/);
    expect(() => run({ ref: 'refs/tags/v1.2.3', tags: ['type=match,match=v(.*)'] })).toThrow(
      "Input 'tags': line 1 (type=match,match=v(.*)): match applies to type=semver and type=pep440",
    );
  });
});

describe('meta action: separators and events without tags', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('reads sep-tags, sep-labels and sep-annotations untrimmed: a single space stays a space', () => {
    process.env['INPUT_SEP-TAGS'] = ' ';
    process.env['INPUT_SEP-LABELS'] = ' ; ';
    process.env['INPUT_SEP-ANNOTATIONS'] = '\n';
    const inputs = readMetaInputs();
    expect(inputs.sepTags).toBe(' ');
    expect(inputs.sepLabels).toBe(' ; ');
    expect(inputs.sepAnnotations).toBe('\n');
    process.env['INPUT_SEP-TAGS'] = '';
    expect(readMetaInputs().sepTags).toBe('\n');
  });

  it('joins the outputs with a space and, on an event without tags, still outputs labels and annotations', async () => {
    const github = await startFakeGitHub({ token: 'ghs_test' });
    try {
      const outputs: Record<string, string> = {};
      const log = recordingLog();
      const base = {
        images: ['ghcr.io/octocat/hello-world'],
        flavor: [],
        labels: [],
        annotations: [],
        sepTags: ' ',
        sepLabels: ' ',
        sepAnnotations: ' ',
        githubToken: 'ghs_test',
      };
      const env = {
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REPOSITORY: 'octocat/Hello-World',
        GITHUB_API_URL: github.url,
        SOURCE_DATE_EPOCH: '1578616200',
      };
      const deps = {
        log,
        setOutputs: (o: Record<string, unknown>) =>
          Object.entries(o).forEach(([k, v]) => (outputs[k] = String(v))),
        writeSummary: () => undefined,
        exportVariable: () => undefined,
      };
      await runMetaAction(
        { ...base, tags: ['type=ref,event=branch', 'type=sha'] },
        { ...deps, env: { ...env, GITHUB_REF: 'refs/heads/dev', GITHUB_SHA: SHA } },
      );
      expect(outputs.tags).toBe(
        'ghcr.io/octocat/hello-world:dev ghcr.io/octocat/hello-world:sha-860c190',
      );
      expect(outputs['tag-names']).toBe('dev sha-860c190');

      // metadata-action's null01: no ref, no sha -> no tag, but the labels with empty version and revision.
      await runMetaAction(
        { ...base, tags: [] },
        { ...deps, env: { ...env, GITHUB_EVENT_NAME: '' } },
      );
      const labels = [
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=This your first repo!',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=Hello-World',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.version=',
      ];
      expect(outputs.version).toBe('');
      expect(outputs.tags).toBe('');
      expect(outputs.labels).toBe(labels.join(' '));
      expect(outputs.annotations).toBe(labels.map((l) => `manifest:${l}`).join(' '));
      expect(JSON.parse(outputs.json!).tags).toEqual([]);
      expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
        'No Docker image version has been generated. Check tags input.',
        'No Docker tag has been generated. Check tags input.',
      ]);
    } finally {
      await github.close();
    }
  });
});
