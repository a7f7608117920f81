/**
 * What the buildx builder can do, read from `docker buildx version`, `docker buildx inspect` and
 * `docker info`, and the cache and annotation flags that fit it. Pure: the pipeline runs the
 * commands and passes their output here, so tests feed recorded outputs of real runners.
 *
 * GitHub's Ubuntu runners build with buildx's default builder, which uses the `docker` driver:
 * that driver exports no cache (`type=gha`, `type=registry`, `type=local`) and stores no
 * annotations unless the daemon's containerd image store is on. docker/setup-buildx-action's
 * builders (`docker-container`), `remote` and `kubernetes` builders run BuildKit on its own and
 * can do both. `type=inline` cache goes into the image itself and works on every driver.
 */

export interface BuilderInfo {
  /** The builder's name (`default`, `builder-3c2e…`). */
  name: string;
  /** docker, docker-container, remote, kubernetes, or whatever a newer buildx reports. */
  driver: string;
  /** The first node's status (running, inactive, stopped); empty when not shown. */
  status: string;
  /** The first node's BuildKit version, e.g. v0.16.0; empty when not shown. */
  buildkit: string;
  /** Platforms of all nodes, `*` (set by hand) removed. */
  platforms: string[];
  /** Worker labels of all nodes. */
  labels: Record<string, string>;
}

/** `github.com/docker/buildx v0.29.1 a32761a…` -> `v0.29.1`; undefined when not buildx. */
export function parseBuildxVersion(stdout: string): string | undefined {
  const match = stdout.match(/^\S*buildx\S*\s+(v?\d+\.\d+\.\d+\S*)/m);
  return match?.[1];
}

/** The text of `docker buildx inspect [name]`: the builder header, then one block per node. */
export function parseBuildxInspect(stdout: string): BuilderInfo {
  const info: BuilderInfo = {
    name: '',
    driver: '',
    status: '',
    buildkit: '',
    platforms: [],
    labels: {},
  };
  let inNodes = false;
  let inLabels = false;
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    if (line === '') continue;
    if (/^Nodes:$/.test(line)) {
      inNodes = true;
      continue;
    }
    // Indented lines belong to the section above them (Labels:, GC Policy rule#0:, …).
    if (/^\s/.test(line)) {
      if (inLabels) {
        const at = line.indexOf(':');
        if (at > 0) info.labels[line.slice(0, at).trim()] = line.slice(at + 1).trim();
      }
      continue;
    }
    const at = line.indexOf(':');
    if (at < 0) continue;
    const key = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    inLabels = inNodes && key === 'Labels';
    if (!inNodes) {
      if (key === 'Name') info.name = value;
      else if (key === 'Driver') info.driver = value;
      continue;
    }
    if (key === 'Status' && !info.status) info.status = value;
    else if ((key === 'BuildKit version' || key === 'Buildkit') && !info.buildkit)
      info.buildkit = value;
    else if (key === 'Platforms') {
      for (const p of value.split(',')) {
        const platform = p.trim().replace(/\*$/, '');
        if (platform && !info.platforms.includes(platform)) info.platforms.push(platform);
      }
    }
  }
  if (!info.driver) throw new Error('docker buildx inspect printed no Driver line');
  return info;
}

/** `docker info --format '{{json .DriverStatus}}'`: the containerd image store reports its snapshotter. */
export function containerdStoreFromDriverStatus(stdout: string): boolean {
  try {
    const status = JSON.parse(stdout.trim() || 'null') as unknown;
    return (
      Array.isArray(status) &&
      status.some(
        (pair) =>
          Array.isArray(pair) &&
          pair[0] === 'driver-type' &&
          String(pair[1]).startsWith('io.containerd.snapshotter'),
      )
    );
  } catch {
    return false;
  }
}

export interface BuilderCapabilities {
  /** Exports cache to gha, registry, local (inline works everywhere). */
  cacheExport: boolean;
  /** Stores image annotations (--annotation). */
  annotations: boolean;
  /** Builds more than one platform into one image. */
  multiPlatform: boolean;
  /** One line for the log: the builder, its driver and what it can do. */
  summary: string;
}

/** Drivers that run BuildKit outside the daemon and can export everything. */
const STANDALONE_DRIVERS = ['docker-container', 'remote', 'kubernetes'];

export function builderCapabilities(
  builder: BuilderInfo,
  containerdStore: boolean,
): BuilderCapabilities {
  const standalone = STANDALONE_DRIVERS.includes(builder.driver);
  const full = standalone || (builder.driver === 'docker' && containerdStore);
  const store =
    builder.driver === 'docker'
      ? containerdStore
        ? ', containerd image store'
        : ', classic image store'
      : '';
  return {
    cacheExport: full,
    annotations: full,
    multiPlatform: full,
    summary: `builder ${builder.name || '(current)'}: ${builder.driver} driver${store}${builder.buildkit ? `, BuildKit ${builder.buildkit}` : ''}`,
  };
}

/** `type=inline` (or no type, which buildx reads as a registry ref) decides who can export it. */
function cacheType(entry: string): string {
  const field = entry.split(',').find((f) => f.trim().startsWith('type='));
  return field ? field.split('=')[1]!.trim() : 'registry';
}

export interface CachePlan {
  from: string[];
  to: string[];
  /** Said as a notice when exports were dropped: why, and how to get them. */
  notice?: string;
}

/**
 * The cache flags for this builder. Given entries are kept for import; exports the builder
 * cannot do are dropped (never failed on: the image still builds) and the notice says why.
 */
export function planCache(
  wanted: { from: readonly string[]; to: readonly string[] },
  builder: BuilderInfo,
  capabilities: BuilderCapabilities,
): CachePlan {
  if (capabilities.cacheExport) return { from: [...wanted.from], to: [...wanted.to] };
  const kept = wanted.to.filter((entry) => cacheType(entry) === 'inline');
  const dropped = wanted.to.filter((entry) => cacheType(entry) !== 'inline');
  if (dropped.length === 0) return { from: [...wanted.from], to: kept };
  return {
    from: [...wanted.from],
    to: kept,
    notice:
      `Cache import only: the builder ${builder.name || '(current)'} uses the docker driver on the classic image store, ` +
      `which cannot export ${dropped.map((d) => `"${d}"`).join(', ')}. ` +
      'Set up a builder with docker/setup-buildx-action (and give its name in builder), or turn on the containerd image store, to save the cache.',
  };
}
