/** PEP 440 versions: validation, the normalized form, and release parts. */

const PEP440 = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<pre_l>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?<pre_n>[0-9]+)?)?' +
    '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

export interface Pep440 {
  epoch: number;
  release: number[];
  pre?: [string, number];
  post?: number;
  dev?: number;
  local?: string;
  isPrerelease: boolean;
  isPostrelease: boolean;
  isDevrelease: boolean;
  /** The normalized string (PEP 440 "normal form"). */
  public: string;
  normalized: string;
}

const PRE_NAMES: Record<string, string> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

export function parsePep440(raw: string): Pep440 | undefined {
  const m = raw.match(PEP440);
  if (!m?.groups) return undefined;
  const g = m.groups;
  const release = g.release!.split('.').map((n) => Number(n));
  const pre: [string, number] | undefined = g.pre_l
    ? [PRE_NAMES[g.pre_l.toLowerCase()]!, Number(g.pre_n ?? 0)]
    : undefined;
  const post = g.post ? Number(g.post_n1 ?? g.post_n2 ?? 0) : undefined;
  const dev = g.dev ? Number(g.dev_n ?? 0) : undefined;
  const local = g.local?.toLowerCase().replace(/[-_]/g, '.');
  const epoch = Number(g.epoch ?? 0);
  let pub = `${epoch ? `${epoch}!` : ''}${release.join('.')}`;
  if (pre) pub += `${pre[0]}${pre[1]}`;
  if (post !== undefined) pub += `.post${post}`;
  if (dev !== undefined) pub += `.dev${dev}`;
  return {
    epoch,
    release,
    pre,
    post,
    dev,
    local,
    isPrerelease: pre !== undefined || dev !== undefined,
    isPostrelease: post !== undefined,
    isDevrelease: dev !== undefined,
    public: pub,
    normalized: local ? `${pub}+${local}` : pub,
  };
}
