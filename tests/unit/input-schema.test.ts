import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { deployInputsFrom, readInputs as readDeployInputs } from '../../actions/deploy/inputs.js';
import { prepare } from '../../actions/deploy/main.js';
import {
  readInputs as readRollbackInputs,
  rollbackInputsFrom,
} from '../../actions/rollback/inputs.js';
import { readInputs as readVerifyInputs, verifyInputsFrom } from '../../actions/verify/inputs.js';
import { ConfigFileError, parseConfigText, type CliConfig } from '../../src/cli/config-file.js';
import { main } from '../../src/cli/main.js';
import { recordingLog } from '../../src/log.js';
import { buildConfig } from '../../src/deploy/config.js';
import { InputError } from '../../src/errors.js';
import {
  cliKeyList,
  declaredInputs,
  readmeInputTable,
  withCliKeyList,
  withInputTable,
} from '../../src/inputs/docs.js';
import {
  CHECK_INPUTS,
  DEPLOY_SCHEMA,
  INCONCLUSIVE_CHOICES,
  PROXY_SETTING_DEFAULTS,
  ROLLBACK_SCHEMA,
  SCHEMAS,
  VERIFY_SCHEMA,
} from '../../src/inputs/entries.js';
import { parseInteger } from '../../src/inputs/kinds.js';
import {
  readInputs,
  type InputSchema,
  type InputSpec,
  type InputValues,
} from '../../src/inputs/schema.js';
import { PROXY_INPUT_DEFAULTS } from '../../src/proxy/index.js';
import { ROOT } from '../helpers/repo.js';
import { noNetwork } from '../helpers/no-network.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

/** The runner's way: INPUT_<NAME> with action.yml's defaults applied (as the runner does). */
function setActionInputs(action: string, values: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  const spec = parse(readFileSync(join(ROOT, action, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  for (const [name, input] of Object.entries(spec.inputs))
    if (input.default !== undefined) process.env[`INPUT_${name.toUpperCase()}`] = input.default;
  // the CLI takes the key from TG_DEVOPS_SSH_KEY; a workflow step gives it as an input
  if (action !== 'verify') process.env['INPUT_SSH-KEY'] = KEY;
  for (const [k, v] of Object.entries(values)) process.env[`INPUT_${k.toUpperCase()}`] = v;
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

function cli(text: string, files: Record<string, string> = {}): CliConfig {
  return parseConfigText(text, '/ops/deploy.yml', {
    readFile: (path) => {
      const hit = files[path];
      if (hit === undefined) throw new Error(`ENOENT: ${path}`);
      return hit;
    },
    env: { TG_DEVOPS_SSH_KEY: KEY },
  });
}

function cliError(text: string): ConfigFileError {
  try {
    cli(text);
  } catch (error) {
    if (error instanceof ConfigFileError) return error;
    throw error;
  }
  throw new Error('expected a ConfigFileError');
}

/** The same deploy, as a workflow step's `with:` and as a CLI config (YAML of the same keys). */
const WITH: Record<string, string> = {
  hosts: 'deploy@h1.example.net\ndeploy@h2.example.net:2222',
  'batch-size': '2',
  'host-fingerprint': 'SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  app: 'shop-bot',
  image: `ghcr.io/org/shop-bot@${DIGEST}`,
  'bot-mode': 'webhook',
  strategy: 'canary',
  'health-path': '/health',
  'canary-steps': '5,50,100',
  'stop-grace': '30',
  'gate-window': '600',
  volumes: '/srv/shop/data:/data',
  proxy: 'haproxy',
  'haproxy-frontend-port': '18090',
  'haproxy-check-command': '/usr/sbin/haproxy -c -q -f {config}',
  'verify-http-url': 'https://bot.example.net/health',
  'verify-window': '120',
  'on-inconclusive': 'pass',
};

function yamlOf(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join('\n');
}

describe('action.yml and the READMEs are the schema', () => {
  it.each(SCHEMAS.map((s) => [s.action, s] as const))(
    '%s/action.yml declares exactly the schema: names, order, descriptions, required, defaults',
    (action, schema) => {
      const spec = parse(readFileSync(join(ROOT, action, 'action.yml'), 'utf8')) as {
        inputs: Record<string, { description: string; required?: boolean; default?: string }>;
      };
      const declared = Object.fromEntries(
        Object.entries(spec.inputs).map(([name, input]) => [
          name,
          {
            description: input.description,
            required: input.required === true,
            ...(input.default !== undefined ? { default: String(input.default) } : {}),
          },
        ]),
      );
      expect(declared).toEqual(declaredInputs(schema));
      expect(Object.keys(spec.inputs)).toEqual(schema.entries.map((e) => e.name));
    },
  );

  it.each(SCHEMAS.map((s) => [s.action, s] as const))(
    '%s/README.md carries the generated input table',
    (action, schema) => {
      const readme = readFileSync(join(ROOT, action, 'README.md'), 'utf8');
      expect(readme).toContain(readmeInputTable(schema));
      expect(withInputTable(readme, schema)).toBe(readme);
    },
  );

  it("docs/cli.md's key list is the deploy schema's (secret sources, ignored and refused keys)", () => {
    const doc = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
    expect(doc).toContain(cliKeyList(DEPLOY_SCHEMA));
    expect(withCliKeyList(doc, DEPLOY_SCHEMA)).toBe(doc);
    expect(cliKeyList(DEPLOY_SCHEMA)).toContain(
      '| `ssh-key` | `ssh-key-file` | `TG_DEVOPS_SSH_KEY` | refused |',
    );
  });

  it('every integer documents its range and every entry its kind', () => {
    for (const schema of SCHEMAS)
      for (const entry of schema.entries) {
        expect(entry.description.trim().length).toBeGreaterThan(10);
        if (entry.kind === 'integer')
          expect(declaredInputs(schema)[entry.name]!.description).toContain(
            `${entry.min}..${entry.max}`,
          );
      }
  });
});

describe('one definition per input', () => {
  it('an input shared by several actions has one kind and one set of limits', () => {
    const byName = new Map<string, { action: string; entry: InputSpec }[]>();
    for (const schema of SCHEMAS)
      for (const entry of schema.entries)
        byName.set(entry.name, [
          ...(byName.get(entry.name) ?? []),
          { action: schema.action, entry },
        ]);
    const limits = (e: InputSpec) => ({
      kind: e.kind,
      min: 'min' in e ? e.min : undefined,
      max: 'max' in e ? e.max : undefined,
      minMs: 'minMs' in e ? e.minMs : undefined,
      // rollback's proxy adds `auto` (follow what the release recorded): the one deliberate difference
      choices: 'choices' in e && e.name !== 'proxy' ? e.choices : undefined,
      aliases: 'aliases' in e ? e.aliases : undefined,
    });
    for (const [name, uses] of byName) {
      for (const use of uses.slice(1))
        expect({ name, action: use.action, ...limits(use.entry) }).toEqual({
          name,
          action: use.action,
          ...limits(uses[0]!.entry),
        });
    }
    // the ones the issue names: stop-grace was 1..600 in deploy and 0..3600 in rollback
    const stopGrace = (s: typeof DEPLOY_SCHEMA | typeof ROLLBACK_SCHEMA) =>
      s.entries.find((e) => e.name === 'stop-grace');
    expect(stopGrace(DEPLOY_SCHEMA)).toBe(stopGrace(ROLLBACK_SCHEMA));
  });

  it('each verify check is one entry: verify-<name> in deploy with the same kind and default', () => {
    for (const check of CHECK_INPUTS) {
      const deployName = 'deployName' in check ? check.deployName : `verify-${check.name}`;
      const inDeploy = DEPLOY_SCHEMA.entries.find((e) => e.name === deployName);
      const inVerify = VERIFY_SCHEMA.entries.find((e) => e.name === check.name);
      expect({ name: check.name, kind: inDeploy?.kind, default: inDeploy?.default }).toEqual({
        name: check.name,
        kind: inVerify?.kind,
        default: inVerify?.default,
      });
    }
  });

  it("the proxy defaults are written once: src/proxy's PROXY_INPUT_DEFAULTS equals the schema's", () => {
    expect(PROXY_INPUT_DEFAULTS).toBe(PROXY_SETTING_DEFAULTS);
  });

  it('on-inconclusive: one vocabulary for deploy and verify, the old deploy spellings as aliases', () => {
    for (const schema of [DEPLOY_SCHEMA, VERIFY_SCHEMA]) {
      const entry = schema.entries.find((e) => e.name === 'on-inconclusive');
      expect(entry).toMatchObject({ kind: 'enum', choices: INCONCLUSIVE_CHOICES, default: 'fail' });
    }
    setActionInputs('verify', { 'http-url': 'https://x/health', 'on-inconclusive': 'promote' });
    expect(readVerifyInputs(0).onInconclusive).toBe('pass');
    setActionInputs('deploy', { ...WITH, 'on-inconclusive': 'pause' });
    expect(readDeployInputs().verify.onInconclusive).toBe('pause'); // the window's fail mode
    setActionInputs('deploy', { ...WITH, 'on-inconclusive': 'pass' });
    expect(readDeployInputs().verify.onInconclusive).toBe('promote');
    setActionInputs('deploy', { ...WITH, 'on-inconclusive': 'maybe' });
    expect(inputError(() => readDeployInputs()).message).toBe(
      `Input 'on-inconclusive': expected one of fail, pass, got "maybe"`,
    );
  });
});

describe('one reader: the action and the CLI parse the same values the same way', () => {
  it('the same inputs give the same raw values, DeployConfig, proxy, hosts and batch size', () => {
    setActionInputs('deploy', WITH);
    const action = readDeployInputs();
    const config = cli(yamlOf(WITH));
    expect(config.raw).toEqual(action.raw);
    // the action's prepare lets verify-window take over the window, as the CLI does
    expect(config.config).toEqual({
      ...buildConfig(action.raw),
      gateWindowSeconds: action.verify.windowSeconds,
    });
    expect(config.proxy).toEqual(action.proxy);
    expect(config.hosts).toEqual(action.hosts);
    expect(config.batchSize).toBe(2);
    expect(action.batchSize).toBe(2);
    expect(config.config).toMatchObject({
      strategy: 'canary',
      canarySteps: [5, 50, 100],
      stopGraceSeconds: 30,
      gateWindowSeconds: 120, // verify-window takes over the window
      proxy: 'haproxy',
    });
    expect(config.verify?.onInconclusive).toBe(action.verify.onInconclusive);
    expect(config.verify?.pauseSeconds).toBe(action.verify.pauseSeconds);
  });

  it('defaults come from the schema in both', () => {
    const minimal = {
      hosts: 'deploy@h1',
      'host-fingerprint': 'SHA256:abc',
      app: 'bot',
      image: `bot@${DIGEST}`,
      'bot-mode': 'polling',
    };
    setActionInputs('deploy', minimal);
    const action = readDeployInputs();
    const config = cli(yamlOf(minimal));
    expect(config.raw).toEqual(action.raw);
    expect(config.config).toMatchObject({
      stopGraceSeconds: 20,
      drainSeconds: 10,
      lockTimeoutSeconds: 300,
      keepReleases: 3,
      proxy: 'none',
    });
    expect(config.batchSize).toBe(1);
  });

  it('the rollback reads the timing entries of the deploy: the same limits', () => {
    setActionInputs('rollback', { hosts: 'd@h', 'ssh-key': KEY, app: 'bot', 'stop-grace': '600' });
    expect(readRollbackInputs().timing?.stopGraceSeconds).toBe(600);
    for (const [name, value] of [
      ['stop-grace', '0'],
      ['stop-grace', '3600'],
      ['lock-timeout', '86400'],
      ['gate-window', 'soon'],
      ['force', 'yes please'],
      ['proxy', 'traefik'],
    ] as const) {
      setActionInputs('rollback', { hosts: 'd@h', 'ssh-key': KEY, app: 'bot', [name]: value });
      expect(inputError(() => readRollbackInputs()).input).toBe(name);
    }
    // and the deploy's builder holds the same limits
    const worker = { app: 'bot', image: `bot@${DIGEST}`, 'bot-mode': 'worker' };
    expect(inputError(() => buildConfig({ ...worker, 'stop-grace': '0' })).input).toBe(
      'stop-grace',
    );
    expect(inputError(() => buildConfig({ ...worker, 'lock-timeout': '86400' })).input).toBe(
      'lock-timeout',
    );
  });
});

describe('refusals name the input (and, in the CLI, the file, the key and its line)', () => {
  const cases: [string, string, RegExp][] = [
    ['batch-size', '0', /must be a whole number between 1 and 50, got 0/],
    ['batch-size', 'two', /expected a whole number, got "two"/],
    ['container-port', '70000', /between 1 and 65535/],
    ['stop-grace', '601', /between 1 and 600/],
    ['verify-pause', '-5', /between 0 and 3600/],
    ['dry-run', 'yes', /expected true or false, got "yes"/],
    ['bot-mode', 'carrier-pigeon', /expected one of polling, webhook, mtproto, worker/],
    ['haproxy-frontend-port', '80x', /expected a whole number/],
  ];

  it.each(cases)('%s: %s', (name, value, problem) => {
    setActionInputs('deploy', { ...WITH, [name]: value });
    const error = inputError(() => readDeployInputs());
    expect(error.input).toBe(name);
    expect(error.message).toMatch(problem);

    const text = `${yamlOf({ ...WITH, [name]: value })}\n`;
    const line = text.split('\n').findIndex((l) => l.startsWith(`${name}:`)) + 1;
    const fileError = cliError(text);
    expect(fileError.key).toBe(name);
    expect(fileError.line).toBe(line);
    expect(fileError.message).toMatch(new RegExp(`^/ops/deploy\\.yml:${line}: key '${name}': `));
    expect(fileError.message).toMatch(problem);
  });

  it('a required input that is empty', () => {
    setActionInputs('deploy', { ...WITH, image: '' });
    expect(inputError(() => readDeployInputs()).message).toBe("Input 'image': is required");
    setActionInputs('verify', { 'http-url': 'https://x/health', interval: '50ms' });
    expect(inputError(() => readVerifyInputs(0)).message).toBe(
      "Input 'interval': must be at least 100ms, got 50ms",
    );
    setActionInputs('verify', { 'http-url': 'https://x/health', timeout: 'forever' });
    expect(inputError(() => readVerifyInputs(0)).input).toBe('timeout');
  });

  it('the kinds: one integer parser', () => {
    expect(parseInteger('x', ' 42 ', { min: 0, max: 50 })).toBe(42);
    expect(() => parseInteger('x', '4.2', { min: 0, max: 50 })).toThrow(
      "Input 'x': expected a whole number",
    );
    expect(() => parseInteger('x', '1e3', { min: 0, max: 5000 })).toThrow(/whole number/);
    expect(() => parseInteger('x', '', { min: 0, max: 5 })).toThrow(/whole number/);
  });
});

describe('a polling or MTProto bot on more than one host is refused before any connection', () => {
  // The rule lives in src/deploy/rules.ts (refuseManyPollers); these hold both entrances to it.
  it.each(['polling', 'mtproto'])('%s with two hosts: the action refuses naming hosts', (mode) => {
    setActionInputs('deploy', { ...WITH, 'bot-mode': mode, strategy: '', proxy: '' });
    const error = inputError(() => prepare(readDeployInputs()));
    expect(error.input).toBe('hosts');
    expect(error.message).toMatch(new RegExp(`2 hosts with bot-mode ${mode}`));
  });

  it.each(['polling', 'mtproto'])(
    '%s with two hosts: the CLI exits 2 naming hosts, no session',
    async (mode) => {
      const sessions: string[] = [];
      const err: string[] = [];
      const code = await main(['deploy', '--config', '/ops/deploy.yml'], {
        fetch: noNetwork,
        out: () => undefined,
        err: (line) => err.push(line),
        readFile: (path) => {
          if (path !== '/ops/deploy.yml') throw new Error(`ENOENT: ${path}`);
          return yamlOf({ ...WITH, 'bot-mode': mode, strategy: '', proxy: '' });
        },
        env: { TG_DEVOPS_SSH_KEY: KEY },
        log: recordingLog(),
        openSession: (target) => {
          sessions.push(target.host);
          return Promise.reject(new Error('no host in unit tests'));
        },
      });
      expect({ code, sessions }).toEqual({ code: 2, sessions: [] });
      expect(err.join('\n')).toMatch(new RegExp(`key 'hosts': 2 hosts with bot-mode ${mode}`));
    },
  );

  it('one host is fine, and so are several for a webhook bot or a worker', () => {
    setActionInputs('deploy', {
      ...WITH,
      hosts: 'deploy@h1',
      'bot-mode': 'polling',
      strategy: '',
      proxy: '',
      'verify-window': '',
    });
    expect(prepare(readDeployInputs()).config.botMode).toBe('polling');
    setActionInputs('deploy', { ...WITH, 'bot-mode': 'worker', strategy: '', proxy: '' });
    expect(prepare(readDeployInputs()).targets).toHaveLength(2);
  });
});

/** The values, recording every input name an adapter asks for. */
function recording<N extends string>(
  values: InputValues<N>,
): { values: InputValues<N>; read: Set<string> } {
  const read = new Set<string>();
  const wrap =
    <R>(f: (name: N) => R) =>
    (name: N): R => {
      read.add(name);
      return f(name);
    };
  return {
    read,
    values: {
      schema: values.schema,
      given: wrap(values.given),
      raw: wrap(values.raw),
      string: wrap(values.string),
      integer: wrap(values.integer),
      boolean: wrap(values.boolean),
      choice: wrap(values.choice),
      durationMs: wrap(values.durationMs),
      list: wrap(values.list),
    },
  };
}

function fromMap<N extends string>(schema: InputSchema<N>, given: Record<string, string>) {
  return readInputs(schema, (entry) => given[entry.name]);
}

describe('no input is declared and then ignored (what batch-size was in the CLI)', () => {
  it('the deploy adapter hands on every deploy input', () => {
    const { values, read } = recording(fromMap(DEPLOY_SCHEMA, { ...WITH, 'ssh-key': KEY }));
    deployInputsFrom(values);
    expect(DEPLOY_SCHEMA.entries.map((e) => e.name).filter((n) => !read.has(n))).toEqual([]);
  });

  it('the rollback adapter hands on every rollback input', () => {
    const { values, read } = recording(
      fromMap(ROLLBACK_SCHEMA, { hosts: 'd@h', 'ssh-key': KEY, app: 'bot' }),
    );
    rollbackInputsFrom(values);
    expect(ROLLBACK_SCHEMA.entries.map((e) => e.name).filter((n) => !read.has(n))).toEqual([]);
  });

  it('the verify adapter hands on every verify input', () => {
    const { values, read } = recording(
      fromMap(VERIFY_SCHEMA, { 'http-url': 'https://bot.example.net/health' }),
    );
    verifyInputsFrom(values, 0);
    expect(VERIFY_SCHEMA.entries.map((e) => e.name).filter((n) => !read.has(n))).toEqual([]);
  });
});

describe('the reader', () => {
  it('reads every entry from its source, once, and only those', () => {
    const asked: string[] = [];
    readInputs(VERIFY_SCHEMA, (entry) => {
      asked.push(entry.name);
      return entry.name === 'http-url' ? 'https://x' : undefined;
    });
    expect(asked).toEqual(VERIFY_SCHEMA.entries.map((e) => e.name));
  });

  it('keeps a multi-line secret whole and trims the rest', () => {
    const v = readInputs(DEPLOY_SCHEMA, (entry) =>
      entry.name === 'ssh-key'
        ? KEY
        : entry.name === 'app'
          ? '  bot  '
          : entry.name === 'hosts'
            ? 'a@h1, b@h2\n# a comment\nc@h3'
            : entry.name === 'image'
              ? 'bot'
              : entry.name === 'bot-mode'
                ? 'webhook'
                : undefined,
    );
    expect(v.raw('ssh-key')).toBe(KEY);
    expect(v.string('app')).toBe('bot');
    expect(v.list('hosts')).toEqual(['a@h1', 'b@h2', 'c@h3']);
    expect(v.given('strategy')).toBe(false);
    expect(v.raw('stop-grace')).toBe('20');
    expect(v.integer('verify-window')).toBeUndefined();
    expect(() => v.integer('app')).toThrow(/app is string/);
  });
});
