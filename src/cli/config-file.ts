import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { buildConfig, type DeployConfig, type RawDeployInputs } from '../deploy/config.js';
import { hasVerifyChecks, type DeployVerifyOptions } from '../deploy/verify-gates.js';
import { InputError } from '../errors.js';
import { parseCheckInputs, type CheckInputName, type RawCheckInputs } from '../health/inputs.js';
import { PROXY_INPUT_DEFAULTS, type RawProxyInputs } from '../proxy/index.js';
import { INCONCLUSIVE_MODES, type InconclusiveMode } from '../rollback/window.js';

/**
 * The CLI's config file: YAML whose keys are exactly the deploy action's input names, so a
 * workflow step's `with:` block can be copied into it. Secrets never have to be written inline:
 *
 *   ssh-key-file: ~/.ssh/deploy_ed25519     or env TG_DEVOPS_SSH_KEY
 *   env-file: ./prod.env                    or env TG_DEVOPS_ENV
 *   registry-password-file: ./registry.txt  or env TG_DEVOPS_REGISTRY_PASSWORD
 *   known-hosts-file: ./known_hosts         (not secret; inline known-hosts works too)
 *
 * Relative paths are relative to the config file. Every problem names the file and the key.
 */

/** The deploy action's inputs (deploy/action.yml; a unit test keeps the two lists equal). */
export const DEPLOY_INPUTS = [
  'hosts',
  'batch-size',
  'ssh-key',
  'known-hosts',
  'host-fingerprint',
  'jump-host',
  'app',
  'image',
  'bot-mode',
  'strategy',
  'container-port',
  'host-ports',
  'health-path',
  'env',
  'volumes',
  'cpus',
  'memory',
  'network',
  'docker-options',
  'registry',
  'registry-username',
  'registry-password',
  'canary-steps',
  'step-interval',
  'drain-seconds',
  'stop-grace',
  'gate-window',
  'health-timeout',
  'pre-deploy',
  'backup',
  'backup-keep',
  'backup-database-url-variable',
  'lock-timeout',
  'keep-releases',
  'dry-run',
  'state-dir',
  'proxy',
  'nginx-conf-dir',
  'nginx-test-command',
  'nginx-reload-command',
  'haproxy-socket',
  'haproxy-config',
  'haproxy-reload-command',
  'haproxy-check-command',
  'haproxy-frontend-port',
  'github-token',
  'environment',
  'environment-url',
  'transient-environment',
  'verify-http-url',
  'verify-http-status',
  'verify-http-body',
  'verify-http-json-path',
  'verify-http-latency-ms',
  'verify-prometheus-url',
  'verify-prometheus-checks',
  'verify-prometheus-selector',
  'verify-prometheus-range',
  'verify-prometheus-status-label',
  'verify-prometheus-queries',
  'verify-prometheus-token',
  'verify-min-samples',
  'verify-log-patterns',
  'verify-telegram-bot-token',
  'verify-telegram-webhook-url',
  'telegram-api-url',
  'verify-window',
  'on-inconclusive',
  'verify-pause',
] as const;

/**
 * Deploy action inputs the CLI does not act on: the notifications (an operator at a terminal sees
 * the outcome). Refused by name rather than ignored, so nobody expects a message that never comes.
 */
export const NOT_IN_CLI = [
  'notify-telegram-token',
  'notify-chat-id',
  'notify-webhook-url',
  'notify-webhook-secret',
];

/** Inputs that only mean something inside a GitHub run (the deployment record). */
export const GITHUB_ONLY_INPUTS = [
  'github-token',
  'environment',
  'environment-url',
  'transient-environment',
];

/** Secret inputs: from a file key or an environment variable; inline only for `env`. */
export const SECRET_SOURCES = {
  'ssh-key': { file: 'ssh-key-file', variable: 'TG_DEVOPS_SSH_KEY' },
  env: { file: 'env-file', variable: 'TG_DEVOPS_ENV' },
  'registry-password': { file: 'registry-password-file', variable: 'TG_DEVOPS_REGISTRY_PASSWORD' },
  'verify-prometheus-token': {
    file: 'verify-prometheus-token-file',
    variable: 'TG_DEVOPS_PROMETHEUS_TOKEN',
  },
  'verify-telegram-bot-token': {
    file: 'verify-telegram-bot-token-file',
    variable: 'TG_DEVOPS_TELEGRAM_BOT_TOKEN',
  },
} as const;
type SecretInput = keyof typeof SECRET_SOURCES;

const FILE_KEYS = [
  ...Object.values(SECRET_SOURCES).map((source) => source.file),
  'known-hosts-file',
];

export interface CliConfig {
  file: string;
  raw: RawDeployInputs;
  config: DeployConfig;
  hosts: string[];
  batchSize: number;
  ssh: { key: string; knownHosts: string; fingerprints: string[]; jumpHost: string };
  /** The proxy keys with the deploy action's defaults (src/proxy: proxyFrom). */
  proxy: RawProxyInputs;
  /** The verify checks watched in the post-switch window (the deploy action's verify-* inputs). */
  verify?: DeployVerifyOptions;
  /** Keys given that the CLI does not use (GitHub-only), for a note. */
  ignored: string[];
}

/** A problem in the config file: names the file and the key. */
export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly key: string | undefined,
    problem: string,
  ) {
    super(key ? `${file}: key '${key}': ${problem}` : `${file}: ${problem}`);
    this.name = 'ConfigFileError';
  }
}

export interface LoadDeps {
  readFile(path: string): string;
  env: Record<string, string | undefined>;
  home?: string;
}

/** Reads, checks and builds the config (the same builder as the action: src/deploy/config.ts). */
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
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
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

  const known = new Set<string>([...DEPLOY_INPUTS, ...FILE_KEYS]);
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (NOT_IN_CLI.includes(key))
      throw new ConfigFileError(
        file,
        key,
        'notifications are sent by the deploy action only; the CLI prints the outcome: remove it',
      );
    if (!known.has(key))
      throw new ConfigFileError(
        file,
        key,
        `is not an input of the deploy action${suggest(key, known)} (see deploy/README.md)`,
      );
    values[key] = scalar(file, key, value);
  }

  const base = dirname(resolve(file));
  const readRef = (key: string): string | undefined => {
    const ref = values[key];
    if (ref === undefined || ref === '') return undefined;
    const expanded = ref.startsWith('~/') && deps.home ? `${deps.home}${ref.slice(1)}` : ref;
    const target = isAbsolute(expanded) ? expanded : resolve(base, expanded);
    try {
      return deps.readFile(target);
    } catch (error) {
      throw new ConfigFileError(file, key, `cannot read ${target} (${(error as Error).message})`);
    }
  };
  const secret = (input: SecretInput): string => {
    const { file: fileKey, variable } = SECRET_SOURCES[input];
    const inline = values[input];
    const fromFile = readRef(fileKey);
    const fromEnv = deps.env[variable];
    const given = [inline, fromFile, fromEnv].filter((v) => v !== undefined && v !== '').length;
    if (inline !== undefined && inline !== '' && input !== 'env')
      throw new ConfigFileError(
        file,
        input,
        `a secret is never written into the config: use ${fileKey}: PATH or the ${variable} environment variable`,
      );
    if (given > 1)
      throw new ConfigFileError(
        file,
        fileKey,
        `${input} is given more than once (${input}, ${fileKey}, ${variable}): keep one`,
      );
    return fromFile ?? fromEnv ?? inline ?? '';
  };

  const knownHosts = [values['known-hosts'], readRef('known-hosts-file')]
    .filter((v) => v)
    .join('\n');
  const raw: RawDeployInputs = {
    app: values.app ?? '',
    image: values.image ?? '',
    'bot-mode': values['bot-mode'] ?? '',
    env: secret('env'),
    'registry-password': secret('registry-password'),
  };
  for (const key of DEPLOY_INPUTS) {
    if (key in raw || values[key] === undefined) continue;
    (raw as unknown as Record<string, string>)[key] = values[key]!;
  }
  const sshKey = secret('ssh-key');

  let config: DeployConfig;
  let verify: DeployVerifyOptions | undefined;
  try {
    config = buildConfig(raw);
    ({ config, verify } = verifyOptions(config, values, secret));
  } catch (error) {
    if (error instanceof InputError) {
      const problem = error.message.replace(/^Input '[^']*': /, '');
      throw new ConfigFileError(file, keyFor(error.input, values), problem);
    }
    throw error;
  }

  const hosts = list(values.hosts);
  if (hosts.length === 0)
    throw new ConfigFileError(file, 'hosts', 'is required: one or more user@host[:port]');
  if (!sshKey.trim())
    throw new ConfigFileError(
      file,
      'ssh-key-file',
      `is required (or the ${SECRET_SOURCES['ssh-key'].variable} environment variable): the private key for the hosts`,
    );
  const fingerprints = list(values['host-fingerprint']);
  if (!knownHosts.trim() && fingerprints.length === 0)
    throw new ConfigFileError(
      file,
      'known-hosts',
      'or known-hosts-file or host-fingerprint is required: tg-devops never connects to an unverified host',
    );
  const batch = values['batch-size'] ?? '1';
  if (!/^\d{1,2}$/.test(batch) || Number(batch) < 1 || Number(batch) > 50)
    throw new ConfigFileError(file, 'batch-size', `expected 1..50, got ${JSON.stringify(batch)}`);

  const proxy: RawProxyInputs = { ...PROXY_INPUT_DEFAULTS };
  for (const key of Object.keys(PROXY_INPUT_DEFAULTS) as (keyof RawProxyInputs)[])
    if (values[key] !== undefined) proxy[key] = values[key]!;

  return {
    file,
    raw,
    config,
    hosts,
    batchSize: Number(batch),
    ssh: {
      key: sshKey,
      knownHosts,
      fingerprints,
      jumpHost: values['jump-host'] ?? '',
    },
    proxy,
    verify,
    ignored: GITHUB_ONLY_INPUTS.filter((k) => values[k] !== undefined),
  };
}

/** The verify-* keys as the deploy action reads and validates them (src/health/inputs.ts). */
function verifyOptions(
  config: DeployConfig,
  values: Record<string, string>,
  secret: (input: SecretInput) => string,
): { config: DeployConfig; verify?: DeployVerifyOptions } {
  const lines = (key: string) =>
    (values[key] ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  const int = (key: string, fallback: number, max: number): number => {
    const v = (values[key] ?? '').trim();
    if (!v) return fallback;
    if (!/^\d{1,7}$/.test(v) || Number(v) > max)
      throw new InputError(key, `expected a whole number 0..${max}, got ${JSON.stringify(v)}`);
    return Number(v);
  };
  const raw: RawCheckInputs = {
    httpUrls: lines('verify-http-url'),
    httpStatus: list(values['verify-http-status']),
    httpBody: values['verify-http-body'] ?? '',
    httpJsonPath: values['verify-http-json-path'] ?? '',
    httpLatencyMs: int('verify-http-latency-ms', 0, 600_000),
    prometheusUrl: (values['verify-prometheus-url'] ?? '').trim(),
    prometheusChecks: list(values['verify-prometheus-checks']),
    prometheusQueries: lines('verify-prometheus-queries'),
    prometheusSelector: values['verify-prometheus-selector'] ?? '',
    prometheusRange: values['verify-prometheus-range'] || '5m',
    minSamples: int('verify-min-samples', 20, 1_000_000),
    prometheusStatusLabel: values['verify-prometheus-status-label'] || 'code',
    prometheusToken: secret('verify-prometheus-token').trim(),
    logPatterns: lines('verify-log-patterns'),
    telegramBotToken: secret('verify-telegram-bot-token').trim(),
    telegramApiUrl: values['telegram-api-url'] || 'https://api.telegram.org',
    telegramWebhookUrl: values['verify-telegram-webhook-url'] ?? '',
  };
  const checks = parseCheckInputs(raw, {
    name: (base: CheckInputName) => (base === 'telegram-api-url' ? base : `verify-${base}`),
  });
  const mode = values['on-inconclusive'] || 'pause';
  if (!(INCONCLUSIVE_MODES as readonly string[]).includes(mode))
    throw new InputError(
      'on-inconclusive',
      `expected one of ${INCONCLUSIVE_MODES.join(', ')}, got ${JSON.stringify(mode)}`,
    );
  const verify = hasVerifyChecks(checks)
    ? {
        checks,
        onInconclusive: mode as InconclusiveMode,
        pauseSeconds: int('verify-pause', 60, 3600),
      }
    : undefined;
  const window = int('verify-window', -1, 3600);
  if (values['verify-window'] !== undefined && values['verify-window'] !== '') {
    if (!verify)
      throw new InputError(
        'verify-window',
        'needs a check to watch: set verify-http-url, verify-prometheus-url, verify-log-patterns or verify-telegram-bot-token',
      );
    return { config: { ...config, gateWindowSeconds: window }, verify };
  }
  return { config, verify };
}

/** The key to blame: the file variant when the value came from a file. */
function keyFor(input: string, values: Record<string, string>): string {
  const source = SECRET_SOURCES[input as SecretInput];
  if (source && values[input] === undefined && values[source.file] !== undefined)
    return source.file;
  return input;
}

/** YAML values as the action's string inputs: scalars as text, lists as lines. */
function scalar(file: string, key: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.every((v) => ['string', 'number'].includes(typeof v)))
      return value.map(String).join('\n');
    throw new ConfigFileError(file, key, 'a list may hold only strings and numbers');
  }
  if (key === 'env' && typeof value === 'object') {
    throw new ConfigFileError(
      file,
      key,
      'write env as KEY=VALUE lines (a | block) or use env-file: PATH',
    );
  }
  throw new ConfigFileError(file, key, 'expected a string, number, boolean or list');
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function suggest(key: string, known: Set<string>): string {
  const near = [...known].find(
    (k) => k.replace(/[-_]/g, '') === key.toLowerCase().replace(/[-_]/g, ''),
  );
  return near ? ` (did you mean '${near}'?)` : '';
}
