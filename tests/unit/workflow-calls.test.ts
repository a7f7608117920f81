/**
 * Every `uses:` that points at this repository's actions or reusable workflows is checked against
 * its callee: the target exists, every `with:` / `secrets:` key is declared by the callee, every
 * required one is given, literal values match a workflow input's type, and every
 * `steps.<id>.outputs.<name>` / `needs.<job>.outputs.<name>` read from one of our callees is an
 * output it declares. All self-references use the same ref (the version the workflows ship with).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/repo.js';
import { interpolate } from '../helpers/workflow-expressions.js';

const SELF = 'org/tg-devops';
const SELF_REF = 'v1';

type Json = unknown;
interface Param {
  required?: boolean;
  default?: Json;
  type?: string;
}
interface Callee {
  kind: 'action' | 'workflow';
  inputs: Record<string, Param>;
  secrets: Record<string, Param>;
  outputs: Set<string>;
}
interface WorkflowFile {
  path: string;
  doc: Record<string, Json>;
}
type Resolve = (target: string) => Callee | { missing: string };

const isRecord = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const record = (v: Json): Record<string, Json> => (isRecord(v) ? v : {});

/** All workflow files this repo ships: its own, the caller templates and the examples' copies. */
function workflowFiles(root = ROOT): string[] {
  const yml = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .map((f) => join(dir, f))
      : [];
  const examples = join(root, 'examples');
  const exampleDirs = existsSync(examples)
    ? readdirSync(examples)
        .map((d) => join(examples, d))
        .filter((d) => statSync(d).isDirectory())
    : [];
  return [
    ...yml(join(root, '.github/workflows')),
    ...yml(join(root, 'workflows')),
    ...exampleDirs.flatMap((d) => yml(join(d, '.github/workflows'))),
  ];
}

function loadWorkflow(path: string, root = ROOT): WorkflowFile {
  return { path: relative(root, path), doc: record(parse(readFileSync(path, 'utf8'))) };
}

/** Splits `org/tg-devops/<path>@<ref>`; undefined for anything that is not ours. */
function selfReference(uses: string): { path: string; ref: string } | undefined {
  const m = uses.match(/^([^/@]+\/[^/@]+)\/([^@]+)@(.+)$/);
  if (!m || m[1]!.toLowerCase() !== SELF) return undefined;
  return { path: m[2]!, ref: m[3]! };
}

function callee(kind: Callee['kind'], spec: Record<string, Json>): Callee {
  const params = (v: Json) => record(v) as Record<string, Param>;
  return {
    kind,
    inputs: params(spec.inputs),
    secrets: params(spec.secrets),
    outputs: new Set(Object.keys(record(spec.outputs))),
  };
}

/** Resolves our references against a checkout of this repository. */
function resolveIn(root: string): Resolve {
  return (path) => {
    if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) {
      const file = join(root, path);
      if (!existsSync(file)) return { missing: `no such workflow ${path}` };
      const on = record(record(parse(readFileSync(file, 'utf8'))).on);
      if (!('workflow_call' in on)) return { missing: `${path} has no on.workflow_call trigger` };
      return callee('workflow', record(on.workflow_call));
    }
    const file = [join(root, path, 'action.yml'), join(root, path, 'action.yaml')].find(existsSync);
    if (!file || path.startsWith('.') || path.includes('..'))
      return { missing: `no action at ${path}/action.yml` };
    return callee('action', record(parse(readFileSync(file, 'utf8'))));
  };
}

const isExpression = (v: Json) => typeof v === 'string' && /^\s*\$\{\{[\s\S]*\}\}\s*$/.test(v);

function typeProblem(param: Param, value: Json): string | undefined {
  if (isExpression(value) || param.type === undefined) return undefined;
  const actual = typeof value;
  const want = param.type === 'number' ? 'number' : param.type === 'boolean' ? 'boolean' : 'string';
  if (param.type === 'string' && (actual === 'number' || actual === 'boolean')) return undefined;
  return actual === want ? undefined : `is a ${param.type} input, got ${JSON.stringify(value)}`;
}

const isRequired = (p: Param) => p.required === true && p.default === undefined;

/** Checks one call site's keys against the callee. */
function checkKeys(
  where: string,
  what: 'with' | 'secrets',
  given: Json,
  declared: Record<string, Param>,
  checkTypes: boolean,
): string[] {
  const problems: string[] = [];
  if (what === 'secrets' && given === 'inherit') return problems;
  const keys = record(given);
  for (const [key, value] of Object.entries(keys)) {
    const param = declared[key];
    if (!param) {
      problems.push(`${where}: ${what}.${key} is not declared by the callee`);
      continue;
    }
    const bad = checkTypes ? typeProblem(param, value) : undefined;
    if (bad) problems.push(`${where}: ${what}.${key} ${bad}`);
  }
  for (const [key, param] of Object.entries(declared))
    if (isRequired(param) && !(key in keys))
      problems.push(`${where}: required ${what === 'with' ? 'input' : 'secret'} ${key} is missing`);
  return problems;
}

function outputReads(value: Json, pattern: RegExp): [string, string][] {
  const text = JSON.stringify(value) ?? '';
  return [...text.matchAll(pattern)].map((m) => [m[1]!, m[2]!]);
}

/** All problems with calls to our actions and workflows in the given files. */
function checkCalls(files: WorkflowFile[], resolve: Resolve): string[] {
  const problems: string[] = [];
  for (const { path, doc } of files) {
    const jobs = record(doc.jobs);
    const jobCallees = new Map<string, Callee>();
    for (const [jobId, jobValue] of Object.entries(jobs)) {
      const job = record(jobValue);
      const where = `${path}: jobs.${jobId}`;
      if (typeof job.uses === 'string') {
        const ref = selfReference(job.uses);
        if (!ref) continue;
        const target = resolve(ref.path);
        if ('missing' in target) {
          problems.push(`${where}: ${job.uses}: ${target.missing}`);
          continue;
        }
        if (target.kind !== 'workflow') {
          problems.push(`${where}: ${job.uses} is an action, not a reusable workflow`);
          continue;
        }
        jobCallees.set(jobId, target);
        problems.push(...checkKeys(where, 'with', job.with, target.inputs, true));
        problems.push(...checkKeys(where, 'secrets', job.secrets, target.secrets, false));
        continue;
      }
      const stepCallees = new Map<string, Callee>();
      const steps = Array.isArray(job.steps) ? job.steps : [];
      steps.forEach((stepValue: Json, i: number) => {
        const step = record(stepValue);
        if (typeof step.uses !== 'string') return;
        const ref = selfReference(step.uses);
        if (!ref) return;
        const at = `${where}.steps[${i}]${typeof step.id === 'string' ? ` (${step.id})` : ''}`;
        const target = resolve(ref.path);
        if ('missing' in target) {
          problems.push(`${at}: ${step.uses}: ${target.missing}`);
          return;
        }
        if (target.kind !== 'action') {
          problems.push(`${at}: ${step.uses} is a reusable workflow: call it from a job`);
          return;
        }
        if (typeof step.id === 'string') stepCallees.set(step.id, target);
        problems.push(...checkKeys(at, 'with', step.with, target.inputs, false));
      });
      for (const [id, output] of outputReads(
        job,
        /steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g,
      )) {
        const target = stepCallees.get(id);
        if (target && !target.outputs.has(output))
          problems.push(`${where}: steps.${id}.outputs.${output} is not an output of that action`);
      }
    }
    const callOutputs = record(record(record(doc.on).workflow_call).outputs);
    for (const [job, output] of outputReads(
      callOutputs,
      /jobs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g,
    )) {
      const target = jobCallees.get(job);
      if (target && !target.outputs.has(output))
        problems.push(
          `${path}: on.workflow_call.outputs: jobs.${job}.outputs.${output} is not an output of that workflow`,
        );
    }
    for (const [jobId, jobValue] of Object.entries(jobs)) {
      for (const [need, output] of outputReads(
        jobValue,
        /needs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g,
      )) {
        const target = jobCallees.get(need);
        if (target && !target.outputs.has(output))
          problems.push(
            `${path}: jobs.${jobId}: needs.${need}.outputs.${output} is not an output of that workflow`,
          );
      }
    }
  }
  return [...new Set(problems)];
}

/** Every `uses:` value in a workflow (jobs and steps). */
function usesOf(doc: Record<string, Json>): string[] {
  return Object.values(record(doc.jobs)).flatMap((jobValue) => {
    const job = record(jobValue);
    const steps = Array.isArray(job.steps) ? job.steps : [];
    return [
      ...(typeof job.uses === 'string' ? [job.uses] : []),
      ...steps.map((s: Json) => record(s).uses).filter((u): u is string => typeof u === 'string'),
    ];
  });
}

const files = workflowFiles().map((f) => loadWorkflow(f));

describe('calls to this repository’s actions and reusable workflows', () => {
  it('finds the workflows, templates and example copies', () => {
    const paths = files.map((f) => f.path);
    for (const expected of [
      '.github/workflows/pr.yml',
      '.github/workflows/main.yml',
      '.github/workflows/release.yml',
      '.github/workflows/rollback.yml',
      'workflows/pr.yml',
      'workflows/main.yml',
      'workflows/release.yml',
      'workflows/rollback.yml',
      'examples/sample-bot/.github/workflows/release.yml',
    ])
      expect(paths).toContain(expected);
  });

  it('match their callees: targets exist, keys are declared, required ones given', () => {
    const sites = files.flatMap((f) => usesOf(f.doc).filter((u) => selfReference(u)));
    expect(sites.length).toBeGreaterThanOrEqual(8);
    expect(checkCalls(files, resolveIn(ROOT))).toEqual([]);
  });

  it('use one ref everywhere: the version the workflows ship with', () => {
    const refs = files.flatMap((f) =>
      usesOf(f.doc)
        .map((u) => selfReference(u))
        .filter((r) => r !== undefined)
        .map((r) => `${f.path}: @${r.ref}`),
    );
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((r) => !r.endsWith(`: @${SELF_REF}`))).toEqual([]);
  });

  it('reference no local actions or workflows (a reusable workflow runs in the caller’s repo)', () => {
    const local = files.flatMap((f) =>
      usesOf(f.doc)
        .filter((u) => u.startsWith('./') || u.startsWith('docker://'))
        .map((u) => `${f.path}: ${u}`),
    );
    expect(local).toEqual([]);
  });

  it('the example bot’s workflows are copies of the caller templates', () => {
    const dir = join(ROOT, 'examples/sample-bot/.github/workflows');
    for (const name of readdirSync(join(ROOT, 'workflows')).filter((f) => f.endsWith('.yml')))
      expect({ name, text: readFileSync(join(dir, name), 'utf8') }).toEqual({
        name,
        text: readFileSync(join(ROOT, 'workflows', name), 'utf8'),
      });
  });

  it('the example workflows pass actionlint and GitHub’s workflow parser', () => {
    const example = workflowFiles().filter((f) => relative(ROOT, f).startsWith('examples/'));
    expect(example.length).toBeGreaterThan(0);
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts/lint-workflows.mjs'), ...example],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(result.stdout).toMatch(
      new RegExp(`${example.length} workflow files checked, 0 problems`),
    );
    expect(result.status).toBe(0);
  });
});

describe('the safety rules, on our workflows and templates', () => {
  const ours = files.filter(
    (f) =>
      /^\.github\/workflows\/(pr|main|release|rollback|release-self)\.yml$/.test(f.path) ||
      !f.path.startsWith('.github/'),
  );
  const jobsOf = (f: WorkflowFile) =>
    Object.entries(record(f.doc.jobs)).map(([id, job]) => ({ id, job: record(job) }));
  const stepsOf = (job: Record<string, Json>) =>
    (Array.isArray(job.steps) ? job.steps : []).map((s: Json) => record(s));

  it('permissions: none at the top, granted per job', () => {
    expect(ours.length).toBeGreaterThanOrEqual(13);
    const bad = ours.flatMap((f) => [
      ...(JSON.stringify(f.doc.permissions) === '{}'
        ? []
        : [`${f.path}: top-level permissions must be {}`]),
      ...jobsOf(f)
        .filter(({ job }) => !isRecord(job.permissions))
        .map(({ id }) => `${f.path}: jobs.${id} grants no explicit permissions`),
    ]);
    expect(bad).toEqual([]);
  });

  it('write permissions only where they are used', () => {
    const bad = ours.flatMap((f) =>
      jobsOf(f).flatMap(({ id, job }) => {
        const perms = record(job.permissions);
        const uses = [
          ...(typeof job.uses === 'string' ? [job.uses] : []),
          ...stepsOf(job).map((s) => String(s.uses ?? '')),
        ];
        const pushes =
          uses.some((u) => /\/build@|workflows\/(main|release)\.yml@/.test(u)) &&
          !stepsOf(job).some((s) => record(s.with).push === 'false');
        const comments = uses.some((u) => /workflows\/(pr|test)\.yml@/.test(u));
        const tags = f.path === '.github/workflows/release-self.yml' && id === 'tag';
        const problems: string[] = [];
        for (const [scope, level] of Object.entries(perms)) {
          if (level !== 'write') continue;
          const allowed =
            (scope === 'packages' && pushes) ||
            (scope === 'pull-requests' && comments) ||
            (scope === 'contents' && tags);
          if (!allowed) problems.push(`${f.path}: jobs.${id} has ${scope}: write it does not need`);
        }
        return problems;
      }),
    );
    expect(bad).toEqual([]);
  });

  it('every job that names an environment queues per environment and is never cancelled', () => {
    const deployJobs = ours.flatMap((f) =>
      jobsOf(f)
        .filter(({ job }) => job.environment !== undefined)
        .map(({ id, job }) => ({ where: `${f.path}: jobs.${id}`, job })),
    );
    expect(deployJobs.length).toBeGreaterThanOrEqual(3);
    for (const { where, job } of deployJobs) {
      const env = record(job.environment);
      const concurrency = record(job.concurrency);
      expect({ where, url: typeof env.url === 'string' }).toEqual({ where, url: true });
      expect({ where, concurrency }).toEqual({
        where,
        concurrency: {
          group: `deploy-${String(env.name)}`,
          'cancel-in-progress': false,
        },
      });
    }
  });

  it('no pull_request_target, no secrets: inherit inside our reusable workflows', () => {
    const bad = ours.flatMap((f) => [
      ...('pull_request_target' in record(f.doc.on) ? [`${f.path}: pull_request_target`] : []),
      ...(f.path.startsWith('.github/')
        ? jobsOf(f)
            .filter(({ job }) => job.secrets === 'inherit')
            .map(({ id }) => `${f.path}: jobs.${id} inherits secrets`)
        : []),
    ]);
    expect(bad).toEqual([]);
  });

  it('no expression inside any run: script (values reach scripts through env: only)', () => {
    const runs = ours.flatMap((f) =>
      jobsOf(f).flatMap(({ id, job }) =>
        stepsOf(job)
          .filter((s) => typeof s.run === 'string')
          .map((s) => ({ where: `${f.path}: jobs.${id}`, run: String(s.run) })),
      ),
    );
    expect(runs.length).toBeGreaterThan(5);
    expect(runs.filter((r) => r.run.includes('${{')).map((r) => r.where)).toEqual([]);
  });
});

/**
 * Issue 13's webhook settings, on the reusable workflows: the bot's own deploy (and a canary's
 * promote) gets every one of them from the workflow's inputs and secrets, evaluated with GitHub's
 * expression engine; a process (a worker) gets none of them, nor the abort of a held canary (it
 * never moved them); the rollback of the bot gets the token so it sets the registration back.
 */
describe('the webhook settings reach the bot’s deploy, never a process; rollbacks get the token', () => {
  const SECRET = 'wfh_secret-token';
  const TOKEN = '123456:wfh-token';
  const WEBHOOK = {
    'webhook-url': 'https://wfh-bot.example.net/webhook',
    'tls-certificate': '/etc/letsencrypt/live/wfh-bot.example.net/fullchain.pem',
    'tls-key': '/etc/letsencrypt/live/wfh-bot.example.net/privkey.pem',
    'webhook-allowed-updates': 'message, callback_query',
    'webhook-max-connections': '40',
  };
  /** What the bot's deploy step must pass, with the inputs above, as the runner evaluates it. */
  const WANTED = {
    ...WEBHOOK,
    'webhook-secret': SECRET,
    'webhook-drop-pending-updates': 'true',
    'telegram-bot-token': TOKEN,
  };
  const WEBHOOK_KEYS = [...Object.keys(WANTED), 'webhook-listen'];
  const PROCESSES = '[{"app": "wfh-worker", "command": "arq wfh.Worker", "bot-mode": "worker"}]';
  const BOT_APP = '${{ inputs.app }}';

  interface Found {
    where: string;
    with: Record<string, string>;
  }
  const spec = (name: string) =>
    record(record(loadWorkflow(join(ROOT, `.github/workflows/${name}.yml`)).doc.on).workflow_call);
  /** The steps of a workflow that use one of our actions, with where they are. */
  function stepsUsing(
    name: string,
    action: 'deploy' | 'verify' | 'rollback',
  ): (Found & { id: string })[] {
    const doc = loadWorkflow(join(ROOT, `.github/workflows/${name}.yml`)).doc;
    return Object.entries(record(doc.jobs)).flatMap(([jobId, job]) =>
      (Array.isArray(record(job).steps) ? (record(job).steps as Json[]) : [])
        .map((s) => record(s))
        .filter((s) => s.uses === `${SELF}/${action}@${SELF_REF}`)
        .map((s) => ({
          id: String(s.id ?? s.name),
          where: `${name}.yml: jobs.${jobId}.${String(s.id ?? s.name)}`,
          with: record(s.with) as Record<string, string>,
        })),
    );
  }
  /** The contexts a run of the workflow gives its expressions. */
  function contexts(name: string, inputs: Record<string, Json>, secrets: Record<string, string>) {
    const defaults = Object.fromEntries(
      Object.entries(record(spec(name).inputs)).map(([k, v]) => [k, record(v).default ?? '']),
    );
    return { inputs: { ...defaults, ...inputs }, secrets, vars: {}, github: { actor: 'wfh' } };
  }
  const evaluated = (step: Found, keys: string[], ctx: Record<string, Json>) =>
    Object.fromEntries(keys.map((k) => [k, interpolate(step.with[k] ?? '', ctx)]));
  const secrets = { WEBHOOK_SECRET: SECRET, TELEGRAM_BOT_TOKEN: TOKEN };

  it.each(['main', 'release'])(
    '%s.yml declares them: the inputs (drop-pending a boolean, off) and WEBHOOK_SECRET, optional',
    (name) => {
      const inputs = record(spec(name).inputs);
      for (const key of Object.keys(WEBHOOK))
        expect({ key, ...record(inputs[key]) }).toMatchObject({ key, type: 'string', default: '' });
      expect(record(inputs['webhook-drop-pending-updates'])).toMatchObject({
        type: 'boolean',
        default: false,
      });
      expect(record(record(spec(name).secrets).WEBHOOK_SECRET).required).toBe(false);
    },
  );

  it.each([
    ['main', ['staging.deploy'], 3],
    ['release', ['deploy.deploy', 'canary-promote.promote'], 3],
  ])(
    '%s.yml: the bot’s deploy steps %j pass every one; its %i process steps none',
    (name, bots, n) => {
      const deploys = stepsUsing(name, 'deploy');
      const bot = deploys.filter((s) => s.with.app === BOT_APP && s.with.resume !== 'abort');
      const processes = deploys.filter((s) => s.with.app?.includes('inputs.processes'));
      expect(bot.map((s) => s.where.replace(`${name}.yml: jobs.`, ''))).toEqual(bots);
      expect(processes).toHaveLength(n);
      expect(deploys.length).toBe(
        bot.length + processes.length + deploys.filter((s) => s.with.resume === 'abort').length,
      );
      const webhookRun = contexts(
        name,
        {
          ...WEBHOOK,
          'bot-mode': 'webhook',
          'webhook-drop-pending-updates': true,
          processes: PROCESSES,
        },
        secrets,
      );
      for (const step of bot) {
        expect({ where: step.where, ...evaluated(step, Object.keys(WANTED), webhookRun) }).toEqual({
          where: step.where,
          ...WANTED,
        });
        // no webhook-url: nothing of the webhook reaches the deploy (a WEBHOOK_SECRET the bot keeps
        // for itself would otherwise be refused as a companion without webhook-url)
        const plain = contexts(name, { 'bot-mode': 'webhook' }, secrets);
        expect(evaluated(step, [...Object.keys(WEBHOOK), 'webhook-secret'], plain)).toEqual(
          Object.fromEntries([...Object.keys(WEBHOOK), 'webhook-secret'].map((k) => [k, ''])),
        );
        expect(evaluated(step, ['webhook-drop-pending-updates'], plain)).toEqual({
          'webhook-drop-pending-updates': 'false',
        });
        // the token: a webhook bot's registration, a polling bot's deleteWebhook; not for others
        for (const [mode, token] of [
          ['polling', TOKEN],
          ['worker', ''],
          ['mtproto', ''],
        ] as const)
          expect({
            mode,
            ...evaluated(
              step,
              ['telegram-bot-token'],
              contexts(name, { 'bot-mode': mode }, secrets),
            ),
          }).toEqual({ mode, 'telegram-bot-token': token });
      }
      for (const step of processes) {
        expect({
          where: step.where,
          keys: Object.keys(step.with).filter((k) => WEBHOOK_KEYS.includes(k)),
        }).toEqual({ where: step.where, keys: [] });
        expect(JSON.stringify(step.with)).not.toMatch(
          /WEBHOOK_SECRET|TELEGRAM_BOT_TOKEN|inputs\.(webhook|tls)-/,
        );
      }
    },
  );

  it('release.yml: the abort of a held canary gets none of them (a held canary never moved them)', () => {
    const abort = stepsUsing('release', 'deploy').filter((s) => s.with.resume === 'abort');
    expect(abort.map((s) => s.where)).toEqual(['release.yml: jobs.canary-abort.abort']);
    expect(Object.keys(abort[0]!.with).filter((k) => WEBHOOK_KEYS.includes(k))).toEqual([]);
  });

  it.each(['main', 'release', 'rollback'])(
    '%s.yml: the bot’s rollbacks pass the token (webhook bots) to set the registration back; a process’s do not',
    (name) => {
      const rollbacks = stepsUsing(name, 'rollback');
      const bot = rollbacks.filter((s) => s.with.app === BOT_APP);
      expect(bot.length).toBeGreaterThan(0);
      for (const step of bot) {
        for (const [mode, token] of [
          ['webhook', TOKEN],
          ['worker', ''],
        ] as const)
          expect({
            where: step.where,
            mode,
            ...evaluated(
              step,
              ['telegram-bot-token'],
              contexts(name, { 'bot-mode': mode }, secrets),
            ),
          }).toEqual({ where: step.where, mode, 'telegram-bot-token': token });
      }
      const processes = rollbacks.filter((s) => !bot.includes(s));
      expect(processes).toHaveLength(name === 'rollback' ? 0 : 2);
      for (const step of processes)
        expect({ where: step.where, token: step.with['telegram-bot-token'] }).toEqual({
          where: step.where,
          token: undefined,
        });
    },
  );

  it.each(['main', 'release', 'rollback'])(
    '%s.yml: wherever the token goes, the Bot API base URL goes too (vars.TELEGRAM_API_URL: a local Bot API server)',
    (name) => {
      const steps = (['deploy', 'verify', 'rollback'] as const).flatMap((action) =>
        stepsUsing(name, action),
      );
      const withToken = steps.filter((s) => s.with['telegram-bot-token'] !== undefined);
      expect(withToken.length).toBeGreaterThan(0);
      for (const step of withToken)
        expect({ where: step.where, url: step.with['telegram-api-url'] }).toEqual({
          where: step.where,
          url: "${{ vars.TELEGRAM_API_URL || 'https://api.telegram.org' }}",
        });
    },
  );

  it('pr.yml (fork PRs) gets none of it: no secrets, no webhook inputs', () => {
    const pr = spec('pr');
    expect(pr.secrets).toBeUndefined();
    expect(Object.keys(record(pr.inputs)).filter((k) => WEBHOOK_KEYS.includes(k))).toEqual([]);
  });

  it('the templates’ commented webhook lines, uncommented, are valid calls', () => {
    const templates = files.filter((f) => /^workflows\/(main|release)\.yml$/.test(f.path));
    expect(templates).toHaveLength(2);
    for (const f of templates) {
      const text = readFileSync(join(ROOT, f.path), 'utf8');
      const lines = text.match(/^ {6}# (webhook-[a-z-]+|tls-[a-z]+): .*$/gm) ?? [];
      expect(lines.map((l) => l.match(/# ([a-z-]+):/)![1]).sort()).toEqual(
        [...Object.keys(WEBHOOK), 'webhook-drop-pending-updates'].sort(),
      );
      const uncommented = text.replace(/^( {6})# ((?:webhook-[a-z-]+|tls-[a-z]+): .*)$/gm, '$1$2');
      const doc = record(parse(uncommented));
      const withs = record(record(Object.values(record(doc.jobs))[0]).with);
      expect(withs['tls-certificate']).toMatch(/^\/etc\/letsencrypt\/live\/[^/]+\/fullchain\.pem$/);
      expect(withs['tls-key']).toMatch(/^\/etc\/letsencrypt\/live\/[^/]+\/privkey\.pem$/);
      expect(checkCalls([{ path: f.path, doc }], resolveIn(ROOT))).toEqual([]);
      expect(record(record(Object.values(record(doc.jobs))[0]).secrets).WEBHOOK_SECRET).toBe(
        '${{ secrets.WEBHOOK_SECRET }}',
      );
    }
  });
});

describe('docs/workflows.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/workflows.md'), 'utf8');
  it.each(['pr', 'main', 'release', 'rollback'])(
    'documents every input, secret and output of %s.yml',
    (name) => {
      const section = doc.split(/^### /m).find((part) => part.startsWith(`${name}.yml`)) ?? '';
      const documented = new Set(
        [...section.matchAll(/^\|\s*`([A-Za-z0-9_-]+)`\s*\|/gm)].map((m) => m[1]),
      );
      const spec = record(
        record(loadWorkflow(join(ROOT, `.github/workflows/${name}.yml`)).doc.on).workflow_call,
      );
      const declared = ['inputs', 'secrets', 'outputs'].flatMap((k) =>
        Object.keys(record(spec[k])),
      );
      expect(declared.length).toBeGreaterThan(0);
      expect(declared.filter((n) => !documented.has(n))).toEqual([]);
      expect([...documented].filter((n) => !declared.includes(n!))).toEqual([]);
    },
  );
});

describe('the call check itself', () => {
  const fake: Resolve = (path): Callee | { missing: string } => {
    if (path === 'deploy')
      return {
        kind: 'action',
        inputs: {
          hosts: { required: true },
          image: { required: true },
          'dry-run': { default: 'false' },
        },
        secrets: {},
        outputs: new Set(['image', 'release-id']),
      };
    if (path === '.github/workflows/release.yml')
      return {
        kind: 'workflow',
        inputs: {
          environment: { type: 'string', default: 'production' },
          image: { type: 'string', required: true },
          force: { type: 'boolean', default: false },
        },
        secrets: { 'ssh-key': { required: true }, 'telegram-token': {} },
        outputs: new Set(['digest']),
      };
    return { missing: `no action at ${path}/action.yml` };
  };
  const wf = (doc: string): WorkflowFile[] => [{ path: 'x.yml', doc: record(parse(doc)) }];

  it('accepts a correct call', () => {
    const doc = `
jobs:
  a:
    uses: org/tg-devops/.github/workflows/release.yml@v1
    with: { image: x, force: true }
    secrets: { ssh-key: k }
  b:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - id: d
        uses: org/tg-devops/deploy@v1
        with: { hosts: h, image: "\${{ needs.a.outputs.digest }}" }
      - run: echo "$X"
        env: { X: "\${{ steps.d.outputs.release-id }}" }
`;
    expect(checkCalls(wf(doc), fake)).toEqual([]);
  });

  it('catches an undeclared key, a missing required one, a wrong type and a missing target', () => {
    const doc = `
jobs:
  a:
    uses: org/tg-devops/.github/workflows/release.yml@v1
    with: { imgae: x, force: 'yes' }
    secrets: { ssh_key: k }
  b:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - id: d
        uses: org/tg-devops/deploy@v1
        with: { hosts: h, strategy: canary }
      - uses: org/tg-devops/deplyo@v1
      - run: echo "$X $Y"
        env: { X: "\${{ steps.d.outputs.releaseid }}", Y: "\${{ needs.a.outputs.digset }}" }
on:
  workflow_call:
    outputs:
      d: { value: "\${{ jobs.a.outputs.digets }}" }
`;
    expect(checkCalls(wf(doc), fake).sort()).toEqual(
      [
        'x.yml: jobs.a: with.imgae is not declared by the callee',
        'x.yml: jobs.a: with.force is a boolean input, got "yes"',
        'x.yml: jobs.a: required input image is missing',
        'x.yml: jobs.a: secrets.ssh_key is not declared by the callee',
        'x.yml: jobs.a: required secret ssh-key is missing',
        'x.yml: jobs.b.steps[0] (d): with.strategy is not declared by the callee',
        'x.yml: jobs.b.steps[0] (d): required input image is missing',
        'x.yml: jobs.b.steps[1]: org/tg-devops/deplyo@v1: no action at deplyo/action.yml',
        'x.yml: jobs.b: steps.d.outputs.releaseid is not an output of that action',
        'x.yml: jobs.b: needs.a.outputs.digset is not an output of that workflow',
        'x.yml: on.workflow_call.outputs: jobs.a.outputs.digets is not an output of that workflow',
      ].sort(),
    );
  });

  it('accepts secrets: inherit and ignores third-party actions', () => {
    const doc = `
jobs:
  a:
    uses: org/tg-devops/.github/workflows/release.yml@v1
    with: { image: x }
    secrets: inherit
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with: { anything: 1 }
`;
    expect(checkCalls(wf(doc), fake)).toEqual([]);
  });

  it('resolves against the real tree: an action is not a workflow and vice versa', () => {
    const resolve = resolveIn(ROOT);
    expect(resolve('deploy')).toMatchObject({ kind: 'action' });
    expect(resolve('nope')).toEqual({ missing: 'no action at nope/action.yml' });
    expect(resolve('.github/workflows/ci.yml')).toEqual({
      missing: '.github/workflows/ci.yml has no on.workflow_call trigger',
    });
    expect(resolve('.github/workflows/release.yml')).toMatchObject({ kind: 'workflow' });
  });
});
