import { InputError } from '../errors.js';
import { keyValue, splitFields } from './csv.js';

/** Parses the images, tags and flavor inputs line by line; errors name the input and line. */

export type TagType = 'schedule' | 'semver' | 'pep440' | 'match' | 'edge' | 'ref' | 'raw' | 'sha';
export const TAG_TYPES: readonly TagType[] = [
  'schedule',
  'semver',
  'pep440',
  'match',
  'edge',
  'ref',
  'raw',
  'sha',
];
export const DEFAULT_PRIORITIES: Record<TagType, number> = {
  schedule: 1000,
  semver: 900,
  pep440: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100,
};
/** metadata-action's rules when `tags` is empty. */
export const DEFAULT_TAG_RULES = [
  'type=schedule',
  'type=ref,event=branch',
  'type=ref,event=tag',
  'type=ref,event=pr',
];

const KNOWN_ATTRIBUTES = new Set([
  'enable',
  'priority',
  'prefix',
  'suffix',
  'value',
  'pattern',
  'group',
  'event',
  'branch',
  'format',
  'match',
]);

export interface TagRule {
  type: TagType;
  /** Attributes as written, after defaults; `prefix`/`suffix` absent means "use the flavor's". */
  attrs: Record<string, string>;
  priority: number;
  /** 1-based line in the tags input (0 for built-in defaults). */
  line: number;
  source: string;
}

export interface Image {
  name: string;
  enable: boolean;
}

export interface Flavor {
  latest: 'auto' | 'true' | 'false';
  prefix: string;
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
}

function lineError(input: string, line: number, source: string, problem: string): InputError {
  return new InputError(input, `line ${line} (${source}): ${problem}`);
}

function fieldsOf(input: string, line: number, source: string): string[] {
  try {
    return splitFields(source);
  } catch (error) {
    throw lineError(input, line, source, (error as Error).message);
  }
}

export function parseTagRule(source: string, line: number, input = 'tags'): TagRule {
  const attrs: Record<string, string> = {};
  let type: TagType | undefined;
  for (const field of fieldsOf(input, line, source)) {
    const { key, value } = keyValue(field);
    if (key === undefined) {
      if (value !== '') attrs.value = value;
      continue;
    }
    if (key === 'type') {
      if (!(TAG_TYPES as readonly string[]).includes(value)) {
        throw lineError(
          input,
          line,
          source,
          `unknown tag type "${value}" (expected ${TAG_TYPES.join(', ')})`,
        );
      }
      type = value as TagType;
    } else if (!KNOWN_ATTRIBUTES.has(key)) {
      throw lineError(input, line, source, `unknown attribute "${key}"`);
    } else {
      attrs[key] = value;
    }
  }
  type ??= 'raw';
  const fail = (problem: string) => lineError(input, line, source, problem);
  if (attrs.match !== undefined && type !== 'semver' && type !== 'pep440') {
    throw fail(`match applies to type=semver and type=pep440 (type=match takes pattern=)`);
  }
  switch (type) {
    case 'schedule':
      attrs.pattern ??= 'nightly';
      break;
    case 'semver':
    case 'pep440':
      if (attrs.pattern === undefined)
        throw fail(`type=${type} needs a pattern, e.g. pattern={{version}}`);
      attrs.value ??= '';
      // match= picks the version out of the tag (or value) by its first group: p1/v1.2.3 -> 1.2.3.
      attrs.match ??= '';
      if (attrs.match !== '') {
        let groups: number;
        try {
          groups = new RegExp(`${attrs.match}|`).exec('')!.length - 1;
        } catch (error) {
          throw fail(`bad match: ${(error as Error).message}`);
        }
        if (groups < 1)
          throw fail(`match needs a group for the version, e.g. match=v(\\d.\\d.\\d)$`);
      }
      break;
    case 'match':
      if (attrs.pattern === undefined) throw fail('type=match needs a pattern');
      attrs.group ??= '0';
      if (!/^\d+$/.test(attrs.group))
        throw fail(`match group must be a number, got "${attrs.group}"`);
      try {
        patternRegExp(attrs.pattern);
      } catch (error) {
        throw fail(`bad pattern: ${(error as Error).message}`);
      }
      attrs.value ??= '';
      break;
    case 'edge':
      attrs.branch ??= '';
      break;
    case 'ref':
      if (attrs.event === undefined)
        throw fail('type=ref needs event=branch, event=tag or event=pr');
      if (!['branch', 'tag', 'pr'].includes(attrs.event)) {
        throw fail(`event must be branch, tag or pr, got "${attrs.event}"`);
      }
      if (attrs.event === 'pr') attrs.prefix ??= 'pr-';
      break;
    case 'raw':
      if (attrs.value === undefined) throw fail('type=raw needs a value');
      break;
    case 'sha':
      attrs.prefix ??= 'sha-';
      attrs.format ??= 'short';
      if (!['short', 'long'].includes(attrs.format)) {
        throw fail(`format must be short or long, got "${attrs.format}"`);
      }
      break;
  }
  attrs.enable ??= 'true';
  const priority = attrs.priority === undefined ? DEFAULT_PRIORITIES[type] : Number(attrs.priority);
  if (attrs.priority !== undefined && (attrs.priority === '' || !Number.isFinite(priority))) {
    throw fail(`priority must be a number, got "${attrs.priority}"`);
  }
  return { type, attrs, priority, line, source };
}

/** The tags input as rules, highest priority first (stable for equal priorities). */
export function parseTagRules(lines: readonly string[], input = 'tags'): TagRule[] {
  const rules =
    lines.length === 0
      ? DEFAULT_TAG_RULES.map((l) => parseTagRule(l, 0, input))
      : lines.map((l, i) => parseTagRule(l, i + 1, input));
  return rules.sort((a, b) => b.priority - a.priority);
}

/** A match pattern: `/re/flags` or a plain regular expression. */
export function patternRegExp(pattern: string): RegExp {
  const literal = pattern.match(/^\/(.+)\/(.*)$/);
  return literal ? new RegExp(literal[1]!, literal[2]) : new RegExp(pattern);
}

export function parseImages(lines: readonly string[], input = 'images'): Image[] {
  // Old format: one line of comma-separated names.
  if (lines.length === 1) {
    const fields = fieldsOf(input, 1, lines[0]!)
      .map((f) => f.trim())
      .filter((f) => f !== '');
    if (fields.every((f) => !f.includes('='))) {
      return fields.map((name) => ({ name: name.toLowerCase(), enable: true }));
    }
  }
  return lines.map((source, i) => {
    const image: Image = { name: '', enable: true };
    for (const field of fieldsOf(input, i + 1, source)) {
      const { key, value } = keyValue(field);
      if (key === undefined) image.name = value.toLowerCase();
      else if (key === 'name') image.name = value.toLowerCase();
      else if (key === 'enable') {
        if (value !== 'true' && value !== 'false') {
          throw lineError(input, i + 1, source, `enable must be true or false, got "${value}"`);
        }
        image.enable = value === 'true';
      } else throw lineError(input, i + 1, source, `unknown image attribute "${key}"`);
    }
    if (image.name === '') throw lineError(input, i + 1, source, 'the image name is empty');
    return image;
  });
}

export function parseFlavor(lines: readonly string[], input = 'flavor'): Flavor {
  const flavor: Flavor = {
    latest: 'auto',
    prefix: '',
    prefixLatest: false,
    suffix: '',
    suffixLatest: false,
  };
  lines.forEach((source, i) => {
    const fail = (problem: string) => lineError(input, i + 1, source, problem);
    let onlatestFor: 'prefix' | 'suffix' | '' = '';
    for (const field of fieldsOf(input, i + 1, source)) {
      const { key, value } = keyValue(field);
      if (key === undefined) throw fail(`"${value}" is not key=value`);
      switch (key) {
        case 'latest':
          if (value !== 'auto' && value !== 'true' && value !== 'false') {
            throw fail(`latest must be auto, true or false, got "${value}"`);
          }
          flavor.latest = value;
          break;
        case 'prefix':
        case 'suffix':
          flavor[key] = value;
          onlatestFor = key;
          break;
        case 'onlatest':
          if (value !== 'true' && value !== 'false') {
            throw fail(`onlatest must be true or false, got "${value}"`);
          }
          if (onlatestFor === 'prefix') flavor.prefixLatest = value === 'true';
          else if (onlatestFor === 'suffix') flavor.suffixLatest = value === 'true';
          else throw fail('onlatest must follow a prefix= or suffix= on the same line');
          break;
        default:
          throw fail(`unknown flavor entry "${key}" (expected latest, prefix, suffix, onlatest)`);
      }
    }
  });
  return flavor;
}
