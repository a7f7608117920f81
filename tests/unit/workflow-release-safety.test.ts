/**
 * Release safety in release.yml and the caller templates, checked on the files themselves:
 *
 * - a prerelease tag never reaches the production job: the `target` step's script runs (as a
 *   runner runs it) with the env its YAML computes for sample tags, and the deploy job's `if:`
 *   and environment name are evaluated on its outputs with GitHub's own expression engine;
 * - an older tag is refused, naming both versions (the `downgrade` step's script, with inputs);
 *   the version serving the environment comes from the deployments API (a local stand-in);
 * - promote runs after the approval point: it needs the job that names the environment and runs
 *   only when that job succeeded; no job before it may write packages;
 * - the templates pass secrets by name, never `secrets: inherit`, and only ones the callee declares.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/repo.js';
import { runStep as runScript, type StepRun } from '../helpers/workflow-step.js';
import { evaluate, interpolate, STATUS, truthy } from '../helpers/workflow-expressions.js';

type Json = unknown;
interface Step {
  id?: string;
  name?: string;
  if?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: { name: string; url?: string } | string;
  permissions?: Record<string, string>;
  steps?: Step[];
  outputs?: Record<string, string>;
  uses?: string;
  secrets?: Json;
}

const workflow = parse(readFileSync(join(ROOT, '.github/workflows/release.yml'), 'utf8')) as {
  on: {
    workflow_call: { inputs: Record<string, { default?: Json }>; secrets: Record<string, Json> };
  };
  jobs: Record<string, Job>;
};
const jobs = workflow.jobs;
const step = (job: string, id: string): Step => {
  const found = jobs[job]?.steps?.find((s) => s.id === id);
  if (!found) throw new Error(`release.yml: no step ${id} in job ${job}`);
  return found;
};
const needsOf = (job: Job) => (job.needs === undefined ? [] : [job.needs].flat());

// --- GitHub's expression engine over the workflow's own expressions -------------------------

/** Whether a job runs: its `if:` (with the implicit success() when it names no status function). */
function jobRuns(
  job: Job,
  contexts: Record<string, Json>,
  needsFailed: boolean,
  cancelled = false,
): boolean {
  const condition = (job.if ?? '').replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1').trim();
  const hasStatus = new RegExp(`\\b(${STATUS.join('|')})\\(`).test(condition);
  const full = !condition ? 'success()' : hasStatus ? condition : `success() && (${condition})`;
  return truthy(evaluate(full, contexts, { failed: needsFailed, cancelled }));
}

const inputDefaults = Object.fromEntries(
  Object.entries(workflow.on.workflow_call.inputs).map(([k, v]) => [k, v.default ?? '']),
);

// --- running a step's script as the runner does ---------------------------------------------

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'release-safety-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a step's script like the runner (tests/helpers/workflow-step.ts), in `dir`. */
const runStep = (body: string, env: Record<string, string>): Promise<StepRun> =>
  runScript(body, env, { dir });

/** The step's env as its YAML computes it for a tag and some inputs, then its script. */
async function runTarget(tag: string, inputs: Record<string, Json> = {}): Promise<StepRun> {
  const target = step('resolve', 'target');
  const contexts = {
    inputs: { ...inputDefaults, ...inputs },
    github: { ref_name: tag, ref: `refs/tags/${tag}` },
  };
  const env = Object.fromEntries(
    Object.entries(target.env ?? {}).map(([k, v]) => [k, interpolate(String(v), contexts)]),
  );
  return runStep(target.run ?? '', env);
}

/** Where the release goes for a tag: the environment of the deploy job, or undefined (skipped). */
async function destination(
  tag: string,
  inputs: Record<string, Json> = {},
): Promise<{ ran: StepRun; environment?: string }> {
  const ran = await runTarget(tag, inputs);
  const deploy = jobs.deploy!;
  const contexts = {
    inputs: { ...inputDefaults, ...inputs },
    github: { ref_name: tag },
    vars: {},
    needs: { resolve: { result: ran.status === 0 ? 'success' : 'failure', outputs: ran.outputs } },
  };
  if (!jobRuns(deploy, contexts, ran.status !== 0)) return { ran };
  const env = deploy.environment as { name: string };
  return { ran, environment: interpolate(env.name, contexts) };
}

describe('a prerelease tag never reaches the production job', () => {
  it('the jobs that name an environment take its name from resolve (the canary jobs too)', () => {
    const named = Object.entries(jobs).filter(([, j]) => j.environment !== undefined);
    expect(named.map(([id]) => id)).toEqual(['deploy', 'canary-promote', 'canary-abort']);
    expect(needsOf(jobs.deploy!)).toEqual(['resolve']);
    for (const [, job] of named) {
      expect(needsOf(job)).toContain('resolve');
      expect((job.environment as { name: string }).name).toContain(
        'needs.resolve.outputs.environment',
      );
    }
    // without canary-approval (the default) the deploy job is the environment's own
    const contexts = {
      inputs: inputDefaults,
      needs: { resolve: { result: 'success', outputs: { environment: 'production' } } },
    };
    expect(interpolate((jobs.deploy!.environment as { name: string }).name, contexts)).toBe(
      'production',
    );
  });

  it.each(['v2.0.0-rc.1', 'v2.0.0-beta', '1.0.0-alpha.1', 'v3.0.0-0', 'v1.4.0-rc.1+build.7'])(
    '%s with the defaults: not deployed at all',
    async (tag) => {
      const { ran, environment } = await destination(tag);
      expect(ran.status).toBe(0);
      expect(ran.outputs.prerelease).toBe('true');
      expect(environment).toBeUndefined();
      expect(ran.stdout).toContain(`::notice::${tag} is a prerelease: not deployed to production`);
    },
  );

  it.each(['v2.0.0-rc.1', 'v0.1.0-dev'])(
    '%s with prerelease-environment: staging goes to staging, never production',
    async (tag) => {
      const { ran, environment } = await destination(tag, { 'prerelease-environment': 'staging' });
      expect(ran.status).toBe(0);
      expect(environment).toBe('staging');
    },
  );

  it.each(['production', 'Production'])(
    'prerelease-environment %s (production itself, names ignore case) is refused without allow-prerelease',
    async (name) => {
      const { ran, environment } = await destination('v2.0.0-rc.1', {
        'prerelease-environment': name,
      });
      expect(ran.status).toBe(1);
      expect(ran.stdout).toContain(
        "::error::prerelease-environment is the release environment 'production'",
      );
      expect(environment).toBeUndefined();
    },
  );

  it('allow-prerelease: true is the one way in, with a warning', async () => {
    const { ran, environment } = await destination('v2.0.0-rc.1', { 'allow-prerelease': true });
    expect(environment).toBe('production');
    expect(ran.stdout).toContain('::warning::v2.0.0-rc.1 is a prerelease, deployed to production');
  });

  it.each([
    ['v1.4.0', '1.4.0'],
    ['1.4.0', '1.4.0'],
    ['v1.4.0+build-5', '1.4.0+build-5'], // build metadata with a '-' is not a prerelease
  ])('%s (a release) goes to production', async (tag, version) => {
    const { ran, environment } = await destination(tag);
    expect(ran.outputs).toEqual({ version, prerelease: 'false', environment: 'production' });
    expect(environment).toBe('production');
  });

  it.each(['latest', 'v1.4', 'v01.4.0', 'v1.4.0; rm -rf /', 'v1.4.0\nenvironment=production'])(
    'the tag %j is not a version: resolve fails, nothing deploys',
    async (tag) => {
      const { ran, environment } = await destination(tag);
      expect(ran.status).toBe(1);
      expect(ran.stdout).toContain('is not a semver version');
      expect(ran.outputs).toEqual({});
      expect(environment).toBeUndefined();
    },
  );

  it('the digest lookup is skipped when the tag deploys nowhere', () => {
    expect(step('resolve', 'source').if).toBe("steps.target.outputs.environment != ''");
  });
});

describe('an older tag is refused with both versions named', () => {
  const downgrade = step('deploy', 'downgrade');
  const check = (version: string, current: string, allow = false) =>
    runStep(downgrade.run ?? '', {
      VERSION: version,
      CURRENT: current,
      ENVIRONMENT: 'production',
      ALLOW_DOWNGRADE: String(allow),
    });

  it('its env comes from resolve, the current-version step and the allow-downgrade input', () => {
    expect(downgrade.env).toEqual({
      VERSION: '${{ needs.resolve.outputs.version }}',
      CURRENT: '${{ steps.current.outputs.version }}',
      ENVIRONMENT: '${{ needs.resolve.outputs.environment }}',
      ALLOW_DOWNGRADE: '${{ inputs.allow-downgrade }}',
    });
    const ids = jobs.deploy!.steps!.map((s) => s.id);
    expect(ids.indexOf('current')).toBeLessThan(ids.indexOf('downgrade'));
    expect(ids.indexOf('downgrade')).toBeLessThan(ids.indexOf('deploy'));
  });

  it('1.3.0 over 1.4.0: refused, naming both, with the refusal as an output for the notice', async () => {
    const r = await check('1.3.0', '1.4.0');
    expect(r.status).toBe(1);
    const message =
      'refusing to deploy 1.3.0 to production: it is older than 1.4.0, the version serving there; set allow-downgrade: true to go back, or use the rollback workflow';
    expect(r.stdout).toContain(`::error::${message}`);
    expect(r.outputs).toEqual({ refusal: message });
  });

  it('allow-downgrade: true lets it through with a warning naming both', async () => {
    const r = await check('1.3.0', '1.4.0', true);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('::warning::downgrade: 1.3.0 replaces 1.4.0 on production');
    expect(r.outputs).toEqual({ downgrade: 'true' });
  });

  // Semver precedence (semver.org 11), both ways round.
  it.each([
    ['1.4.0', '1.4.1'],
    ['1.4.9', '1.10.0'],
    ['1.9.9', '2.0.0'],
    ['0.9.0', '0.10.0'],
    ['1.4.0-rc.1', '1.4.0'],
    ['1.0.0-alpha', '1.0.0-alpha.1'],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta'],
    ['1.0.0-alpha.beta', '1.0.0-beta'],
    ['1.0.0-beta', '1.0.0-beta.2'],
    ['1.0.0-beta.2', '1.0.0-beta.11'],
    ['1.0.0-beta.11', '1.0.0-rc.1'],
    ['1.0.0-rc.1', '1.0.0'],
  ])('%s is older than %s (refused), not the other way round', async (older, newer) => {
    const refused = await check(older, newer);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain(`refusing to deploy ${older} to production`);
    expect(refused.stdout).toContain(`older than ${newer}`);
    const upgrade = await check(newer, older);
    expect(upgrade.status).toBe(0);
  });

  it.each([
    ['1.4.0', '1.4.0'],
    ['1.4.0+build.2', '1.4.0+build.1'],
    ['1.4.0', ''],
  ])('%s over %j is not a downgrade (a re-run, build metadata, a first release)', async (v, c) => {
    const r = await check(v, c);
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ downgrade: 'false' });
  });
});

describe('an allowed downgrade meets the irreversible-migration guard on the hosts', () => {
  const deploy = step('deploy', 'deploy');
  const withValue = (key: string, contexts: Record<string, Json>) =>
    interpolate(deploy.with?.[key] ?? '', contexts);

  it.each([
    ['true', 'true'],
    ['false', 'false'],
    ['', 'false'],
  ])(
    "the deploy step's downgrade input is %j -> %s, from the downgrade step's output",
    (answer, passed) => {
      const steps = { downgrade: { outputs: { downgrade: answer } } };
      expect(withValue('downgrade', { steps, inputs: inputDefaults })).toBe(passed);
    },
  );

  it("force is the workflow's own input (the rollback workflow's word), off by default", () => {
    expect(deploy.with?.force).toBe('${{ inputs.force }}');
    expect(workflow.on.workflow_call.inputs.force?.default).toBe(false);
    const rollback = parse(readFileSync(join(ROOT, '.github/workflows/rollback.yml'), 'utf8')) as {
      on: { workflow_call: { inputs: Record<string, { type?: string }> } };
    };
    expect(rollback.on.workflow_call.inputs.force?.type).toBe('boolean');
    const steps = { downgrade: { outputs: { downgrade: 'true' } } };
    expect(withValue('force', { steps, inputs: { ...inputDefaults, force: true } })).toBe('true');
    expect(withValue('force', { steps, inputs: inputDefaults })).toBe('false');
  });

  it('the deploy input it feeds exists in the deploy action', () => {
    const action = parse(readFileSync(join(ROOT, 'deploy/action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    for (const key of Object.keys(deploy.with ?? {}))
      expect(Object.keys(action.inputs)).toContain(key);
  });
});

describe('several hosts: the notification says which host runs what (the deploy output hosts)', () => {
  const deploy = step('deploy', 'deploy');
  const notify = jobs.notify!.steps!.find((s) => s.name === 'notify the ops chat')!;
  const H1 = 'deploy@h1.example.net:22';
  const H2 = 'deploy@h2.example.net:22';
  const send = (hosts: unknown[], over: Record<string, string> = {}) =>
    runStep(notify.run ?? '', {
      TELEGRAM_TOKEN: '',
      CHAT_ID: '',
      WEBHOOK_URL: '',
      APP: 'shop-bot',
      VERSION: 'v1.5.0',
      ENVIRONMENT: 'production',
      RESOLVE: 'success',
      PRERELEASE: 'false',
      DEPLOY: 'failure',
      PROMOTE: 'skipped',
      CANARY: 'false',
      HELD: '',
      APPROVE: 'skipped',
      ABORT: 'skipped',
      ROLLBACK: '',
      REASON: '',
      REFUSAL: '',
      HOSTS: JSON.stringify(hosts),
      IMAGE: 'ghcr.io/o/shop-bot@sha256:abc',
      RUN_URL: 'https://run',
      COMMIT_URL: 'https://commit',
      ...over,
    });

  it('rollback-on-partial reaches the deploy (default true); hosts flows from the deploy step to notify', () => {
    expect(deploy.with?.['rollback-on-partial']).toBe('${{ inputs.rollback-on-partial }}');
    expect(workflow.on.workflow_call.inputs['rollback-on-partial']?.default).toBe(true);
    expect(jobs.deploy!.outputs?.hosts).toBe('${{ steps.deploy.outputs.hosts }}');
    expect(notify.env?.HOSTS).toBe(
      '${{ needs.canary-promote.outputs.hosts || needs.deploy.outputs.hosts }}',
    );
  });

  it('every host put back: a rollback notice, with one line per host', async () => {
    const r = await send([
      { host: H1, result: 'rolled-back', release: 'r1', image: 'img:v1' },
      { host: H2, result: 'rolled-back', release: 'r1', image: 'img:v1' },
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      '↩️ shop-bot v1.5.0 failed on production; every host that took it was rolled back (rollback-on-partial)',
    );
    expect(r.stdout).toContain(
      `which host runs what:\n${H1}: rolled-back, runs r1 (img:v1)\n${H2}: rolled-back, runs r1 (img:v1)\nimage:`,
    );
  });

  it('hosts on different releases (kept, or a rollback that failed): a loud failure naming each', async () => {
    const r = await send([
      { host: H1, result: 'deployed', release: 'r2', image: 'img:v2' },
      { host: H2, result: 'rolled-back', release: 'r1', image: 'img:v1' },
      { host: 'deploy@h3.example.net:22', result: 'untouched', release: null, image: null },
    ]);
    expect(r.stdout).toContain(
      '🚨 shop-bot v1.5.0 failed on production (deploy: failure) and not every host is back on the release it ran before',
    );
    expect(r.stdout).toContain(`${H1}: deployed, runs r2 (img:v2)`);
    expect(r.stdout).toContain(`${H2}: rolled-back, runs r1 (img:v1)`);
    expect(r.stdout).toContain('deploy@h3.example.net:22: untouched, not reached');
    expect(r.stdout).not.toContain('the host where it failed was put back');
  });

  it('all deployed, or one host: no per-host lines (the success text stands)', async () => {
    const all = await send(
      [
        { host: H1, result: 'deployed', release: 'r2', image: 'img:v2' },
        { host: H2, result: 'deployed', release: 'r2', image: 'img:v2' },
      ],
      { DEPLOY: 'success', PROMOTE: 'success' },
    );
    expect(all.stdout).toContain('✅ shop-bot v1.5.0 is live on production\nimage:');
    const one = await send([{ host: H1, result: 'rolled-back', release: 'r1', image: 'img:v1' }]);
    expect(one.stdout).not.toContain('which host runs what');
    expect(one.stdout).toContain('the host where it failed was put back');
  });
});

describe('the version serving the environment, from the deployments API', () => {
  const current = step('deploy', 'current');
  let server: Server;
  let api: string;
  let requests: string[];
  let deployments: { id: number; ref: string; status: string }[];

  beforeEach(async () => {
    requests = [];
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      const url = new URL(req.url ?? '/', 'http://x');
      const statuses = url.pathname.match(/^\/repos\/o\/bot\/deployments\/(\d+)\/statuses$/);
      const json = { 'content-type': 'application/json' };
      if (url.pathname === '/repos/o/bot/deployments') {
        const env = url.searchParams.get('environment');
        res.writeHead(200, json);
        res.end(
          JSON.stringify(
            env === 'production' ? deployments.map(({ id, ref }) => ({ id, ref })) : [],
          ),
        );
      } else if (statuses) {
        const d = deployments.find((x) => x.id === Number(statuses[1]));
        res.writeHead(200, json);
        res.end(JSON.stringify(d ? [{ state: d.status }] : []));
      } else {
        res.writeHead(404, json);
        res.end('{"message":"Not Found"}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  const env = () => ({
    GH_TOKEN: 'ghs_test',
    API_URL: api,
    REPOSITORY: 'o/bot',
    ENVIRONMENT: 'production',
  });

  it('the newest successful deployment with a version ref; this run, branches and failures skipped', async () => {
    deployments = [
      { id: 9, ref: 'v1.6.0', status: 'in_progress' }, // this run
      { id: 8, ref: 'main', status: 'success' }, // a manual rollback from a branch
      { id: 7, ref: 'v1.5.0', status: 'failure' },
      { id: 6, ref: 'refs/tags/v1.4.2', status: 'success' },
      { id: 5, ref: 'v1.4.1', status: 'success' },
    ];
    const r = await runStep(current.run ?? '', env());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ version: '1.4.2' });
    expect(r.stdout).toContain('production runs 1.4.2');
    expect(requests[0]).toBe(
      'GET /repos/o/bot/deployments?environment=production&per_page=30 Bearer ghs_test',
    );
    // It stops at the first success: no status request for the older ones.
    expect(requests.some((q) => q.includes('/deployments/5/'))).toBe(false);
  });

  it('no released version yet: empty, so the downgrade check passes', async () => {
    deployments = [{ id: 1, ref: 'v1.0.0', status: 'in_progress' }];
    const r = await runStep(current.run ?? '', env());
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ version: '' });
  });

  it('an environment name with spaces is sent encoded, as data', async () => {
    deployments = [];
    const r = await runStep(current.run ?? '', { ...env(), ENVIRONMENT: 'prod eu & "x"' });
    expect(r.status).toBe(0);
    expect(requests[0]).toContain('environment=prod%20eu%20%26%20%22x%22&');
  });

  it('an API failure fails the step (no guessing that nothing is deployed)', async () => {
    const r = await runStep(current.run ?? '', { ...env(), REPOSITORY: 'o/none' });
    expect(r.status).not.toBe(0);
    expect(r.outputs).toEqual({});
  });
});

describe('promote runs after the approval point', () => {
  it('the build promote step lives only in promote, which needs the environment job', () => {
    const promoting = Object.entries(jobs).filter(([, j]) =>
      (j.steps ?? []).some((s) => s.with?.['promote-digest'] !== undefined),
    );
    expect(promoting.map(([id]) => id)).toEqual(['promote']);
    expect(needsOf(jobs.promote!)).toContain('deploy');
    expect(jobs.promote!.environment).toBeUndefined();
    expect(step('promote', 'promote').with?.['promote-digest']).toBe(
      '${{ needs.resolve.outputs.image }}',
    );
  });

  it.each([
    ['success', true],
    ['failure', false], // refused, failed, or verified bad and rolled back: the tags stay
    ['skipped', false], // a prerelease that deploys nowhere
    ['cancelled', false],
  ])('deploy %s: promote runs = %s', (result, runs) => {
    const contexts = {
      inputs: inputDefaults,
      needs: {
        resolve: { result: 'success', outputs: {} },
        deploy: { result, outputs: {} },
        'canary-promote': { result: 'skipped', outputs: {} },
      },
    };
    expect(jobRuns(jobs.promote!, contexts, result !== 'success')).toBe(runs);
  });

  it('no job before the approval writes packages; promote alone does', () => {
    const writers = Object.entries(jobs)
      .filter(([, j]) => j.permissions?.packages === 'write')
      .map(([id]) => id);
    expect(writers).toEqual(['promote']);
    expect(jobs.deploy!.permissions).toEqual({
      contents: 'read',
      packages: 'read',
      deployments: 'read',
    });
  });

  it('notify hears of every outcome: it needs every job and always runs', () => {
    expect(needsOf(jobs.notify!).sort()).toEqual([
      'canary-abort',
      'canary-promote',
      'deploy',
      'promote',
      'resolve',
    ]);
    expect(jobRuns(jobs.notify!, { needs: {} }, true)).toBe(true);
  });
});

describe('canary-approval: hold, then the reviewers promote; declined, timed out or cancelled aborts', () => {
  const on = { ...inputDefaults, 'canary-approval': true };
  const needs = (
    deploy: { result: string; held?: string },
    promote: { result: string; held?: string },
  ) => ({
    resolve: { result: 'success', outputs: { environment: 'production' } },
    deploy: { result: deploy.result, outputs: { held: deploy.held ?? '' } },
    'canary-promote': { result: promote.result, outputs: { held: promote.held ?? '' } },
  });
  const envName = (job: string, inputs: Record<string, Json>): string =>
    interpolate((jobs[job]!.environment as { name: string }).name, {
      inputs,
      needs: needs({ result: 'success' }, { result: 'success' }),
    });

  it('the deploy job holds the canary, in an environment without the reviewers', () => {
    const deploy = step('deploy', 'deploy');
    expect(deploy.with?.['canary-hold']).toBe(
      "${{ inputs.canary-approval && inputs.canary-hold || '' }}",
    );
    expect(deploy.with?.['hold-watch']).toBe(
      "${{ inputs.canary-approval && inputs.hold-watch || '0' }}",
    );
    expect(deploy.with?.strategy).toBe(
      "${{ inputs.canary-approval && 'canary' || inputs.strategy }}",
    );
    expect(interpolate(deploy.with!['canary-hold']!, { inputs: on })).toBe('10');
    expect(interpolate(deploy.with!['canary-hold']!, { inputs: inputDefaults })).toBe('');
    expect(envName('deploy', on)).toBe('production-canary');
    expect(envName('deploy', { ...on, 'canary-environment': 'prod-hold' })).toBe('prod-hold');
    expect(jobs.deploy!.outputs?.held).toBe('${{ steps.deploy.outputs.held }}');
    // a held canary is verified after its promotion, not while 10% of the traffic reaches it
    expect(jobRuns(step('deploy', 'verify') as Job, { inputs: on }, false)).toBe(false);
    expect(jobRuns(step('deploy', 'verify') as Job, { inputs: inputDefaults }, false)).toBe(true);
  });

  it('canary-promote needs the hold job and runs in the production environment (its reviewers)', () => {
    const promote = jobs['canary-promote']!;
    expect(needsOf(promote)).toEqual(['resolve', 'deploy']);
    expect(envName('canary-promote', on)).toBe('production');
    expect(step('canary-promote', 'promote').with?.resume).toBe('promote');
    expect(step('canary-promote', 'promote').uses).toBe('org/tg-devops/deploy@v1');
    expect(step('canary-promote', 'verify').with?.container).toBe(
      '${{ inputs.app }}-${{ steps.promote.outputs.release-id }}',
    );
    expect(promote.permissions).toEqual({ contents: 'read' });
    const runs = (deploy: { result: string; held?: string }, inputs: Record<string, Json> = on) =>
      jobRuns(
        promote,
        { inputs, needs: needs(deploy, { result: 'skipped' }) },
        deploy.result !== 'success',
      );
    expect(runs({ result: 'success', held: 'true' })).toBe(true);
    expect(runs({ result: 'success', held: 'true' }, inputDefaults)).toBe(false);
    expect(runs({ result: 'failure', held: 'false' })).toBe(false); // hold-watch aborted it
    expect(runs({ result: 'success', held: 'false' })).toBe(false);
  });

  it.each([
    // [canary-promote result, its held output, the run cancelled, abort runs]
    ['failure', '', false, true], // the review was declined, or not given within 30 days
    ['cancelled', '', true, true], // the run was cancelled while the canary waited
    ['failure', 'true', false, true], // promote failed and its undos went back to the hold
    ['failure', 'false', false, false], // promoted, then verification failed: rolled back there
    ['success', 'false', false, false], // promoted
  ])(
    'canary-promote %s (held %s, cancelled %s): canary-abort runs = %s',
    (result, held, cancelled, runs) => {
      const abort = jobs['canary-abort']!;
      expect(needsOf(abort)).toEqual(['resolve', 'deploy', 'canary-promote']);
      const contexts = {
        inputs: on,
        needs: needs(
          { result: 'success', held: 'true' },
          { result: String(result), held: String(held) },
        ),
      };
      expect(jobRuns(abort, contexts, result === 'failure', Boolean(cancelled))).toBe(runs);
    },
  );

  it('canary-abort aborts with resume: abort in the hold environment, never without a hold', () => {
    const abort = jobs['canary-abort']!;
    expect(step('canary-abort', 'abort').with?.resume).toBe('abort');
    expect(envName('canary-abort', on)).toBe('production-canary');
    expect(abort.permissions).toEqual({ contents: 'read' });
    // the hold job failed (hold-watch aborted on its own): nothing is held, nothing to abort
    const failedHold = {
      inputs: on,
      needs: needs({ result: 'failure', held: 'false' }, { result: 'skipped' }),
    };
    expect(jobRuns(abort, failedHold, true)).toBe(false);
    // without canary-approval it never runs
    const plain = {
      inputs: inputDefaults,
      needs: needs({ result: 'failure' }, { result: 'skipped' }),
    };
    expect(jobRuns(abort, plain, true)).toBe(false);
  });

  it('the release tags move only after canary-promote succeeded', () => {
    const tags = (promote: string, cancelled = false) =>
      jobRuns(
        jobs.promote!,
        { inputs: on, needs: needs({ result: 'success', held: 'true' }, { result: promote }) },
        promote === 'failure',
        cancelled,
      );
    expect(needsOf(jobs.promote!)).toContain('canary-promote');
    expect(tags('success')).toBe(true);
    expect(tags('failure')).toBe(false);
    expect(tags('skipped')).toBe(false);
    expect(tags('cancelled', true)).toBe(false);
  });

  it('processes are refused with canary-approval, before anything deploys', async () => {
    const check = jobs.deploy!.steps!.find((s) => s.name === 'check the processes list')!;
    const refused = await runStep(check.run ?? '', {
      PROCESSES: '[{"app": "w", "bot-mode": "worker"}]',
      CANARY_APPROVAL: 'true',
    });
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain(
      "::error::Input 'processes': not deployed with canary-approval",
    );
    const none = await runStep(check.run ?? '', { PROCESSES: '[]', CANARY_APPROVAL: 'true' });
    expect(none.status).toBe(0);
  });

  it('the notification says aborted, or that the abort failed and how to finish it', async () => {
    const notify = jobs.notify!.steps!.find((s) => s.name === 'notify the ops chat')!;
    const send = (over: Record<string, string>) =>
      runStep(notify.run ?? '', {
        TELEGRAM_TOKEN: '',
        CHAT_ID: '',
        WEBHOOK_URL: '',
        APP: 'shop-bot',
        VERSION: 'v1.5.0',
        ENVIRONMENT: 'production',
        RESOLVE: 'success',
        PRERELEASE: 'false',
        DEPLOY: 'success',
        PROMOTE: 'skipped',
        CANARY: 'true',
        HELD: 'true',
        APPROVE: 'failure',
        ABORT: 'success',
        ROLLBACK: '',
        REASON: '',
        REFUSAL: '',
        HOSTS: '',
        IMAGE: 'ghcr.io/o/shop-bot@sha256:abc',
        RUN_URL: 'https://run',
        COMMIT_URL: 'https://commit',
        ...over,
      });
    expect((await send({})).stdout).toContain(
      '↩️ shop-bot v1.5.0 was held as a canary on production and aborted',
    );
    expect((await send({ ABORT: 'failure' })).stdout).toContain(
      'its abort did not succeed (abort: failure): it may still be held; run the deploy with resume: abort',
    );
    expect((await send({ APPROVE: 'success', PROMOTE: 'success' })).stdout).toContain(
      '✅ shop-bot v1.5.0 is live on production',
    );
  });
});

describe('the caller templates pass secrets by name', () => {
  const templateFiles = [
    ...readdirSync(join(ROOT, 'workflows'))
      .filter((f) => f.endsWith('.yml'))
      .map((f) => join('workflows', f)),
    ...readdirSync(join(ROOT, 'examples/sample-bot/.github/workflows'))
      .filter((f) => f.endsWith('.yml'))
      .map((f) => join('examples/sample-bot/.github/workflows', f)),
  ];

  it('no template or example uses secrets: inherit', () => {
    expect(templateFiles.length).toBeGreaterThanOrEqual(8);
    const inherit = templateFiles.filter((f) =>
      /^\s*secrets:\s*inherit\s*$/m.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(inherit).toEqual([]);
  });

  it('each call grants every permission the called workflow’s jobs ask for (GitHub refuses less)', () => {
    const level = (v: string | undefined) => (v === 'write' ? 2 : v === 'read' ? 1 : 0);
    const problems: string[] = [];
    for (const f of templateFiles) {
      const doc = parse(readFileSync(join(ROOT, f), 'utf8')) as { jobs: Record<string, Job> };
      for (const [id, job] of Object.entries(doc.jobs)) {
        const callee = job.uses?.match(/^org\/tg-devops\/(\.github\/workflows\/[^@]+)@/)?.[1];
        if (!callee) continue;
        const called = parse(readFileSync(join(ROOT, callee), 'utf8')) as {
          jobs: Record<string, Job>;
        };
        for (const [calledId, calledJob] of Object.entries(called.jobs))
          for (const [scope, wanted] of Object.entries(calledJob.permissions ?? {}))
            if (level(job.permissions?.[scope]) < level(wanted))
              problems.push(
                `${f}: jobs.${id} grants ${scope}: ${job.permissions?.[scope] ?? 'none'}, ${callee} jobs.${calledId} asks ${wanted}`,
              );
      }
    }
    expect(problems).toEqual([]);
  });

  it('each call passes exactly the secrets the reusable workflow declares, each from the same name', () => {
    for (const f of templateFiles) {
      const doc = parse(readFileSync(join(ROOT, f), 'utf8')) as { jobs: Record<string, Job> };
      for (const [id, job] of Object.entries(doc.jobs)) {
        const callee = job.uses?.match(/^org\/tg-devops\/(\.github\/workflows\/[^@]+)@/)?.[1];
        if (!callee) continue;
        const declared = Object.keys(
          (
            parse(readFileSync(join(ROOT, callee), 'utf8')) as {
              on: { workflow_call: { secrets?: Record<string, Json> } };
            }
          ).on.workflow_call.secrets ?? {},
        ).sort();
        const passed = (job.secrets ?? {}) as Record<string, string>;
        expect({ where: `${f}: jobs.${id}`, names: Object.keys(passed).sort() }).toEqual({
          where: `${f}: jobs.${id}`,
          names: declared,
        });
        for (const [name, value] of Object.entries(passed))
          expect({ name, value }).toEqual({ name, value: `\${{ secrets.${name} }}` });
      }
    }
  });
});
