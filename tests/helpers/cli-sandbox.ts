/**
 * The tg-devops CLI (src/cli/index.ts) run as a process, the way an operator runs it, against the
 * sandbox host: a work dir holding the registry password file, config files with the sandbox's
 * connection keys, and the run itself: runCli waits synchronously (for tests without servers of
 * their own), runCliAsync lets the test's own servers answer meanwhile.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from './deploy-host.js';
import { ROOT } from './repo.js';

/** node's arguments that start the CLI from its sources, then `argv`. */
export function cliArgs(argv: readonly string[]): string[] {
  return [
    '--import',
    join(ROOT, 'scripts/ts-register.mjs'),
    join(ROOT, 'src/cli/index.ts'),
    ...argv,
  ];
}

/** The CLI's environment: the test's own, without jest's NODE_OPTIONS (vm modules). */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: '', ...extra };
}

/** Runs `tg-devops <argv>` in `cwd` to its end. */
export function runCli(
  cwd: string,
  argv: readonly string[],
  extraEnv: Record<string, string> = {},
): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, cliArgs(argv), {
    cwd,
    encoding: 'utf8',
    env: cliEnv(extraEnv),
    timeout: 240_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** Runs `tg-devops <argv>` in `cwd`, asynchronously: the test's stand-ins keep answering. */
export function runCliAsync(
  cwd: string,
  argv: readonly string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, cliArgs(argv), {
    cwd,
    env: cliEnv(extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** A fresh work dir with `registry-password.txt` (what writeCliConfig's configs point to). */
export function cliWorkDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'registry-password.txt'), `${env.SANDBOX_REGISTRY_PASSWORD}\n`);
  return dir;
}

/**
 * Writes `<dir>/<name>`: a config deploying `image` as `app` on `ports` to the sandbox host over
 * verified SSH, with short timeouts, then the `extra` lines.
 */
export function writeCliConfig(
  dir: string,
  name: string,
  config: { app: string; image: string; ports: string; extra?: readonly string[] },
): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      `hosts: ${env.SANDBOX_SSH_USER}@${env.SANDBOX_SSH_HOST}:${env.SANDBOX_SSH_PORT}`,
      `ssh-key-file: ${env.SANDBOX_SSH_KEY}`,
      `known-hosts-file: ${env.SANDBOX_SSH_KNOWN_HOSTS}`,
      `app: ${config.app}`,
      `image: ${config.image}`,
      'bot-mode: worker',
      'health-path: /health',
      `host-ports: "${config.ports}"`,
      `registry: ${env.SANDBOX_REGISTRY}`,
      `registry-username: ${env.SANDBOX_REGISTRY_USER}`,
      'registry-password-file: registry-password.txt',
      `state-dir: ${env.SANDBOX_STATE_BASE}`,
      'gate-window: 1',
      'stop-grace: 3',
      'health-timeout: 30',
      'lock-timeout: 30',
      ...(config.extra ?? []),
    ].join('\n'),
  );
  return file;
}
