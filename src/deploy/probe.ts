import type { Executor } from '../exec.js';
import type { AppState, Release } from '../host/state.js';
import { listArgv, parseContainerList, type ContainerInfo } from './docker.js';
import type { HttpTool } from './gates.js';
import type { AppPaths, Backend, HostPrimitives, TrafficProxy } from './ports.js';

/** What is on the host now. Reading it changes nothing (dry-run proves that). */
export interface Probe {
  paths: AppPaths;
  state: AppState;
  containers: ContainerInfo[];
  /** What the proxy routes now; undefined without a proxy. */
  routed?: Backend[];
  httpTool: HttpTool;
  /** The proxy in use (a rollback picks it by the release it leaves). */
  proxy?: TrafficProxy;
}

/** Commands the probe may run: the dry-run test holds every recorded command to this list. */
export const READ_ONLY_COMMANDS: readonly (readonly string[])[] = [
  ['cat'],
  ['docker', 'ps'],
  ['docker', 'inspect'],
  ['docker', 'logs'],
  ['docker', 'image', 'inspect'],
  ['sh', '-c', HTTP_TOOL_SCRIPT()],
  ['test'],
  ['socat'],
];

function HTTP_TOOL_SCRIPT(): string {
  return 'command -v curl || command -v wget || true';
}

/** The proxy to use: given, or picked from the current release (a rollback's proxy: auto). */
export type ProxyResolver = (current: Release | undefined) => TrafficProxy | undefined;
export type ProxyChoice = TrafficProxy | ProxyResolver;

export async function probe(
  exec: Executor,
  target: { stateBase: string; app: string; healthPath?: string },
  deps: { host: HostPrimitives; proxy?: ProxyChoice },
): Promise<Probe> {
  const paths = deps.host.appPaths(target.stateBase, target.app);
  const state = await deps.host.readState(exec, paths);
  const list = await exec.run(listArgv(target.app));
  const containers = parseContainerList(list.stdout);
  const proxy = typeof deps.proxy === 'function' ? deps.proxy(state.current) : deps.proxy;
  const routed = proxy ? await proxy.current(exec) : undefined;
  let httpTool: HttpTool = 'none';
  if (target.healthPath) {
    const found = await exec.run(['sh', '-c', HTTP_TOOL_SCRIPT()], { allowFailure: true });
    const first = found.stdout.trim().split('\n')[0] ?? '';
    httpTool = first.endsWith('/curl') ? 'curl' : first.endsWith('/wget') ? 'wget' : 'none';
  }
  return { paths, state, containers, routed, httpTool, proxy };
}
