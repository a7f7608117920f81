import { defineSchema, type InputSpec, type InputValues } from './schema.js';

/**
 * THE input schema of the deploy, rollback and verify actions and of the CLI's config file (whose
 * keys are the deploy action's inputs). Adding an input:
 *
 * 1. one entry here (in its action's list, or in a shared group: CHECK_INPUTS gives verify its
 *    `<name>` and deploy its `verify-<name>` at once; the CLI reads every deploy entry);
 * 2. hand its value on where it is used: actions/<name>/inputs.ts (or, for a check, one line in
 *    src/health/inputs.ts rawCheckInputsFrom) — tests/unit/input-schema.test.ts fails while an
 *    entry is read by no adapter;
 * 3. `node --import ./scripts/ts-register.mjs scripts/inputs-docs.ts` writes action.yml's inputs,
 *    the README tables and docs/cli.md's key list (the same test fails while they differ).
 *
 * An input shared by several actions is ONE object below; an action may override only its
 * description, default or required (`{ ...ENTRY, description }`); kinds and limits stay one.
 * The verify checks (CHECK_INPUTS) appear in verify as they are and in deploy prefixed `verify-`.
 */

/** The input entries' element type, for the groups below. */
type Entry = InputSpec;

// ---- choices used by the validators too (src/deploy/config.ts re-exports them) ---------------

export const BOT_MODES = ['polling', 'webhook', 'mtproto', 'worker'] as const;
export const STRATEGIES = ['handover', 'blue-green', 'canary'] as const;
export const PROXY_KINDS = ['nginx', 'haproxy', 'none'] as const;
export const ROLLBACK_PROXY_KINDS = ['auto', ...PROXY_KINDS] as const;
export const RESUME_CHOICES = ['promote', 'abort'] as const;

/**
 * What an inconclusive check does, one vocabulary for deploy and verify: `fail` (not accepted; in
 * a deploy's gates and window after up to `verify-pause` seconds of asking again, then the deploy
 * rolls back) or `pass` (accepted, saying so). `pause` and `promote`, the deploy's spellings before
 * v1.1, are accepted as aliases of fail and pass.
 */
export const INCONCLUSIVE_CHOICES = ['fail', 'pass'] as const;
export type InconclusiveChoice = (typeof INCONCLUSIVE_CHOICES)[number];
export const INCONCLUSIVE_ALIASES: Readonly<Record<string, InconclusiveChoice>> = {
  pause: 'fail',
  promote: 'pass',
};

// ---- SSH: deploy, rollback, verify --------------------------------------------------------------

const HOSTS = {
  name: 'hosts',
  kind: 'list',
  required: true,
  description:
    'Hosts to deploy to, user@host[:port] (IPv6 as user@[addr]:port), one per line or comma separated. Deployed serially, or in batches of batch-size, stopping at the first failure.',
} as const satisfies Entry;

const SSH_KEY = {
  name: 'ssh-key',
  kind: 'secret',
  multiline: true,
  required: true,
  cliSource: { file: 'ssh-key-file', variable: 'TG_DEVOPS_SSH_KEY' },
  description:
    'Private SSH key for the hosts (a secret). Written 0600 under RUNNER_TEMP and removed by the post step.',
} as const satisfies Entry;

const KNOWN_HOSTS = {
  name: 'known-hosts',
  kind: 'multiline',
  description:
    'known_hosts lines for every host (and the jump host). This or host-fingerprint is required: no verification, no connection.',
} as const satisfies Entry;

const HOST_FINGERPRINT = {
  name: 'host-fingerprint',
  kind: 'list',
  description: 'Pinned host key fingerprints (SHA256:...), instead of known-hosts.',
} as const satisfies Entry;

const JUMP_HOST = {
  name: 'jump-host',
  kind: 'string',
  description: 'A bastion to reach the hosts through, user@host[:port]; verified like the hosts.',
} as const satisfies Entry;

const SSH_KEY_PASSPHRASE = {
  name: 'ssh-key-passphrase',
  kind: 'secret',
  cliSource: { file: 'ssh-key-passphrase-file', variable: 'TG_DEVOPS_SSH_KEY_PASSPHRASE' },
  description:
    'Passphrase of ssh-key (a secret), when the key has one: the key is decrypted to a 0600 copy under RUNNER_TEMP, removed by the post step.',
} as const satisfies Entry;

const JUMP_HOST_KEY = {
  name: 'jump-host-key',
  kind: 'secret',
  multiline: true,
  cliSource: { file: 'jump-host-key-file', variable: 'TG_DEVOPS_JUMP_HOST_KEY' },
  description:
    'Private key for jump-host (a secret), when the bastion takes another key than the hosts. Empty: ssh-key.',
} as const satisfies Entry;

const CONNECT_TIMEOUT = {
  name: 'connect-timeout',
  kind: 'integer',
  min: 1,
  max: 300,
  unit: 'seconds',
  default: '15',
  description: 'Seconds to wait for an SSH connection (each host and the jump host).',
} as const satisfies Entry;

// ---- the release and its container ---------------------------------------------------------------

const APP = {
  name: 'app',
  kind: 'string',
  required: true,
  description:
    'The service name: 2-40 lowercase letters, digits and hyphens. Names the containers, the state directory and the proxy upstream.',
} as const satisfies Entry;

const STATE_DIR = {
  name: 'state-dir',
  kind: 'string',
  default: '/var/lib/tg-devops',
  description:
    'Where releases, the audit history and the lock live on the host (<state-dir>/<app>).',
} as const satisfies Entry;

const DRY_RUN = {
  name: 'dry-run',
  kind: 'boolean',
  default: 'false',
  description: 'Print the plan and change nothing.',
} as const satisfies Entry;

const HEALTH_PATH = {
  name: 'health-path',
  kind: 'string',
  description:
    'HTTP path that answers 2xx when the app is ready, e.g. /health. Required for webhook bots with blue-green or canary.',
} as const satisfies Entry;

// ---- timing: one definition for deploy and rollback ----------------------------------------------

const DRAIN_SECONDS = {
  name: 'drain-seconds',
  kind: 'integer',
  min: 0,
  max: 3600,
  unit: 'seconds',
  default: '10',
  description: 'Seconds to let the old color finish its in-flight requests after the switch.',
} as const satisfies Entry;

const STOP_GRACE = {
  name: 'stop-grace',
  kind: 'integer',
  min: 1,
  max: 600,
  unit: 'seconds',
  default: '20',
  description: 'Seconds between SIGTERM and SIGKILL when a container stops.',
} as const satisfies Entry;

const GATE_WINDOW = {
  name: 'gate-window',
  kind: 'integer',
  min: 0,
  max: 3600,
  unit: 'seconds',
  default: '10',
  description:
    'Seconds the new release is watched after its start (handover) or the switch (blue-green, canary).',
} as const satisfies Entry;

const HEALTH_TIMEOUT = {
  name: 'health-timeout',
  kind: 'integer',
  min: 1,
  max: 3600,
  unit: 'seconds',
  default: '60',
  description: 'Seconds the new release gets to become healthy.',
} as const satisfies Entry;

const LOCK_TIMEOUT = {
  name: 'lock-timeout',
  kind: 'integer',
  min: 0,
  max: 7200,
  unit: 'seconds',
  default: '300',
  description: 'Seconds to wait for another deploy of the same app on a host to finish.',
} as const satisfies Entry;

// ---- the traffic switch: deploy and rollback (src/proxy reads these defaults) --------------------

export const PROXY_SETTINGS_INPUTS = [
  {
    name: 'nginx-conf-dir',
    kind: 'string',
    default: '/etc/nginx/conf.d',
    description:
      "The directory nginx includes in its http block; the app's upstream tg_<app> is written there.",
  },
  {
    name: 'nginx-test-command',
    kind: 'string',
    default: 'nginx -t',
    description: 'Checks the nginx config before a reload (split into arguments, no shell).',
  },
  {
    name: 'nginx-reload-command',
    kind: 'string',
    default: 'nginx -s reload',
    description: 'Reloads nginx gracefully (split into arguments, no shell).',
  },
  {
    name: 'haproxy-socket',
    kind: 'string',
    default: '/run/haproxy/admin.sock',
    description: 'HAProxy runtime API socket (stats socket ... level admin).',
  },
  {
    name: 'haproxy-config',
    kind: 'string',
    default: '/etc/haproxy/haproxy.cfg',
    description: "HAProxy config file holding the app's managed block.",
  },
  {
    name: 'haproxy-reload-command',
    kind: 'string',
    default: 'systemctl reload haproxy',
    description: "Reloads HAProxy when the app's block is new (split into arguments, no shell).",
  },
  {
    name: 'haproxy-check-command',
    kind: 'string',
    default: 'haproxy -c -q -f {config}',
    description:
      "Checks a candidate HAProxy config before it replaces haproxy-config (split into arguments, no shell); {config} is the candidate file. Where /usr/sbin is not on the deploy user's PATH over SSH (Debian, non-root): /usr/sbin/haproxy -c -q -f {config}. When haproxy-config is an extra file beside the main one, add -f /etc/haproxy/haproxy.cfg before -f {config}.",
  },
  {
    name: 'haproxy-frontend-port',
    kind: 'integer',
    min: 1,
    max: 65535,
    description: "Loopback port of the app's HAProxy frontend (required with proxy: haproxy).",
  },
] as const satisfies readonly Entry[];

export type ProxySettingName = (typeof PROXY_SETTINGS_INPUTS)[number]['name'];

/** The proxy settings' defaults by input name ('' where none): the one place they are written. */
export const PROXY_SETTING_DEFAULTS: Readonly<Record<ProxySettingName, string>> =
  Object.fromEntries(
    PROXY_SETTINGS_INPUTS.map((e) => [e.name, 'default' in e ? e.default : '']),
  ) as Record<ProxySettingName, string>;

/** The proxy settings as text by input name (defaults applied), for src/proxy's proxySettingsFrom. */
export function proxyInputsFrom(
  values: Pick<InputValues<ProxySettingName>, 'raw'>,
): Record<ProxySettingName, string> {
  return Object.fromEntries(
    PROXY_SETTINGS_INPUTS.map((e) => [e.name, values.raw(e.name)]),
  ) as Record<ProxySettingName, string>;
}

// ---- the verify checks: verify as named, deploy prefixed verify- ---------------------------------

interface CheckEntryExtra {
  /** The deploy action's description of its `verify-` twin. */
  deployDescription: string;
  /** The deploy action's name when not `verify-<name>`. */
  deployName?: string;
}
type CheckEntry = Entry & CheckEntryExtra;

export const CHECK_INPUTS = [
  {
    name: 'http-url',
    kind: 'multiline',
    description:
      'URLs to GET, one per line (e.g. https://bot.example.net/health). Each is one HTTP check.',
    deployDescription:
      "URLs that must answer (one per line) while the new release is watched: at every canary step and every second of the post-switch window. Usually the bot's public URL through the proxy.",
  },
  {
    name: 'http-status',
    kind: 'list',
    default: '2xx',
    description: 'Accepted status codes, comma separated: exact (200) or classes (2xx).',
    deployDescription: 'Accepted status codes for verify-http-url, e.g. 200 or 2xx,3xx.',
  },
  {
    name: 'http-body',
    kind: 'string',
    description: 'A substring the response body must contain (e.g. the new version).',
    deployDescription: 'Text the verify-http-url body must contain.',
  },
  {
    name: 'http-json-path',
    kind: 'string',
    description:
      'A JSON assertion on the body: `$.path` (must be truthy) or `$.path == value` (e.g. `$.status == "ok"`).',
    deployDescription:
      'A JSON assertion on the verify-http-url body: $.path (must be truthy) or $.path == value.',
  },
  {
    name: 'http-latency-ms',
    kind: 'integer',
    min: 0,
    max: 600_000,
    unit: 'milliseconds',
    default: '0',
    description: 'Latency budget per request in milliseconds; a slower answer fails. 0: no budget.',
    deployDescription:
      'Latency budget per verify-http-url request in milliseconds; a slower answer fails. 0: no budget.',
  },
  {
    name: 'prometheus-url',
    kind: 'string',
    description:
      'Prometheus base URL (its HTTP API answers /api/v1/query). Enables the Prometheus checks.',
    deployDescription: 'Prometheus base URL for the metric checks of the new release.',
  },
  {
    name: 'prometheus-checks',
    kind: 'list',
    default: 'error-rate,latency-p95,up',
    description:
      'Ready-made checks, comma separated: error-rate (5xx share above 0.1), latency-p95 (above 1 s), up (a target exposing the release series is down); or none.',
    deployDescription:
      'Ready-made checks with verify-prometheus-url, comma separated: error-rate (5xx share above 0.1), latency-p95 (above 1 s), up (a target exposing the release series is down); or none.',
  },
  {
    name: 'prometheus-selector',
    kind: 'string',
    description:
      'Label matchers of the new release\'s series for the ready-made checks, e.g. `job="bot",version="v2"`.',
    deployDescription:
      'Label matchers of the new release\'s series, e.g. job="bot",version="v2" (required with verify-prometheus-checks).',
  },
  {
    name: 'prometheus-range',
    kind: 'string',
    default: '5m',
    description: 'PromQL range the ready-made checks look back over (e.g. 5m).',
    deployDescription: 'The PromQL range the ready-made checks look back over.',
  },
  {
    name: 'prometheus-status-label',
    kind: 'string',
    default: 'code',
    description:
      'The status-code label of http_requests_total (`code` for prometheus_client style apps, `status` for prometheus-fastapi-instrumentator).',
    deployDescription:
      'The status-code label of http_requests_total (code for prometheus_client, status for prometheus-fastapi-instrumentator).',
  },
  {
    name: 'prometheus-queries',
    kind: 'multiline',
    description:
      'Custom checks, one per line: `name: <promql> <op> <threshold>` with op one of > >= < <= == !=. Like an alert rule, the check FAILS when the condition holds; no data is inconclusive.',
    deployDescription:
      'Custom checks, one per line: name: <promql> <op> <threshold>. Like an alert rule, the check fails when the condition holds; no data is inconclusive.',
  },
  {
    name: 'prometheus-rules',
    kind: 'string',
    description:
      "Path in the repository of a Prometheus rules file (`groups: - rules: - alert:`): each alert's expr, scoped to prometheus-selector in every vector selector, is a check that fails when the alert would fire (for: held that long). Needs prometheus-selector.",
    deployDescription:
      'Path in the repository of a Prometheus rules file: each alert, scoped to verify-prometheus-selector, is a gate that fails when it would fire.',
  },
  {
    name: 'prometheus-token',
    kind: 'secret',
    cliSource: { file: 'verify-prometheus-token-file', variable: 'TG_DEVOPS_PROMETHEUS_TOKEN' },
    description: 'Bearer token (masked) for a Prometheus behind an auth proxy or a hosted one.',
    deployDescription: 'Bearer token for Prometheus (a secret).',
  },
  {
    name: 'min-samples',
    kind: 'integer',
    min: 0,
    max: 1_000_000,
    default: '20',
    description:
      'Requests in the range below which error-rate and latency-p95 are inconclusive, not failed (up needs one target with series of the release).',
    deployDescription:
      'Fewer samples than this in the range is inconclusive, not a pass (see on-inconclusive).',
  },
  {
    name: 'log-patterns',
    kind: 'multiline',
    description:
      'Fatal log patterns, one per line: plain substrings or /regex/flags; `none` turns the log check off. Default: 409 Conflict, terminated by other getUpdates request, AUTH_KEY_DUPLICATED, Traceback.',
    deployDescription:
      "Fatal log patterns (one per line, plain text or /regex/flags) judged in the new container's logs over the deploy's SSH session. Empty: no log check (handover always watches for 409 Conflict and AUTH_KEY_DUPLICATED).",
  },
  {
    name: 'telegram-bot-token',
    kind: 'secret',
    cliSource: {
      file: 'verify-telegram-bot-token-file',
      variable: 'TG_DEVOPS_TELEGRAM_BOT_TOKEN',
    },
    description:
      'Bot token (masked) for the webhook check through getWebhookInfo. Webhook bots only.',
    deployDescription:
      "The bot's token (a secret), to watch getWebhookInfo for delivery errors after the switch.",
  },
  {
    name: 'telegram-webhook-url',
    kind: 'string',
    description: 'The webhook URL that must be set. Empty: any non-empty URL.',
    deployDescription: 'The webhook URL Telegram must report (needs verify-telegram-bot-token).',
  },
  {
    name: 'telegram-api-url',
    kind: 'string',
    default: 'https://api.telegram.org',
    description: 'Bot API server, for self-hosted Bot API servers and tests.',
    deployName: 'telegram-api-url',
    deployDescription:
      'The Bot API base URL, for the webhook check and the notifications (a local Bot API server).',
  },
] as const satisfies readonly CheckEntry[];

export type CheckInputBaseName = (typeof CHECK_INPUTS)[number]['name'];

/** The deploy action's names of the check inputs. */
export type DeployCheckName =
  Exclude<`verify-${CheckInputBaseName}`, 'verify-telegram-api-url'> | 'telegram-api-url';

/** The deploy action's name of a check input: `verify-<name>` unless the entry says otherwise. */
export function deployCheckName(base: CheckInputBaseName): DeployCheckName {
  const entry: CheckEntry = CHECK_INPUTS.find((e) => e.name === base)!;
  return (entry.deployName ?? `verify-${base}`) as DeployCheckName;
}

/** The entry without the deploy-only fields. */
function plain(entry: CheckEntry): Entry {
  const copy: Partial<CheckEntry> = { ...entry };
  delete copy.deployDescription;
  delete copy.deployName;
  return copy as Entry;
}

function forVerify(entry: CheckEntry): Entry & { name: CheckInputBaseName } {
  return plain(entry) as Entry & { name: CheckInputBaseName };
}

function forDeploy(entry: CheckEntry): Entry & { name: DeployCheckName } {
  const name = deployCheckName(entry.name as CheckInputBaseName);
  return { ...plain(entry), name, description: entry.deployDescription } as Entry & {
    name: DeployCheckName;
  };
}

const ON_INCONCLUSIVE = {
  name: 'on-inconclusive',
  kind: 'enum',
  choices: INCONCLUSIVE_CHOICES,
  aliases: INCONCLUSIVE_ALIASES,
  default: 'fail',
  description:
    'What an inconclusive verdict does to the step: fail (default: a check that could not see proves nothing, so the release is not accepted) or pass. The old spellings pause and promote mean fail and pass.',
} as const satisfies Entry;

// ---- notifications --------------------------------------------------------------------------------

const NOTIFY_TELEGRAM_TOKEN = {
  name: 'notify-telegram-token',
  kind: 'secret',
  cli: 'refuse',
  description:
    'A bot token (a secret) that posts start, success, rollback and failure to an ops chat.',
} as const satisfies Entry;

const NOTIFY_CHAT_ID = {
  name: 'notify-chat-id',
  kind: 'secret',
  cli: 'refuse',
  description: 'The ops chat for notify-telegram-token (e.g. -1001234567890).',
} as const satisfies Entry;

const NOTIFY_WEBHOOK_URL = {
  name: 'notify-webhook-url',
  kind: 'secret',
  cli: 'refuse',
  description:
    'A URL that gets the same notifications, in the body notify-webhook-format picks (treated as a secret: Slack/Discord URLs carry one).',
} as const satisfies Entry;

/** The body a notify-webhook-url gets: src/notify/formats.ts. */
export const WEBHOOK_FORMATS = ['slack', 'discord', 'json'] as const;

const NOTIFY_WEBHOOK_FORMAT = {
  name: 'notify-webhook-format',
  kind: 'enum',
  choices: WEBHOOK_FORMATS,
  cli: 'refuse',
  description:
    "The body notify-webhook-url gets: slack (text and blocks), discord (content and embeds) or json (tg-devops' own fields). Empty: guessed from the URL's host (hooks.slack.com: slack; discord.com, discordapp.com: discord; else json).",
} as const satisfies Entry;

const NOTIFY_WEBHOOK_SECRET = {
  name: 'notify-webhook-secret',
  kind: 'secret',
  cli: 'refuse',
  description: 'Signs the webhook body: X-Tg-Devops-Signature-256: sha256=<HMAC> (a secret).',
} as const satisfies Entry;

const ENVIRONMENT = {
  name: 'environment',
  kind: 'string',
  default: 'production',
  cli: 'ignore',
  description: 'The GitHub deployment environment.',
} as const satisfies Entry;

// ---- deploy ---------------------------------------------------------------------------------------

/** Going back past an irreversible migration: the rollback's force, and a downgrade deploy's. */
const FORCE = {
  name: 'force',
  kind: 'boolean',
  default: 'false',
  description:
    'Roll back even past a release that declared an irreversible migration (org.tg-devops.migration=irreversible, or a pre-deploy migration).',
} as const satisfies Entry;

// ---- the webhook: server block and registration (deploy only) ------------------------------------

/**
 * A webhook bot's public side (issue 13): with webhook-url, tls-certificate and tls-key the deploy
 * writes and owns the app's nginx TLS server block; with telegram-bot-token and webhook-url it
 * registers the webhook after the switch (setWebhook only when something differs).
 */
const TELEGRAM_BOT_TOKEN = {
  name: 'telegram-bot-token',
  kind: 'secret',
  cliSource: { file: 'telegram-bot-token-file', variable: 'TG_DEVOPS_BOT_TOKEN' },
  description:
    "The bot's token (a secret) for the deploy's own Bot API calls, sent only in the Bot API URL (telegram-api-url): with webhook-url, setWebhook after the switch when the registration differs (then getWebhookInfo confirms it and the post-switch window watches last_error_date); for a polling bot, deleteWebhook before its first start when the token still has a webhook. Empty: verify-telegram-bot-token, when set.",
} as const satisfies Entry;

const WEBHOOK_INPUTS = [
  {
    name: 'webhook-url',
    kind: 'string',
    description:
      "The public https URL Telegram calls (port 443, 80, 88 or 8443; a path of letters, digits and . _ ~ / -), e.g. https://bot.example.net/webhook. With tls-certificate and tls-key the deploy writes the app's nginx server block for it; with telegram-bot-token it registers it (setWebhook after the switch, only when the registration differs). Webhook bots behind nginx or haproxy only. Empty: the deploy writes only the upstream and registers nothing.",
  },
  {
    name: 'tls-certificate',
    kind: 'string',
    description:
      "Path ON THE HOST of the certificate chain for webhook-url's host (certbot's fullchain.pem). With tls-key and webhook-url: the deploy writes, checks (nginx -t) and owns the app's server block: TLS on the URL's port, the URL's path to the app's upstream, everything else 404.",
  },
  {
    name: 'tls-key',
    kind: 'string',
    description: "Path ON THE HOST of tls-certificate's private key (certbot's privkey.pem).",
  },
  {
    name: 'webhook-listen',
    kind: 'string',
    description:
      "The IPv4 address the webhook server block listens on, for a host with several addresses (and tests). Empty: all addresses, on webhook-url's port.",
  },
  {
    name: 'webhook-secret',
    kind: 'secret',
    cliSource: { file: 'webhook-secret-file', variable: 'TG_DEVOPS_WEBHOOK_SECRET' },
    description:
      "setWebhook's secret_token (a secret: 1-256 of A-Z a-z 0-9 _ -). The server block answers 403 to every request without it in X-Telegram-Bot-Api-Secret-Token, so a bot that forgets to check the header is still protected. The state keeps its SHA-256 only. While it changes, the block accepts the old and the new one until setWebhook took the new one.",
  },
  {
    name: 'webhook-allowed-updates',
    kind: 'list',
    description:
      "setWebhook's allowed_updates (e.g. message, callback_query). Empty: not sent, Telegram keeps what was set before.",
  },
  {
    name: 'webhook-max-connections',
    kind: 'integer',
    min: 1,
    max: 100,
    description: "setWebhook's max_connections (1-100). Empty: not sent (Telegram's default 40).",
  },
  {
    name: 'webhook-drop-pending-updates',
    kind: 'boolean',
    default: 'false',
    description:
      'Send drop_pending_updates: true with a setWebhook this deploy makes (pending updates are LOST). Never sent unless true.',
  },
  TELEGRAM_BOT_TOKEN,
] as const satisfies readonly Entry[];

const DEPLOY_ENTRIES = [
  HOSTS,
  {
    name: 'batch-size',
    kind: 'integer',
    min: 1,
    max: 50,
    unit: 'hosts',
    default: '1',
    description: 'How many hosts deploy at the same time.',
  },
  SSH_KEY,
  KNOWN_HOSTS,
  HOST_FINGERPRINT,
  JUMP_HOST,
  JUMP_HOST_KEY,
  SSH_KEY_PASSPHRASE,
  CONNECT_TIMEOUT,
  APP,
  {
    name: 'image',
    kind: 'string',
    required: true,
    description:
      'The image to run. A digest reference (name@sha256:...) is preferred; a mutable tag works with a warning.',
  },
  {
    name: 'bot-mode',
    kind: 'enum',
    choices: BOT_MODES,
    required: true,
    description:
      'How the bot gets its updates: polling, webhook, mtproto or worker. Decides the default strategy and what is refused; a polling or mtproto bot deploys to one host only.',
  },
  {
    name: 'strategy',
    kind: 'enum',
    choices: STRATEGIES,
    description:
      'handover, blue-green or canary. Default: handover for polling and mtproto, blue-green for webhook and worker. blue-green and canary are refused for polling and mtproto bots.',
  },
  {
    name: 'command',
    kind: 'string',
    description:
      "The process's command, overriding the image's CMD: one image, several processes (e.g. 'arq bot.worker.WorkerSettings' for a queue worker deployed as its own app). Split into arguments like pre-deploy (quotes group, nothing expands, no shell; write sh -c '...' for shell features). Empty: the image's CMD.",
  },
  {
    name: 'singleton',
    kind: 'boolean',
    default: 'false',
    description:
      'The process must never run twice, not even for a moment (a scheduler): it is always handed over (the old one stops, then the new one starts). Forced for polling and mtproto bots; refused with blue-green or canary. A queue worker that may overlap leaves it false: blue-green without a proxy starts the new one, then stops the old one.',
  },
  {
    name: 'container-port',
    kind: 'integer',
    min: 1,
    max: 65535,
    default: '8080',
    description: 'The port the app listens on inside its container.',
  },
  {
    name: 'host-ports',
    kind: 'list',
    default: '8001,8002',
    description:
      'The two loopback ports on the host, BLUE,GREEN, that the colors publish to (with network: host, the app gets PORT=<port>).',
  },
  HEALTH_PATH,
  {
    name: 'env',
    kind: 'secret',
    multiline: true,
    cliSource: { file: 'env-file', variable: 'TG_DEVOPS_ENV', inline: true },
    description:
      "The app's environment as dotenv text (a secret): KEY=VALUE lines. Validated, written 0600 on the host over stdin, never printed.",
  },
  {
    name: 'volumes',
    kind: 'list',
    description:
      "Mounts, host:container[:ro], one per line: data, logs and media that outlive a release. No '..', no system paths, no docker socket, under any spelling (paths are normalised first).",
  },
  { name: 'cpus', kind: 'string', description: 'CPU limit, e.g. 0.5 or 2.' },
  { name: 'memory', kind: 'string', description: 'Memory limit, e.g. 256m or 1g.' },
  {
    name: 'network',
    kind: 'string',
    description:
      "The docker network to join, where the server's own Postgres and Redis live (they are never touched). 'host' for the host network.",
  },
  {
    name: 'docker-options',
    kind: 'multiline',
    description:
      'Extra docker run options from an allow-list: --cap-drop, --read-only, --init, --user, --log-driver, --log-opt, --pids-limit, --ulimit, --tmpfs, --security-opt no-new-privileges, --stop-signal, --shm-size. Anything else is refused.',
  },
  {
    name: 'registry',
    kind: 'string',
    description: "Registry host for the pull credentials (default: the image's registry).",
  },
  { name: 'registry-username', kind: 'string', description: 'Registry user for the pull.' },
  {
    name: 'registry-password',
    kind: 'secret',
    cliSource: { file: 'registry-password-file', variable: 'TG_DEVOPS_REGISTRY_PASSWORD' },
    description:
      'Registry password or token for the pull (a secret, sent over stdin; the host is logged out afterwards).',
  },
  {
    name: 'canary-steps',
    kind: 'list',
    default: '10,50,100',
    description: 'Canary traffic percentages, rising, ending at 100.',
  },
  {
    name: 'step-interval',
    kind: 'integer',
    min: 0,
    max: 3600,
    unit: 'seconds',
    default: '30',
    description: 'Seconds to hold each canary step before its gate.',
  },
  {
    name: 'canary-hold',
    kind: 'integer',
    min: 1,
    max: 99,
    description:
      'Canary only: run the canary steps up to this traffic percentage (gates included), then end the deploy successfully with the canary held there, both releases running, and the hold recorded in state.json on each host. The host lock is released; until resume: promote or resume: abort, any other deploy or rollback of the app is refused. Empty: no hold.',
  },
  {
    name: 'resume',
    kind: 'enum',
    choices: RESUME_CHOICES,
    description:
      "Canary only: go on with the canary held on each host (canary-hold). promote re-runs the gates, then the remaining canary steps to 100%, drains and stops the old release and records the canary as current; abort routes all traffic back to the old release, drains the canary's port, stops and removes it. image must be the held one. Empty: a normal deploy.",
  },
  {
    name: 'hold-watch',
    kind: 'integer',
    min: 0,
    max: 360,
    unit: 'minutes',
    default: '0',
    description:
      "With canary-hold: minutes the gates (health, the verify checks) keep running on the held canary inside the hold's run; a failure aborts the canary on its own (traffic back to the old release, the canary removed) and the deploy fails. 0: no watch, the deploy ends as soon as the hold weight passed its gate.",
  },
  DRAIN_SECONDS,
  STOP_GRACE,
  GATE_WINDOW,
  HEALTH_TIMEOUT,
  {
    name: 'pre-deploy',
    kind: 'string',
    description:
      "A command run in a one-off container of the new image before the switch, e.g. 'alembic upgrade head'. Split into arguments, no shell; write sh -c '...' for shell features.",
  },
  {
    name: 'backup',
    kind: 'enum',
    choices: ['postgres'],
    description:
      "'postgres' to pg_dump the database before the pre-deploy (checked readable with pg_restore --list).",
  },
  {
    name: 'backup-keep',
    kind: 'integer',
    min: 1,
    max: 100,
    default: '5',
    description: 'How many dumps to keep.',
  },
  {
    name: 'backup-database-url-variable',
    kind: 'string',
    default: 'DATABASE_URL',
    description:
      'The env variable holding the database URL to dump (must be reachable from the host).',
  },
  LOCK_TIMEOUT,
  {
    name: 'keep-releases',
    kind: 'integer',
    min: 1,
    max: 50,
    default: '3',
    description:
      "Containers to keep per app (current and previous included); older ones are pruned, and with them the app's images no kept container uses (never forced: docker keeps an image any container uses). The bytes freed are the output freed-bytes.",
  },
  {
    name: 'min-free-disk',
    kind: 'integer',
    min: 0,
    max: 1048576,
    default: '256',
    description:
      "MiB that must stay free in docker's data root after the pull. Before pulling, the deploy reads the free space (docker info, df -Pk) and refuses, naming both numbers and changing nothing, when the image's estimated size (its older tag on the host, else the current release's image) plus this margin does not fit. 0 checks only the estimate.",
  },
  {
    name: 'downgrade',
    kind: 'boolean',
    default: 'false',
    description:
      "This deploy goes back to an older version (the release workflow passes its downgrade check's answer). Then it meets the rollback's rule: a current release (or one between it and the image's earlier release on the host) that declared an irreversible migration is refused before anything changes, naming both releases, unless force is true.",
  },
  {
    ...FORCE,
    description:
      "With downgrade: true, deploy even over a release that declared an irreversible migration (org.tg-devops.migration=irreversible, or a pre-deploy migration), as the rollback action's force does.",
  },
  {
    name: 'rollback-on-partial',
    kind: 'boolean',
    default: 'true',
    description:
      'When a host fails after others took the release, roll those back to the release each ran before (the rollback plan of the engine), so every host runs the same release. false keeps them; either way the hosts output and the summary say which host runs what.',
  },
  DRY_RUN,
  STATE_DIR,
  {
    name: 'proxy',
    kind: 'enum',
    choices: PROXY_KINDS,
    description:
      'The reverse proxy that switches traffic: nginx, haproxy or none. Default: nginx for webhook bots, none otherwise.',
  },
  ...PROXY_SETTINGS_INPUTS,
  ...WEBHOOK_INPUTS,
  {
    name: 'github-token',
    kind: 'secret',
    cli: 'ignore',
    description: 'A token with deployments: write, to record a GitHub deployment and its statuses.',
  },
  ENVIRONMENT,
  {
    name: 'environment-url',
    kind: 'string',
    cli: 'ignore',
    description: 'The URL shown on the GitHub deployment.',
  },
  {
    name: 'transient-environment',
    kind: 'boolean',
    default: 'false',
    cli: 'ignore',
    description: 'Mark the GitHub deployment environment as transient.',
  },
  ...CHECK_INPUTS.map(forDeploy),
  {
    name: 'verify-window',
    kind: 'integer',
    min: 0,
    max: 3600,
    unit: 'seconds',
    description:
      'Seconds the post-switch window watches the new release when verify checks are set. Default: gate-window.',
  },
  {
    ...ON_INCONCLUSIVE,
    description:
      'What an inconclusive check (no traffic or too few samples yet) does: fail (the default: hold promotion and ask again for up to verify-pause seconds; still no evidence: roll back, traffic stays on the old release) or pass (let it pass, saying so). The old spellings pause and promote mean fail and pass.',
  },
  {
    name: 'verify-pause',
    kind: 'integer',
    min: 0,
    max: 3600,
    unit: 'seconds',
    default: '60',
    description:
      'Seconds an inconclusive check may hold promotion (on-inconclusive: fail) before the deploy rolls back.',
  },
  NOTIFY_TELEGRAM_TOKEN,
  NOTIFY_CHAT_ID,
  NOTIFY_WEBHOOK_URL,
  NOTIFY_WEBHOOK_SECRET,
  NOTIFY_WEBHOOK_FORMAT,
] as const satisfies readonly Entry[];

// ---- rollback -------------------------------------------------------------------------------------

const ROLLBACK_ENTRIES = [
  {
    ...HOSTS,
    description:
      'Hosts to roll back, user@host[:port] (IPv6 as user@[addr]:port), one per line or comma separated. Rolled back one after another, stopping at the first failure.',
  },
  SSH_KEY,
  KNOWN_HOSTS,
  HOST_FINGERPRINT,
  JUMP_HOST,
  JUMP_HOST_KEY,
  SSH_KEY_PASSPHRASE,
  CONNECT_TIMEOUT,
  { ...APP, description: 'The service name, as deployed.' },
  {
    ...STATE_DIR,
    description:
      'Where releases, the audit history and the lock live on the host (<state-dir>/<app>), as deployed.',
  },
  {
    name: 'to',
    kind: 'string',
    default: 'previous',
    description:
      "The release to go back to: a release id from the host history (the deploy output release-id, the audit log), or 'previous'.",
  },
  {
    name: 'release-id',
    kind: 'string',
    description: 'Alias of to (what the reusable rollback workflow passes). Give one of the two.',
  },
  FORCE,
  { ...DRY_RUN, description: 'Print the plan (from, to, steps) and change nothing.' },
  {
    name: 'reason',
    kind: 'string',
    description:
      "Why, for the audit history and the notification (e.g. 'manual rollback by octocat').",
  },
  {
    ...HEALTH_PATH,
    default: '/health',
    description:
      "HTTP path the target must answer 2xx on (GET 127.0.0.1:<its port>) before it takes traffic; 'none' to check only that it runs.",
  },
  STOP_GRACE,
  { ...HEALTH_TIMEOUT, description: 'Seconds the target gets to become healthy.' },
  {
    ...DRAIN_SECONDS,
    description: 'Seconds to let the current color finish its in-flight requests after the switch.',
  },
  {
    ...GATE_WINDOW,
    description:
      'Handover: seconds the target is watched for 409 Conflict / AUTH_KEY_DUPLICATED in its logs.',
  },
  {
    ...LOCK_TIMEOUT,
    description: 'Seconds to wait for a deploy of the same app on a host to finish.',
  },
  {
    name: 'proxy',
    kind: 'enum',
    choices: ROLLBACK_PROXY_KINDS,
    default: 'auto',
    description:
      'auto, nginx, haproxy or none, as deployed. auto: the proxy the current release recorded when it was deployed (nginx, haproxy with its frontend port, or none); for older records, nginx when it takes HTTP traffic (it has a color and a port), none otherwise (a handover).',
  },
  ...PROXY_SETTINGS_INPUTS.map((entry) =>
    entry.name === 'haproxy-frontend-port'
      ? {
          ...entry,
          description:
            "Loopback port of the app's HAProxy frontend (required with proxy: haproxy), as deployed. With proxy: auto the port the release recorded is used; this input only when none was recorded.",
        }
      : entry,
  ),
  {
    ...NOTIFY_TELEGRAM_TOKEN,
    description:
      'Bot token (masked) for a message to the ops chat when the rollback is done or fails.',
  },
  { ...NOTIFY_CHAT_ID, description: 'Ops chat id (masked) for that message.' },
  {
    name: 'notify-telegram-api-url',
    kind: 'string',
    default: 'https://api.telegram.org',
    description: 'Bot API base URL (a local Bot API server).',
  },
  {
    ...NOTIFY_WEBHOOK_URL,
    description:
      'Generic webhook (masked) that receives a JSON POST when the rollback is done or fails.',
  },
  {
    ...NOTIFY_WEBHOOK_SECRET,
    description:
      'Signs the webhook body (masked): header X-Tg-Devops-Signature-256 is sha256=<hex HMAC-SHA256 of the body>.',
  },
  NOTIFY_WEBHOOK_FORMAT,
  { ...ENVIRONMENT, description: 'The environment named in the notification.' },
  {
    ...TELEGRAM_BOT_TOKEN,
    description:
      "The bot's token (a secret), sent only in the Bot API URL: when the target release was deployed with another webhook registration (webhook-url, allowed updates, max connections) or server block, the rollback sets them back after its switch (setWebhook only when they differ; the live secret kept, as the state keeps only its hash). Empty: the registration stays, and the summary says so.",
  },
  {
    name: 'telegram-api-url',
    kind: 'string',
    default: 'https://api.telegram.org',
    description: 'The Bot API base URL for telegram-bot-token (a local Bot API server).',
  },
] as const satisfies readonly Entry[];

// ---- verify ---------------------------------------------------------------------------------------

const VERIFY_ENTRIES = [
  ...CHECK_INPUTS.map(forVerify),
  {
    ...HOSTS,
    required: false,
    description:
      "SSH targets (user@host[:port]), one per line, for the container and log checks. Empty: the runner's own Docker.",
  },
  {
    ...SSH_KEY,
    required: false,
    description:
      'Private SSH key for hosts (masked; written 0600 under RUNNER_TEMP and removed afterwards).',
  },
  {
    ...KNOWN_HOSTS,
    description:
      'known_hosts lines for every host. Required with hosts unless host-fingerprint is given: no verified host key, no connection.',
  },
  HOST_FINGERPRINT,
  {
    ...JUMP_HOST,
    description:
      'A bastion to reach hosts through, user@host[:port]; verified like the hosts (its line in known-hosts).',
  },
  JUMP_HOST_KEY,
  SSH_KEY_PASSPHRASE,
  CONNECT_TIMEOUT,
  {
    name: 'container',
    kind: 'string',
    description:
      'Container name to check on each host: state, health and restart count, and its logs.',
  },
  {
    name: 'since',
    kind: 'string',
    description:
      "When the deploy started: RFC 3339, unix seconds, the deploy action's release-id output (20261130-041503, UTC) or a duration ago (10m). Logs and Telegram errors before it are ignored. Empty: the container's whole log, and Telegram errors since this step started.",
  },
  {
    name: 'timeout',
    kind: 'duration',
    default: '120s',
    description:
      'Until-mode deadline: probe until every check has its consecutive passes, or until this long (90, 90s, 5m).',
  },
  {
    name: 'window',
    kind: 'duration',
    default: '0',
    description: 'Window mode: watch this long after a switch; any failure ends it. 0: until mode.',
  },
  {
    name: 'interval',
    kind: 'duration',
    default: '5s',
    minMs: 100,
    description:
      'How often a round of probes starts (on a fixed grid; a round that overruns skips to the next slot).',
  },
  {
    name: 'consecutive',
    kind: 'integer',
    min: 1,
    max: 100,
    default: '3',
    description: 'Consecutive passes each check needs.',
  },
  {
    name: 'failures',
    kind: 'integer',
    min: 1,
    max: 1000,
    description:
      'Consecutive failures that fail a check before the deadline. Empty: the consecutive value (until mode) or 1 (window mode).',
  },
  ON_INCONCLUSIVE,
  {
    ...NOTIFY_TELEGRAM_TOKEN,
    description:
      'Bot token (masked) for a message to the ops chat when verification does not accept the release.',
  },
  { ...NOTIFY_CHAT_ID, description: 'Ops chat id (masked) for that message.' },
  {
    ...NOTIFY_WEBHOOK_URL,
    description:
      'Generic webhook (masked) that receives a JSON POST when verification does not accept the release.',
  },
  {
    ...NOTIFY_WEBHOOK_SECRET,
    description:
      'Signs the webhook body (masked): header X-Tg-Devops-Signature-256 is sha256=<hex HMAC-SHA256 of the body>, as GitHub signs its webhooks.',
  },
  NOTIFY_WEBHOOK_FORMAT,
  {
    ...APP,
    required: false,
    description: 'App name for notifications. Empty: the repository name.',
  },
  {
    name: 'version',
    kind: 'string',
    description: 'Version for notifications. Empty: the commit SHA.',
  },
  { ...ENVIRONMENT, description: 'Environment for notifications.' },
] as const satisfies readonly Entry[];

export type DeployInputName = (typeof DEPLOY_ENTRIES)[number]['name'];
export type RollbackInputName = (typeof ROLLBACK_ENTRIES)[number]['name'];
export type VerifyInputName = (typeof VERIFY_ENTRIES)[number]['name'];

export const DEPLOY_SCHEMA = defineSchema<DeployInputName>('deploy', DEPLOY_ENTRIES);
export const ROLLBACK_SCHEMA = defineSchema<RollbackInputName>('rollback', ROLLBACK_ENTRIES);
export const VERIFY_SCHEMA = defineSchema<VerifyInputName>('verify', VERIFY_ENTRIES);

export const SCHEMAS = [DEPLOY_SCHEMA, ROLLBACK_SCHEMA, VERIFY_SCHEMA] as const;
