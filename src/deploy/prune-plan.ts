/**
 * `tg-devops prune`: a plan of the one engine that only removes the app's stopped containers
 * beyond keep-releases and the images no kept container uses (the deploy's own prune steps),
 * never the current or the previous release. Pure: (config, probe) -> plan.
 */
import type { DeployConfig } from './config.js';
import { hostBefore, imagePruneStep, keptContainers, pruneSteps } from './plan.js';
import type { Probe } from './probe.js';
import type { LockPlan, Plan } from './steps.js';
import { StepError } from '../errors.js';

export function buildPrunePlan(config: DeployConfig, probe: Probe, lock: LockPlan): Plan {
  const current = probe.state.current;
  if (!current)
    throw new StepError(
      'prune',
      `${config.app} has no current release on this host: nothing to prune by`,
    );
  const keep = new Set(keptContainers(probe.state));
  // the current release's container counts first, as the new container does in a deploy's prune
  const removals = pruneSteps(config, probe, new Set([current.container, ...keep]));
  const images = imagePruneStep(probe, removals, current.image);
  return {
    kind: 'deploy',
    app: config.app,
    strategy: 'prune',
    proxy: 'none',
    releaseId: current.id,
    image: current.image,
    color: current.color,
    port: current.port,
    container: current.container,
    current,
    release: current,
    before: hostBefore(config.hostPorts, probe),
    lock,
    steps: [...removals, ...(images ? [images] : [])],
    cleanup: [],
    notes: [
      `keep-releases ${config.keepReleases}: the current and previous releases are always kept`,
    ],
  };
}
