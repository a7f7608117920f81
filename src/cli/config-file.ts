import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import {
  buildConfig,
  rawDeployInputsFrom,
  windowModeFor,
  type DeployConfig,
  type RawDeployInputs,
} from '../deploy/config.js';
import { hasVerifyChecks, type DeployVerifyOptions } from '../deploy/verify-gates.js';
import { InputError } from '../errors.js';
import { parseCheckInputs, rawCheckInputsFrom, type CheckInputName } from '../health/inputs.js';
import {
  DEPLOY_SCHEMA,
  deployCheckName,
  proxyInputsFrom,
  type DeployInputName,
} from '../inputs/entries.js';
import {
  readInputs,
  type CliSecretSource,
  type InputSpec,
  type InputValues,
} from '../inputs/schema.js';
import type { RawProxyInputs } from '../proxy/index.js';
import type { SshInputs } from '../ssh/connect.js';

/**
 * The CLI's config file: YAML whose keys are exactly the deploy action's inputs, so a workflow
 * step's `with:` block can be copied into it. Every key is read through the deploy action's input
 * schema (src/inputs/entries.ts: DEPLOY_SCHEMA), the same kinds, limits and defaults as the
 * action. Secrets never have to be written inline:
 *
 *   ssh-key-file: ~/.ssh/deploy_ed25519     or env TG_DEVOPS_SSH_KEY
 *   env-file: ./prod.env                    or env TG_DEVOPS_ENV
 *   registry-password-file: ./registry.txt  or env TG_DEVOPS_REGISTRY_PASSWORD
 *   known-hosts-file: ./known_hosts         (not secret; inline known-hosts works too)
 *
 * Paths on this machine (the file keys above and LOCAL_PATH_INPUTS) are relative to the config
 * file's folder, whatever the working directory; absolute ones stay as written and `~/` is the
 * home folder. Every problem names the file, the key and, when the key is in the file, its line.
 */

const entries: readonly InputSpec[] = DEPLOY_SCHEMA.entries;

/** The deploy action's inputs the CLI reads (DEPLOY_SCHEMA without the refused ones). */
export const DEPLOY_INPUTS: readonly string[] = entries
  .filter((e) => e.cli !== 'refuse')
  .map((e) => e.name);

/**
 * Deploy action inputs the CLI does not act on: the notifications (an operator at a terminal sees
 * the outcome). Refused by name rather than ignored, so nobody expects a message that never comes.
 */
export const NOT_IN_CLI: string[] = entries.filter((e) => e.cli === 'refuse').map((e) => e.name);

/** Inputs that only mean something inside a GitHub run (the deployment record). */
export const GITHUB_ONLY_INPUTS: string[] = entries
  .filter((e) => e.cli === 'ignore')
  .map((e) => e.name);

/** Secret inputs: from a file key or an environment variable; inline only for `env`. */
export const SECRET_SOURCES: Readonly<Record<string, CliSecretSource>> = Object.fromEntries(
  entries.flatMap((e) => (e.kind === 'secret' && e.cliSource ? [[e.name, e.cliSource]] : [])),
);

const FILE_KEYS = [
  ...Object.values(SECRET_SOURCES).map((source) => source.file),
  'known-hosts-file',
];

/**
 * Deploy inputs whose value is a path on the operator's machine (in the action: in the
 * repository), resolved like the file keys. The other path-like inputs (state-dir,
 * nginx-conf-dir, haproxy-config, haproxy-socket, volumes) name paths on the hosts: as written.
 */
export const LOCAL_PATH_INPUTS: readonly string[] = ['verify-prometheus-rules'];

export interface CliConfig {
  file: string;
  raw: RawDeployInputs;
  config: DeployConfig;
  hosts: string[];
  batchSize: number;
  ssh: SshInputs;
  /** The proxy keys with the deploy action's defaults (src/proxy: proxyFrom). */
  proxy: RawProxyInputs;
  /** The verify checks watched in the post-switch window (the deploy action's verify-* inputs). */
  verify?: DeployVerifyOptions;
  /** Keys given that the CLI does not use (GitHub-only), for a note. */
  ignored: string[];
  /** Every deploy input as the schema checked it (the same values the action reads). */
  values: InputValues<DeployInputName>;
  /** The line of each key in the file, for errors raised later (configError). */
  lines: Readonly<Record<string, number>>;
}

/** A problem in the config file: names the file, the key and, when known, the key's line. */
export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly key: string | undefined,
    problem: string,
    readonly line?: number,
  ) {
    const where = line ? `${file}:${line}` : file;
    super(key ? `${where}: key '${key}': ${problem}` : `${where}: ${problem}`);
    this.name = 'ConfigFileError';
  }
}

/** A ConfigFileError for a key of a loaded config, with the key's line. */
export function configError(cli: Pick<CliConfig, 'file' | 'lines'>, key: string, problem: string) {
  return new ConfigFileError(cli.file, key, problem, cli.lines[key]);
}

export interface LoadDeps {
  readFile(path: string): string;
  env: Record<string, string | undefined>;
  home?: string;
}

/** Reads, checks and builds the config (the same schema and builder as the action). */
export function loadConfigFile(path: string, deps: LoadDeps): CliConfig {
  let text: string;
  try {
    text = deps.readFile(path);
  } catch (error) {
    throw new ConfigFileError(path, undefined, `cannot read it (${(error as Error).message})`);
  }
  return parseConfigText(text, path, deps);
}

export function parseConfigText(text: string, file: string, deps: LoadDeps): CliConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    throw new ConfigFileError(
      file,
      undefined,
      `not valid YAML${line ? ` (line ${line})` : ''}: ${e.message.split('\n')[0]}`,
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ConfigFileError(file, undefined, "expected a mapping of the deploy action's inputs");

  const lines: Record<string, number> = {};
  /** A list's items with their lines, to point at the item a problem quotes. */
  const itemLines: Record<string, { text: string; line: number }[]> = {};
  if (isMap(doc.contents))
    for (const pair of doc.contents.items) {
      if (!isScalar(pair.key) || !pair.key.range) continue;
      const key = String(pair.key.value);
      lines[key] = lineCounter.linePos(pair.key.range[0]).line;
      if (isSeq(pair.value))
        itemLines[key] = pair.value.items.flatMap((item) =>
          isScalar(item) && item.range
            ? [{ text: String(item.value), line: lineCounter.linePos(item.range[0]).line }]
            : [],
        );
    }
  const lineOf = (key: string, problem: string): number | undefined =>
    itemLines[key]?.find((item) => item.text && problem.includes(JSON.stringify(item.text)))
      ?.line ?? lines[key];
  const fail = (key: string | undefined, problem: string): never => {
    throw new ConfigFileError(file, key, problem, key ? lineOf(key, problem) : undefined);
  };

  const known = new Set<string>([...DEPLOY_INPUTS, ...FILE_KEYS]);
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (NOT_IN_CLI.includes(key))
      fail(
        key,
        'notifications are sent by the deploy action only; the CLI prints the outcome: remove it',
      );
    if (!known.has(key))
      fail(
        key,
        `is not an input of the deploy action${suggest(key, known)} (see deploy/README.md)`,
      );
    values[key] = scalar(file, key, value, lines[key]);
  }

  const base = dirname(resolve(file));
  /** A path on this machine as the config gives it: from the file's folder, `~/` from home. */
  const localPath = (ref: string): string => {
    const expanded = ref.startsWith('~/') && deps.home ? `${deps.home}${ref.slice(1)}` : ref;
    return isAbsolute(expanded) ? expanded : resolve(base, expanded);
  };
  const readRef = (key: string): string | undefined => {
    const ref = values[key];
    if (ref === undefined || ref === '') return undefined;
    const target = localPath(ref);
    try {
      return deps.readFile(target);
    } catch (error) {
      return fail(key, `cannot read ${target} (${(error as Error).message})`);
    }
  };
  const secret = (input: string, source: CliSecretSource): string => {
    const inline = values[input];
    const fromFile = readRef(source.file);
    const fromEnv = deps.env[source.variable];
    const given = [inline, fromFile, fromEnv].filter((v) => v !== undefined && v !== '').length;
    if (inline !== undefined && inline !== '' && !source.inline)
      fail(
        input,
        `a secret is never written into the config: use ${source.file}: PATH or the ${source.variable} environment variable`,
      );
    if (given > 1)
      fail(
        source.file,
        `${input} is given more than once (${input}, ${source.file}, ${source.variable}): keep one`,
      );
    return fromFile ?? fromEnv ?? inline ?? '';
  };

  // Every deploy input through the action's schema: secrets from their file or variable,
  // GitHub-only inputs noted and left out, known-hosts inline and from its file.
  const source = (entry: InputSpec): string | undefined => {
    if (entry.cli === 'ignore' || entry.cli === 'refuse') return undefined;
    if (entry.kind === 'secret' && entry.cliSource) return secret(entry.name, entry.cliSource);
    if (entry.name === 'known-hosts')
      return [values['known-hosts'], readRef('known-hosts-file')].filter((v) => v).join('\n');
    const value = values[entry.name];
    return value?.trim() && LOCAL_PATH_INPUTS.includes(entry.name)
      ? localPath(value.trim())
      : value;
  };

  let v: InputValues<DeployInputName>;
  let config: DeployConfig;
  let verify: DeployVerifyOptions | undefined;
  let raw: RawDeployInputs;
  try {
    v = readInputs(DEPLOY_SCHEMA, source);
    raw = rawDeployInputsFrom(v);
    config = buildConfig(raw);
    ({ config, verify } = verifyOptions(config, v, deps.readFile));
  } catch (error) {
    if (error instanceof InputError) {
      const { key, hint } = keyFor(error.input, values);
      const problem = error.message.replace(/^Input '[^']*': /, '');
      return fail(key, `${problem}${hint}`);
    }
    throw error;
  }

  const fingerprints = v.list('host-fingerprint');
  if (!v.raw('known-hosts') && fingerprints.length === 0)
    fail(
      'known-hosts',
      'or known-hosts-file or host-fingerprint is required: tg-devops never connects to an unverified host',
    );

  return {
    file,
    raw,
    config,
    hosts: v.list('hosts'),
    batchSize: v.integer('batch-size')!,
    ssh: {
      key: v.raw('ssh-key'),
      knownHosts: v.raw('known-hosts'),
      fingerprints,
      jumpHost: v.string('jump-host'),
      jumpKey: v.raw('jump-host-key'),
      keyPassphrase: v.string('ssh-key-passphrase'),
      connectTimeoutSeconds: v.integer('connect-timeout'),
    },
    proxy: proxyInputsFrom(v),
    verify,
    ignored: GITHUB_ONLY_INPUTS.filter((k) => values[k] !== undefined),
    values: v,
    lines,
  };
}

/** The verify-* keys as the deploy action reads and validates them (src/health/inputs.ts). */
function verifyOptions(
  config: DeployConfig,
  v: InputValues<DeployInputName>,
  readFile: LoadDeps['readFile'],
): { config: DeployConfig; verify?: DeployVerifyOptions } {
  const checks = parseCheckInputs(rawCheckInputsFrom(v, deployCheckName), {
    name: (base: CheckInputName) => deployCheckName(base),
    // the rules path is absolute already (LOCAL_PATH_INPUTS): the operator's file, no repository
    readFile,
    rulesAnywhere: true,
  });
  const verify = hasVerifyChecks(checks)
    ? {
        checks,
        onInconclusive: windowModeFor(v.choice('on-inconclusive')),
        pauseSeconds: v.integer('verify-pause')!,
      }
    : undefined;
  const window = v.integer('verify-window');
  if (window !== undefined) {
    if (!verify)
      throw new InputError(
        'verify-window',
        'needs a check to watch: set verify-http-url, verify-prometheus-url, verify-log-patterns or verify-telegram-bot-token',
      );
    return { config: { ...config, gateWindowSeconds: window }, verify };
  }
  return { config, verify };
}

/**
 * The key to blame: the file key (and where else it may come from) when a secret came from a
 * file or the environment.
 */
function keyFor(input: string, values: Record<string, string>): { key: string; hint: string } {
  const source = SECRET_SOURCES[input];
  if (source && (values[input] === undefined || values[input] === ''))
    return {
      key: source.file,
      hint:
        values[source.file] === undefined
          ? ` (or the ${source.variable} environment variable)`
          : '',
    };
  return { key: input, hint: '' };
}

/** YAML values as the action's string inputs: scalars as text, lists as lines. */
function scalar(file: string, key: string, value: unknown, line?: number): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.every((v) => ['string', 'number'].includes(typeof v)))
      return value.map(String).join('\n');
    throw new ConfigFileError(file, key, 'a list may hold only strings and numbers', line);
  }
  if (key === 'env' && typeof value === 'object') {
    throw new ConfigFileError(
      file,
      key,
      'write env as KEY=VALUE lines (a | block) or use env-file: PATH',
      line,
    );
  }
  throw new ConfigFileError(file, key, 'expected a string, number, boolean or list', line);
}

function suggest(key: string, known: Set<string>): string {
  const near = [...known].find(
    (k) => k.replace(/[-_]/g, '') === key.toLowerCase().replace(/[-_]/g, ''),
  );
  return near ? ` (did you mean '${near}'?)` : '';
}
