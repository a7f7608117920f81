/**
 * A host in memory for engine and orchestration unit tests: the host primitives keep state.json,
 * the audit lines and the lock in memory; the executor answers docker like a host whose containers
 * are a map that create/start/stop/rm change. `fail` makes chosen commands exit 1.
 */
import { recordingExecutor, type CommandResult } from '../../src/exec.js';
import type { HostPrimitives } from '../../src/deploy/ports.js';
import { appPaths, type AppState, type AuditEntry } from '../../src/host/state.js';

export function memoryHost(state: AppState) {
  const audits: AuditEntry[] = [];
  const host: HostPrimitives & { state: AppState; audits: AuditEntry[] } = {
    state,
    audits,
    appPaths,
    readState: async () => host.state,
    writeState: async (_e, _p, next) => void (host.state = next),
    appendAudit: async (_e, _p, entry) => void audits.push(entry),
    acquireLock: async () => ({ release: async () => undefined, refresh: async () => undefined }),
    writeFileAtomic: async () => undefined,
  };
  return host;
}

export interface FakeContainer {
  state: 'running' | 'exited';
  release: string;
  color?: string;
  image: string;
}

/** docker on one host: `containers` by name; `fail(argv)` true makes that command exit 1. */
export function dockerHost(
  app: string,
  containers: Map<string, FakeContainer>,
  options: { fail?: (argv: readonly string[]) => boolean; where?: string; labels?: string } = {},
) {
  return recordingExecutor((argv): Partial<CommandResult> | undefined => {
    if (options.fail?.(argv)) return { exitCode: 1, stderr: `failed: ${argv.join(' ')}` };
    const [tool, verb] = argv;
    if (tool === 'cat') return { exitCode: 1 };
    if (tool === 'sh' && argv.join(' ').startsWith('sh -c command -v'))
      return { stdout: '/usr/bin/curl\n' };
    if (tool === 'curl') return { stdout: '200' };
    if (tool !== 'docker') return undefined;
    const name = argv.at(-1)!;
    if (verb === 'ps')
      return {
        stdout: [...containers]
          .map(([n, c]) =>
            JSON.stringify({
              Names: n,
              State: c.state,
              Labels: `tg-devops.app=${app},tg-devops.release=${c.release},tg-devops.color=${c.color ?? ''},tg-devops.image=${c.image}`,
            }),
          )
          .join('\n'),
      };
    if (verb === 'create') {
      const named = argv[argv.indexOf('--name') + 1]!;
      containers.set(named, {
        state: 'exited',
        release: named.slice(app.length + 1),
        image: argv.find((a) => a.includes('@sha256:') || /:[\w.-]+$/.test(a)) ?? '',
      });
      return undefined;
    }
    if (verb === 'start' && containers.has(name)) containers.get(name)!.state = 'running';
    if (verb === 'stop' && containers.has(name)) containers.get(name)!.state = 'exited';
    if (verb === 'rm') containers.delete(name);
    if (verb === 'image' && argv[2] === 'inspect') return { stdout: options.labels ?? 'null' };
    if (verb === 'inspect') {
      const running = containers.get(name)?.state !== 'exited';
      return {
        stdout: JSON.stringify({
          Status: running ? 'running' : 'exited',
          Running: running,
          Restarting: false,
          ExitCode: 0,
          StartedAt: '2026-01-01T00:00:02.500Z',
          FinishedAt: '2026-01-01T00:00:02.000Z',
        }),
      };
    }
    if (verb === 'logs') return { stdout: 'working\n' };
    return undefined;
  }, options.where);
}
