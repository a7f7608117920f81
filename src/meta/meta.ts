import { InputError } from '../errors.js';
import type { MetaContext } from './context.js';
import { formatDate } from './datefmt.js';
import { parsePep440 } from './pep440.js';
import {
  type Flavor,
  type Image,
  type TagRule,
  parseFlavor,
  parseImages,
  parseTagRule,
  parseTagRules,
  patternRegExp,
} from './rules.js';
import { parseSemver } from './semver.js';
import { type HelperArg, type Scope, TemplateError, isRawStatement, render } from './template.js';

/** Image tags, labels and annotations from Git refs, following docker/metadata-action's rules. */

export interface MetaInputs {
  images: readonly string[];
  tags: readonly string[];
  flavor: readonly string[];
  labels: readonly string[];
  annotations: readonly string[];
}

/** What GET /repos/{owner}/{repo} returns, the parts used here. */
export interface RepoInfo {
  name?: string;
  description?: string | null;
  html_url?: string;
  default_branch?: string;
  license?: { spdx_id?: string | null } | null;
}

/** The build action's safer defaults (metadata-action's behaviour when all are off). */
export interface SafeDefaults {
  /** A semver/PEP 440 prerelease never gets `latest`, whatever the rules say. */
  prereleaseNeverLatest?: boolean;
  /** Adds `type=sha` when no rule produces a sha tag. */
  alwaysSha?: boolean;
}

export interface MetaOptions {
  context: MetaContext;
  repo: RepoInfo;
  /** "Now" for {{date}} and the created label (SOURCE_DATE_EPOCH when set). */
  date: Date;
  /** For {{commit_date}}: from the event, the API, or "now". */
  commitDate?: Date;
  shortShaLength?: number;
  /** DOCKER_METADATA_ANNOTATIONS_LEVELS, default ['manifest']. */
  annotationLevels?: readonly string[];
  safe?: SafeDefaults;
  warn?: (message: string) => void;
}

export interface Version {
  main: string | undefined;
  partial: string[];
  latest: boolean;
}

export interface MetaResult {
  version: string;
  /** image:tag for every enabled image (tag names alone when there is no image). */
  tags: string[];
  /** Tag names without image. */
  tagNames: string[];
  images: string[];
  latest: boolean;
  labels: string[];
  annotations: string[];
  json: { tags: string[]; labels: Record<string, string>; annotations: string[] };
}

export const MAX_TAG_LENGTH = 128;

export function sanitizeTag(tag: string): string {
  return tag
    .replace(/[^a-zA-Z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, MAX_TAG_LENGTH);
}

export function shortShaLengthFrom(value: string | undefined): number {
  if (!value) return 7;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: ${value}`);
  }
  return n;
}

export function annotationLevelsFrom(value: string | undefined): string[] {
  return (value || 'manifest')
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Does any input use {{commit_date}}? Then the caller fetches the commit date. */
export function needsCommitDate(inputs: MetaInputs): boolean {
  return [...inputs.tags, ...inputs.flavor, ...inputs.labels, ...inputs.annotations].some((l) =>
    /\{\{\{?[~&\s]*commit_date\b/.test(l),
  );
}

export class Meta {
  readonly images: Image[];
  readonly rules: TagRule[];
  readonly flavor: Flavor;
  readonly version: Version;
  private readonly scope: Scope;
  private readonly shortLen: number;
  private readonly warn: (message: string) => void;

  constructor(
    private readonly inputs: MetaInputs,
    private readonly options: MetaOptions,
  ) {
    this.warn = options.warn ?? (() => undefined);
    this.shortLen = options.shortShaLength ?? 7;
    this.images = parseImages(inputs.images);
    this.flavor = parseFlavor(inputs.flavor);
    this.rules = parseTagRules(inputs.tags);
    if (options.safe?.alwaysSha && !this.rules.some((r) => r.type === 'sha')) {
      this.rules.push(parseTagRule('type=sha', 0));
    }
    this.scope = this.globalScope();
    this.version = this.computeVersion();
  }

  private get context(): MetaContext {
    return this.options.context;
  }

  private shortSha(sha: string): string {
    return this.shortLen >= sha.length ? sha : sha.slice(0, this.shortLen);
  }

  private globalScope(): Scope {
    const { ref, eventName, payload, sha } = this.context;
    const dateHelper =
      (date: () => Date, name: string) =>
      (args: HelperArg[], hash: Record<string, HelperArg>): string => {
        for (const key of Object.keys(hash)) {
          if (key !== 'tz') throw new TemplateError(`{{${name}}}: unknown ${key} attribute`);
        }
        // An unquoted format is a Handlebars path (undefined): moment's default format.
        const format = args[0] === undefined ? '' : String(args[0]);
        try {
          return formatDate(date(), format, hash.tz === undefined ? 'UTC' : String(hash.tz));
        } catch (error) {
          throw new TemplateError(`{{${name}}}: ${(error as Error).message}`);
        }
      };
    const isDefaultBranch = (): 'true' | 'false' => {
      const branch = ref.replace(/^refs\/heads\//, '');
      if (branch === '') return 'false';
      if (payload.repository?.default_branch === branch) return 'true';
      // These events always run on the default branch's last commit.
      if (/create|discussion|issues|schedule/.test(eventName)) return 'true';
      return 'false';
    };
    return {
      branch: () => (/^refs\/heads\//.test(ref) ? ref.replace(/^refs\/heads\//, '') : ''),
      tag: () => (/^refs\/tags\//.test(ref) ? ref.replace(/^refs\/tags\//, '') : ''),
      sha: () => this.shortSha(sha),
      base_ref: () => {
        if (/^refs\/tags\//.test(ref) && payload.base_ref != null) {
          return payload.base_ref.replace(/^refs\/heads\//, '');
        }
        if (/^refs\/pull\//.test(ref) && payload.pull_request?.base?.ref != null) {
          return payload.pull_request.base.ref;
        }
        return '';
      },
      is_default_branch: () => isDefaultBranch(),
      is_not_default_branch: () => (isDefaultBranch() === 'false' ? 'true' : 'false'),
      date: dateHelper(() => this.options.date, 'date'),
      commit_date: dateHelper(() => this.options.commitDate ?? this.options.date, 'commit_date'),
    };
  }

  /** Renders a template with the global expressions; errors name the rule's line. */
  private exp(template: string, rule?: TagRule, input = 'tags'): string {
    try {
      return render(template, this.scope);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      throw rule && rule.line > 0
        ? new InputError(input, `line ${rule.line} (${rule.source}): ${error.message}`)
        : new InputError(input, error.message);
    }
  }

  private withAffixes(value: string, rule: TagRule): string {
    const { attrs } = rule;
    let out = value;
    if (attrs.prefix !== undefined) out = `${this.exp(attrs.prefix, rule)}${out}`;
    else if (this.flavor.prefix) out = `${this.exp(this.flavor.prefix, rule, 'flavor')}${out}`;
    if (attrs.suffix !== undefined) out = `${out}${this.exp(attrs.suffix, rule)}`;
    else if (this.flavor.suffix) out = `${out}${this.exp(this.flavor.suffix, rule, 'flavor')}`;
    return out;
  }

  private latestFor(auto: boolean): boolean {
    return this.flavor.latest === 'auto' ? auto : this.flavor.latest === 'true';
  }

  private computeVersion(): Version {
    const version: { main?: string; partial: string[]; latest?: boolean } = { partial: [] };
    const add = (value: string, latest: boolean) => {
      if (value.length === 0) return;
      const tag = sanitizeTag(value);
      if (tag.length === 0) return;
      if (version.main === undefined) version.main = tag;
      else if (tag !== version.main) version.partial.push(tag);
      version.latest ??= latest;
    };
    for (const rule of this.rules) {
      const enabled = this.exp(rule.attrs.enable!, rule);
      if (enabled !== 'true' && enabled !== 'false') {
        throw new InputError(
          'tags',
          `line ${rule.line} (${rule.source}): enable must be true or false, got "${enabled}"`,
        );
      }
      if (enabled !== 'true') continue;
      const produced = this.apply(rule);
      if (produced) add(produced.value, this.latestFor(produced.latest));
    }
    let latest = version.latest ?? false;
    if (latest && this.options.safe?.prereleaseNeverLatest && this.isPrerelease()) {
      this.warn('Not tagging latest: this is a prerelease.');
      latest = false;
    }
    return {
      main: version.main,
      partial: version.partial.filter((t, i, all) => all.indexOf(t) === i),
      latest,
    };
  }

  /** Whether the ref (or a semver/pep440 value) is a prerelease. */
  private isPrerelease(): boolean {
    const candidates: string[] = [];
    if (/^refs\/tags\//.test(this.context.ref)) {
      candidates.push(this.context.ref.replace(/^refs\/tags\//, '').replace(/\//g, '-'));
    }
    for (const rule of this.rules) {
      if ((rule.type === 'semver' || rule.type === 'pep440') && rule.attrs.value) {
        const source = this.versionSource(rule);
        if (source) candidates.push(source);
      }
    }
    return candidates.some((c) => {
      const s = parseSemver(c);
      if (s) return s.prerelease.length > 0;
      const p = parsePep440(c);
      return p ? p.isPrerelease : /-(rc|alpha|beta|pre|dev)/i.test(c);
    });
  }

  private tagSource(rule: TagRule): string | undefined {
    if (rule.type === 'semver' || rule.type === 'pep440') return this.versionSource(rule);
    if (rule.attrs.value) return this.exp(rule.attrs.value, rule);
    if (!/^refs\/tags\//.test(this.context.ref)) return undefined;
    const tag = this.context.ref.replace(/^refs\/tags\//, '');
    return rule.type === 'match' ? tag : tag.replace(/\//g, '-');
  }

  /** semver/pep440: the value or Git tag, narrowed by match= to its first group, then / -> -. */
  private versionSource(rule: TagRule): string | undefined {
    const { value, match } = rule.attrs;
    let raw: string;
    if (value) raw = this.exp(value, rule);
    else if (/^refs\/tags\//.test(this.context.ref))
      raw = this.context.ref.replace(/^refs\/tags\//, '');
    else return undefined;
    if (match) {
      const found = raw.match(new RegExp(match));
      if (!found) this.warn(`${match} does not match ${raw}.`);
      else raw = found[1] ?? '';
    }
    return raw.replace(/\//g, '-');
  }

  private apply(rule: TagRule): { value: string; latest: boolean } | undefined {
    const { ref, eventName, sha } = this.context;
    const { attrs } = rule;
    switch (rule.type) {
      case 'schedule': {
        if (!/schedule/.test(eventName)) return undefined;
        return { value: this.withAffixes(this.exp(attrs.pattern!, rule), rule), latest: false };
      }
      case 'semver': {
        const raw = this.tagSource(rule);
        if (raw === undefined) return undefined;
        const sver = parseSemver(raw);
        if (!sver) {
          this.warn(`${raw} is not a valid semver. More info: https://semver.org/`);
          return undefined;
        }
        const pattern = attrs.pattern!;
        if (sver.prerelease.length > 0) {
          const template = isRawStatement(pattern) ? pattern : '{{version}}';
          return {
            value: this.withAffixes(this.renderWith(template, { ...sver }, rule), rule),
            latest: false,
          };
        }
        return {
          value: this.withAffixes(this.renderWith(pattern, { ...sver }, rule), rule),
          latest: true,
        };
      }
      case 'pep440': {
        const raw = this.tagSource(rule);
        if (raw === undefined) return undefined;
        const pver = parsePep440(raw);
        if (!pver) {
          this.warn(
            `${raw} does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440`,
          );
          return undefined;
        }
        const pattern = attrs.pattern!;
        if (pver.isPrerelease || pver.isPostrelease || pver.isDevrelease) {
          const value = isRawStatement(pattern) ? raw : pver.normalized;
          return { value: this.withAffixes(value, rule), latest: false };
        }
        const scope = {
          raw,
          version: pver.normalized,
          major: pver.release[0] ?? 0,
          minor: pver.release[1] ?? 0,
          patch: pver.release[2] ?? 0,
        };
        return {
          value: this.withAffixes(this.renderWith(pattern, scope, rule), rule),
          latest: true,
        };
      }
      case 'match': {
        const raw = this.tagSource(rule);
        if (raw === undefined) return undefined;
        const match = raw.match(patternRegExp(attrs.pattern!));
        if (!match) {
          this.warn(`${attrs.pattern} does not match ${raw}.`);
          return undefined;
        }
        const group = match[Number(attrs.group)];
        if (group === undefined) {
          this.warn(`Group ${attrs.group} does not exist for ${attrs.pattern} pattern.`);
          return undefined;
        }
        return { value: this.withAffixes(group, rule), latest: true };
      }
      case 'ref': {
        if (attrs.event === 'branch') {
          if (!/^refs\/heads\//.test(ref)) return undefined;
          return {
            value: this.withAffixes(ref.replace(/^refs\/heads\//, ''), rule),
            latest: false,
          };
        }
        if (attrs.event === 'tag') {
          if (!/^refs\/tags\//.test(ref)) return undefined;
          return { value: this.withAffixes(ref.replace(/^refs\/tags\//, ''), rule), latest: true };
        }
        if (!/^refs\/pull\//.test(ref)) return undefined;
        const pr = ref.replace(/^refs\/pull\//, '').replace(/\/merge$/, '');
        return { value: this.withAffixes(pr, rule), latest: false };
      }
      case 'edge': {
        if (!/^refs\/heads\//.test(ref)) return undefined;
        const branch = attrs.branch || this.options.repo.default_branch || '';
        if (branch !== ref.replace(/^refs\/heads\//, '')) return undefined;
        return { value: this.withAffixes('edge', rule), latest: false };
      }
      case 'raw':
        return { value: this.withAffixes(this.exp(attrs.value!, rule), rule), latest: false };
      case 'sha': {
        if (!sha) return undefined;
        const value = attrs.format === 'short' ? this.shortSha(sha) : sha;
        return { value: this.withAffixes(value, rule), latest: false };
      }
    }
  }

  private renderWith(template: string, scope: Scope, rule: TagRule): string {
    try {
      return render(template, scope);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      throw new InputError('tags', `line ${rule.line} (${rule.source}): ${error.message}`);
    }
  }

  imageNames(): string[] {
    return this.images.filter((i) => i.enable).map((i) => i.name.toLowerCase());
  }

  private namesFor(prefix: string): string[] {
    if (!this.version.main) return [];
    const names = [this.version.main, ...this.version.partial];
    if (this.version.latest) {
      const pre = this.flavor.prefixLatest ? this.exp(this.flavor.prefix, undefined, 'flavor') : '';
      const suf = this.flavor.suffixLatest ? this.exp(this.flavor.suffix, undefined, 'flavor') : '';
      names.push(sanitizeTag(`${pre}latest${suf}`));
    }
    return names.map((n) => `${prefix}${n}`);
  }

  tagNames(): string[] {
    return this.namesFor('');
  }

  tags(): string[] {
    const images = this.imageNames();
    return images.length ? images.flatMap((image) => this.namesFor(`${image}:`)) : this.tagNames();
  }

  private ociWith(extra: readonly string[], input: string): string[] {
    const { repo, context } = this.options;
    const entries = [
      `org.opencontainers.image.title=${repo.name ?? ''}`,
      `org.opencontainers.image.description=${repo.description ?? ''}`,
      `org.opencontainers.image.url=${repo.html_url ?? ''}`,
      `org.opencontainers.image.source=${repo.html_url ?? ''}`,
      `org.opencontainers.image.version=${this.version.main ?? ''}`,
      `org.opencontainers.image.created=${this.options.date.toISOString()}`,
      `org.opencontainers.image.revision=${context.sha}`,
      `org.opencontainers.image.licenses=${repo.license?.spdx_id ?? ''}`,
      ...extra.map((line, i) => {
        try {
          return render(line, this.scope);
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          throw new InputError(input, `line ${i + 1} (${line}): ${error.message}`);
        }
      }),
    ];
    const map = new Map<string, string>();
    for (const entry of entries) {
      const at = entry.indexOf('=');
      if (at >= 0) map.set(entry.slice(0, at), entry.slice(at + 1));
    }
    return [...map]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([key, value]) => `${key}=${value}`);
  }

  labels(): string[] {
    return this.ociWith(this.inputs.labels, 'labels');
  }

  annotations(): string[] {
    const raw = this.ociWith(this.inputs.annotations, 'annotations');
    const levels = this.options.annotationLevels ?? ['manifest'];
    return levels.flatMap((level) => raw.map((a) => `${level}:${a}`));
  }

  result(): MetaResult {
    const tags = this.tags();
    const labels = this.labels();
    const annotations = this.annotations();
    const labelObject: Record<string, string> = {};
    for (const label of labels) {
      const at = label.indexOf('=');
      labelObject[label.slice(0, at)] = label.slice(at + 1);
    }
    return {
      version: this.version.main ?? '',
      tags,
      tagNames: this.tagNames(),
      images: this.imageNames(),
      latest: this.version.latest,
      labels,
      annotations,
      json: { tags, labels: labelObject, annotations },
    };
  }
}

export function computeMeta(inputs: MetaInputs, options: MetaOptions): MetaResult {
  return new Meta(inputs, options).result();
}
