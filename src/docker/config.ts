import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loginServer, type Credentials } from './reference.js';

/**
 * Credentials an earlier `docker login` (e.g. docker/login-action) stored in the docker config,
 * for the registry API calls when the build action was given none. Credential helpers are not
 * consulted: then the calls go out anonymously and the registry's answer says what is missing.
 */
export function credentialsFromDockerConfig(
  env: Record<string, string | undefined>,
  registry: string,
): Credentials | undefined {
  const dir = runnerDockerConfigDir(env);
  const file = dir ? join(dir, 'config.json') : undefined;
  if (!file || !existsSync(file)) return undefined;
  try {
    const config = JSON.parse(readFileSync(file, 'utf8')) as {
      auths?: Record<string, { auth?: string }>;
    };
    const entry = config.auths?.[registry] ?? config.auths?.[loginServer(registry)];
    if (!entry?.auth) return undefined;
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    return at < 0 ? undefined : { username: decoded.slice(0, at), password: decoded.slice(at + 1) };
  } catch {
    return undefined;
  }
}

/** The docker config the runner's earlier steps used (login-action, setup-buildx-action). */
export function runnerDockerConfigDir(env: Record<string, string | undefined>): string | undefined {
  return env.DOCKER_CONFIG || (env.HOME ? join(env.HOME, '.docker') : undefined);
}

/** What the private config shares with the runner's by link: builders, contexts, CLI plugins. */
export const SHARED_CONFIG_ENTRIES = ['buildx', 'contexts', 'cli-plugins'] as const;

/**
 * A private docker config for a login with the given credentials that still sees the runner's
 * world: its config.json is copied (other registries' logins, proxies, the current context) and
 * its buildx builders, contexts and CLI plugins are linked, so the builder setup-buildx-action
 * made current is the one that builds. The copy drops credsStore and the credential helpers of
 * the registries logged in here, so the new password lands in this directory and nowhere else.
 */
export function preparePrivateDockerConfig(
  privateConfig: string,
  runnerConfig: string | undefined,
  loginRegistries: readonly string[],
): { linked: string[] } {
  const linked: string[] = [];
  let config: Record<string, unknown> = {};
  const source = runnerConfig ? join(runnerConfig, 'config.json') : undefined;
  if (source && existsSync(source)) {
    try {
      config = JSON.parse(readFileSync(source, 'utf8')) as Record<string, unknown>;
    } catch {
      config = {};
    }
  }
  delete config.credsStore;
  const helpers = config.credHelpers as Record<string, string> | undefined;
  if (helpers) {
    for (const registry of loginRegistries) {
      delete helpers[registry];
      delete helpers[loginServer(registry)];
    }
  }
  writeFileSync(join(privateConfig, 'config.json'), `${JSON.stringify(config, null, 2)}\n`, {
    mode: 0o600,
  });
  if (runnerConfig) {
    for (const entry of SHARED_CONFIG_ENTRIES) {
      const target = join(runnerConfig, entry);
      if (!existsSync(target)) continue;
      symlinkSync(target, join(privateConfig, entry));
      linked.push(entry);
    }
  }
  return { linked };
}
