/**
 * The webhook's own nginx server block (issue 13), for a deploy given webhook-url,
 * tls-certificate and tls-key: TLS on the URL's port (Telegram calls only 443, 80, 88 and 8443,
 * over HTTPS), the URL's path to the app's upstream (tg_<app>, which the traffic switch owns),
 * anything else 404, and with webhook-secret a 403 for every request whose
 * X-Telegram-Bot-Api-Secret-Token is not the secret, so a bot that forgets to check it is still
 * protected. Pure: values in, validated, config text out. Every value that reaches the text is
 * held to a character set nginx's grammar cannot misread (no quotes, spaces, ; { } $ #).
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { InputError } from '../errors.js';
import type { Executor } from '../exec.js';
import {
  installIncludeFile,
  uninstallIncludeFile,
  upstreamName,
  webhookServerFile,
} from './nginx.js';
import { oldWorkers, readWorkers } from './nginx-workers.js';
import type { NginxSettings } from './types.js';

/** The ports Telegram delivers webhooks to. */
export const TELEGRAM_WEBHOOK_PORTS = [443, 80, 88, 8443] as const;

export interface WebhookUrl {
  host: string;
  port: number;
  path: string;
}

export interface WebhookServer extends WebhookUrl {
  app: string;
  /** Paths on the host (certbot's fullchain.pem and privkey.pem, say). */
  certificate: string;
  key: string;
  /** setWebhook's secret_token; without it no header is required. */
  secret?: string;
  /**
   * Secrets accepted beside `secret` (with a secret only): while it changes, the one Telegram
   * still signs with until setWebhook took the new one.
   */
  alsoAccept?: string[];
  /** The address to listen on (default: all, as Telegram reaches the host from outside). */
  listenAddress?: string;
}

const HOST =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const PATH_CHARS = /^\/[A-Za-z0-9._~/-]*$/;

/** The public https URL Telegram calls: https, a host name or IPv4, one of Telegram's ports. */
export function parseWebhookUrl(value: string, input = 'webhook-url'): WebhookUrl {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InputError(input, 'is not a URL (e.g. https://bot.example.net/telegram/webhook)');
  }
  if (url.protocol !== 'https:')
    throw new InputError(input, 'must be https: Telegram delivers webhooks over HTTPS only');
  if (url.username || url.password) throw new InputError(input, 'must not carry credentials');
  if (url.search || url.hash)
    throw new InputError(input, 'must not have a query or a fragment: the path alone is routed');
  if (!HOST.test(url.hostname))
    throw new InputError(input, `host ${JSON.stringify(url.hostname)} is not a DNS name or IPv4`);
  const port = url.port ? Number(url.port) : 443;
  if (!(TELEGRAM_WEBHOOK_PORTS as readonly number[]).includes(port))
    throw new InputError(
      input,
      `port ${port}: Telegram delivers webhooks only to ports ${TELEGRAM_WEBHOOK_PORTS.join(', ')}`,
    );
  const path = decodeURIComponent(url.pathname);
  // URL() resolves /a/../b to /b: refuse the segments as written, not as resolved
  const dotSegment = /\/\.\.?(\/|$)/.test(value.trim().replace(/^https:\/\/[^/]*/, ''));
  if (!PATH_CHARS.test(path) || dotSegment)
    throw new InputError(
      input,
      'path: letters, digits and . _ ~ / - only, without . or .. segments',
    );
  return { host: url.hostname.toLowerCase(), port, path };
}

/** An absolute path on the host for tls-certificate / tls-key. */
export function parseHostFile(value: string, input: string): string {
  const path = value.trim();
  if (!/^\/[A-Za-z0-9._@+/-]+$/.test(path) || path.split('/').some((p) => p === '..'))
    throw new InputError(
      input,
      'must be an absolute path on the host (letters, digits and . _ @ + / - only, no ..), e.g. /etc/letsencrypt/live/bot.example.net/fullchain.pem',
    );
  return path;
}

/** Telegram's rule for secret_token: 1-256 characters, A-Z a-z 0-9 _ - only. */
export function parseWebhookSecret(value: string, input = 'webhook-secret'): string {
  const secret = value.trim();
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(secret))
    throw new InputError(
      input,
      "must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token)",
    );
  return secret;
}

export { webhookServerFile };

/** The secrets a block written by renderWebhookServer accepts (the map's `"<secret>" 0;` lines). */
export function acceptedSecrets(text: string): string[] {
  return [...text.matchAll(/^\s*"([A-Za-z0-9_-]{1,256})" 0;\s*$/gm)].map((m) => m[1]!);
}

/** An nginx variable name for the app (app names allow '-', variables do not). */
const refusedVariable = (app: string) => `$tg_${app.replace(/-/g, '_')}_webhook_refused`;

/** The server block (and, with a secret, the map that refuses the rest), as one include file. */
export function renderWebhookServer(server: WebhookServer): string {
  const url = parseWebhookUrl(`https://${server.host}:${server.port}${server.path}`);
  const certificate = parseHostFile(server.certificate, 'tls-certificate');
  const key = parseHostFile(server.key, 'tls-key');
  const secret =
    server.secret === undefined ? undefined : parseWebhookSecret(server.secret, 'webhook-secret');
  if (!/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/.test(server.app)) throw new InputError('app', 'bad name');
  const listen = server.listenAddress ? `${server.listenAddress}:${url.port}` : String(url.port);
  if (server.listenAddress && !/^(\d{1,3}\.){3}\d{1,3}$/.test(server.listenAddress))
    throw new InputError('webhook-listen', 'must be an IPv4 address');
  const refused = refusedVariable(server.app);
  const accepted = secret
    ? [
        secret,
        ...(server.alsoAccept ?? [])
          .map((s) => parseWebhookSecret(s, 'webhook-secret'))
          .filter((s) => s !== secret),
      ]
    : [];
  const lines = [
    `# Managed by tg-devops for app '${server.app}' (webhook server: https://${url.host}:${url.port}${url.path}); rewritten on each deploy, removed with the app, do not edit.`,
  ];
  if (secret)
    lines.push(
      '# Every request without the right X-Telegram-Bot-Api-Secret-Token is answered 403 here.',
      `map $http_x_telegram_bot_api_secret_token ${refused} {`,
      '    default 1;',
      ...[...new Set(accepted)].map((s) => `    "${s}" 0;`),
      '}',
    );
  lines.push(
    'server {',
    `    listen ${listen} ssl;`,
    `    server_name ${url.host};`,
    `    ssl_certificate ${certificate};`,
    `    ssl_certificate_key ${key};`,
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    `    location = ${url.path} {`,
    ...(secret ? [`        if (${refused}) { return 403; }`] : []),
    `        proxy_pass http://${upstreamName(server.app)};`,
    '        proxy_http_version 1.1;',
    '        proxy_set_header Connection "";',
    '        proxy_set_header Host $host;',
    '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '        proxy_set_header X-Forwarded-Proto https;',
    '    }',
  );
  // a path only this version of the block answers (204): the deploy knows nginx serves it when
  // a new connection gets 204 (a reload returns before its new workers take connections)
  // (of the text with each secret replaced by its place: the path says nothing of a secret, and
  // a rotation, which changes only the map, changes it too)
  const unique = [...new Set(accepted)];
  const tag = createHash('sha256')
    .update(unique.reduce((text, s, i) => text.split(`"${s}"`).join(`"#${i}"`), lines.join('\n')))
    .digest('hex')
    .slice(0, 16);
  lines.push(
    `    location = ${SERVED_PREFIX}${tag} { return 204; }`,
    '    location / { return 404; }',
    '}',
    '',
  );
  return lines.join('\n');
}

const SERVED_PREFIX = '/.well-known/tg-devops-served-';

/** The path only this block answers 204 (see renderWebhookServer), or undefined. */
export function servedPath(text: string): string | undefined {
  return new RegExp(`location = (${SERVED_PREFIX.replace(/[.]/g, '\\.')}[0-9a-f]{16}) `).exec(
    text,
  )?.[1];
}

/** The `server { ... }` sections of a block file (its servers, without the map). */
export function serverSections(text: string): string[] {
  return [...text.matchAll(/^server \{\n[\s\S]*?^\}\n/gm)].map((m) => m[0]);
}

/** `listen` and `server_name` of a section: two sections with the same pair are one server. */
const serverKey = (section: string) =>
  `${/^\s*listen (\S+) ssl;/m.exec(section)?.[1]} ${/^\s*server_name (\S+);/m.exec(section)?.[1]}`;

/**
 * The block while the registration moves: the new block, plus the live block's servers that
 * answer another address or host name (Telegram calls the old URL until setWebhook took the new
 * one). They refuse and accept by the same map, which accepts the old and the new secret.
 * Without a secret now, an old server that checked one is left out (its check has no map).
 */
export function transitionBlock(next: string, live: string | undefined): string {
  if (!live) return next;
  const keys = new Set(serverSections(next).map(serverKey));
  const hasMap = /^map /m.test(next);
  const old = serverSections(live).filter(
    (section) => !keys.has(serverKey(section)) && (hasMap || !/ if \(/.test(section)),
  );
  if (!old.length) return next;
  return `${next}# The live block's server, until setWebhook moved Telegram to the one above:\n${old.join('')}`;
}

/**
 * Makes the app's webhook server block live: write, `nginx -t`, reload; a block nginx refuses
 * leaves the previous one (or none) in place and names nginx's output. False: already so.
 */
export async function installWebhookServer(
  exec: Executor,
  nginx: NginxSettings,
  server: WebhookServer,
  options: { keepLive?: string } = {},
): Promise<boolean> {
  const path = webhookServerFile(nginx.confDir, server.app);
  const text = renderWebhookServer(server);
  return installIncludeFile(
    exec,
    nginx,
    path,
    options.keepLive === undefined ? text : transitionBlock(text, options.keepLive),
  );
}

/**
 * Waits until nginx serves the block (its served path answers 204 on a new connection, asked
 * with curl on the host) and no worker of an earlier configuration is left shutting down (`ps`):
 * a reload returns before its new workers take connections, and old workers answer one more
 * request on each kept-alive connection. Telegram must not be moved to a secret or URL the old
 * workers refuse. False: not seen in time, or no curl on the host (the caller warns).
 */
export async function waitServed(
  exec: Executor,
  server: Pick<WebhookServer, 'host' | 'port' | 'listenAddress'>,
  text: string,
  clock: Clock,
  seconds = 30,
): Promise<boolean> {
  const path = servedPath(text);
  if (!path) return false;
  const address = server.listenAddress ?? '127.0.0.1';
  const end = clock.now() + seconds * 1000;
  for (;;) {
    const result = await exec.run(
      [
        'curl', '-sk', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5',
        '--resolve', `${server.host}:${server.port}:${address}`,
        `https://${server.host}:${server.port}${path}`,
      ],
      { allowFailure: true },
    ); // prettier-ignore
    if (result.stdout.trim() === '204') break;
    if (result.exitCode === 127 || clock.now() >= end) return false;
    await clock.sleep(200);
  }
  // New connections get the new block now; an old worker still answers one more request on each
  // kept-alive connection it holds (Telegram keeps them) with the old block, until it exits.
  let since: number | undefined;
  for (;;) {
    const view = await readWorkers(exec);
    if (!view) return true; // no workers visible: the served path is what we know
    since ??= view.now;
    if (oldWorkers(view, since) === 0) return true;
    if (clock.now() >= end) return false;
    await clock.sleep(200);
  }
}

/** Removes the block with the app (tested and reloaded; put back if nginx refuses its absence). */
export async function uninstallWebhookServer(
  exec: Executor,
  nginx: NginxSettings,
  app: string,
): Promise<void> {
  await uninstallIncludeFile(
    exec,
    nginx,
    webhookServerFile(nginx.confDir, app),
    'the webhook server',
  );
}
