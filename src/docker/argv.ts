/** argv builders for the docker CLI: arrays, never shell strings. */

export interface BuildOptions {
  context: string;
  file?: string;
  target?: string;
  buildArgs?: readonly string[];
  labels?: readonly string[];
  tags: readonly string[];
  /** id -> file holding the secret (BuildKit only). */
  secretFiles?: readonly { id: string; file: string }[];
  platforms?: readonly string[];
  cacheFrom?: readonly string[];
  cacheTo?: readonly string[];
  pull?: boolean;
  noCache?: boolean;
  /** buildx only: where it writes the result metadata (containerimage.digest). */
  metadataFile?: string;
  /** buildx only: push straight from the builder. */
  push?: boolean;
  /** buildx only: `[level:]key=value` image annotations (the meta action's `annotations`). */
  annotations?: readonly string[];
  /** buildx only: the builder to use (--builder), else buildx's current one. */
  builder?: string;
  iidFile?: string;
}

function repeat(flag: string, values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => [flag, v]);
}

function common(o: BuildOptions): string[] {
  return [
    ...(o.file ? ['--file', o.file] : []),
    ...(o.target ? ['--target', o.target] : []),
    ...repeat('--build-arg', o.buildArgs),
    ...repeat('--label', o.labels),
    ...repeat('--tag', o.tags),
    ...(o.secretFiles ?? []).flatMap((s) => ['--secret', `id=${s.id},src=${s.file}`]),
    ...(o.pull ? ['--pull'] : []),
    ...(o.noCache ? ['--no-cache'] : []),
    ...(o.iidFile ? ['--iidfile', o.iidFile] : []),
  ];
}

/** The classic builder (`docker build`): one platform, local image, pushed afterwards. */
export function classicBuildArgs(docker: string, o: BuildOptions): string[] {
  return [docker, 'build', ...common(o), ...repeat('--cache-from', o.cacheFrom), o.context];
}

/** `docker buildx build`: platforms, cache import/export, push with a metadata file. */
export function buildxBuildArgs(docker: string, o: BuildOptions): string[] {
  return [
    docker,
    'buildx',
    'build',
    ...(o.builder ? ['--builder', o.builder] : []),
    ...common(o),
    ...repeat('--annotation', o.annotations),
    ...(o.platforms?.length ? ['--platform', o.platforms.join(',')] : []),
    ...repeat('--cache-from', o.cacheFrom),
    ...repeat('--cache-to', o.cacheTo),
    ...(o.metadataFile ? ['--metadata-file', o.metadataFile] : []),
    ...(o.push ? ['--push'] : ['--load']),
    o.context,
  ];
}

export function buildxVersionArgs(docker: string): string[] {
  return [docker, 'buildx', 'version'];
}

/** The named builder, or buildx's current one (what setup-buildx-action made current). */
export function buildxInspectArgs(docker: string, builder?: string): string[] {
  return [docker, 'buildx', 'inspect', ...(builder ? [builder] : [])];
}

/** The daemon's storage driver status: the containerd image store names its snapshotter there. */
export function driverStatusArgs(docker: string): string[] {
  return [docker, 'info', '--format', '{{json .DriverStatus}}'];
}

/** The password goes to stdin (RunOptions.input), never into argv. */
export function loginArgs(docker: string, server: string, username: string): string[] {
  return [docker, 'login', '--username', username, '--password-stdin', server];
}

export function logoutArgs(docker: string, server: string): string[] {
  return [docker, 'logout', server];
}

export function tagArgs(docker: string, source: string, target: string): string[] {
  return [docker, 'tag', source, target];
}

export function pushArgs(docker: string, ref: string): string[] {
  return [docker, 'push', ref];
}

export function repoDigestsArgs(docker: string, ref: string): string[] {
  return [docker, 'image', 'inspect', '--format', '{{json .RepoDigests}}', ref];
}

export function removeImageArgs(docker: string, refs: readonly string[]): string[] {
  return [docker, 'image', 'rm', ...refs];
}

/** `digest: sha256:... size: N` from `docker push` output. */
export function digestFromPush(output: string): string | undefined {
  return output.match(/digest: (sha256:[a-f0-9]{64})/)?.[1];
}

/** The RepoDigests entry for one repository name (`name@sha256:...`). */
export function digestFromRepoDigests(json: string, name: string): string | undefined {
  try {
    const list = JSON.parse(json) as string[];
    return list
      .map((entry) => entry.split('@'))
      .find(([repo, digest]) => repo === name && digest?.startsWith('sha256:'))?.[1];
  } catch {
    return undefined;
  }
}

/** Cache for buildx: GitHub's cache service when the runner offers it, else a registry cache. */
export function defaultCache(
  env: Record<string, string | undefined>,
  cacheImage: string,
): { from: string[]; to: string[] } {
  if (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL) {
    return { from: ['type=gha'], to: ['type=gha,mode=max'] };
  }
  return {
    from: [`type=registry,ref=${cacheImage}`],
    to: [`type=registry,ref=${cacheImage},mode=max`],
  };
}
