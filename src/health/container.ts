import { errorMessage } from '../errors.js';
import type { Executor } from '../exec.js';
import type { Check, ProbeResult } from './types.js';

/** The few fields of `docker inspect` a check needs (nothing else: env vars hold secrets). */
export const INSPECT_FORMAT =
  '{"Status":{{json .State.Status}},"Running":{{json .State.Running}},"Restarting":{{json .State.Restarting}},"ExitCode":{{json .State.ExitCode}},"StartedAt":{{json .State.StartedAt}},"Health":{{if .State.Health}}{{json .State.Health.Status}}{{else}}null{{end}},"RestartCount":{{json .RestartCount}}}';

export function inspectArgv(container: string, docker: readonly string[] = ['docker']): string[] {
  return [...docker, 'container', 'inspect', '--format', INSPECT_FORMAT, '--', container];
}

export interface ContainerState {
  Status: string;
  Running: boolean;
  Restarting: boolean;
  ExitCode: number;
  StartedAt: string;
  Health: string | null;
  RestartCount: number;
}

export function parseInspect(stdout: string): ContainerState {
  const line = stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as ContainerState;
  if (typeof parsed.Status !== 'string')
    throw new Error(`unexpected docker inspect output: ${line}`);
  return parsed;
}

/**
 * Pure: judge a container. Not running, restarting or unhealthy fails; a health check still
 * starting is inconclusive; a restart count above the baseline fails for good (it crashed).
 */
export function judgeContainer(state: ContainerState, baselineRestarts: number): ProbeResult {
  const health = state.Health ? `, health ${state.Health}` : '';
  const seen = `${state.Status}${health}, ${state.RestartCount} restart(s)`;
  if (state.RestartCount > baselineRestarts) {
    return {
      status: 'fail',
      final: true,
      value: state.RestartCount,
      summary: `${seen}: restarted ${state.RestartCount - baselineRestarts} time(s) since verification began (last exit code ${state.ExitCode})`,
    };
  }
  if (state.Restarting || state.Status === 'restarting') {
    return {
      status: 'fail',
      value: state.RestartCount,
      summary: `${seen}: restarting (exit code ${state.ExitCode})`,
    };
  }
  if (!state.Running || state.Status !== 'running') {
    return {
      status: 'fail',
      final: state.Status === 'exited' || state.Status === 'dead',
      value: state.RestartCount,
      summary: `${seen} (exit code ${state.ExitCode})`,
    };
  }
  if (state.Health === 'unhealthy')
    return { status: 'fail', value: state.RestartCount, summary: seen };
  if (state.Health === 'starting')
    return { status: 'inconclusive', value: state.RestartCount, summary: seen };
  return { status: 'pass', value: state.RestartCount, summary: seen };
}

export interface ContainerCheckSpec {
  container: string;
  /** Restarts already counted before verification; default: the first probe's count. */
  baselineRestarts?: number;
  docker?: readonly string[];
  name?: string;
}

/** Container state, health and restart count through any Executor (local, ssh). */
export function containerCheck(spec: ContainerCheckSpec, executor: Executor): Check {
  let baseline = spec.baselineRestarts;
  return {
    name: spec.name ?? `container ${spec.container}@${executor.where}`,
    kind: 'container',
    async probe() {
      const result = await executor.run(inspectArgv(spec.container, spec.docker), {
        allowFailure: true,
      });
      if (result.exitCode !== 0) {
        const why = (result.stderr.trim() || result.stdout.trim()).split('\n').pop() ?? '';
        if (/no such (container|object)/i.test(why)) {
          return { status: 'fail', summary: `no container named ${spec.container}` };
        }
        return {
          status: 'inconclusive',
          summary: `docker inspect exited ${result.exitCode}: ${why}`,
        };
      }
      let state: ContainerState;
      try {
        state = parseInspect(result.stdout);
      } catch (error) {
        return { status: 'inconclusive', summary: errorMessage(error) };
      }
      baseline ??= state.RestartCount;
      return judgeContainer(state, baseline);
    },
  };
}
