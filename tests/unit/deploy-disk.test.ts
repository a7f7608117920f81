import { describe, expect, it } from '@jest/globals';
import {
  checkSpace,
  formatBytes,
  imagePruneCandidates,
  MIB,
  parseDfAvailableBytes,
  parseImageIdSize,
  pruneImages,
  spaceVerdict,
} from '../../src/deploy/disk.js';
import { recordingExecutor, type CommandResult } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';

const id = (c: string) => `sha256:${c.repeat(64)}`;
const DIGEST_IMAGE = `reg.example/bot@${id('d')}`;

describe('df and docker image inspect parsing', () => {
  it('reads the Available column of df -P in 1024-byte blocks', () => {
    const out =
      'Filesystem     1024-blocks     Used Available Capacity Mounted on\n/dev/vda 264212084 24670432  81720480      24% /\n';
    expect(parseDfAvailableBytes(out)).toBe(81720480 * 1024);
  });
  it('reads a row a long device name wrapped onto two lines', () => {
    const out =
      'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/mapper/very-long-volume-group-name\n 1000 200 800 20% /var/lib/docker\n';
    expect(parseDfAvailableBytes(out)).toBe(800 * 1024);
  });
  it('refuses output it does not understand rather than guessing', () => {
    expect(() => parseDfAvailableBytes('')).toThrow(/unexpected df output/);
    expect(() => parseDfAvailableBytes('Filesystem\nnot numbers here at all ok')).toThrow();
  });
  it('parses an image id and size, nothing else', () => {
    expect(parseImageIdSize(`${id('a')} 12345\n`)).toEqual({ id: id('a'), size: 12345 });
    expect(parseImageIdSize('')).toBeUndefined();
    expect(parseImageIdSize('Error: No such image')).toBeUndefined();
  });
  it('formats bytes for people', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(300 * MIB)).toBe('300 MiB');
    expect(formatBytes(2 * 1024 * MIB)).toBe('2.00 GiB');
  });
});

describe('spaceVerdict', () => {
  const need = { estimateBytes: 100 * MIB, estimateFrom: 'x', marginBytes: 50 * MIB };
  const where = { image: 'bot:v2', dir: '/var/lib/docker' };
  it('accepts exactly enough and refuses one byte less, with both numbers', () => {
    expect(spaceVerdict(150 * MIB, need, where).ok).toBe(true);
    const refused = spaceVerdict(150 * MIB - 1, need, where);
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain(`(${150 * MIB - 1} bytes) free in /var/lib/docker`);
    expect(refused.message).toContain(`(${150 * MIB} bytes) needed`);
    expect(refused.message).toContain('min-free-disk');
    expect(refused.message).toContain('nothing was pulled');
  });
});

/** A host whose docker answers from a table of images and one df line. */
function host(images: Record<string, { id: string; size: number }>, freeKiB: number) {
  const present = new Map(Object.entries(images));
  let freedKiB = 0;
  const exec = recordingExecutor((argv): Partial<CommandResult> | undefined => {
    const cmd = argv.join(' ');
    if (cmd.startsWith('docker image inspect')) {
      const ref = argv.at(-1)!;
      const found = present.get(ref) ?? [...present.values()].find((i) => i.id === ref);
      return found
        ? { stdout: `${found.id} ${found.size}\n` }
        : { exitCode: 1, stderr: 'No such image' };
    }
    if (cmd.startsWith('docker image rm')) {
      const ref = argv.at(-1)!;
      if (ref === 'reg.example/bot:in-use')
        return { exitCode: 1, stderr: 'conflict: unable to remove repository reference' };
      const image = present.get(ref)!;
      present.delete(ref);
      // the filesystem gets the image's unique bytes back once no reference is left
      if (![...present.values()].some((i) => i.id === image.id)) freedKiB += image.size / 1024 / 2;
      return {};
    }
    if (cmd === 'docker info --format {{.DockerRootDir}}') return { stdout: '/var/lib/docker\n' };
    if (argv[0] === 'df')
      return {
        stdout: `Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vda 999999 1 ${freeKiB + freedKiB} 1% /\n`,
      };
    return undefined;
  });
  return { exec, present };
}

describe('checkSpace (before the pull)', () => {
  it('refuses when the current image size plus the margin does not fit, naming both numbers', async () => {
    const { exec } = host({ 'reg.example/bot:v1': { id: id('1'), size: 80 * MIB } }, 100 * 1024);
    const log = recordingLog();
    await expect(
      checkSpace(exec, log, DIGEST_IMAGE, {
        marginBytes: 64 * MIB,
        estimateFrom: 'reg.example/bot:v1',
      }),
    ).rejects.toThrow(/not enough disk space .*100 MiB .* free in \/var\/lib\/docker, 144 MiB/);
    expect(exec.commands.some((c) => c.argv.includes('pull'))).toBe(false);
    expect(exec.commands.at(-1)!.argv).toEqual(['df', '-Pk', '/var/lib/docker']);
  });
  it('passes when it fits and says the numbers', async () => {
    const { exec } = host({}, 1024 * 1024);
    const log = recordingLog();
    await checkSpace(exec, log, DIGEST_IMAGE, { marginBytes: 64 * MIB });
    expect(log.text()).toMatch(/disk space for .*1.00 GiB .* free/);
  });
  it('needs nothing for an image already here by digest (no df asked)', async () => {
    const { exec } = host({ [DIGEST_IMAGE]: { id: id('d'), size: 5 } }, 0);
    await checkSpace(exec, recordingLog(), DIGEST_IMAGE, { marginBytes: 64 * MIB });
    expect(exec.commands.some((c) => c.argv[0] === 'df')).toBe(false);
  });
  it('a mutable tag already here is estimated by its own size', async () => {
    const { exec } = host(
      { 'reg.example/bot:latest': { id: id('f'), size: 60 * MIB } },
      100 * 1024,
    );
    await expect(
      checkSpace(exec, recordingLog(), 'reg.example/bot:latest', { marginBytes: 50 * MIB }),
    ).rejects.toThrow(/110 MiB .* needed: 60.0 MiB for the image \(its tag on the host now\)/);
  });
});

describe('image prune', () => {
  it('candidates: images of removed containers and gone releases that nothing kept uses', () => {
    expect(
      imagePruneCandidates({
        removed: [{ image: 'bot:v1' }, { image: 'bot:v2' }, { image: 'unknown' }],
        remaining: [{ image: 'bot:v2' }, { image: 'bot:v3' }],
        gone: ['bot:v0', 'bot:v1', 'bot:v4'],
        newImage: 'bot:v4',
      }),
    ).toEqual({ candidates: ['bot:v1', 'bot:v0'], keep: ['bot:v4', 'bot:v2', 'bot:v3'] });
  });
  it('removes unkept images, skips one a kept ref shares by id and one docker keeps, counts only what is gone', async () => {
    const { exec, present } = host(
      {
        'reg.example/bot:v1': { id: id('1'), size: 10 * MIB },
        'reg.example/bot:v2': { id: id('2'), size: 20 * MIB },
        'reg.example/bot:v2-alias': { id: id('2'), size: 20 * MIB },
        'reg.example/bot:in-use': { id: id('9'), size: 99 * MIB },
        'reg.example/bot:v3': { id: id('3'), size: 30 * MIB },
      },
      0,
    );
    const log = recordingLog();
    const result = await pruneImages(
      exec,
      log,
      [
        'reg.example/bot:v1',
        'reg.example/bot:v2-alias',
        'reg.example/bot:in-use',
        'reg.example/bot:gone',
      ],
      ['reg.example/bot:v2', 'reg.example/bot:v3'],
    );
    // df's count (half of v1 was its own layers here), docker's size beside it
    expect(result).toEqual({
      freedBytes: 5 * MIB,
      imageBytes: 10 * MIB,
      removed: ['reg.example/bot:v1'],
    });
    expect([...present.keys()].sort()).toEqual([
      'reg.example/bot:in-use',
      'reg.example/bot:v2',
      'reg.example/bot:v2-alias',
      'reg.example/bot:v3',
    ]);
    const removals = exec.commands.filter((c) => c.argv[2] === 'rm').map((c) => c.argv.at(-1));
    expect(removals).toEqual(['reg.example/bot:v1', 'reg.example/bot:in-use']);
    expect(exec.commands.every((c) => !c.argv.includes('--force') && !c.argv.includes('-f'))).toBe(
      true,
    );
    expect(log.text()).toContain('image reg.example/bot:in-use kept: conflict');
    expect(log.text()).toContain(
      "5.00 MiB freed (free space in docker's data root; docker's image sizes: 10.0 MiB)",
    );
  });
  it('asks nothing of df and removes nothing when every candidate is kept by id or gone', async () => {
    const { exec } = host(
      { 'bot:v2': { id: id('2'), size: 1 }, 'bot:v2b': { id: id('2'), size: 1 } },
      0,
    );
    const result = await pruneImages(exec, recordingLog(), ['bot:v2b', 'bot:v0'], ['bot:v2']);
    expect(result).toEqual({ freedBytes: 0, imageBytes: 0, removed: [] });
    expect(exec.commands.map((c) => c.argv.slice(0, 3).join(' '))).toEqual([
      'docker image inspect',
      'docker image inspect',
      'docker image inspect',
    ]);
  });
});
