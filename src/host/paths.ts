/** Remote paths are checked here before any command uses them. */

/** An absolute path with no `..`, no empty or control characters: safe to hand to rm/mv. */
export function checkRemotePath(path: string): string {
  if (!path.startsWith('/') || path.length > 4096) {
    throw new Error(`remote path '${path}' must be absolute`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\0-\x1f\x7f]/.test(path))
    throw new Error(`remote path ${JSON.stringify(path)} has control characters`);
  if (path.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`remote path '${path}' must not contain . or .. segments`);
  }
  return path.replace(/\/+$/, '') || '/';
}

/** Whether `path` lies strictly inside `dir` (both already checked). */
export function isInside(dir: string, path: string): boolean {
  const base = checkRemotePath(dir);
  const target = checkRemotePath(path);
  return base !== '/' && target.startsWith(`${base}/`);
}

export function dirname(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}
