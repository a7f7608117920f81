/**
 * moment.js format tokens (the ones `{{date 'YYYYMMDD-HHmm' tz='Europe/Berlin'}}` uses in
 * docker/metadata-action), rendered with Intl for the time zone. Text in [brackets] is literal;
 * letters that are not tokens pass through, as in moment.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface Wall {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  weekday: number; // 0 = Sunday
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new Error(`unknown time zone ${JSON.stringify(tz)}`);
    }
    formatters.set(tz, f);
  }
  return f;
}

export function wallClock(date: Date, tz: string): Wall {
  if (Number.isNaN(date.getTime())) throw new Error('invalid date');
  const ms = date.getUTCMilliseconds();
  if (tz === 'UTC' || tz === 'Etc/UTC') {
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
      ms,
      weekday: date.getUTCDay(),
      offsetMinutes: 0,
    };
  }
  const parts: Record<string, number> = {};
  for (const p of formatterFor(tz).formatToParts(date)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
    ms,
  );
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
    ms,
    weekday: new Date(asUtc).getUTCDay(),
    offsetMinutes: Math.round((asUtc - date.getTime()) / 60000),
  };
}

const pad = (n: number, width: number) => String(Math.abs(n)).padStart(width, '0');

function ordinal(n: number): string {
  const b = n % 10;
  const suffix =
    Math.floor((n % 100) / 10) === 1
      ? 'th'
      : b === 1
        ? 'st'
        : b === 2
          ? 'nd'
          : b === 3
            ? 'rd'
            : 'th';
  return `${n}${suffix}`;
}

function dayOfYear(w: Wall): number {
  return (Date.UTC(w.year, w.month - 1, w.day) - Date.UTC(w.year, 0, 1)) / 86400000 + 1;
}

function isoWeek(w: Wall): { week: number; year: number } {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  return {
    week: Math.ceil(((d.getTime() - yearStart) / 86400000 + 1) / 7),
    year: d.getUTCFullYear(),
  };
}

function offset(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60), 2)}${colon ? ':' : ''}${pad(Math.abs(minutes) % 60, 2)}`;
}

const TOKENS: Record<string, (w: Wall, date: Date) => string> = {
  YYYYYY: (w) => (w.year < 0 ? '-' : '+') + pad(w.year, 6),
  YYYY: (w) => pad(w.year, 4),
  YY: (w) => pad(w.year % 100, 2),
  Y: (w) => String(w.year),
  GGGG: (w) => pad(isoWeek(w).year, 4),
  Q: (w) => String(Math.ceil(w.month / 3)),
  MMMM: (w) => MONTHS[w.month - 1]!,
  MMM: (w) => MONTHS[w.month - 1]!.slice(0, 3),
  MM: (w) => pad(w.month, 2),
  Mo: (w) => ordinal(w.month),
  M: (w) => String(w.month),
  DDDD: (w) => pad(dayOfYear(w), 3),
  DDDo: (w) => ordinal(dayOfYear(w)),
  DDD: (w) => String(dayOfYear(w)),
  DD: (w) => pad(w.day, 2),
  Do: (w) => ordinal(w.day),
  D: (w) => String(w.day),
  dddd: (w) => DAYS[w.weekday]!,
  ddd: (w) => DAYS[w.weekday]!.slice(0, 3),
  dd: (w) => DAYS[w.weekday]!.slice(0, 2),
  do: (w) => ordinal(w.weekday),
  d: (w) => String(w.weekday),
  E: (w) => String(w.weekday || 7),
  WW: (w) => pad(isoWeek(w).week, 2),
  Wo: (w) => ordinal(isoWeek(w).week),
  W: (w) => String(isoWeek(w).week),
  HH: (w) => pad(w.hour, 2),
  H: (w) => String(w.hour),
  hh: (w) => pad(w.hour % 12 || 12, 2),
  h: (w) => String(w.hour % 12 || 12),
  kk: (w) => pad(w.hour || 24, 2),
  k: (w) => String(w.hour || 24),
  mm: (w) => pad(w.minute, 2),
  m: (w) => String(w.minute),
  ss: (w) => pad(w.second, 2),
  s: (w) => String(w.second),
  SSS: (w) => pad(w.ms, 3),
  SS: (w) => pad(Math.floor(w.ms / 10), 2),
  S: (w) => String(Math.floor(w.ms / 100)),
  A: (w) => (w.hour < 12 ? 'AM' : 'PM'),
  a: (w) => (w.hour < 12 ? 'am' : 'pm'),
  ZZ: (w) => offset(w.offsetMinutes, false),
  Z: (w) => offset(w.offsetMinutes, true),
  X: (_w, date) => String(Math.floor(date.getTime() / 1000)),
  x: (_w, date) => String(date.getTime()),
};

const TOKEN_RE = new RegExp(
  `\\[[^\\]]*\\]|${Object.keys(TOKENS)
    .sort((a, b) => b.length - a.length)
    .join('|')}`,
  'g',
);

export function formatDate(date: Date, format: string, tz = 'UTC'): string {
  const wall = wallClock(date, tz);
  // moment's default format: a literal Z for UTC, the offset otherwise.
  const fmt =
    format === ''
      ? wall.offsetMinutes === 0
        ? 'YYYY-MM-DDTHH:mm:ss[Z]'
        : 'YYYY-MM-DDTHH:mm:ssZ'
      : format;
  return fmt.replace(TOKEN_RE, (token) =>
    token.startsWith('[') ? token.slice(1, -1) : TOKENS[token]!(wall, date),
  );
}
