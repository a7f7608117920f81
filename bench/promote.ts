// bench/promote: adding a release tag by registry manifest PUT (promote) versus
// docker pull + tag + push of the same image, side by side against the sandbox's real
// dockerd and registry. Reports the time ratio and the registry requests each one makes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestFromPush } from '../src/docker/argv.js';
import { promote } from '../src/docker/promote.js';
import { RegistryClient } from '../src/docker/registry.js';
import { localExecutor } from '../src/exec.js';
import { recordingLog } from '../src/log.js';
import { sandboxEnv } from '../tests/helpers/sandbox.js';
import { proxyFetch } from '../src/github/http.js';

const ROUNDS = 5;
const LAYER_BYTES = 4 * 1024 * 1024;
const sandbox = sandboxEnv();
const docker = sandbox.SANDBOX_DOCKER_CLI!;
const registry = sandbox.SANDBOX_REGISTRY!;
const repository = `bench-promote/bot-${randomBytes(3).toString('hex')}`;
const image = `${registry}/${repository}`;
const work = mkdtempSync(join(tmpdir(), 'bench-promote-'));
const config = join(work, 'docker-config');
const exec = localExecutor({ env: { DOCKER_HOST: sandbox.DOCKER_HOST, DOCKER_CONFIG: config } });
const log = recordingLog();
const logFile = sandbox.SANDBOX_REGISTRY_LOG!;
const auth = `Basic ${Buffer.from(`${sandbox.SANDBOX_REGISTRY_USER}:${sandbox.SANDBOX_REGISTRY_PASSWORD}`).toString('base64')}`;

function requestsSince(offset: number): string[] {
  const text = readFileSync(logFile, 'utf8').slice(offset);
  return [...text.matchAll(/"(GET|HEAD|PUT|POST|PATCH) (\/v2\/[^ ]*) HTTP\/1\.1" \d+ (\d+)/g)]
    .map((m) => `${m[1]} ${m[2]} ${m[3]}`)
    .filter((r) => r.includes(`/v2/${repository}/`));
}
const size = () => readFileSync(logFile).length;
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

const digests = new Set<string>();
try {
  // A unique image with one 4 MiB layer, so a pull really transfers a layer.
  writeFileSync(join(work, 'blob'), randomBytes(LAYER_BYTES));
  writeFileSync(join(work, 'Dockerfile'), 'FROM scratch\nCOPY blob /blob\n');
  await exec.run(
    [docker, 'login', '-u', sandbox.SANDBOX_REGISTRY_USER!, '--password-stdin', registry],
    {
      input: sandbox.SANDBOX_REGISTRY_PASSWORD,
    },
  );
  await exec.run([docker, 'build', '-q', '-t', `${image}:src`, work]);
  const pushed = await exec.run([docker, 'push', `${image}:src`]);
  const digest = digestFromPush(pushed.stdout)!;
  digests.add(digest);
  await exec.run([docker, 'image', 'rm', `${image}:src`]);
  const client = new RegistryClient({
    registry,
    username: sandbox.SANDBOX_REGISTRY_USER,
    password: sandbox.SANDBOX_REGISTRY_PASSWORD,
    fetch: proxyFetch,
  });

  const rows = { promote: [] as number[], pull: [] as number[] };
  const reqs = { promote: [] as string[], pull: [] as string[] };
  for (let i = 0; i < ROUNDS; i++) {
    let offset = size();
    let start = process.hrtime.bigint();
    await promote(client, { repository, digest }, [{ repository, tag: `p-${i}` }], log);
    rows.promote.push(seconds(start));
    reqs.promote.push(...requestsSince(offset));
    if ((await client.headManifest(repository, `p-${i}`)) !== digest)
      throw new Error('promote lost the digest');

    offset = size();
    start = process.hrtime.bigint();
    await exec.run([docker, 'pull', '-q', `${image}@${digest}`]);
    await exec.run([docker, 'tag', `${image}@${digest}`, `${image}:r-${i}`]);
    const out = await exec.run([docker, 'push', `${image}:r-${i}`]);
    rows.pull.push(seconds(start));
    reqs.pull.push(...requestsSince(offset));
    if (digestFromPush(out.stdout) !== digest)
      throw new Error('pull-retag-push changed the digest');
    await exec.run([docker, 'image', 'rm', `${image}:r-${i}`, `${image}@${digest}`], {
      allowFailure: true,
    });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const count = (list: string[], re: RegExp) => list.filter((r) => re.test(r)).length / ROUNDS;
  const blobGets = /^GET \/v2\/[^ ]*\/blobs\/sha256/;
  const uploads = /blobs\/uploads|^(PATCH|PUT) \/v2\/[^ ]*\/blobs/;
  console.log(
    `${ROUNDS} rounds each, interleaved; image: one ${LAYER_BYTES / 1048576} MiB layer\n`,
  );
  const served = (list: string[]) =>
    list.filter((r) => r.startsWith('GET')).reduce((n, r) => n + Number(r.split(' ')[2]), 0) /
    ROUNDS;
  console.log(
    '| method | median s | registry requests / tag | blob GETs / tag | blob uploads / tag | bytes served / tag |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, key] of [
    ['promote (manifest PUT)', 'promote'],
    ['docker pull + tag + push', 'pull'],
  ] as const) {
    console.log(
      `| ${name} | ${median(rows[key]).toFixed(3)} | ${reqs[key].length / ROUNDS} | ${count(reqs[key], blobGets)} | ${count(reqs[key], uploads)} | ${served(reqs[key]).toFixed(0)} |`,
    );
  }
  console.log(
    `\npull-retag-push / promote time ratio: ${(median(rows.pull) / median(rows.promote)).toFixed(1)}x`,
  );
} finally {
  for (const digest of digests) {
    await fetch(`http://${registry}/v2/${repository}/manifests/${digest}`, {
      method: 'DELETE',
      headers: { authorization: auth },
    });
  }
  await exec.run([docker, 'logout', registry], { allowFailure: true });
  rmSync(work, { recursive: true, force: true });
}
