import { posix } from 'node:path';
import { splitCommand } from '../command-line.js';
import { InputError } from '../errors.js';
import {
  BOT_MODES,
  DEPLOY_SCHEMA,
  PROXY_KINDS,
  RESUME_CHOICES,
  STRATEGIES,
  type DeployInputName,
  type InconclusiveChoice,
} from '../inputs/entries.js';
import { parseBoolean, parseChoice, parseInteger } from '../inputs/kinds.js';
import { parseHostFile, parseWebhookSecret, parseWebhookUrl } from '../proxy/webhook-server.js';
import { defaultOf, integerLimits, type InputValues } from '../inputs/schema.js';

export { splitCommand } from '../command-line.js';
export { BOT_MODES, PROXY_KINDS, STRATEGIES } from '../inputs/entries.js';

/**
 * The deploy configuration: built once from raw input strings (the action's inputs, or a CLI's
 * flags), validated, typed. Every problem is an InputError naming the input, raised before
 * anything on a host changes.
 */

export type BotMode = (typeof BOT_MODES)[number];
export type Strategy = (typeof STRATEGIES)[number];
export type ProxyKind = (typeof PROXY_KINDS)[number];
export type Resume = (typeof RESUME_CHOICES)[number];

export interface ImageRef {
  /** The reference as given (normalised only by trimming). */
  raw: string;
  /** Registry host[:port], when the reference names one. */
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export interface Volume {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface DeployConfig {
  app: string;
  image: ImageRef;
  botMode: BotMode;
  strategy: Strategy;
  /** The port the app listens on inside its container (bridge networks). */
  containerPort: number;
  /** Loopback ports on the host, one per color. */
  hostPorts: { blue: number; green: number };
  healthPath?: string;
  /** Validated dotenv text, normalised to docker's env-file format (KEY=VALUE lines). */
  envFile: string;
  envKeys: string[];
  volumes: Volume[];
  cpus?: string;
  memory?: string;
  network?: string;
  /** Allow-listed docker run options, one `--name=value` (or `--flag`) token each. */
  extraOptions: string[];
  registry?: { server: string; username: string; password: string };
  canarySteps: number[];
  stepIntervalSeconds: number;
  /** canary-hold: end the deploy with the canary held at this weight (1..99). */
  canaryHold?: number;
  /** resume: go on with a held canary (promote) or take it back (abort). */
  resume?: Resume;
  /** hold-watch: seconds the gates keep running on a held canary inside the hold's run (0: off). */
  holdWatchSeconds: number;
  drainSeconds: number;
  stopGraceSeconds: number;
  gateWindowSeconds: number;
  healthTimeoutSeconds: number;
  preDeploy?: string[];
  /** The process's argv after the image, overriding its CMD (command). */
  command?: string[];
  /** Never two at once: always handed over (singleton; forced for polling and mtproto). */
  singleton: boolean;
  backup?: { kind: 'postgres'; keep: number; databaseUrlVariable: string };
  lockTimeoutSeconds: number;
  keepReleases: number;
  /** MiB that must stay free in docker's data root after the pull (min-free-disk). */
  minFreeDiskMiB: number;
  dryRun: boolean;
  /** An older version replaces a newer one: the rollback's irreversible-migration rule applies. */
  downgrade: boolean;
  /** With downgrade: go past an irreversible migration (the rollback's force). */
  force: boolean;
  /** A host failed after others took the release: roll those back (rollback-on-partial). */
  rollbackOnPartial: boolean;
  stateBase: string;
  proxy: ProxyKind;
  /** The webhook's server block and registration (webhook-url and friends); undefined: none. */
  webhook?: WebhookConfig;
  /** The deploy's own Bot API calls (telegram-bot-token, else verify-telegram-bot-token). */
  telegram?: { token: string; apiUrl: string };
  /** Things worth a warning that do not stop the deploy (a mutable tag). */
  warnings: string[];
}

/** What the deploy does for a webhook bot's public side (issue 13; ADR 11). */
export interface WebhookConfig {
  /** The URL as registered: https://host[:port]/path (port only when not 443). */
  url: string;
  host: string;
  port: number;
  path: string;
  /** Host paths of the certificate chain and key: the deploy writes the server block. */
  tls?: { certificate: string; key: string };
  /** The IPv4 address the block listens on (webhook-listen); undefined: all. */
  listenAddress?: string;
  secret?: string;
  allowedUpdates?: string[];
  maxConnections?: number;
  dropPendingUpdates: boolean;
}

/** Raw values as strings, exactly as an action input or a CLI flag gives them ('' = unset). */
export interface RawDeployInputs {
  app: string;
  image: string;
  'bot-mode': string;
  strategy?: string;
  'container-port'?: string;
  'host-ports'?: string;
  'health-path'?: string;
  env?: string;
  volumes?: string;
  cpus?: string;
  memory?: string;
  network?: string;
  'docker-options'?: string;
  registry?: string;
  'registry-username'?: string;
  'registry-password'?: string;
  'canary-steps'?: string;
  'step-interval'?: string;
  'canary-hold'?: string;
  resume?: string;
  'hold-watch'?: string;
  'drain-seconds'?: string;
  'stop-grace'?: string;
  'gate-window'?: string;
  'health-timeout'?: string;
  'pre-deploy'?: string;
  command?: string;
  singleton?: string;
  backup?: string;
  'backup-keep'?: string;
  'backup-database-url-variable'?: string;
  'lock-timeout'?: string;
  'keep-releases'?: string;
  'min-free-disk'?: string;
  'dry-run'?: string;
  downgrade?: string;
  force?: string;
  'rollback-on-partial'?: string;
  'state-dir'?: string;
  proxy?: string;
  'webhook-url'?: string;
  'tls-certificate'?: string;
  'tls-key'?: string;
  'webhook-listen'?: string;
  'webhook-secret'?: string;
  'webhook-allowed-updates'?: string;
  'webhook-max-connections'?: string;
  'webhook-drop-pending-updates'?: string;
  'telegram-bot-token'?: string;
  'verify-telegram-bot-token'?: string;
  'telegram-api-url'?: string;
}

/** The raw strings buildConfig takes, from the schema's checked values (action or CLI). */
export const RAW_DEPLOY_INPUTS = [
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
  'canary-hold',
  'resume',
  'hold-watch',
  'drain-seconds',
  'stop-grace',
  'gate-window',
  'health-timeout',
  'pre-deploy',
  'command',
  'singleton',
  'backup',
  'backup-keep',
  'backup-database-url-variable',
  'lock-timeout',
  'keep-releases',
  'min-free-disk',
  'dry-run',
  'downgrade',
  'force',
  'rollback-on-partial',
  'state-dir',
  'proxy',
  'webhook-url',
  'tls-certificate',
  'tls-key',
  'webhook-listen',
  'webhook-secret',
  'webhook-allowed-updates',
  'webhook-max-connections',
  'webhook-drop-pending-updates',
  'telegram-bot-token',
  'verify-telegram-bot-token',
  'telegram-api-url',
] as const satisfies readonly (keyof RawDeployInputs & DeployInputName)[];

export function rawDeployInputsFrom(values: InputValues<DeployInputName>): RawDeployInputs {
  const raw: Record<string, string> = {};
  for (const name of RAW_DEPLOY_INPUTS) raw[name] = values.raw(name);
  return raw as unknown as RawDeployInputs;
}

/**
 * The deploy window's mode for the one on-inconclusive vocabulary: fail holds promotion for
 * verify-pause seconds, then fails (the window's `pause`); pass lets it pass (`promote`).
 */
export function windowModeFor(choice: string): 'pause' | 'promote' {
  return (choice as InconclusiveChoice) === 'pass' ? 'promote' : 'pause';
}

/** The defaults buildConfig applies, from the schema (src/inputs/entries.ts). */
const DEFAULTED = [
  'container-port',
  'host-ports',
  'canary-steps',
  'step-interval',
  'hold-watch',
  'drain-seconds',
  'stop-grace',
  'gate-window',
  'health-timeout',
  'backup-keep',
  'backup-database-url-variable',
  'lock-timeout',
  'keep-releases',
  'min-free-disk',
  'state-dir',
] as const satisfies readonly DeployInputName[];
export const DEFAULTS = Object.fromEntries(
  DEFAULTED.map((name) => [name, defaultOf(DEPLOY_SCHEMA, name)]),
) as Record<(typeof DEFAULTED)[number], string>;

/** A whole number within the schema's limits for the input. */
function integerInput(name: DeployInputName, value: string): number {
  return parseInteger(name, value, integerLimits(DEPLOY_SCHEMA, name));
}

export function buildConfig(raw: RawDeployInputs): DeployConfig {
  const get = (name: keyof RawDeployInputs): string => {
    const value = raw[name];
    return (value ?? '').trim();
  };
  const orDefault = (name: keyof typeof DEFAULTS): string => get(name) || DEFAULTS[name];
  const warnings: string[] = [];

  const app = parseAppName(get('app'));
  const image = parseImageRef(get('image'), 'image');
  if (!image.digest) {
    warnings.push(
      `image ${image.raw} is a mutable tag: prefer a digest reference (…@sha256:…) so what was tested is what runs`,
    );
  }
  const botMode = parseEnum('bot-mode', get('bot-mode'), BOT_MODES);
  if (!botMode) throw new InputError('bot-mode', `is required: one of ${BOT_MODES.join(', ')}`);
  const singleton =
    botMode === 'polling' ||
    botMode === 'mtproto' ||
    (get('singleton') ? parseBoolean('singleton', get('singleton')) : false);
  const givenStrategy = parseEnum('strategy', get('strategy'), STRATEGIES);
  const strategy = givenStrategy ?? (singleton ? 'handover' : defaultStrategy(botMode));
  checkStrategy(botMode, strategy);
  if (singleton && strategy !== 'handover')
    throw new InputError(
      'singleton',
      `a singleton process must never run twice, and ${strategy} runs the old and the new one at once: use strategy handover (or leave it empty)`,
    );

  const containerPort = integerInput('container-port', orDefault('container-port'));
  const ports = orDefault('host-ports')
    .split(/[\s,]+/)
    .filter(Boolean);
  if (ports.length !== 2)
    throw new InputError(
      'host-ports',
      'expected two loopback ports, "BLUE,GREEN" (e.g. 8001,8002)',
    );
  const hostPorts = {
    blue: parsePort('host-ports', ports[0]!),
    green: parsePort('host-ports', ports[1]!),
  };
  if (hostPorts.blue === hostPorts.green)
    throw new InputError('host-ports', 'the blue and green ports must differ');

  const healthPath = get('health-path') ? parseHealthPath(get('health-path')) : undefined;
  if (strategy !== 'handover' && botMode === 'webhook' && !healthPath) {
    throw new InputError(
      'health-path',
      `is required for ${strategy}: traffic moves only to a color that answers it`,
    );
  }
  const env = parseDotenv(raw.env ?? '');
  const volumes = parseVolumes(get('volumes'));
  const cpus = get('cpus') ? parseCpus(get('cpus')) : undefined;
  const memory = get('memory') ? parseMemory(get('memory')) : undefined;
  const network = get('network') ? parseNetwork(get('network')) : undefined;
  const extraOptions = parseDockerOptions(raw['docker-options'] ?? '');

  const registryServer = get('registry');
  const username = get('registry-username');
  const password = raw['registry-password'] ?? '';
  let registry: DeployConfig['registry'];
  if (username || password.trim()) {
    if (!username)
      throw new InputError('registry-username', 'is required when registry-password is set');
    if (!password.trim())
      throw new InputError('registry-password', 'is required when registry-username is set');
    if (!/^[A-Za-z0-9_][A-Za-z0-9._@+-]{0,255}$/.test(username))
      throw new InputError(
        'registry-username',
        'letters, digits and . _ @ + - only (as registries accept), not starting with - or .',
      );
    const server = registryServer || image.registry;
    if (!server)
      throw new InputError(
        'registry',
        'is required with registry credentials when the image names no registry',
      );
    registry = { server: parseRegistryHost(server), username, password: password.trim() };
  } else if (registryServer) {
    parseRegistryHost(registryServer);
  }

  const canarySteps = parseCanarySteps(orDefault('canary-steps'));
  const seconds = (name: keyof typeof DEFAULTS & DeployInputName) =>
    integerInput(name, orDefault(name));

  const preDeploy = get('pre-deploy') ? splitCommand(get('pre-deploy'), 'pre-deploy') : undefined;
  const command = get('command') ? splitCommand(get('command'), 'command') : undefined;
  let backup: DeployConfig['backup'];
  const backupKind = get('backup');
  // Validated even without a backup: a bad value is a mistake worth knowing about now.
  const backupKeep = seconds('backup-keep');
  const variable = orDefault('backup-database-url-variable');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
    throw new InputError('backup-database-url-variable', 'must be an environment variable name');
  if (backupKind) {
    parseChoice('backup', backupKind, ['postgres']);
    if (!env.keys.includes(variable))
      throw new InputError(
        'backup',
        `needs ${variable} in the env input (the database the bot uses) to dump it`,
      );
    backup = { kind: 'postgres', keep: backupKeep, databaseUrlVariable: variable };
  }

  const dryRun = get('dry-run') ? parseBoolean('dry-run', get('dry-run')) : false;
  const flag = (name: 'downgrade' | 'force' | 'rollback-on-partial', unset: boolean) =>
    get(name) ? parseBoolean(name, get(name)) : unset;

  const proxy =
    parseEnum('proxy', get('proxy'), PROXY_KINDS) ?? (botMode === 'webhook' ? 'nginx' : 'none');
  if (strategy === 'canary' && proxy === 'none')
    throw new InputError('proxy', 'canary moves traffic weights: it needs nginx or haproxy');
  const webhook = parseWebhookInputs(get, botMode, proxy);
  const telegram = parseTelegramInputs(get);
  if (webhook && !webhook.tls && !telegram)
    warnings.push(
      'webhook-url without tls-certificate/tls-key or telegram-bot-token: the deploy neither writes the server block nor registers the webhook',
    );
  const hold = parseHold(strategy, {
    canaryHold: get('canary-hold'),
    resume: get('resume'),
    holdWatch: orDefault('hold-watch'),
  });

  return {
    app,
    image,
    botMode,
    strategy,
    containerPort,
    hostPorts,
    healthPath,
    envFile: env.text,
    envKeys: env.keys,
    volumes,
    cpus,
    memory,
    network,
    extraOptions,
    registry,
    canarySteps,
    stepIntervalSeconds: seconds('step-interval'),
    ...hold,
    drainSeconds: seconds('drain-seconds'),
    stopGraceSeconds: seconds('stop-grace'),
    gateWindowSeconds: seconds('gate-window'),
    healthTimeoutSeconds: seconds('health-timeout'),
    preDeploy,
    command,
    singleton,
    backup,
    lockTimeoutSeconds: seconds('lock-timeout'),
    keepReleases: seconds('keep-releases'),
    minFreeDiskMiB: seconds('min-free-disk'),
    dryRun,
    downgrade: flag('downgrade', false),
    force: flag('force', false),
    rollbackOnPartial: flag('rollback-on-partial', true),
    stateBase: parseStateDir(orDefault('state-dir')),
    proxy,
    webhook,
    telegram,
    warnings,
  };
}

/**
 * webhook-url and its companions (pure). Each companion needs webhook-url; the TLS pair comes
 * together; a webhook-url needs a webhook bot behind a proxy (its server block proxies to the
 * app's upstream, and the colors' ports change with every deploy).
 */
export function parseWebhookInputs(
  get: (name: keyof RawDeployInputs) => string,
  botMode: BotMode,
  proxy: ProxyKind,
): WebhookConfig | undefined {
  const given = get('webhook-url');
  const companions = [
    'tls-certificate',
    'tls-key',
    'webhook-listen',
    'webhook-secret',
    'webhook-allowed-updates',
    'webhook-max-connections',
  ] as const;
  if (!given) {
    const orphan = companions.find((name) => get(name));
    if (orphan)
      throw new InputError(orphan, 'needs webhook-url (the public https URL Telegram calls)');
    if (
      get('webhook-drop-pending-updates') &&
      parseBoolean('webhook-drop-pending-updates', get('webhook-drop-pending-updates'))
    )
      throw new InputError('webhook-drop-pending-updates', 'needs webhook-url');
    return undefined;
  }
  if (botMode !== 'webhook')
    throw new InputError(
      'webhook-url',
      `is for bot-mode webhook (this is ${botMode}): Telegram delivers updates to a URL only to webhook bots`,
    );
  if (proxy === 'none')
    throw new InputError(
      'webhook-url',
      "needs proxy nginx or haproxy: the webhook reaches the app through nginx's upstream tg_<app>, which follows the colors",
    );
  const { host, port, path } = parseWebhookUrl(given, 'webhook-url');
  const certificate = get('tls-certificate');
  const key = get('tls-key');
  if (Boolean(certificate) !== Boolean(key))
    throw new InputError(
      certificate ? 'tls-key' : 'tls-certificate',
      `is required with ${certificate ? 'tls-certificate' : 'tls-key'}: the server block needs both`,
    );
  const tls =
    certificate && key
      ? {
          certificate: parseHostFile(certificate, 'tls-certificate'),
          key: parseHostFile(key, 'tls-key'),
        }
      : undefined;
  const listen = get('webhook-listen');
  if (listen && !tls) throw new InputError('webhook-listen', 'needs tls-certificate and tls-key');
  if (listen && !/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(listen))
    throw new InputError('webhook-listen', `${JSON.stringify(listen)} is not an IPv4 address`);
  const secret = get('webhook-secret') ? parseWebhookSecret(get('webhook-secret')) : undefined;
  const allowedUpdates = get('webhook-allowed-updates')
    ? get('webhook-allowed-updates')
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((item) => {
          if (!/^[a-z_]{1,64}$/.test(item))
            throw new InputError(
              'webhook-allowed-updates',
              `${JSON.stringify(item)} is not an update type (e.g. message, callback_query)`,
            );
          return item;
        })
    : undefined;
  const maxConnections = get('webhook-max-connections')
    ? integerInput('webhook-max-connections', get('webhook-max-connections'))
    : undefined;
  return {
    url: `https://${host}${port === 443 ? '' : `:${port}`}${path}`,
    host,
    port,
    path,
    tls,
    listenAddress: listen || undefined,
    secret,
    allowedUpdates,
    maxConnections,
    dropPendingUpdates: get('webhook-drop-pending-updates')
      ? parseBoolean('webhook-drop-pending-updates', get('webhook-drop-pending-updates'))
      : false,
  };
}

/** The token for the deploy's Bot API calls: telegram-bot-token, else verify-telegram-bot-token. */
export function parseTelegramInputs(
  get: (name: keyof RawDeployInputs) => string,
): DeployConfig['telegram'] {
  const token = get('telegram-bot-token') || get('verify-telegram-bot-token');
  if (!token) return undefined;
  const apiUrl = get('telegram-api-url') || defaultOf(DEPLOY_SCHEMA, 'telegram-api-url') || '';
  if (!/^https?:\/\/[^\s/]+/.test(apiUrl))
    throw new InputError('telegram-api-url', 'is not an http(s) URL');
  return { token, apiUrl: apiUrl.replace(/\/+$/, '') };
}

/**
 * canary-hold, resume and hold-watch: a canary held for approval and its resumption. Both need
 * strategy canary; a run either holds a new canary or resumes the held one, never both.
 */
export function parseHold(
  strategy: Strategy,
  raw: { canaryHold: string; resume: string; holdWatch: string },
): Pick<DeployConfig, 'canaryHold' | 'resume' | 'holdWatchSeconds'> {
  const watchMinutes = integerInput('hold-watch', raw.holdWatch);
  const canaryHold = raw.canaryHold ? integerInput('canary-hold', raw.canaryHold) : undefined;
  const resume = raw.resume ? parseChoice('resume', raw.resume, RESUME_CHOICES) : undefined;
  if (canaryHold !== undefined && strategy !== 'canary')
    throw new InputError(
      'canary-hold',
      `holds a canary at a traffic weight: it needs strategy canary (the strategy is ${strategy})`,
    );
  if (resume && strategy !== 'canary')
    throw new InputError(
      'resume',
      `goes on with a held canary: it needs strategy canary (the strategy is ${strategy})`,
    );
  if (resume && canaryHold !== undefined)
    throw new InputError(
      'resume',
      `canary-hold holds a new canary, resume goes on with the held one: give one of them, not both`,
    );
  if (watchMinutes > 0 && canaryHold === undefined)
    throw new InputError('hold-watch', 'watches a held canary: it needs canary-hold');
  return { canaryHold, resume, holdWatchSeconds: watchMinutes * 60 };
}

export function defaultStrategy(mode: BotMode): Strategy {
  return mode === 'polling' || mode === 'mtproto' ? 'handover' : 'blue-green';
}

export function checkStrategy(mode: BotMode, strategy: Strategy): void {
  if ((mode === 'polling' || mode === 'mtproto') && strategy !== 'handover') {
    const why =
      mode === 'polling'
        ? 'two getUpdates pollers on one token get 409 Conflict and updates are lost'
        : 'two holders of one MTProto session can get it invalidated for good (AUTH_KEY_DUPLICATED)';
    throw new InputError(
      'strategy',
      `${strategy} runs two instances at once, which a ${mode} bot must never do: ${why}. Use handover.`,
    );
  }
  if (mode === 'worker' && strategy === 'canary')
    throw new InputError(
      'strategy',
      'canary splits HTTP traffic; a worker takes none: use blue-green',
    );
}

const APP_NAME = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;

export function parseAppName(value: string): string {
  if (!value) throw new InputError('app', 'is required: the service name, e.g. mybot');
  if (!APP_NAME.test(value) || value.includes('--'))
    throw new InputError(
      'app',
      `${JSON.stringify(value)} is not a valid name: 2-40 characters, lowercase letters, digits and single hyphens, starting with a letter`,
    );
  return value;
}

// The docker reference grammar (distribution/reference), without the rare uppercase-host forms.
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = 'sha256:[a-f0-9]{64}';
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

export function parseImageRef(value: string, input = 'image'): ImageRef {
  if (!value) throw new InputError(input, 'is required: an image reference, ideally by digest');
  const match = REFERENCE.exec(value);
  if (!match || value.length > 512)
    throw new InputError(
      input,
      `${JSON.stringify(value)} is not an image reference: [registry/]name[:tag][@sha256:<64 hex>]`,
    );
  let registry = match[1];
  let repository = match[2]!;
  // "name/rest" where name has no dot, colon and is not localhost: part of the path, not a host.
  if (registry && !/[.:[]/.test(registry) && registry !== 'localhost') {
    repository = `${registry}/${repository}`;
    registry = undefined;
  }
  if (registry && /[A-Z]/.test(registry) === false && repository.length > 255)
    throw new InputError(input, 'the repository name is longer than 255 characters');
  return { raw: value, registry, repository, tag: match[3], digest: match[4] };
}

function parseRegistryHost(value: string): string {
  if (!new RegExp(`^${DOMAIN}$`).test(value))
    throw new InputError('registry', `${JSON.stringify(value)} is not a registry host[:port]`);
  return value;
}

function parseEnum<T extends string>(
  input: string,
  value: string,
  allowed: readonly T[],
): T | undefined {
  return value ? parseChoice(input, value, allowed) : undefined;
}

function parsePort(input: string, value: string): number {
  return parseInteger(input, value, { min: 1, max: 65535 });
}

export function parseHealthPath(value: string): string {
  if (!/^\/[A-Za-z0-9._~/-]*(?:\?[A-Za-z0-9._~=&%-]*)?$/.test(value) || value.includes('..'))
    throw new InputError(
      'health-path',
      `${JSON.stringify(value)} is not a plain URL path such as /health`,
    );
  return value;
}

/** dotenv text: KEY=VALUE lines, # comments, optional `export ` and one pair of outer quotes. */
export function parseDotenv(text: string): { text: string; keys: string[] } {
  const keys: string[] = [];
  const out: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(trimmed);
    // Never echo the line: it may hold a secret. The line number and key are enough.
    if (!match)
      throw new InputError(
        'env',
        `line ${index + 1} is not KEY=VALUE (a letter or _ first, then letters, digits, _)`,
      );
    const key = match[1]!;
    let value = match[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!;
    if (keys.includes(key)) throw new InputError('env', `line ${index + 1}: ${key} is set twice`);
    if (value.includes('\0')) throw new InputError('env', `line ${index + 1}: NUL byte in ${key}`);
    keys.push(key);
    out.push(`${key}=${value}`);
  });
  return { text: out.length ? `${out.join('\n')}\n` : '', keys };
}

/**
 * Host paths a bot never mounts: the path itself, anything beneath it, and any directory that
 * holds it (mounting /var shows /var/lib/docker; mounting / shows everything). Checked on the
 * normalised path, so `//etc`, `/etc/.` and `/var//run/docker.sock` meet the same rule.
 */
const FORBIDDEN_MOUNTS = [
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/root',
  '/run',
  '/var/run',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/etc/docker',
  '/etc/ssh',
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/shadow',
  '/etc/gshadow',
];

/** A container engine's API socket: whoever holds it controls every container on the host. */
const ENGINE_SOCKET = /^(?:docker|containerd|podman|dockershim)\.sock$/;

/** An absolute host path with `//`, `.` segments and trailing slashes resolved ('..' refused earlier). */
export function normaliseHostPath(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : '/';
}

/** Why a host path may not be mounted, or undefined when it may. */
export function forbiddenMount(normal: string): string | undefined {
  const name = normal.slice(normal.lastIndexOf('/') + 1);
  if (ENGINE_SOCKET.test(name))
    return 'a container engine socket gives the bot control of every container on the host';
  const within = (dir: string, path: string) => path === dir || path.startsWith(`${dir}/`);
  for (const system of FORBIDDEN_MOUNTS) {
    if (within(system, normal)) return `${system} is a system path`;
    if (normal === '/' || within(normal, system)) return `it holds ${system}, a system path`;
  }
  return undefined;
}

export function parseVolumes(value: string): Volume[] {
  return value
    .split(/\r?\n|,/)
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('#'))
    .map((spec) => {
      const parts = spec.split(':');
      const [source, target, mode, ...rest] = parts;
      const bad = (why: string) =>
        new InputError('volumes', `${JSON.stringify(spec)}: ${why} (expected host:container[:ro])`);
      if (
        !source ||
        !target ||
        rest.length ||
        (mode !== undefined && mode !== 'ro' && mode !== 'rw')
      )
        throw bad('wrong shape');
      const pathChars = /^[A-Za-z0-9._/@+-]+$/;
      for (const p of [source, target]) {
        if (!pathChars.test(p)) throw bad('only letters, digits and . _ / @ + - are allowed');
        if (p.split('/').includes('..')) throw bad('".." is not allowed');
      }
      if (!target.startsWith('/')) throw bad('the container path must be absolute');
      if (source.startsWith('/')) {
        const normal = normaliseHostPath(source);
        const why = forbiddenMount(normal);
        if (why) throw bad(`mounting ${normal} is refused: ${why}`);
        return { source: normal, target: normaliseHostPath(target), readOnly: mode === 'ro' };
      }
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source))
        throw bad('a named volume is letters, digits, _ . -');
      return { source, target: normaliseHostPath(target), readOnly: mode === 'ro' };
    });
}

export function parseCpus(value: string): string {
  if (!/^\d{1,3}(?:\.\d{1,3})?$/.test(value) || Number(value) <= 0)
    throw new InputError(
      'cpus',
      `expected a positive number of CPUs such as 0.5 or 2, got ${JSON.stringify(value)}`,
    );
  return value;
}

export function parseMemory(value: string): string {
  const match = /^(\d{1,12})([bkmg])?$/i.exec(value);
  if (!match)
    throw new InputError(
      'memory',
      `expected a size such as 256m or 1g, got ${JSON.stringify(value)}`,
    );
  const units = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as const;
  const bytes = Number(match[1]) * units[(match[2] ?? 'b').toLowerCase() as keyof typeof units];
  if (bytes < 6 * 1024 ** 2) throw new InputError('memory', 'docker needs at least 6m');
  return value.toLowerCase();
}

export function parseNetwork(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(value))
    throw new InputError('network', `${JSON.stringify(value)} is not a docker network name`);
  if (value === 'none') throw new InputError('network', '"none" leaves the bot without network');
  return value;
}

/** The docker run options a bot may add, each with the grammar of its value (undefined: a flag). */
const DOCKER_OPTIONS: Record<string, RegExp | undefined> = {
  '--cap-drop': /^(?:ALL|[A-Z_]{2,32})$/,
  '--read-only': undefined,
  '--init': undefined,
  '--user': /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/,
  '--log-driver': /^(?:json-file|local|journald|syslog|none)$/,
  '--log-opt': /^[a-z][a-z0-9_.-]{0,40}=[A-Za-z0-9_.:/,-]{1,200}$/,
  '--pids-limit': /^-?\d{1,7}$/,
  '--ulimit': /^[a-z]{2,12}=-?\d{1,12}(?::-?\d{1,12})?$/,
  '--tmpfs': /^\/[A-Za-z0-9._/-]{0,200}(?::[a-z0-9=,]{1,100})?$/,
  '--security-opt': /^no-new-privileges(?::true)?$/,
  '--stop-signal': /^(?:SIG)?[A-Z0-9]{2,8}$/,
  '--shm-size': /^\d{1,6}[bkmg]?$/,
};

export const ALLOWED_DOCKER_OPTIONS = Object.keys(DOCKER_OPTIONS);

/**
 * Extra `docker run` options, one per line (or several on a line): `--name=value`, `--name value`
 * or `--flag`. Only the allow-list passes; each option becomes ONE argv token `--name=value`.
 */
export function parseDockerOptions(text: string): string[] {
  const tokens = text
    .split(/\s+/)
    .map((t) => t.trim())
    .filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const eq = token.indexOf('=');
    const name = eq > 0 ? token.slice(0, eq) : token;
    if (!Object.hasOwn(DOCKER_OPTIONS, name))
      throw new InputError(
        'docker-options',
        `${JSON.stringify(name)} is not allowed; allowed: ${ALLOWED_DOCKER_OPTIONS.join(', ')}`,
      );
    const grammar = DOCKER_OPTIONS[name];
    if (!grammar) {
      if (eq > 0) throw new InputError('docker-options', `${name} takes no value`);
      out.push(name);
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = token.slice(eq + 1);
    else {
      value = tokens[i + 1];
      i++;
    }
    if (value === undefined || !grammar.test(value))
      throw new InputError('docker-options', `${name} needs a value like ${exampleFor(name)}`);
    out.push(`${name}=${value}`);
  }
  return out;
}

function exampleFor(name: string): string {
  const examples: Record<string, string> = {
    '--cap-drop': 'ALL',
    '--user': '1000:1000',
    '--log-opt': 'max-size=10m',
    '--pids-limit': '200',
    '--ulimit': 'nofile=1024:2048',
    '--tmpfs': '/tmp:size=64m',
    '--security-opt': 'no-new-privileges',
    '--log-driver': 'json-file',
    '--stop-signal': 'SIGINT',
    '--shm-size': '64m',
  };
  return examples[name] ?? 'the documented form';
}

export function parseCanarySteps(value: string): number[] {
  const parts = value
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((p) => {
      if (!/^\d{1,3}$/.test(p))
        throw new InputError(
          'canary-steps',
          `expected percentages such as 10,50,100, got ${JSON.stringify(p)}`,
        );
      return Number(p);
    });
  if (!parts.length) throw new InputError('canary-steps', 'needs at least one step');
  let last = 0;
  for (const p of parts) {
    if (p <= last || p > 100)
      throw new InputError('canary-steps', 'steps rise strictly, each between 1 and 100');
    last = p;
  }
  if (last !== 100)
    throw new InputError('canary-steps', 'the last step must be 100 (the promotion)');
  return parts;
}

function parseStateDir(value: string): string {
  if (!/^\/[A-Za-z0-9._/-]*$/.test(value) || value.split('/').includes('..'))
    throw new InputError(
      'state-dir',
      `${JSON.stringify(value)} must be an absolute path of plain characters`,
    );
  return value.replace(/\/+$/, '') || '/';
}
