/**
 * Deploy notifications: what happened, to which version, where, with links to the run and the
 * commit. Pure formatting here; sending in src/notify/send.ts. Every field goes through the one
 * redaction point (src/redact.ts) first: details often quote host output, which can carry tokens.
 */
import { redact, redactDeep } from '../redact.js';

export type NotifyEventName = 'start' | 'success' | 'rollback' | 'failure';

export interface NotifyEvent {
  event: NotifyEventName;
  app: string;
  version: string;
  environment: string;
  runUrl?: string;
  commitUrl?: string;
  /** Free text: the verdict's reason, the failing step … (plain text, escaped on the way out). */
  details?: string;
}

export interface RunLinks {
  runUrl?: string;
  commitUrl?: string;
  repository?: string;
  sha?: string;
}

/** Pure: links to the workflow run and the commit from the runner's GITHUB_* variables. */
export function runLinks(env: Record<string, string | undefined>): RunLinks {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const repo = env.GITHUB_REPOSITORY || undefined;
  const runId = env.GITHUB_RUN_ID || undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT;
  const sha = env.GITHUB_SHA || undefined;
  return {
    repository: repo,
    sha,
    runUrl:
      repo && runId
        ? `${server}/${repo}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`
        : undefined,
    commitUrl: repo && sha ? `${server}/${repo}/commit/${sha}` : undefined,
  };
}

/** Each event's icon and headline (shared by every format). */
export const TITLE: Record<NotifyEventName, { icon: string; text: string }> = {
  start: { icon: '🚀', text: 'Deploy started' },
  success: { icon: '✅', text: 'Deploy succeeded' },
  rollback: { icon: '↩️', text: 'Deploy rolled back' },
  failure: { icon: '❌', text: 'Deploy failed' },
};

/** Escapes text for Telegram's HTML parse mode (the three characters it requires). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

/** Telegram allows 4096 characters per message (after entity parsing). */
export const TELEGRAM_LIMIT = 4096;

/** Pure: the sendMessage text in HTML parse mode; details are cut to fit the limit. */
export function telegramText(event: NotifyEvent): string {
  const e = redactDeep(event, redact);
  const title = TITLE[e.event];
  const head = [
    `${title.icon} <b>${escapeHtml(title.text)}</b>: ${escapeHtml(e.app)}`,
    `version <code>${escapeHtml(e.version)}</code> → <b>${escapeHtml(e.environment)}</b>`,
  ];
  const links = [
    e.runUrl ? `<a href="${escapeAttr(e.runUrl)}">run</a>` : '',
    e.commitUrl ? `<a href="${escapeAttr(e.commitUrl)}">commit</a>` : '',
  ].filter(Boolean);
  const tail = links.length ? [links.join(' · ')] : [];
  const fixed = [...head, ...tail].join('\n');
  if (!e.details) return fixed;
  // Visible length counts characters after parsing; raw length is a safe upper bound.
  const room = TELEGRAM_LIMIT - fixed.length - 40;
  let details = e.details;
  if (escapeHtml(details).length > room) {
    details = details.slice(0, Math.max(0, room - 100));
    while (escapeHtml(details).length > room - 3) details = details.slice(0, -50);
    details += '…';
  }
  return [...head, `<pre>${escapeHtml(details)}</pre>`, ...tail].join('\n');
}

/** Pure: the generic webhook's JSON body (plain text, no markup in the fields). */
export function webhookPayload(event: NotifyEvent): Record<string, unknown> {
  const e = redactDeep(event, redact);
  const title = TITLE[e.event];
  return {
    source: 'tg-devops',
    event: e.event,
    app: e.app,
    version: e.version,
    environment: e.environment,
    runUrl: e.runUrl ?? null,
    commitUrl: e.commitUrl ?? null,
    details: e.details ?? null,
    text: `${title.text}: ${e.app} ${e.version} → ${e.environment}${e.details ? `\n${e.details}` : ''}`,
  };
}
