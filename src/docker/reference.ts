/** Docker image references, parsed and validated the way the engine and the registry read them. */

export interface ImageReference {
  /** Registry host as written (docker.io when omitted). */
  registry: string;
  /** Repository path inside the registry (library/ added for official Docker Hub images). */
  repository: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
export const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;

export class ReferenceError_ extends Error {}

/** Parses `[registry/]repo[:tag][@sha256:...]`; throws with the reason when it is not valid. */
export function parseReference(ref: string): ImageReference {
  const input = ref.trim();
  if (input === '') throw new ReferenceError_('the image reference is empty');
  if (input.length > 255 + 128 + 72) throw new ReferenceError_('the image reference is too long');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) {
      throw new ReferenceError_(`"${digest}" is not a sha256 digest (sha256: and 64 hex digits)`);
    }
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) {
      throw new ReferenceError_(
        `tag "${tag}" is invalid: up to 128 of [A-Za-z0-9_.-], not starting with . or -`,
      );
    }
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  const first = parts[0]!;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    parts.shift();
    if (!HOST.test(registry)) throw new ReferenceError_(`"${registry}" is not a registry host`);
  }
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw new ReferenceError_(`"${input}" has an empty name component`);
  }
  for (const part of parts) {
    if (!COMPONENT.test(part)) {
      throw new ReferenceError_(
        `"${part}" is not a valid name component (lowercase letters, digits, and . _ - between them)`,
      );
    }
  }
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (repository.length > 255) throw new ReferenceError_('the repository name is longer than 255');
  return { registry, repository, tag, digest };
}

/** The name docker uses for the repository (`registry/repository`, Docker Hub shortened). */
export function repositoryName(ref: ImageReference): string {
  if (ref.registry === 'docker.io') return ref.repository.replace(/^library\//, '');
  return `${ref.registry}/${ref.repository}`;
}

export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The registry's API base URL: plain http only for loopback, as dockerd treats it as insecure. */
export function registryBaseUrl(registry: string, insecure?: boolean): string {
  const host = registry === 'docker.io' ? 'registry-1.docker.io' : registry;
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return `${(insecure ?? loopback) ? 'http' : 'https'}://${host}`;
}

/** The host a `docker login` takes for this registry. */
export function loginServer(registry: string): string {
  return registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry;
}

/** A registry login (build, promote, the docker config a login left behind). */
export interface Credentials {
  username: string;
  password: string;
}
