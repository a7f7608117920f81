/**
 * The deploy's plan: a pure function of (probe, config, release id) that returns data (steps.ts).
 * It converges a host a cut-off run left behind first (reconcile), then pulls, writes the env
 * file, backs up, migrates, runs the strategy, records the release and prunes old containers.
 */
import type { DeployConfig } from './config.js';
import {
  containerName,
  imageLabelsArgv,
  loginArgv,
  migrationMark,
  preDeployArgv,
  pullArgv,
  removeArgv,
  type ContainerInfo,
} from './docker.js';
import { DUMP_SCRIPT } from './backup.js';
import { imagePruneCandidates, MIB } from './disk.js';
import type { AppState, Release } from '../host/state.js';
import type { Probe } from './probe.js';
import type { ProxyDescription } from '../proxy/types.js';
import { otherColor } from '../proxy/types.js';
import { InputError } from '../errors.js';
import {
  blueGreenSteps,
  canaryHoldSteps,
  canarySteps,
  canSplit,
  drainStep,
  handoverSteps,
  refOf,
  routeStep,
  stopStep,
  type StrategyInput,
} from './strategies.js';
import type { ContainerRef, HostBefore, LockPlan, Plan, RouteTarget, Step } from './steps.js';
import { webhookRecord, withWebhookSteps } from './webhook-plan.js';

export interface PlanInput {
  config: DeployConfig;
  probe: Probe;
  releaseId: string;
  /** ISO time of the deploy, for the release record. */
  now: string;
  /** The proxy the release is deployed behind, recorded on it (none when absent). */
  proxy?: ProxyDescription;
  lock: LockPlan;
  /** Extra seconds a gate may hold for the verify checks (on-inconclusive pause). */
  verifyPauseSeconds?: number;
  /** nginx's include directory (the proxy's), for the webhook server block. */
  nginxConfDir?: string;
  /** The run (canary-hold records who held the canary). */
  holder?: { runId: string; actor: string; url?: string };
}

const isRunning = (c: ContainerInfo) => c.state === 'running' || c.state === 'restarting';

/** The release that really serves now: the state file, corrected by what the host shows. */
export interface Reconciled {
  current?: Release;
  /** Running app containers that are not the current release (left by a cut-off run). */
  strays: ContainerInfo[];
  notes: string[];
}

export function reconcile(config: DeployConfig, probe: Probe): Reconciled {
  const notes: string[] = [];
  const running = probe.containers.filter(isRunning);
  let current = probe.state.current;
  const currentRunning = current && running.some((c) => c.name === current!.container);
  const known = knownOf(probe.state);
  const portOf = (c: ContainerInfo) =>
    known.find((r) => r?.container === c.name)?.port ??
    (c.color ? config.hostPorts[c.color] : undefined);
  const adopt = (c: ContainerInfo, why: string): Release => {
    notes.push(`adopting ${c.name} as the current release: ${why}`);
    return {
      id: c.releaseId ?? c.name,
      image: c.image ?? 'unknown',
      color: c.color,
      port: portOf(c),
      container: c.name,
      startedAt: c.createdAt ?? '',
      strategy: 'adopted',
    };
  };
  // The proxy is the truth for who serves: the running container behind its heaviest backend.
  const serving = (probe.routed ?? [])
    .filter((b) => b.weight > 0)
    .sort((a, b) => b.weight - a.weight)
    .map((b) => ({ b, c: running.find((c) => portOf(c) === b.port) }))
    .find((x) => x.c !== undefined);
  if (serving) {
    if (serving.c!.name !== current?.container)
      // A deploy was cut off after its switch.
      current = adopt(
        serving.c!,
        `the proxy routes to ${serving.b.color} (port ${serving.b.port})`,
      );
  } else if (!currentRunning && !probe.routed?.some((b) => b.weight > 0)) {
    // No proxy (handover, worker): a deploy cut off after starting its container.
    const newest = [...running].sort((a, b) =>
      (b.releaseId ?? '').localeCompare(a.releaseId ?? ''),
    )[0];
    if (newest && newest.name !== current?.container)
      current = adopt(newest, `${current?.container ?? 'no release'} is not running`);
  }
  const strays = running.filter((c) => c.name !== current?.container);
  return { current, strays, notes };
}

/** Every release the state names, the held canary included (its port and color). */
const knownOf = (state: AppState): (Release | undefined)[] => [
  state.current,
  state.previous,
  state.hold?.release,
  ...state.history,
];

/** Containers of the releases that served last (state current and previous): never removed. */
export function keptContainers(state: AppState): string[] {
  return [state.current?.container, state.previous?.container].filter(
    (n): n is string => n !== undefined,
  );
}

/** What the host showed, as the checker sees it. */
export function hostBefore(
  hostPorts: DeployConfig['hostPorts'] | undefined,
  probe: Probe,
): HostBefore {
  const known = knownOf(probe.state);
  const refOfContainer = (c: ContainerInfo): ContainerRef => {
    const release = known.find((r) => r?.container === c.name);
    return {
      name: c.name,
      release: c.releaseId ?? release?.id ?? c.name,
      color: c.color ?? release?.color,
      port: release?.port ?? (c.color && hostPorts ? hostPorts[c.color] : undefined),
    };
  };
  const running = probe.containers.filter(isRunning).map(refOfContainer);
  return {
    running,
    routed: routedTargets(probe, running),
    kept: keptContainers(probe.state),
  };
}

/** The proxy's backends with the container behind each (the running one on that port first). */
export function routedTargets(probe: Probe, running: ContainerRef[]): RouteTarget[] {
  return (probe.routed ?? []).map((b) => {
    const behind =
      running.find((c) => c.port === b.port) ??
      running.find((c) => c.color === b.color) ??
      [probe.state.current, probe.state.previous, probe.state.hold?.release].find(
        (r) => r?.port === b.port,
      );
    const name = behind
      ? 'name' in behind
        ? behind.name
        : behind.container
      : `(none on ${b.color})`;
    return { color: b.color, port: b.port, weight: b.weight, container: name };
  });
}

export function buildPlan(input: PlanInput): Plan {
  const { config, probe, releaseId } = input;
  const { current, strays, notes } = reconcile(config, probe);
  const before = hostBefore(config.hostPorts, probe);
  const color = otherColor(current?.color);
  const takesTraffic = config.botMode === 'webhook' || Boolean(config.healthPath);
  const port = takesTraffic ? config.hostPorts[color] : undefined;
  const container = containerName(config.app, releaseId);
  const proxyKind = input.proxy?.kind ?? 'none';
  const release: Release = {
    id: releaseId,
    image: config.image.raw,
    color,
    port,
    container,
    startedAt: input.now,
    strategy: config.strategy,
    // Until the pull shows the image's migration label (the record step applies it).
    irreversibleMigration: migrationMark(Boolean(config.preDeploy), undefined),
    proxy: proxyKind,
    haproxyFrontendPort: input.proxy?.kind === 'haproxy' ? input.proxy.frontendPort : undefined,
    webhook: webhookRecord(config),
  };
  const paths = probe.paths;
  const steps: Step[] = [];
  const cleanup: Step[] = [];

  let routedNow = before.routed;
  const currentRunning = Boolean(
    current && probe.containers.some((c) => c.name === current.container && isRunning(c)),
  );
  steps.push(
    ...straySteps(
      config,
      currentRunning ? current : undefined,
      strays,
      before,
      (r) => (routedNow = r),
      notes,
    ),
  );

  const dockerConfig = `${paths.dir}/docker-config`;
  if (config.registry) {
    const { server, username } = config.registry;
    steps.push({
      id: 'login',
      title: `log in to ${server} (password on stdin)`,
      action: {
        kind: 'command',
        argv: loginArgv(server, username, dockerConfig),
        stdin: 'registry-password',
      },
      budgetSeconds: 60,
    });
    cleanup.push({
      id: 'logout',
      title: `log out of ${server}`,
      action: { kind: 'command', argv: ['docker', '--config', dockerConfig, 'logout', server] },
      optional: true,
      budgetSeconds: 60,
    });
  }
  steps.push({
    id: 'pull',
    title: `pull ${config.image.raw}`,
    action: {
      kind: 'pull',
      image: config.image.raw,
      argv: pullArgv(config.image.raw, config.registry ? dockerConfig : undefined),
      labelsArgv: imageLabelsArgv(config.image.raw),
      space: {
        marginBytes: config.minFreeDiskMiB * MIB,
        ...(current?.image && current.image !== 'unknown' ? { estimateFrom: current.image } : {}),
      },
    },
  });
  steps.push({
    id: 'env-file',
    title: `write the env file ${paths.envFile} (0600, ${config.envKeys.length} variable(s), content over stdin)`,
    action: {
      kind: 'write-file',
      path: paths.envFile,
      mode: '0600',
      content: 'env-file',
      variables: config.envKeys.length,
    },
    budgetSeconds: 60,
  });
  if (config.backup) {
    const file = `${paths.backups}/${config.app}-${releaseId}.dump`;
    steps.push({
      id: 'backup',
      title: `pg_dump ${config.backup.databaseUrlVariable} to ${file}, check it with pg_restore --list, keep the newest ${config.backup.keep}`,
      action: {
        kind: 'backup',
        file,
        dir: paths.backups,
        app: config.app,
        variable: config.backup.databaseUrlVariable,
        keep: config.backup.keep,
        argv: [
          'sh',
          '-c',
          DUMP_SCRIPT,
          'pg_dump',
          file,
          `<${config.backup.databaseUrlVariable} without password>`,
        ],
      },
    });
  }
  if (config.preDeploy)
    steps.push({
      id: 'pre-deploy',
      title: `pre-deploy in a one-off container: ${config.preDeploy.join(' ')}`,
      action: {
        kind: 'pre-deploy',
        app: config.app,
        container: `${config.app}-${releaseId}-pre`,
        argv: preDeployArgv(config, releaseId, paths.envFile),
        waitSeconds: config.lockTimeoutSeconds,
      },
    });

  // Nothing routed to the release that serves (an adopted one, or a proxy set up just now): a
  // route's undo goes back to it, all of the traffic.
  const routeBack =
    !routedNow.some((t) => t.weight > 0) && currentRunning && current?.color && current.port
      ? [{ color: current.color, port: current.port, weight: 100, container: current.container }]
      : routedNow;
  const strategyInput: StrategyInput = {
    config,
    current,
    currentRunning,
    release,
    next: { name: container, release: releaseId, color, port },
    envFile: paths.envFile,
    routed: port !== undefined && proxyKind !== 'none',
    before: routeBack,
    verifyPauseSeconds: input.verifyPauseSeconds ?? 0,
  };
  if (config.canaryHold !== undefined) {
    // canary-hold: the plan ends split, the hold recorded (state.current still serves the rest)
    steps.push(
      ...holdSteps(strategyInput, config.canaryHold, config.holdWatchSeconds, probe.state, input),
    );
    return {
      ...planHead(config, input, { color, port, container, current, release, before }),
      steps,
      cleanup,
      notes: [...config.warnings, ...notes],
      canary: { phase: 'hold', weight: config.canaryHold, held: release },
    };
  }
  const strategySteps =
    config.strategy === 'handover'
      ? handoverSteps(strategyInput)
      : config.strategy === 'blue-green'
        ? blueGreenSteps(strategyInput)
        : canarySteps(strategyInput);
  steps.push(
    ...withWebhookSteps(strategySteps, config, container, {
      nginxConfDir: input.nginxConfDir,
      recorded: probe.state.current?.webhook,
    }),
  );

  const next: AppState = {
    app: config.app,
    current: release,
    previous: current,
    history: [release, ...probe.state.history.filter((r) => r.id !== release.id)].slice(0, 20),
  };
  steps.push({
    id: 'record',
    title: `record release ${release.id} as current (previous: ${current?.id ?? 'none'})`,
    action: {
      kind: 'record',
      state: next,
      migrationFromLabel: { preDeploy: Boolean(config.preDeploy) },
    },
    undo: {
      title: 'restore the previous state file',
      actions: [{ kind: 'record', state: probe.state }],
    },
    budgetSeconds: 60,
  });
  const keep = new Set([container, current?.container ?? '', ...before.kept]);
  const pruned = pruneSteps(config, probe, keep);
  steps.push(...pruned);
  const images = imagePruneStep(
    probe,
    [...pruned, ...steps.filter((s) => s.id.startsWith('remove-stray-'))],
    config.image.raw,
  );
  if (images) steps.push(images);

  return {
    ...planHead(config, input, { color, port, container, current, release, before }),
    steps,
    cleanup,
    notes: [...config.warnings, ...notes],
  };
}

/** What every deploy plan says of itself (the steps aside). */
export function planHead(
  config: DeployConfig,
  input: Pick<PlanInput, 'proxy' | 'lock'>,
  what: Pick<Plan, 'color' | 'port' | 'container' | 'current' | 'release' | 'before'>,
): Omit<Plan, 'steps' | 'cleanup' | 'notes'> {
  return {
    kind: 'deploy',
    app: config.app,
    strategy: config.strategy,
    botMode: config.botMode,
    proxy: input.proxy?.kind ?? 'none',
    releaseId: what.release.id,
    image: what.release.image,
    ...what,
    lock: input.lock,
  };
}

/**
 * canary-hold's steps after the pull: the canary up to the hold weight (hold-watch included), then
 * the hold recorded beside the unchanged current release. Refused (nothing changed) when nothing
 * serves beside which a canary could be held.
 */
function holdSteps(
  input: StrategyInput,
  weight: number,
  watchSeconds: number,
  state: AppState,
  plan: PlanInput,
): Step[] {
  if (!canSplit(input))
    throw new InputError(
      'canary-hold',
      `${input.config.app}: no running release is routed on this host, so there is nothing to hold a canary beside; deploy once without canary-hold`,
    );
  const held: AppState = {
    ...state,
    hold: {
      release: input.release,
      weight,
      since: plan.now,
      runId: plan.holder?.runId ?? 'unknown',
      actor: plan.holder?.actor ?? 'unknown',
      ...(plan.holder?.url ? { url: plan.holder.url } : {}),
    },
  };
  return [
    ...canaryHoldSteps(input, weight, watchSeconds),
    {
      id: 'record-hold',
      title: `record the hold: ${input.release.id} at ${weight}%, ${input.current?.id} serves the rest`,
      action: {
        kind: 'record',
        state: held,
        migrationFromLabel: { preDeploy: Boolean(input.config.preDeploy) },
      },
      undo: {
        title: 'restore the previous state file',
        actions: [{ kind: 'record', state }],
      },
      budgetSeconds: 60,
    },
  ];
}

/**
 * Running containers left by a cut-off run. One the proxy still sends traffic to is first routed
 * away from (all to the current release) and drained. A container of a release that served last
 * (state current or previous) is only stopped and kept; any other is removed.
 */
function straySteps(
  config: DeployConfig,
  current: Release | undefined,
  strays: ContainerInfo[],
  before: HostBefore,
  setRouted: (routed: RouteTarget[]) => void,
  notes: string[],
): Step[] {
  const steps: Step[] = [];
  const refs = strays.map(
    (s): ContainerRef =>
      before.running.find((r) => r.name === s.name) ?? { name: s.name, release: s.name },
  );
  const served = before.routed.filter(
    (t) => t.weight > 0 && refs.some((r) => r.name === t.container),
  );
  if (served.length && current?.color && current.port !== undefined) {
    const to: RouteTarget[] = [
      { color: current.color, port: current.port, weight: 100, container: current.container },
    ];
    steps.push({
      ...routeStep(
        'route-away-from-strays',
        `route all traffic to ${current.container} (current) before the strays stop`,
        to,
        [],
      ),
      converges: true,
    });
    for (const s of refs.filter((r) => served.some((t) => t.container === r.name)))
      steps.push(...drainStep(s, config.drainSeconds));
    setRouted(to);
  }
  for (const stray of refs) {
    if (before.kept.includes(stray.name)) {
      notes.push(
        `${stray.name} served last and is running beside the current release: stopped, kept`,
      );
      steps.push(
        stopStep(stray, config, {
          id: `stop-stray-${stray.name}`,
          title: `stop ${stray.name} (a release that served last; kept for rollback)`,
          undo: false,
        }),
      );
    } else {
      notes.push(`stray container ${stray.name} (running) will be removed first`);
      steps.push({
        id: `remove-stray-${stray.name}`,
        title: `remove stray ${stray.name}`,
        action: { kind: 'container', op: 'remove', container: stray, argv: removeArgv(stray.name) },
        budgetSeconds: config.stopGraceSeconds + 30,
      });
    }
  }
  return steps;
}

/**
 * Keeps the newest keep-releases containers: `keep` (the new container first, then the current
 * and previous releases) counts towards them, as far as they are on the host.
 */
export function pruneSteps(config: DeployConfig, probe: Probe, keep: Set<string>): Step[] {
  const candidates = probe.containers
    .filter((c) => !keep.has(c.name) && !isRunning(c))
    .sort((a, b) => (b.releaseId ?? '').localeCompare(a.releaseId ?? ''));
  // The kept ones count towards keep-releases: the new container and those still on the host.
  const names = new Set(probe.containers.map((c) => c.name));
  const keptHere = [...keep].filter((n, i) => n && (i === 0 || names.has(n))).length;
  const room = Math.max(0, config.keepReleases - keptHere);
  return candidates.slice(room).map((c): Step => ({
    id: `prune-${c.name}`,
    title: `prune old release ${c.name}`,
    action: {
      kind: 'container',
      op: 'remove',
      container: { name: c.name, release: c.releaseId ?? c.name, color: c.color },
      argv: removeArgv(c.name),
    },
    optional: true,
    budgetSeconds: 60,
  }));
}

/**
 * Removes the images of the containers this plan removes and of recorded releases whose
 * container is gone, when no remaining container or the new release uses them (none: no step).
 */
export function imagePruneStep(probe: Probe, removals: Step[], newImage: string): Step | undefined {
  const removed = new Set(
    removals.map((s) => (s.action.kind === 'container' ? s.action.container.name : '')),
  );
  const names = new Set(probe.containers.map((c) => c.name));
  const recorded = [probe.state.current, probe.state.previous, ...probe.state.history];
  const { candidates, keep } = imagePruneCandidates({
    removed: probe.containers.filter((c) => removed.has(c.name)),
    remaining: probe.containers.filter((c) => !removed.has(c.name)),
    gone: recorded
      .filter((r): r is Release => r !== undefined && !names.has(r.container))
      .map((r) => r.image),
    newImage,
  });
  if (!candidates.length) return undefined;
  return {
    id: 'prune-images',
    title: `prune images no kept release uses: ${candidates.join(', ')}`,
    action: { kind: 'prune-images', images: candidates, keep },
    optional: true,
    budgetSeconds: 60 + 10 * candidates.length,
  };
}

export { refOf };
