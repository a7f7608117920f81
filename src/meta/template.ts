/**
 * The small part of Handlebars that docker/metadata-action's rules use: `{{name}}`,
 * `{{helper 'arg' key='value'}}`, `{{{name}}}` (no escaping) and `\{{` (literal braces).
 * Like Handlebars, values from `{{ }}` are HTML-escaped and unknown names render empty. Block
 * helpers (`{{#if}}`) and partials are refused with a clear error instead of being half-supported.
 */

export type HelperArg = string | number | boolean | undefined;
/** An unquoted parameter: Handlebars looks it up as a path (usually undefined). */
interface PathArg {
  path: string;
}
type Arg = HelperArg | PathArg;
export type Helper = (args: HelperArg[], hash: Record<string, HelperArg>) => unknown;
export type Scope = Record<string, unknown>;

export interface Mustache {
  kind: 'mustache';
  path: string;
  args: Arg[];
  hash: Record<string, Arg>;
  escape: boolean;
}
export type Part = { kind: 'text'; text: string } | Mustache;

export class TemplateError extends Error {}

const cache = new Map<string, Part[]>();

export function parseTemplate(template: string): Part[] {
  const cached = cache.get(template);
  if (cached) return cached;
  const parts: Part[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('\\{{', i)) {
      const end = template.indexOf('{{', i + 3);
      const stop = end < 0 ? template.length : end;
      text += template.slice(i + 1, stop);
      i = stop;
      continue;
    }
    if (!template.startsWith('{{', i)) {
      text += template[i++];
      continue;
    }
    const triple = template.startsWith('{{{', i);
    const close = triple ? '}}}' : '}}';
    const end = template.indexOf(close, i + close.length);
    if (end < 0) throw new TemplateError(`unclosed ${triple ? '{{{' : '{{'} in ${template}`);
    const body = template
      .slice(i + close.length, end)
      .replace(/^~|~$/g, '')
      .trim();
    if (text) parts.push({ kind: 'text', text });
    text = '';
    const stripped = body.replace(/^&\s*/, '');
    if (!stripped.startsWith('!'))
      parts.push(parseMustache(stripped, !triple && !body.startsWith('&')));
    i = end + close.length;
  }
  if (text) parts.push({ kind: 'text', text });
  if (cache.size > 1000) cache.clear();
  cache.set(template, parts);
  return parts;
}

function parseMustache(body: string, escape: boolean): Mustache {
  if (/^[#/^>@]/.test(body) || body === 'else') {
    throw new TemplateError(`{{${body}}}: block helpers and partials are not supported`);
  }
  const tokens = tokenize(body);
  const path = tokens.shift();
  if (!path || !/^[A-Za-z_][\w.]*$/.test(path))
    throw new TemplateError(`{{${body}}}: bad expression`);
  const args: Arg[] = [];
  const hash: Record<string, Arg> = {};
  for (const token of tokens) {
    const pair = token.match(/^([A-Za-z_]\w*)=(.*)$/s);
    if (pair) hash[pair[1]!] = literal(pair[2]!, body);
    else args.push(literal(token, body));
  }
  return { kind: 'mustache', path, args, hash, escape };
}

function tokenize(body: string): string[] {
  const tokens: string[] = [];
  const re = /\s*((?:[A-Za-z_]\w*=)?(?:'[^']*'|"[^"]*"|[^\s'"]+))/gy;
  let match: RegExpExecArray | null;
  let last = 0;
  while ((match = re.exec(body))) {
    tokens.push(match[1]!);
    last = re.lastIndex;
  }
  if (body.slice(last).trim() !== '') throw new TemplateError(`{{${body}}}: cannot parse`);
  return tokens;
}

function literal(token: string, body: string): Arg {
  if (/^'.*'$|^".*"$/s.test(token)) return token.slice(1, -1);
  if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
  if (token === 'true' || token === 'false') return token === 'true';
  if (token === 'undefined' || token === 'null') return undefined;
  if (/^[^\s!"#%&'()*+,;<=>@[\\\]^`{|}~]+$/.test(token)) return { path: token };
  throw new TemplateError(`{{${body}}}: cannot read ${token}`);
}

function lookup(path: string, scope: Scope): unknown {
  let value: unknown = scope;
  for (const key of path.replace(/^this\./, '').split('.')) {
    value =
      value !== null && typeof value === 'object' && Object.hasOwn(value, key)
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  return value;
}

function resolveArg(arg: Arg, scope: Scope): HelperArg {
  if (arg === null || typeof arg !== 'object') return arg;
  const value = lookup(arg.path, scope);
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? value
    : undefined;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};

/** Handlebars' escapeExpression: the same seven characters. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => ESCAPES[c]!);
}

function show(value: unknown): string {
  if (value === undefined || value === null || value === false)
    return value === false ? 'false' : '';
  if (Array.isArray(value)) return value.map((v) => show(v)).join(',');
  return String(value);
}

export function render(template: string, scope: Scope): string {
  if (!template.includes('{{')) return template;
  let out = '';
  for (const part of parseTemplate(template)) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    let value = lookup(part.path, scope);
    if (typeof value === 'function') {
      const hash: Record<string, HelperArg> = {};
      for (const [k, v] of Object.entries(part.hash)) hash[k] = resolveArg(v, scope);
      value = (value as Helper)(
        part.args.map((a) => resolveArg(a, scope)),
        hash,
      );
    } else if (part.args.length || Object.keys(part.hash).length) {
      throw new TemplateError(`{{${part.path}}} is not a helper that takes arguments`);
    }
    const text = show(value);
    out += part.escape ? escapeHtml(text) : text;
  }
  return out;
}

/** True when the template is exactly one `{{raw}}` (metadata-action keeps such prereleases raw). */
export function isRawStatement(template: string): boolean {
  try {
    const parts = parseTemplate(template);
    return parts.length === 1 && parts[0]!.kind === 'mustache' && parts[0]!.path === 'raw';
  } catch {
    return false;
  }
}

/** Whether a template mentions a name at all (used to skip API calls nobody needs). */
export function mentions(template: string, name: string): boolean {
  return template.includes('{{') && new RegExp(`\\{\\{\\{?[~&\\s]*${name}\\b`).test(template);
}
