import { StepError } from '../errors.js';
import type { Log } from '../log.js';
import { type Manifest, type RegistryClient } from './registry.js';

/**
 * Adds tags to an existing manifest through the registry API: the exact bytes that were tested
 * are PUT again under each new tag. No rebuild, no layer transfer (within one repository nothing
 * but the manifest moves; across repositories of one registry, blobs are mounted, not copied).
 */

export interface PromoteTarget {
  repository: string;
  tag: string;
}

export interface PromoteResult {
  digest: string;
  mediaType: string;
  /** Compressed size of config and layers (of every platform for an index). */
  size: number;
  /** repository:tag -> the digest it pointed to before (undefined when new). */
  previous: Record<string, string | undefined>;
}

async function contentSize(
  client: RegistryClient,
  repository: string,
  manifest: Manifest,
): Promise<number> {
  if (manifest.isIndex) {
    let total = 0;
    for (const child of manifest.body.manifests ?? []) {
      total += await contentSize(
        client,
        repository,
        await client.getManifest(repository, child.digest),
      );
    }
    return total;
  }
  return (
    (manifest.body.config?.size ?? 0) + (manifest.body.layers ?? []).reduce((s, l) => s + l.size, 0)
  );
}

async function ensureContent(
  client: RegistryClient,
  manifest: Manifest,
  from: string,
  to: string,
): Promise<void> {
  if (manifest.isIndex) {
    for (const child of manifest.body.manifests ?? []) {
      const childManifest = await client.getManifest(from, child.digest);
      await ensureContent(client, childManifest, from, to);
      if (!(await client.headManifest(to, child.digest)))
        await client.putManifest(to, child.digest, childManifest);
    }
    return;
  }
  const blobs = [manifest.body.config, ...(manifest.body.layers ?? [])].filter(
    (d) => d !== undefined,
  );
  for (const blob of blobs) {
    if (!(await client.hasBlob(to, blob.digest))) await client.mountBlob(to, blob.digest, from);
  }
}

export async function promote(
  client: RegistryClient,
  source: { repository: string; digest: string },
  targets: readonly PromoteTarget[],
  log: Log,
): Promise<PromoteResult> {
  const manifest = await client.getManifest(source.repository, source.digest);
  log.info(`${source.repository}@${manifest.digest}: ${manifest.mediaType}`);
  const repositories = [...new Set(targets.map((t) => t.repository))];
  for (const repository of repositories) await client.checkAccess(repository);
  for (const repository of repositories) {
    if (repository !== source.repository)
      await ensureContent(client, manifest, source.repository, repository);
  }
  // Read every target first; a tag that moves keeps its old manifest bytes for the rollback.
  const previous: Record<string, string | undefined> = {};
  const restore = new Map<string, { target: PromoteTarget; manifest: Manifest }>();
  for (const target of targets) {
    const key = `${target.repository}:${target.tag}`;
    previous[key] = await client.headManifest(target.repository, target.tag);
    const old = previous[key];
    if (old && old !== manifest.digest) {
      restore.set(key, { target, manifest: await client.getManifest(target.repository, old) });
    }
  }
  const moved: string[] = [];
  try {
    for (const target of targets) {
      const key = `${target.repository}:${target.tag}`;
      if (previous[key] === manifest.digest) {
        log.info(`${key} already points at ${manifest.digest}`);
        continue;
      }
      await client.putManifest(target.repository, target.tag, manifest);
      moved.push(key);
      log.info(`${key} -> ${manifest.digest}${previous[key] ? ` (was ${previous[key]})` : ''}`);
    }
  } catch (error) {
    const undone: string[] = [];
    for (const key of moved.reverse()) {
      const entry = restore.get(key);
      if (!entry) continue;
      try {
        await client.putManifest(entry.target.repository, entry.target.tag, entry.manifest);
        undone.push(`${key} back to ${entry.manifest.digest}`);
      } catch (undo) {
        log.error(`could not restore ${key}: ${(undo as Error).message}`);
      }
    }
    const fresh = moved.filter((key) => !restore.has(key));
    throw new StepError(
      'promote',
      `${(error as Error).message}; restored ${undone.length ? undone.join(', ') : 'nothing (no tag had moved)'}${
        fresh.length ? `; new tags left on the promoted digest: ${fresh.join(', ')}` : ''
      }`,
    );
  }
  for (const target of targets) {
    const served = await client.headManifest(target.repository, target.tag);
    if (served !== manifest.digest) {
      throw new StepError(
        'promote',
        `${target.repository}:${target.tag} serves ${served ?? 'nothing'}, expected ${manifest.digest}`,
      );
    }
  }
  return {
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    size: await contentSize(client, source.repository, manifest),
    previous,
  };
}
