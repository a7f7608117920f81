import { parseDuration } from '../inputs/kinds.js';

/** Durations like `90`, `90s`, `5m`, `1h`, `500ms`: the input kinds' one parser. */
export { parseDuration };

/**
 * A point in time as epoch ms: RFC 3339 (`2026-11-30T03:00:00Z`), unix seconds (`1764471600`),
 * a deploy's release id (`20261130-030000`, UTC: the deploy action's `release-id` output), or a
 * duration ago (`10m`). Undefined if it is none of these.
 */
export function parseSince(text: string, now: number): number | undefined {
  const t = text.trim();
  const release = t.match(/^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/);
  if (release) {
    const [y, mo, d, h, mi, s] = release.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    return new Date(ms).getUTCDate() === d ? ms : undefined;
  }
  if (/^\d{9,11}(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const ago = parseDuration(t);
  if (ago !== undefined && /[a-z]$/.test(t)) return now - ago;
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** A PromQL range (`5m`, `90s`, `1h`). */
export function isPromRange(text: string): boolean {
  return /^(\d+(ms|s|m|h|d|w|y))+$/.test(text.trim());
}
