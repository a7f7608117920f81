import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, StepError } from '../errors.js';
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';
import {
  buildxBuildArgs,
  buildxInspectArgs,
  buildxVersionArgs,
  driverStatusArgs,
  classicBuildArgs,
  defaultCache,
  digestFromPush,
  digestFromRepoDigests,
  loginArgs,
  pushArgs,
  repoDigestsArgs,
  type BuildOptions,
} from './argv.js';
import { promote, type PromoteResult } from './promote.js';
import {
  DIGEST_RE,
  ReferenceError_,
  loginServer,
  parseReference,
  repositoryName,
  type ImageReference,
  type Credentials,
} from './reference.js';
import { RegistryClient } from './registry.js';
import {
  credentialsFromDockerConfig,
  preparePrivateDockerConfig,
  runnerDockerConfigDir,
} from './config.js';
import {
  builderCapabilities,
  containerdStoreFromDriverStatus,
  parseBuildxInspect,
  parseBuildxVersion,
  planCache,
  type BuilderCapabilities,
  type BuilderInfo,
} from './builder.js';

/** Build, push and promote: the effects, in an order where a bad input or login changes nothing. */

export type { Credentials } from './reference.js';

export interface PipelineDeps {
  exec: Executor;
  docker: string;
  log: Log;
  env: Record<string, string | undefined>;
  /** For the registry (promote): proxyFetch in a run. */
  fetch: typeof fetch;
  now?: () => number;
  /** Parent of the private temp dir (RUNNER_TEMP). */
  tempRoot?: string;
  /** A notice for the job (a decision the user should know about); log.warn when absent. */
  notice?: (message: string) => void;
}

/** Parses full references and checks each has a tag; errors name the input. */
export function parseTargets(refs: readonly string[], input: string): ImageReference[] {
  return refs.map((ref) => {
    try {
      const parsed = parseReference(ref);
      if (!parsed.tag) throw new ReferenceError_('has no tag');
      if (parsed.digest) throw new ReferenceError_('a target must not carry a digest');
      return parsed;
    } catch (error) {
      throw new InputError(input, `"${ref}": ${(error as Error).message}`);
    }
  });
}

export function parseImageName(name: string, input = 'images'): ImageReference {
  try {
    const parsed = parseReference(name);
    if (parsed.tag || parsed.digest)
      throw new ReferenceError_('give the name without a tag or digest');
    return parsed;
  } catch (error) {
    throw new InputError(input, `"${name}": ${(error as Error).message}`);
  }
}

/** `name@sha256:...` or a bare digest (then the first image is the source). */
export function parsePromoteSource(
  value: string,
  images: readonly ImageReference[],
): { registry: string; repository: string; digest: string } {
  if (DIGEST_RE.test(value)) {
    const first = images[0];
    if (!first) throw new InputError('promote-digest', 'a bare digest needs an image in images');
    return { registry: first.registry, repository: first.repository, digest: value };
  }
  let parsed: ImageReference;
  try {
    parsed = parseReference(value);
  } catch (error) {
    throw new InputError('promote-digest', `"${value}": ${(error as Error).message}`);
  }
  if (!parsed.digest) throw new InputError('promote-digest', `"${value}" has no @sha256: digest`);
  return { registry: parsed.registry, repository: parsed.repository, digest: parsed.digest };
}

function clientsFor(
  targets: readonly ImageReference[],
  credentials: Credentials | undefined,
  deps: PipelineDeps,
  extraRegistry?: string,
): Map<string, RegistryClient> {
  const clients = new Map<string, RegistryClient>();
  for (const registry of new Set([
    ...targets.map((t) => t.registry),
    ...(extraRegistry ? [extraRegistry] : []),
  ])) {
    const creds = credentials ?? credentialsFromDockerConfig(deps.env, registry);
    clients.set(
      registry,
      new RegistryClient({
        registry,
        username: creds?.username,
        password: creds?.password,
        fetch: deps.fetch,
      }),
    );
  }
  return clients;
}

/** Checks the credentials against every target repository before anything is built or pushed. */
async function preflight(
  targets: readonly ImageReference[],
  clients: Map<string, RegistryClient>,
  log: Log,
) {
  const seen = new Set<string>();
  for (const t of targets) {
    const key = `${t.registry}/${t.repository}`;
    if (seen.has(key)) continue;
    seen.add(key);
    await clients.get(t.registry)!.checkAccess(t.repository);
    log.info(`registry ${t.registry}: push access to ${t.repository} confirmed`);
  }
}

export interface PromoteOutcome extends PromoteResult {
  refs: string[];
}

export async function runPromote(
  source: { registry: string; repository: string; digest: string },
  targets: readonly ImageReference[],
  credentials: Credentials | undefined,
  deps: PipelineDeps,
): Promise<PromoteOutcome> {
  const foreign = targets.find((t) => t.registry !== source.registry);
  if (foreign) {
    throw new InputError(
      'promote-digest',
      `promote works within one registry: ${source.registry} holds the digest, ${repositoryName(foreign)} is on ${foreign.registry}`,
    );
  }
  const client = clientsFor(targets, credentials, deps, source.registry).get(source.registry)!;
  const result = await promote(
    client,
    source,
    targets.map((t) => ({ repository: t.repository, tag: t.tag! })),
    deps.log,
  );
  return { ...result, refs: targets.map((t) => `${repositoryName(t)}:${t.tag}`) };
}

export interface BuildRequest {
  targets: readonly ImageReference[];
  build: Omit<BuildOptions, 'tags' | 'secretFiles' | 'metadataFile' | 'push' | 'builder'>;
  /** The buildx builder by name (the `builder` input); buildx's current one when absent. */
  builder?: string;
  secrets: readonly { id: string; value: string }[];
  push: boolean;
  credentials?: Credentials;
}

export interface BuildOutcome {
  digest: string;
  refs: string[];
  builder: 'buildx' | 'classic';
  /** buildx: the builder's name, driver and store, as probed. */
  builderSummary?: string;
  /** The cache flags the build ran with. */
  cache?: { from: string[]; to: string[] };
  buildMs: number;
  pushMs: number;
  size: number;
  mediaType: string;
}

/** A private temp dir (0700) holding the docker config and secret files; removed in finally. */
function privateDir(root: string | undefined): string {
  const base = root && root.length ? root : tmpdir();
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'tg-build-'));
  chmodSync(dir, 0o700);
  return dir;
}

/** What the probe found: no buildx (classic builder), or buildx with its builder and abilities. */
export type BuilderProbe =
  | { kind: 'classic' }
  | { kind: 'buildx'; version: string; info: BuilderInfo; capabilities: BuilderCapabilities };

/** Reads `buildx version`, `buildx inspect [builder]` and, for the docker driver, `docker info`. */
export async function probeBuilder(
  exec: Executor,
  docker: string,
  env: Record<string, string>,
  builder: string | undefined,
): Promise<BuilderProbe> {
  const version = await exec.run(buildxVersionArgs(docker), { allowFailure: true, env });
  const buildxVersion = version.exitCode === 0 ? parseBuildxVersion(version.stdout) : undefined;
  if (!buildxVersion) {
    if (builder) {
      throw new InputError(
        'builder',
        `"${builder}" needs buildx, and this docker has no buildx plugin`,
      );
    }
    return { kind: 'classic' };
  }
  const inspected = await exec.run(buildxInspectArgs(docker, builder), { allowFailure: true, env });
  if (inspected.exitCode !== 0) {
    const why = (inspected.stderr.trim() || inspected.stdout.trim()).split('\n').pop() ?? '';
    if (builder) throw new InputError('builder', `no buildx builder "${builder}": ${why}`);
    throw new StepError('build', `docker buildx inspect failed: ${why}`);
  }
  const info = parseBuildxInspect(inspected.stdout);
  let containerdStore = false;
  if (info.driver === 'docker') {
    const status = await exec.run(driverStatusArgs(docker), { allowFailure: true, env });
    containerdStore = status.exitCode === 0 && containerdStoreFromDriverStatus(status.stdout);
  }
  return {
    kind: 'buildx',
    version: buildxVersion,
    info,
    capabilities: builderCapabilities(info, containerdStore),
  };
}

export async function runBuild(request: BuildRequest, deps: PipelineDeps): Promise<BuildOutcome> {
  const { exec, docker, log } = deps;
  const notice = deps.notice ?? ((m: string) => log.warn(m));
  const now = deps.now ?? Date.now;
  const refs = request.targets.map((t) => `${repositoryName(t)}:${t.tag}`);
  const clients = clientsFor(request.targets, request.credentials, deps);
  if (request.push) await preflight(request.targets, clients, log);

  const dir = privateDir(deps.tempRoot);
  const config = join(dir, 'docker-config');
  mkdirSync(config, { mode: 0o700 });
  // Without credentials the runner's own config stays in use (its logins and builders).
  // Given credentials live only in a private copy that still links the runner's builders.
  const env: Record<string, string> = request.credentials ? { DOCKER_CONFIG: config } : {};
  try {
    if (request.credentials) {
      const { linked } = preparePrivateDockerConfig(
        config,
        runnerDockerConfigDir(deps.env),
        request.push ? request.targets.map((t) => t.registry) : [],
      );
      if (linked.length) log.info(`private docker config shares the runner's ${linked.join(', ')}`);
    }
    const probe = await probeBuilder(exec, docker, env, request.builder);
    const buildx = probe.kind === 'buildx';
    log.info(
      probe.kind === 'buildx'
        ? `buildx ${probe.version}, ${probe.capabilities.summary}`
        : 'builder: classic (no buildx plugin)',
    );
    const platforms = request.build.platforms ?? [];
    if (probe.kind === 'buildx' && platforms.length > 1 && !probe.capabilities.multiPlatform) {
      throw new InputError(
        'platforms',
        `${platforms.join(',')} needs a builder that builds several platforms; ${probe.capabilities.summary} builds one. Set one up with docker/setup-buildx-action and name it in builder`,
      );
    }
    if (request.push && request.credentials) {
      for (const registry of new Set(request.targets.map((t) => t.registry))) {
        await exec.run(loginArgs(docker, loginServer(registry), request.credentials.username), {
          input: request.credentials.password,
          env,
        });
        log.info(`logged in to ${registry} (config in a private temp dir)`);
      }
    }
    const secretFiles = request.secrets.map((s, i) => {
      const file = join(dir, `secret-${i}`);
      writeFileSync(file, s.value, { mode: 0o600 });
      return { id: s.id, file };
    });
    if (!buildx && platforms.length) {
      log.warn(`platforms ${platforms.join(',')} need buildx; building for this machine only`);
    }
    const annotations = request.build.annotations ?? [];
    if (annotations.length && !(probe.kind === 'buildx' && probe.capabilities.annotations)) {
      notice(
        `Annotations not stored: ${probe.kind === 'buildx' ? probe.capabilities.summary : 'the classic builder'} keeps none (labels are still set).`,
      );
    }
    const start = now();
    if (probe.kind === 'buildx') {
      const metadataFile = join(dir, 'metadata.json');
      const wanted =
        request.build.cacheFrom?.length || request.build.cacheTo?.length || !request.push
          ? { from: request.build.cacheFrom ?? [], to: request.build.cacheTo ?? [] }
          : defaultCache(deps.env, `${repositoryName(request.targets[0]!)}:buildcache`);
      const cache = planCache(wanted, probe.info, probe.capabilities);
      if (cache.notice) notice(cache.notice);
      await exec.run(
        buildxBuildArgs(docker, {
          ...request.build,
          builder: request.builder,
          annotations: probe.capabilities.annotations ? annotations : [],
          tags: refs,
          secretFiles,
          metadataFile,
          push: request.push,
          cacheFrom: cache.from,
          cacheTo: cache.to,
        }),
        { env, onLine: (l) => log.info(l) },
      );
      const probed = {
        builderSummary: probe.capabilities.summary,
        cache: { from: cache.from, to: cache.to },
      };
      const buildMs = now() - start;
      if (!request.push)
        return {
          digest: '',
          refs,
          builder: 'buildx',
          buildMs,
          pushMs: 0,
          size: 0,
          mediaType: '',
          ...probed,
        };
      const meta = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, string>;
      const digest = meta['containerimage.digest'];
      if (!digest || !DIGEST_RE.test(digest))
        throw new StepError('build', 'buildx reported no image digest');
      const verified = await verifyTags(request.targets, digest, clients);
      return { digest, refs, builder: 'buildx', buildMs, pushMs: 0, ...verified, ...probed };
    }

    await exec.run(classicBuildArgs(docker, { ...request.build, tags: refs, secretFiles }), {
      env,
      onLine: (l) => log.info(l),
    });
    const buildMs = now() - start;
    if (!request.push)
      return { digest: '', refs, builder: 'classic', buildMs, pushMs: 0, size: 0, mediaType: '' };

    // Push one tag per registry with the engine (layers move once), then add every other tag
    // to that same manifest through the registry API, so all tags name one digest.
    const pushStart = now();
    let digest: string | undefined;
    const pushedTo = new Map<string, ImageReference>();
    for (const target of request.targets) {
      if (pushedTo.has(target.registry)) continue;
      const ref = `${repositoryName(target)}:${target.tag}`;
      const result = await exec.run(pushArgs(docker, ref), { env });
      const inspected = await exec.run(repoDigestsArgs(docker, ref), { env, allowFailure: true });
      const pushed =
        digestFromPush(result.stdout) ??
        digestFromRepoDigests(inspected.stdout.trim(), repositoryName(target));
      if (!pushed) throw new StepError('push', `no digest for ${ref} in the push output`);
      if (digest && pushed !== digest) {
        throw new StepError(
          'push',
          `${ref} was stored as ${pushed}, but another registry holds ${digest}`,
        );
      }
      digest = pushed;
      pushedTo.set(target.registry, target);
      log.info(`pushed ${ref}@${pushed}`);
    }
    for (const [registry, first] of pushedTo) {
      const rest = request.targets.filter((t) => t.registry === registry && t !== first);
      if (rest.length) {
        await promote(
          clients.get(registry)!,
          { repository: first.repository, digest: digest! },
          rest.map((t) => ({ repository: t.repository, tag: t.tag! })),
          log,
        );
      }
    }
    const pushMs = now() - pushStart;
    const verified = await verifyTags(request.targets, digest!, clients);
    return { digest: digest!, refs, builder: 'classic', buildMs, pushMs, ...verified };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every pushed tag must serve exactly the digest we report. */
async function verifyTags(
  targets: readonly ImageReference[],
  digest: string,
  clients: Map<string, RegistryClient>,
): Promise<{ size: number; mediaType: string }> {
  for (const t of targets) {
    const served = await clients.get(t.registry)!.headManifest(t.repository, t.tag!);
    if (served !== digest) {
      throw new StepError(
        'verify',
        `${repositoryName(t)}:${t.tag} serves ${served ?? 'nothing'}, expected ${digest}`,
      );
    }
  }
  const first = targets[0]!;
  const manifest = await clients.get(first.registry)!.getManifest(first.repository, digest);
  const size = manifest.isIndex
    ? (manifest.body.manifests ?? []).reduce((s, m) => s + m.size, 0)
    : (manifest.body.config?.size ?? 0) +
      (manifest.body.layers ?? []).reduce((s, l) => s + l.size, 0);
  return { size, mediaType: manifest.mediaType };
}
