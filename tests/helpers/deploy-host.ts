/**
 * What an acceptance test needs to drive the deploy and rollback actions against the sandbox host
 * and to look at the host afterwards, through the host's own contract only (container labels,
 * `<state-dir>/<app>/{state.json,audit.jsonl,lock}`), never through the engine's internals.
 */
import { existsSync, readFileSync } from 'node:fs';
import { localExecutor, type Executor } from '../../src/exec.js';
import { asUser } from './proxy-stack.js';
import { sandboxEnv } from './sandbox.js';

export const env = sandboxEnv();

/** Commands on the host as the deploy user (what the deploy's SSH session is). */
export const hostExec: Executor = asUser(
  'tgdeploy',
  localExecutor({ env: { DOCKER_HOST: env.DOCKER_HOST } }),
);

export const sshTarget = `${env.SANDBOX_SSH_USER}@${env.SANDBOX_SSH_HOST}:${env.SANDBOX_SSH_PORT}`;

/** The connection inputs both actions take. */
export function sshInputs(): Record<string, string> {
  return {
    hosts: sshTarget,
    'ssh-key': readFileSync(env.SANDBOX_SSH_KEY!, 'utf8'),
    'known-hosts': readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8'),
    'state-dir': env.SANDBOX_STATE_BASE!,
  };
}

/** The pull credentials for the sandbox registry. */
export function registryInputs(): Record<string, string> {
  return {
    'registry-username': env.SANDBOX_REGISTRY_USER!,
    'registry-password': env.SANDBOX_REGISTRY_PASSWORD!,
  };
}

export const appDir = (app: string) => `${env.SANDBOX_STATE_BASE}/${app}`;

/** The app's containers as `name state`, sorted. */
export async function containers(app: string): Promise<string[]> {
  const out = await hostExec.run([
    'docker',
    'ps',
    '-a',
    '--filter',
    `label=tg-devops.app=${app}`,
    '--format',
    '{{.Names}} {{.State}}',
  ]);
  return out.stdout.split('\n').filter(Boolean).sort();
}

/** Names of the app's running containers whose release label is `release`. */
export async function running(app: string, release?: string): Promise<string[]> {
  const filters = ['--filter', `label=tg-devops.app=${app}`];
  if (release) filters.push('--filter', `label=tg-devops.release=${release}`);
  const out = await hostExec.run(['docker', 'ps', ...filters, '--format', '{{.Names}}']);
  return out.stdout.split('\n').filter(Boolean);
}

/** docker inspect's State of one container (times as epoch ms). */
export async function containerTimes(
  name: string,
): Promise<{ startedAt: number; finishedAt: number }> {
  const out = await hostExec.run([
    'docker',
    'inspect',
    '--format',
    '{{.State.StartedAt}} {{.State.FinishedAt}}',
    name,
  ]);
  const [started, finished] = out.stdout.trim().split(' ');
  return { startedAt: Date.parse(started!), finishedAt: Date.parse(finished!) };
}

export interface AuditLine {
  action: string;
  release?: string;
  result: string;
  detail?: string;
  runId?: string;
  actor?: string;
}

export function audit(app: string): AuditLine[] {
  const file = `${appDir(app)}/audit.jsonl`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditLine);
}

export function hostState(app: string): {
  current?: { id: string };
  previous?: { id: string };
  /** A canary held for approval (canary-hold). */
  hold?: { release: { id: string }; weight: number; runId: string };
} {
  const file = `${appDir(app)}/state.json`;
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

export const lockHeld = (app: string) => existsSync(`${appDir(app)}/lock`);

/** The lock's holder (holder.json) and expiry (epoch seconds), when held. */
export function lockInfo(app: string): { holder: Record<string, unknown>; expires: number } | null {
  const dir = `${appDir(app)}/lock`;
  try {
    return {
      holder: JSON.parse(readFileSync(`${dir}/holder.json`, 'utf8')) as Record<string, unknown>,
      expires: Number(readFileSync(`${dir}/expires`, 'utf8').trim()),
    };
  } catch {
    return null;
  }
}

/** Removes everything an app left on the host: containers (and pre-deploy ones), its state dir. */
export async function removeApp(app: string): Promise<void> {
  for (const label of [app, `${app}-pre`]) {
    const ids = (
      await hostExec.run(['docker', 'ps', '-aq', '--filter', `label=tg-devops.app=${label}`], {
        allowFailure: true,
      })
    ).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length) await hostExec.run(['docker', 'rm', '-f', ...ids], { allowFailure: true });
  }
  await hostExec.run(['rm', '-rf', appDir(app)], { allowFailure: true });
}

/** An argv as one input string (the actions split it back into arguments, no shell). */
export function commandInput(argv: readonly string[]): string {
  return argv
    .map((a) => (a === 'nginx' ? '/usr/sbin/nginx' : a === 'haproxy' ? '/usr/sbin/haproxy' : a))
    .map((a) => (/^[\w@%+=:,./{}-]+$/.test(a) ? a : `'${a.replace(/'/g, '')}'`))
    .join(' ');
}
