/**
 * Processes from one image (issue 13): `command` overrides the image's CMD as argv (no shell),
 * `singleton` means never two at once (always handed over; forced for polling and mtproto), and
 * a worker that may overlap deploys blue-green without a proxy (new starts, then old stops).
 */
import { describe, expect, it } from '@jest/globals';
import { buildConfig, type RawDeployInputs } from '../../src/deploy/config.js';
import { createArgv, preDeployArgv } from '../../src/deploy/docker.js';
import { buildPlan } from '../../src/deploy/plan.js';
import type { Probe } from '../../src/deploy/probe.js';
import { checkPlan } from '../../src/deploy/rules.js';
import { InputError } from '../../src/errors.js';

const IMAGE = `reg.example/bot@sha256:${'a'.repeat(64)}`;
const worker: RawDeployInputs = { app: 'mybot-worker', image: IMAGE, 'bot-mode': 'worker' };
const LOCK = { ttlSeconds: 300, refreshSeconds: 60 };

const inputError = (f: () => unknown): InputError => {
  try {
    f();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('no InputError');
};

/** A host where release r1 of the app runs (no proxy). */
const probe = (app: string): Probe => ({
  paths: {
    dir: `/s/${app}`,
    state: `/s/${app}/state.json`,
    lock: `/s/${app}/lock`,
    audit: `/s/${app}/audit.jsonl`,
    envFile: `/s/${app}/app.env`,
    backups: `/s/${app}/backups`,
  },
  state: {
    app,
    current: {
      id: 'r1',
      image: IMAGE,
      color: 'blue',
      container: `${app}-r1`,
      startedAt: '',
      strategy: 'blue-green',
    },
    history: [],
  },
  containers: [{ name: `${app}-r1`, state: 'running', releaseId: 'r1', color: 'blue' }],
  httpTool: 'none',
});

const plan = (raw: RawDeployInputs) =>
  buildPlan({
    lock: LOCK,
    config: buildConfig(raw),
    probe: probe(raw.app!),
    releaseId: 'r2',
    now: '',
  });
const ops = (raw: RawDeployInputs) =>
  plan(raw)
    .steps.filter((s) => s.action.kind === 'container')
    .map((s) => s.id);

describe('command: the process argv after the image', () => {
  it('is split like pre-deploy and follows the image in docker create, literally', () => {
    const hostile = `arq bot.worker.Settings --name "a b" '$(id); rm -rf /' \`x\``;
    const config = buildConfig({ ...worker, command: hostile });
    expect(config.command).toEqual([
      'arq',
      'bot.worker.Settings',
      '--name',
      'a b',
      '$(id); rm -rf /',
      '`x`',
    ]);
    const argv = createArgv({ config, releaseId: 'r2', color: 'green', envFile: '/s/app.env' });
    expect(argv.slice(argv.indexOf('--'))).toEqual(['--', IMAGE, ...config.command!]);
  });
  it("without it the image's CMD runs (nothing after the image)", () => {
    const argv = createArgv({
      config: buildConfig(worker),
      releaseId: 'r2',
      color: 'green',
      envFile: '/s/app.env',
    });
    expect(argv.at(-1)).toBe(IMAGE);
  });
  it('does not change the pre-deploy one-off (it runs its own command)', () => {
    const config = buildConfig({
      ...worker,
      command: 'arq w',
      'pre-deploy': 'alembic upgrade head',
    });
    expect(preDeployArgv(config, 'r2', '/s/app.env').slice(-4)).toEqual([
      IMAGE,
      'alembic',
      'upgrade',
      'head',
    ]);
  });
  it('a bad command names the input', () => {
    expect(inputError(() => buildConfig({ ...worker, command: "arq 'unbalanced" })).input).toBe(
      'command',
    );
    expect(inputError(() => buildConfig({ ...worker, command: 'a\0b' })).input).toBe('command');
  });
});

describe('singleton: never two at once', () => {
  it('a singleton worker is handed over: the old one stops before the new one starts', () => {
    const raw = { ...worker, singleton: 'true', command: 'python -m bot.scheduler' };
    expect(buildConfig(raw).strategy).toBe('handover');
    const steps = ops(raw);
    expect(steps.indexOf('stop-mybot-worker-r1')).toBeLessThan(
      steps.indexOf('start-mybot-worker-r2'),
    );
    expect(checkPlan(plan(raw))).toEqual([]);
  });
  it('a worker that may overlap is blue-green without a proxy: the new one starts, then the old one stops', () => {
    const p = plan({ ...worker, command: 'arq bot.worker.Settings' });
    expect(p.strategy).toBe('blue-green');
    expect(p.proxy).toBe('none');
    const steps = ops({ ...worker, command: 'arq bot.worker.Settings' });
    expect(steps.indexOf('start-mybot-worker-r2')).toBeLessThan(
      steps.indexOf('stop-mybot-worker-r1'),
    );
    expect(checkPlan(p)).toEqual([]);
  });
  it('is forced for polling and mtproto bots', () => {
    for (const mode of ['polling', 'mtproto'])
      expect(buildConfig({ ...worker, 'bot-mode': mode, singleton: 'false' }).singleton).toBe(true);
    expect(buildConfig(worker).singleton).toBe(false);
  });
  it('with blue-green or canary it is refused, naming singleton', () => {
    for (const strategy of ['blue-green', 'canary']) {
      const error = inputError(() =>
        buildConfig({
          ...worker,
          'bot-mode': 'webhook',
          'health-path': '/health',
          singleton: 'true',
          strategy,
        }),
      );
      expect(error.input).toBe('singleton');
      expect(error.message).toContain('never run twice');
    }
  });
  it('a value that is not a boolean names the input', () => {
    expect(inputError(() => buildConfig({ ...worker, singleton: 'maybe' })).input).toBe(
      'singleton',
    );
  });
});
