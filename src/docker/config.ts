import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Credentials } from './pipeline.js';
import { loginServer } from './reference.js';

/**
 * Credentials an earlier `docker login` (e.g. docker/login-action) stored in the docker config,
 * for the registry API calls when the build action was given none. Credential helpers are not
 * consulted: then the calls go out anonymously and the registry's answer says what is missing.
 */
export function credentialsFromDockerConfig(
  env: Record<string, string | undefined>,
  registry: string,
): Credentials | undefined {
  const dir = env.DOCKER_CONFIG || (env.HOME ? join(env.HOME, '.docker') : undefined);
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
