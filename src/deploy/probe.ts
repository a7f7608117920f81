import type { Executor } from '../exec.js';
import type { DeployConfig } from './config.js';
import { listArgv, parseContainerList, type ContainerInfo } from './docker.js';
import type { HttpTool } from './gates.js';
import type { AppPaths, AppState, Backend, HostPrimitives, TrafficProxy } from './ports.js';

/** What is on the host now. Reading it changes nothing (dry-run proves that). */
export interface Probe {
  paths: AppPaths;
  state: AppState;
  containers: ContainerInfo[];
  /** What the proxy routes to now; undefined without a proxy. */
  routed?: Backend[];
  httpTool: HttpTool;
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
];

function HTTP_TOOL_SCRIPT(): string {
  return 'command -v curl || command -v wget || true';
}

export async function probe(
  exec: Executor,
  config: DeployConfig,
  deps: { host: HostPrimitives; proxy?: TrafficProxy },
): Promise<Probe> {
  const paths = deps.host.appPaths(config.stateBase, config.app);
  const state = await deps.host.readState(exec, paths);
  const list = await exec.run(listArgv(config.app));
  const containers = parseContainerList(list.stdout);
  const routed = deps.proxy ? await deps.proxy.current(exec) : undefined;
  let httpTool: HttpTool = 'none';
  if (config.healthPath) {
    const found = await exec.run(['sh', '-c', HTTP_TOOL_SCRIPT()], { allowFailure: true });
    const first = found.stdout.trim().split('\n')[0] ?? '';
    httpTool = first.endsWith('/curl') ? 'curl' : first.endsWith('/wget') ? 'wget' : 'none';
  }
  return { paths, state, containers, routed, httpTool };
}
