/**
 * The one redaction point. Everything that leaves the engine (log lines, errors, annotations, the
 * job summary, outputs, notifications, the host's audit records) goes through `redact`, which
 * removes three things:
 *
 * - Telegram bot token shapes (`<bot id>:<35 URL-safe characters>`), bare or inside a URL such
 *   as `https://api.telegram.org/bot<token>/getUpdates` (python-telegram-bot logs those at INFO);
 * - credentials in URLs: the password of `scheme://user:password@host`;
 * - every value registered as a secret: the secret inputs, and from dotenv text (the deploy's
 *   `env`) each value whose key names a secret (TOKEN, SECRET, PASSWORD, PASS, KEY, DSN) or
 *   that is a URL carrying credentials, on its own and not only as the whole `KEY=value` line.
 *
 * Host output is also kept from acting as a workflow command (`guardCommands`).
 * Pure functions, plus one registry of secret values per process (an action run is one process).
 */
import { randomUUID } from 'node:crypto';

export const REDACTED = '***';

/** `<bot id>:<secret>`; the colon may be URL-encoded. No left word boundary: `bot123:…` counts. */
const TOKEN_SHAPE = /(?<![0-9])[0-9]{5,}(?::|%3[Aa])[A-Za-z0-9_-]{30,}/g;
/** A Bot API path `/bot<id>:<secret>` of any length: a message cut short may end inside one. */
const BOT_PATH = /\/bot[0-9]{5,}(?::|%3[Aa])[A-Za-z0-9_-]*/g;
/** The password part of `scheme://user:password@`. */
const URL_CREDENTIALS = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#@:'"<>]*):([^\s/?#@'"<>]+)@/g;

/** Key names whose values are secrets (matched anywhere in the upper-cased name). */
export const SECRET_NAME_PARTS = ['TOKEN', 'SECRET', 'PASSWORD', 'PASS', 'KEY', 'DSN'] as const;
/** Shorter values are not worth a mask: masking `yes` or `1` everywhere would garble every log. */
export const MIN_SECRET_LENGTH = 4;

/** Pure: the text without token shapes and URL passwords. */
export function redactShapes(text: string): string {
  return text
    .replace(TOKEN_SHAPE, REDACTED)
    .replace(BOT_PATH, `/bot${REDACTED}`)
    .replace(URL_CREDENTIALS, (_match, head: string) => `${head}:${REDACTED}@`);
}

/** Pure: every value replaced, longest first (so a value that contains another goes whole). */
export function redactValues(text: string, values: Iterable<string>): string {
  const sorted = [...new Set(values)]
    .filter((v) => v.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  return sorted.reduce((out, value) => out.split(value).join(REDACTED), text);
}

/** Pure: the whole rule, with the values given. */
export function redactWith(text: string, values: Iterable<string>): string {
  return redactShapes(redactValues(text, values));
}

export function isSecretName(key: string): boolean {
  const upper = key.toUpperCase();
  return SECRET_NAME_PARTS.some((part) => upper.includes(part));
}

/** Pure: the password of every `scheme://user:password@` URL in the text (raw and decoded). */
export function urlPasswords(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(URL_CREDENTIALS)) {
    const password = m[2]!;
    found.push(password);
    try {
      const decoded = decodeURIComponent(password);
      if (decoded !== password) found.push(decoded);
    } catch {
      /* not percent-encoded */
    }
  }
  return found;
}

/**
 * Pure: the secret values of dotenv text (KEY=VALUE lines, `export `, # comments, one pair of
 * outer quotes): values whose key names a secret, and URLs carrying credentials (the whole URL
 * and its password).
 */
export function secretEnvValues(dotenv: string): string[] {
  const values: string[] = [];
  for (const raw of dotenv.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, '');
    const m = line.match(/^([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/);
    if (!m) continue;
    const value = unquote(m[2]!.trim());
    if (!value) continue;
    const passwords = urlPasswords(value);
    if (isSecretName(m[1]!) || passwords.length) values.push(value);
    values.push(...passwords);
  }
  return values.filter((v) => v.length >= MIN_SECRET_LENGTH);
}

function unquote(value: string): string {
  const q = value[0];
  return (q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)
    ? value.slice(1, -1)
    : value;
}

/**
 * Pure: every part of a secret that gets its own mask: the whole value, each line (a multi-line
 * secret is printed line by line), and the secret values inside it when it is dotenv text.
 */
export function secretParts(value: string): string[] {
  if (value.trim() === '') return [];
  const parts = [value];
  for (const line of value.split(/\r?\n/)) parts.push(line.trim());
  parts.push(...secretEnvValues(value), ...urlPasswords(value));
  return [...new Set(parts)].filter((p) => p.length >= MIN_SECRET_LENGTH);
}

/** The secret values this process knows. */
export class SecretRegistry {
  private readonly values = new Set<string>();

  /** Registers a secret and each of its parts; returns the parts not known before (to mask). */
  add(value: string): string[] {
    const added = secretParts(value).filter((p) => !this.values.has(p));
    for (const part of added) this.values.add(part);
    return added;
  }

  has(value: string): boolean {
    return this.values.has(value);
  }

  redact(text: string): string {
    return redactWith(text, this.values);
  }

  /** For tests: forget every value. */
  clear(): void {
    this.values.clear();
  }
}

/** The process's registry: the runner layer masks through it, every writer redacts through it. */
export const secrets = new SecretRegistry();

/** Registers a secret (and each of its parts); returns the parts to mask on the runner. */
export function registerSecret(value: string): string[] {
  return secrets.add(value);
}

/** The one redaction call: shapes and every registered value. */
export function redact(text: string): string {
  return secrets.redact(text);
}

/** Redacts every string inside a JSON-like value (audit entries, webhook payloads, outputs). */
export function redactDeep<T>(value: T, hide: (text: string) => string = redact): T {
  if (typeof value === 'string') return hide(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, hide)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, hide)])) as T;
  }
  return value;
}

/** A line the runner would read as a workflow command (`::cmd::`, or the old `##[cmd]`). */
const COMMAND_LINE = /^\s*(::|##\[)/m;

export function looksLikeCommand(text: string): boolean {
  return COMMAND_LINE.test(text);
}

/**
 * Host output (pre-deploy output, container logs, gate evidence) must never act as a workflow
 * command: when a line of it looks like one, the text is wrapped in
 * `::stop-commands::<random token>` … `::<token>::`, which the runner honours, so the text is
 * shown exactly as the host wrote it. Text without such a line is returned as is.
 */
export function guardCommands(text: string, token: () => string = randomUUID): string {
  if (!looksLikeCommand(text)) return text;
  let stop = `tg-devops-${token()}`;
  while (text.includes(stop)) stop = `tg-devops-${token()}`;
  return `::stop-commands::${stop}\n${text}\n::${stop}::`;
}
