/**
 * Hosts that do not fill up (issue 13), through the deploy action's entry against the sandbox's
 * dockerd, registry and sshd:
 *
 *  - five releases of five different images with keep-releases: 3: afterwards only the images of
 *    the kept containers are on the host, and the runs that pruned report the bytes freed
 *    (output freed-bytes and the summary);
 *  - a host whose free space is below what the pull needs is refused before the pull, naming both
 *    numbers, and nothing changes (containers, state, the image never requested from the
 *    registry). The sandbox's disk is large, so the test asks for more than it has through the
 *    margin (min-free-disk: 1 TiB, above the real free space df reports) instead of filling it.
 *
 * The images are this test's own (a unique repository, each with 4 MiB of its own random
 * bytes), built and pushed here: other tests' images are never touched.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localExecutor } from '../../src/exec.js';
import { runEntry, type EntryResult } from '../helpers/action-entry.js';
import {
  containers,
  env,
  hostExec,
  hostState,
  registryInputs,
  removeApp,
  sshInputs,
} from '../helpers/deploy-host.js';

jest.setTimeout(600_000);
const app = `h9-disk-${process.pid}`;
const repo = `${env.SANDBOX_REGISTRY}/tg-test/h9-prune-${process.pid}`;
const PAD = 4 * 1024 * 1024;
const images: string[] = [];
const root = localExecutor({
  env: {
    DOCKER_HOST: env.DOCKER_HOST!,
    DOCKER_CONFIG: env.SANDBOX_DOCKER_CONFIG!,
    // The classic builder: BuildKit's build cache would keep the layers on this daemon after
    // the image is removed (a host whose images were built elsewhere has no such cache), and
    // the freed bytes this test checks would not be freed.
    DOCKER_BUILDKIT: '0',
  },
});
/** The sandbox's own docker client (Debian's 20.10: BuildKit without the buildx plugin). */
const DOCKER = env.SANDBOX_DOCKER_CLI ?? 'docker';
const work = mkdtempSync(join(tmpdir(), 'h9-disk-'));

/** Builds, pushes and forgets (locally) one image; returns its digest reference. */
async function image(n: number): Promise<string> {
  const dir = join(work, `r${n}`);
  rmSync(dir, { recursive: true, force: true });
  await root.run(['mkdir', '-p', dir]);
  writeFileSync(join(dir, 'pad'), randomBytes(PAD));
  writeFileSync(
    join(dir, 'Dockerfile'),
    `FROM ${env.SANDBOX_IMAGE_WEB_V2_LOCAL}\nCOPY pad /pad-${n}\nLABEL h9.release=${n}\n`,
  );
  const tag = `${repo}:r${n}`;
  await root.run([DOCKER, 'build', '-q', '-t', tag, dir]);
  await root.run([DOCKER, 'push', '-q', tag]);
  const digest = (
    await root.run([DOCKER, 'image', 'inspect', '--format', '{{index .RepoDigests 0}}', tag])
  ).stdout.trim();
  // the tag is the image's only name: removing it removes the image (the deploy pulls it)
  await root.run([DOCKER, 'image', 'rm', tag]);
  const left = await root.run([DOCKER, 'image', 'inspect', digest], { allowFailure: true });
  if (left.exitCode === 0) throw new Error(`${digest} is still on the host`);
  return digest;
}

const present = async (ref: string) =>
  (await hostExec.run(['docker', 'image', 'inspect', ref], { allowFailure: true })).exitCode === 0;

const deployRun = (ref: string, extra: Record<string, string> = {}): Promise<EntryResult> =>
  runEntry('deploy', {
    ...sshInputs(),
    ...registryInputs(),
    app,
    image: ref,
    'bot-mode': 'worker',
    'health-path': '/health',
    'host-ports': '22913,22914',
    'keep-releases': '3',
    'gate-window': '1',
    'stop-grace': '3',
    'lock-timeout': '60',
    ...extra,
  });

beforeAll(async () => {
  for (const n of [1, 2, 3, 4, 5, 6]) images.push(await image(n));
});

afterAll(async () => {
  await removeApp(app);
  for (const ref of images)
    await hostExec.run(['docker', 'image', 'rm', ref], { allowFailure: true });
  rmSync(work, { recursive: true, force: true });
});

test('five releases with keep-releases 3: only the kept containers’ images remain, the bytes freed are reported', async () => {
  const freed: string[] = [];
  for (const ref of images.slice(0, 5)) {
    const run = await deployRun(ref);
    expect({ status: run.status, errors: run.errors }).toEqual({ status: 0, errors: [] });
    freed.push(run.outputs['freed-bytes'] ?? '');
    if (run.outputs['freed-bytes'])
      expect(run.summary).toMatch(/images pruned, [\d.]+ [KMG]?i?B freed/);
  }
  // keep-releases 3: the new release, the current and the previous
  const left = await containers(app);
  expect(left).toHaveLength(3);
  const kept = (
    await hostExec.run([
      'docker',
      'ps',
      '-a',
      '--filter',
      `label=tg-devops.app=${app}`,
      '--format',
      '{{.Label "tg-devops.image"}}',
    ])
  ).stdout
    .split('\n')
    .filter(Boolean)
    .sort();
  expect(kept).toEqual(images.slice(2, 5).sort());
  const onHost: string[] = [];
  for (const ref of images.slice(0, 5)) if (await present(ref)) onHost.push(ref);
  expect(onHost.sort()).toEqual(kept);
  // runs 1-3 pruned nothing; runs 4 and 5 each removed one image with 4 MiB of its own, which
  // df sees come back (other tests write to the same disk meanwhile: at least, not exactly)
  expect(freed.slice(0, 3)).toEqual(['', '', '']);
  for (const f of freed.slice(3)) expect(Number(f)).toBeGreaterThanOrEqual(PAD);
  console.log(
    `freed-bytes of runs 4 and 5: ${freed.slice(3).join(', ')} (each image has ${PAD} bytes of its own)`,
  );
});

test('free space below what the pull needs: refused before the pull with both numbers, nothing changed', async () => {
  const before = { containers: await containers(app), state: hostState(app) };
  const digest = images[5]!.split('@')[1]!;
  const registryLog = () =>
    readFileSync(env.SANDBOX_REGISTRY_LOG!, 'utf8')
      .split('\n')
      .filter((l) => l.includes(digest)).length;
  const asked = registryLog();
  const run = await deployRun(images[5]!, { 'min-free-disk': '1048576' });
  expect(run.status).toBe(1);
  const error = run.errors.join('\n');
  expect(error).toMatch(
    /not enough disk space for .*: [\d.]+ [KMGT]?i?B \(\d+ bytes\) free in \/\S+, [\d.]+ [KMGT]?i?B \(\d+ bytes\) needed: .* \+ 1.00 TiB min-free-disk; nothing was pulled or changed/,
  );
  const [free, needed] = [...error.matchAll(/\((\d+) bytes\)/g)].map((m) => Number(m[1]));
  expect(free).toBeLessThan(needed!);
  expect(await present(images[5]!)).toBe(false);
  expect(registryLog()).toBe(asked);
  expect(await containers(app)).toEqual(before.containers);
  expect(hostState(app)).toEqual(before.state);
});
