/**
 * Disk space on the host: the check before a pull (refuse when the image would not fit with a
 * margin, so a small VPS never fails a pull half-way) and the image prune after keep-releases
 * pruned containers (report the bytes freed). Argv builders and parsers are pure; the two
 * runners below only read docker's answers and never go through a shell.
 */
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';

export const MIB = 1024 * 1024;

export const dockerRootArgv = (): string[] => ['docker', 'info', '--format', '{{.DockerRootDir}}'];
/** POSIX output (one line per filesystem, 1024-byte blocks): the same columns everywhere. */
export const dfArgv = (dir: string): string[] => ['df', '-Pk', dir];
export const imageIdSizeArgv = (ref: string): string[] => [
  'docker',
  'image',
  'inspect',
  '--format',
  '{{.Id}} {{.Size}}',
  ref,
];
/** Never --force: docker refuses to remove an image any container (of any app) still uses. */
export const imageRemoveArgv = (ref: string): string[] => ['docker', 'image', 'rm', ref];

/** Available bytes from `df -Pk DIR` (header, then one row; a long device name may wrap). */
export function parseDfAvailableBytes(stdout: string): number {
  const lines = stdout.trim().split('\n');
  const fields = lines.slice(1).join(' ').trim().split(/\s+/);
  // Filesystem 1024-blocks Used Available Capacity Mounted-on
  const available = fields.length >= 6 ? fields[fields.length - 3] : undefined;
  if (lines.length < 2 || !available || !/^\d+$/.test(available))
    throw new Error(`unexpected df output: ${stdout.trim().slice(0, 200)}`);
  return Number(available) * 1024;
}

/** `{{.Id}} {{.Size}}` of docker image inspect; undefined when it says nothing usable. */
export function parseImageIdSize(stdout: string): { id: string; size: number } | undefined {
  const match = /^(sha256:[0-9a-f]{64}) (\d+)$/.exec(stdout.trim());
  return match ? { id: match[1]!, size: Number(match[2]) } : undefined;
}

/** Bytes for people: 0 B, 512 KiB, 12.3 MiB, 1.50 GiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** What a pull needs: the image's estimated size plus the margin the host must keep free. */
export interface SpaceNeed {
  estimateBytes: number;
  /** Where the estimate comes from (for the message). */
  estimateFrom: string;
  marginBytes: number;
}

/** Whether free space covers the need; the message gives both numbers either way. */
export function spaceVerdict(
  freeBytes: number,
  need: SpaceNeed,
  where: { image: string; dir: string },
): { ok: boolean; message: string } {
  const needed = need.estimateBytes + need.marginBytes;
  const numbers = `${formatBytes(freeBytes)} (${freeBytes} bytes) free in ${where.dir}, ${formatBytes(needed)} (${needed} bytes) needed: ${formatBytes(need.estimateBytes)} for the image (${need.estimateFrom}) + ${formatBytes(need.marginBytes)} min-free-disk`;
  return freeBytes >= needed
    ? { ok: true, message: `disk space for ${where.image}: ${numbers}` }
    : {
        ok: false,
        message: `not enough disk space for ${where.image}: ${numbers}; nothing was pulled or changed`,
      };
}

/** The disk check a pull action carries (data in the plan). */
export interface SpaceCheck {
  marginBytes: number;
  /** The current release's image: its size estimates the new one's when that is not here yet. */
  estimateFrom?: string;
}

const inspect = async (exec: Executor, ref: string) => {
  const out = await exec.run(imageIdSizeArgv(ref), { allowFailure: true });
  return out.exitCode === 0 ? parseImageIdSize(out.stdout) : undefined;
};

/**
 * Refuses (throws) when the image would not fit with the margin. An image already here by its
 * digest needs nothing. The size estimate: the same reference's image when here (a tag's older
 * version), else the current release's image, else nothing (the margin alone).
 */
export async function checkSpace(
  exec: Executor,
  log: Log,
  image: string,
  check: SpaceCheck,
): Promise<void> {
  const here = await inspect(exec, image);
  if (here && image.includes('@sha256:')) {
    log.info(`disk space: ${image} is already on the host, nothing to download`);
    return;
  }
  const previous =
    !here && check.estimateFrom ? await inspect(exec, check.estimateFrom) : undefined;
  const need: SpaceNeed = here
    ? {
        estimateBytes: here.size,
        estimateFrom: 'its tag on the host now',
        marginBytes: check.marginBytes,
      }
    : previous
      ? {
          estimateBytes: previous.size,
          estimateFrom: `the size of the current release's image ${check.estimateFrom}`,
          marginBytes: check.marginBytes,
        }
      : {
          estimateBytes: 0,
          estimateFrom: 'size unknown before the pull',
          marginBytes: check.marginBytes,
        };
  const root = (await exec.run(dockerRootArgv())).stdout.trim();
  if (!root.startsWith('/')) {
    log.warn(`disk space not checked: docker info gave no data root (${root.slice(0, 100)})`);
    return;
  }
  const free = parseDfAvailableBytes((await exec.run(dfArgv(root))).stdout);
  const verdict = spaceVerdict(free, need, { image, dir: root });
  if (!verdict.ok) throw new Error(verdict.message);
  log.info(verdict.message);
}

/** Free bytes in docker's data root, or undefined when the host does not say (warned). */
async function freeInDockerRoot(exec: Executor): Promise<number | undefined> {
  const root = (await exec.run(dockerRootArgv(), { allowFailure: true })).stdout.trim();
  if (!root.startsWith('/')) return undefined;
  const df = await exec.run(dfArgv(root), { allowFailure: true });
  try {
    return parseDfAvailableBytes(df.stdout);
  } catch {
    return undefined;
  }
}

/**
 * Removes the candidate images no kept image is (by id), one reference at a time and never
 * forced (docker keeps an image another container uses: that is logged and skipped). The bytes
 * freed are the filesystem's own count: free space in docker's data root after the removals
 * minus before (images share base layers, so docker's per-image sizes overstate it; they are
 * logged beside it). When df cannot be read, the sizes of the images that are gone stand in.
 */
export async function pruneImages(
  exec: Executor,
  log: Log,
  candidates: readonly string[],
  keep: readonly string[],
): Promise<{ freedBytes: number; imageBytes: number; removed: string[] }> {
  const keptIds = new Set<string>();
  for (const ref of keep) {
    const found = await inspect(exec, ref);
    if (found) keptIds.add(found.id);
  }
  const targets: { ref: string; id: string; size: number }[] = [];
  for (const ref of candidates) {
    const found = await inspect(exec, ref);
    if (found && !keptIds.has(found.id)) targets.push({ ref, ...found });
  }
  if (!targets.length) return { freedBytes: 0, imageBytes: 0, removed: [] };
  const before = await freeInDockerRoot(exec);
  const removed: string[] = [];
  const tried = new Map<string, number>();
  for (const { ref, id, size } of targets) {
    const out = await exec.run(imageRemoveArgv(ref), { allowFailure: true });
    if (out.exitCode !== 0) {
      log.info(`image ${ref} kept: ${out.stderr.trim().split('\n')[0]?.slice(0, 200) ?? ''}`);
      continue;
    }
    removed.push(ref);
    tried.set(id, size);
  }
  let imageBytes = 0;
  for (const [id, size] of tried) {
    const still = await exec.run(imageIdSizeArgv(id), { allowFailure: true });
    if (still.exitCode !== 0) imageBytes += size;
  }
  const after = removed.length ? await freeInDockerRoot(exec) : before;
  const measured = before !== undefined && after !== undefined;
  const freedBytes = measured ? Math.max(0, after - before) : imageBytes;
  if (removed.length)
    log.info(
      `pruned ${removed.length} image(s) (${removed.join(', ')}): ${formatBytes(freedBytes)} freed (${measured ? `free space in docker's data root; docker's image sizes: ${formatBytes(imageBytes)}` : "docker's image sizes: df not readable"})`,
    );
  return { freedBytes, imageBytes, removed };
}

/**
 * The images a deploy's prune may remove (plan data): those of the containers it removes and of
 * recorded releases whose container is gone, minus every image a remaining container or the new
 * release uses. The executor compares by image id too (a tag and a digest of one image).
 */
export function imagePruneCandidates(input: {
  removed: readonly { image?: string }[];
  remaining: readonly { image?: string }[];
  gone: readonly string[];
  newImage: string;
}): { candidates: string[]; keep: string[] } {
  const known = (images: (string | undefined)[]) => [
    ...new Set(images.filter((i): i is string => Boolean(i) && i !== 'unknown')),
  ];
  const keep = known([input.newImage, ...input.remaining.map((c) => c.image)]);
  const candidates = known([...input.removed.map((c) => c.image), ...input.gone]).filter(
    (i) => !keep.includes(i),
  );
  return { candidates, keep };
}
