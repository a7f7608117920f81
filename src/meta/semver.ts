/** Semantic Versioning 2.0.0 as node-semver reads it (a leading `v` or `=` is allowed). */

const NUM = '0|[1-9]\\d*';
const ID = `(?:${NUM}|\\d*[a-zA-Z-][a-zA-Z0-9-]*)`;
const STRICT = new RegExp(
  `^[v=]?(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${ID}(?:\\.${ID})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`,
);

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: (string | number)[];
  build: string[];
  /** major.minor.patch[-prerelease], without build metadata, without the `v`. */
  version: string;
  /** The string as given. */
  raw: string;
}

export function parseSemver(raw: string): SemVer | undefined {
  if (raw.length > 256) return undefined;
  const m = raw.trim().match(STRICT);
  if (!m) return undefined;
  const prerelease = m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [];
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (![major, minor, patch].every(Number.isSafeInteger)) return undefined;
  return {
    major,
    minor,
    patch,
    prerelease,
    build: m[5] ? m[5].split('.') : [],
    version: `${major}.${minor}.${patch}${prerelease.length ? `-${prerelease.join('.')}` : ''}`,
    raw,
  };
}
