import { InputError } from '../../src/errors.js';
import type { Executor } from '../../src/exec.js';
import { setOutputs, writeSummary } from '../../src/github/runtime.js';
import type { Log } from '../../src/log.js';
import {
  parseImageName,
  parsePromoteSource,
  parseTargets,
  runBuild,
  runPromote,
  type Credentials,
} from '../../src/docker/pipeline.js';
import { repositoryName, type ImageReference } from '../../src/docker/reference.js';
import { parseImages } from '../../src/meta/rules.js';
import { resolveMeta, type MetaEnvDeps } from '../../src/meta/run.js';
import type { Inputs } from './inputs.js';

export interface Deps {
  env: Record<string, string | undefined>;
  log: Log;
  /** actionsExecutor() on a runner (docker through @actions/exec). */
  exec: Executor;
  docker?: string;
  /** proxyFetch on a runner: the registry and GitHub calls keep the proxy rules. */
  fetch: typeof fetch;
  now?: () => number;
  readEvent?: MetaEnvDeps['readEvent'];
  setOutputs?: typeof setOutputs;
  writeSummary?: typeof writeSummary;
  /** A notice for the job (what the builder cannot do); a warning when absent. */
  notice?: (message: string) => void;
}

/** A tags line that is a whole image reference (`ghcr.io/org/bot:1.2`), e.g. meta's output. */
export function isFullReference(line: string): boolean {
  return !line.includes('=') && /:[^/]*$/.test(line);
}

function secretsFrom(raw: string): { id: string; value: string }[] {
  return raw
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const at = line.indexOf('=');
      const id = at < 0 ? '' : line.slice(0, at).trim();
      if (!/^[A-Za-z0-9_.-]+$/.test(id)) {
        throw new InputError('secrets', `line ${i + 1}: expected ID=value`);
      }
      return { id, value: line.slice(at + 1) };
    });
}

function kib(bytes: number): string {
  return bytes >= 1048576
    ? `${(bytes / 1048576).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

export async function run(inputs: Inputs, deps: Deps): Promise<void> {
  const { log } = deps;
  // Everything about the inputs is checked before any call that could change something.
  const credentials: Credentials | undefined = inputs.registryUsername
    ? { username: inputs.registryUsername, password: inputs.registryPassword }
    : undefined;
  if (credentials && !credentials.password) {
    throw new InputError('registry-password', 'is required when registry-username is set');
  }
  if (!credentials && inputs.registryPassword) {
    throw new InputError('registry-username', 'is required when registry-password is set');
  }
  const secrets = secretsFrom(inputs.secrets);
  const images = parseImages(inputs.images)
    .filter((i) => i.enable)
    .map((i) => parseImageName(i.name));

  const explicit = inputs.tags.length > 0 && inputs.tags.every(isFullReference);
  if (!explicit && inputs.tags.some(isFullReference)) {
    throw new InputError('tags', 'mixes full image references and tag rules; use one or the other');
  }
  let targets: ImageReference[];
  let labels = inputs.labels;
  let annotations = inputs.annotations;
  let version = '';
  if (explicit) {
    targets = parseTargets(inputs.tags, 'tags');
  } else {
    if (images.length === 0) throw new InputError('images', 'is required when tags holds rules');
    const { result } = await resolveMeta(
      {
        images: inputs.images,
        tags: inputs.tags,
        flavor: inputs.flavor,
        labels: inputs.labels,
        annotations: inputs.annotations,
      },
      { ...deps, token: inputs.githubToken },
      // Safer than metadata-action: PRs by head commit, sha-<short> always, no latest prerelease.
      { safe: { prereleaseNeverLatest: true, alwaysSha: true }, prHeadSha: true },
    );
    targets = parseTargets(result.tags, 'tags');
    labels = result.labels;
    annotations = result.annotations;
    version = result.version;
  }
  if (targets.length === 0) throw new InputError('tags', 'no tag applies to this event');

  const pipelineDeps = {
    exec: deps.exec,
    docker: deps.docker ?? 'docker',
    log,
    env: deps.env,
    fetch: deps.fetch,
    now: deps.now,
    tempRoot: deps.env.RUNNER_TEMP,
    notice: deps.notice,
  };
  const summary = deps.writeSummary ?? writeSummary;
  const outputs = deps.setOutputs ?? setOutputs;

  if (inputs.promoteDigest) {
    const source = parsePromoteSource(inputs.promoteDigest, images.length ? images : targets);
    const result = await log.group('Promote', () =>
      runPromote(source, targets, credentials, pipelineDeps),
    );
    const image = `${repositoryName({ registry: source.registry, repository: source.repository })}@${result.digest}`;
    outputs({ digest: result.digest, image, tags: result.refs.join('\n'), version });
    summary(
      [
        '### Image promoted',
        '',
        `Digest \`${result.digest}\` (${result.mediaType}, ${kib(result.size)}), no rebuild and no layer upload.`,
        '',
        '| tag | before |',
        '| --- | --- |',
        ...result.refs.map(
          (r) =>
            `| \`${r}\` | ${Object.values(result.previous)[result.refs.indexOf(r)] ?? 'new'} |`,
        ),
      ].join('\n'),
    );
    return;
  }

  const result = await log.group('Build', () =>
    runBuild(
      {
        targets,
        push: inputs.push,
        credentials,
        secrets,
        builder: inputs.builder || undefined,
        build: {
          context: inputs.context,
          file: inputs.file || undefined,
          target: inputs.target || undefined,
          buildArgs: inputs.buildArgs,
          labels,
          annotations,
          platforms: inputs.platforms,
          cacheFrom: inputs.cacheFrom,
          cacheTo: inputs.cacheTo,
        },
      },
      pipelineDeps,
    ),
  );
  const image = result.digest ? `${repositoryName(targets[0]!)}@${result.digest}` : '';
  outputs({ digest: result.digest, image, tags: result.refs.join('\n'), version });
  summary(
    [
      '### Image built',
      '',
      result.digest
        ? `\`${image}\` (${kib(result.size)} compressed)`
        : 'Built locally, not pushed (push: false).',
      '',
      `Builder: ${result.builderSummary ?? result.builder}. Build ${(result.buildMs / 1000).toFixed(1)} s, push ${(result.pushMs / 1000).toFixed(1)} s.`,
      '',
      ...(result.cache
        ? [
            `Cache: import ${result.cache.from.map((c) => `\`${c}\``).join(', ') || 'none'}; export ${result.cache.to.map((c) => `\`${c}\``).join(', ') || 'none'}.`,
            '',
          ]
        : []),
      ...result.refs.map((r) => `- \`${r}\``),
    ].join('\n'),
  );
}
