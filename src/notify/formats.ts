/**
 * The body a notify-webhook-url gets, in the shape its service documents: Slack's incoming webhook
 * (`text` plus Block Kit `blocks`), Discord's execute-webhook (`content` plus `embeds`), or our
 * own JSON (message.ts webhookPayload). Pure. The event goes through the one redaction point
 * first, then each text is escaped for its service's markup and cut to its service's limits.
 */
import type { WEBHOOK_FORMATS } from '../inputs/entries.js';
import { redact, redactDeep } from '../redact.js';
import { TITLE, webhookPayload, type NotifyEvent, type NotifyEventName } from './message.js';

/** notify-webhook-format's choices (the schema entry holds the list). */
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Slack: a section block's text and a context element's text, blocks per message. */
export const SLACK_LIMITS = { sectionText: 3000, contextText: 3000, blocks: 50, text: 3000 };

/** Discord: message content, and an embed's parts (characters; the total counts all embeds). */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
};

/**
 * The format when none is given: Slack's and Discord's webhook hosts are known; anything else
 * (a self-hosted relay, a Slack workflow proxy) gets the JSON body.
 */
export function guessWebhookFormat(url: string): WebhookFormat {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return 'json';
  }
  if (host === 'hooks.slack.com' || host.endsWith('.hooks.slack.com')) return 'slack';
  const discord = ['discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com'];
  if (discord.includes(host)) return 'discord';
  return 'json';
}

/** The webhook body for an event in the given format. */
export function webhookBody(event: NotifyEvent, format: WebhookFormat): Record<string, unknown> {
  if (format === 'slack') return slackPayload(event);
  if (format === 'discord') return discordPayload(event);
  return webhookPayload(event);
}

/**
 * Cuts text to at most max UTF-16 units (what JSON and both services count at worst), ending in
 * an ellipsis when cut, never in the middle of a surrogate pair.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** A run of three backticks in quoted text would close the code block it sits in. */
function defuseFences(text: string): string {
  return text.replace(/```/g, '`\u200b`\u200b`');
}

// ---- Slack ----------------------------------------------------------------------------------------

/** Slack's mrkdwn needs &, < and > escaped (`<!channel>` would ping everyone). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts escaped mrkdwn without leaving half an entity (&am…). */
function cutEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  const cutText = cut(escaped, max).slice(0, -1);
  return `${cutText.replace(/&[a-z]{0,4}$/, '')}…`;
}

/** Slack: `text` (the notification's fallback) plus section and context blocks. */
export function slackPayload(event: NotifyEvent): Record<string, unknown> {
  const e = redactDeep(event, redact);
  const title = TITLE[e.event];
  const version = e.version.replace(/`/g, "'");
  const head = cutEscaped(
    escapeSlack(
      `${title.icon} *${title.text}*: ${e.app}\nversion \`${version}\` → *${e.environment}*`,
    ),
    SLACK_LIMITS.sectionText,
  );
  const blocks: Record<string, unknown>[] = [section(head)];
  if (e.details) {
    const fence = '```';
    const room = SLACK_LIMITS.sectionText - 2 * fence.length - 2;
    const details = cutEscaped(escapeSlack(defuseFences(e.details)), room);
    blocks.push(section(`${fence}\n${details}\n${fence}`));
  }
  const links = [
    e.runUrl ? `<${escapeSlack(e.runUrl).replace(/\|/g, '%7C')}|run>` : '',
    e.commitUrl ? `<${escapeSlack(e.commitUrl).replace(/\|/g, '%7C')}|commit>` : '',
  ].filter(Boolean);
  if (links.length) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: cutEscaped(links.join(' · '), SLACK_LIMITS.contextText) }],
    });
  }
  return {
    text: cutEscaped(
      escapeSlack(`${title.icon} ${title.text}: ${e.app} ${e.version} → ${e.environment}`),
      SLACK_LIMITS.text,
    ),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
    unfurl_links: false,
    unfurl_media: false,
  };
}

function section(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

// ---- Discord --------------------------------------------------------------------------------------

const DISCORD_COLOR: Record<NotifyEventName, number> = {
  start: 0x3b82f6,
  success: 0x22c55e,
  rollback: 0xf59e0b,
  failure: 0xef4444,
};

/** Discord markdown: a backslash before each character that could format or link. */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\*_~`|>#[\]()<@:-]/g, '\\$&');
}

/** Cuts escaped markdown without leaving a lone backslash at the end. */
function cutDiscord(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  const body = cut(escaped, max).slice(0, -1);
  return `${body.replace(/(?<!\\)((?:\\\\)*)\\$/, '$1')}…`;
}

/** Discord: `content` (required, the notification text) plus one embed with the details. */
export function discordPayload(event: NotifyEvent): Record<string, unknown> {
  const e = redactDeep(event, redact);
  const title = TITLE[e.event];
  const content = cutDiscord(
    escapeDiscord(`${title.icon} ${title.text}: ${e.app} ${e.version} → ${e.environment}`),
    DISCORD_LIMITS.content,
  );
  const embedTitle = cut(`${title.icon} ${title.text}: ${e.app}`, DISCORD_LIMITS.title);
  const headLine = `version \`${e.version.replace(/`/g, "'")}\` → **${escapeDiscord(e.environment)}**`;
  const links = [
    e.runUrl ? `[run](${e.runUrl.replace(/[()\s]/g, encodeURIComponent)})` : '',
    e.commitUrl ? `[commit](${e.commitUrl.replace(/[()\s]/g, encodeURIComponent)})` : '',
  ].filter(Boolean);
  const linkLine = links.join(' · ');
  // The title and the fixed lines first; the details get what is left of the description.
  const fixedFull = `${headLine}${linkLine ? `\n${linkLine}` : ''}`;
  const fixed = cut(fixedFull, DISCORD_LIMITS.description);
  let description = fixed;
  if (e.details && fixed === fixedFull) {
    const fence = '```';
    const room = Math.min(
      DISCORD_LIMITS.description - fixed.length - 2 * fence.length - 4,
      DISCORD_LIMITS.total - embedTitle.length - fixed.length - 2 * fence.length - 4,
    );
    if (room > 1) {
      const details = cut(defuseFences(e.details), room);
      description = `${headLine}\n${fence}\n${details}\n${fence}${linkLine ? `\n${linkLine}` : ''}`;
    }
  }
  const embed: Record<string, unknown> = {
    title: embedTitle,
    description,
    color: DISCORD_COLOR[e.event],
  };
  if (e.runUrl && /^https?:\/\//.test(e.runUrl)) embed.url = e.runUrl;
  return {
    content,
    embeds: [embed],
    // Details quote host output: an "@everyone" in it must not ping anyone.
    allowed_mentions: { parse: [] },
  };
}
