import type { Clock } from '../clock.js';
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';
import type { DeployConfig } from './config.js';
import { awaitEarlierPreDeploys, preDeployFailure } from './pre-deploy.js';
import {
  containerName,
  createArgv,
  imageLabelsArgv,
  inspectArgv,
  loginArgv,
  MIGRATION_LABEL,
  migrationMark,
  parseMigrationLabel,
  parseState,
  preDeployArgv,
  pullArgv,
  removeArgv,
  startArgv,
  stopArgv,
  type ContainerInfo,
  type MigrationLabel,
} from './docker.js';
import type { Gate, HttpTool } from './gates.js';
import {
  otherColor,
  type AppPaths,
  type AppState,
  type Backend,
  type Color,
  type HostPrimitives,
  type Release,
  type TrafficProxy,
} from './ports.js';
import type { ProxyDescription } from '../proxy/index.js';
import type { Probe } from './probe.js';
import { backupSteps } from './backup.js';
import { blueGreenSteps } from './strategies/bluegreen.js';
import { canarySteps } from './strategies/canary.js';
import { handoverSteps } from './strategies/handover.js';

/** What a step may use when it runs. Facts collect measurements (the handover gap). */
export interface StepContext {
  exec: Executor;
  clock: Clock;
  log: Log;
  host: HostPrimitives;
  proxy?: TrafficProxy;
  httpTool: HttpTool;
  /** Extra gates (the verify action's checks) for canary steps and the post-switch window. */
  extraGates: Gate[];
  facts: DeployFacts;
}

export interface DeployFacts {
  gapMs?: number;
  /** The image's org.tg-devops.migration label, read after the pull. */
  migrationLabel?: MigrationLabel;
  gateChecks?: number;
  gateResults?: string[];
  waitMs: number;
  [key: string]: unknown;
}

export interface Undo {
  title: string;
  /** Undos with the same key run once (the latest): several route steps share one undo. */
  key?: string;
  run(ctx: StepContext): Promise<void>;
}

export interface Step {
  id: string;
  title: string;
  /** The command, shown in the printed plan (secrets never appear in argv). */
  argv?: readonly string[];
  run(ctx: StepContext): Promise<void>;
  undo?: Undo;
  /** A failure only warns (pruning old containers): the release is already good. */
  optional?: boolean;
}

export interface Plan {
  app: string;
  strategy: string;
  releaseId: string;
  image: string;
  color: Color;
  container: string;
  port?: number;
  current?: Release;
  release: Release;
  steps: Step[];
  /** Run after the steps whatever happened (registry logout). */
  cleanup: Step[];
  notes: string[];
}

export interface PlanInput {
  config: DeployConfig;
  probe: Probe;
  releaseId: string;
  /** ISO time of the deploy, for the release record. */
  now: string;
  /** The proxy the release is deployed behind, recorded on it (none when absent). */
  proxy?: ProxyDescription;
}

export function commandStep(
  id: string,
  title: string,
  argv: readonly string[],
  extra: { input?: string; undo?: Undo; optional?: boolean } = {},
): Step {
  return {
    id,
    title,
    argv,
    undo: extra.undo,
    optional: extra.optional,
    run: async (ctx) => {
      await ctx.exec.run(argv, extra.input === undefined ? {} : { input: extra.input });
    },
  };
}

export function commandUndo(title: string, argv: readonly string[], key?: string): Undo {
  return {
    title,
    key,
    run: async (ctx) => {
      await ctx.exec.run(argv, { allowFailure: true });
    },
  };
}

/** The release that really serves now: the state file, corrected by what the host shows. */
export interface Reconciled {
  current?: Release;
  /** Running app containers that are not the current release (left by a killed deploy). */
  strays: ContainerInfo[];
  notes: string[];
}

export function reconcile(config: DeployConfig, probe: Probe): Reconciled {
  const notes: string[] = [];
  const running = probe.containers.filter((c) => c.state === 'running' || c.state === 'restarting');
  let current = probe.state.current;
  const routedColor = probe.routed
    ?.filter((b) => b.weight > 0)
    .sort((a, b) => b.weight - a.weight)[0]?.color;
  const currentRunning = current && running.some((c) => c.name === current!.container);
  const adopt = (c: ContainerInfo, why: string): Release => {
    notes.push(`adopting ${c.name} as the current release: ${why}`);
    return {
      id: c.releaseId ?? c.name,
      image: c.image ?? 'unknown',
      color: c.color,
      port: c.color ? config.hostPorts[c.color] : undefined,
      container: c.name,
      startedAt: c.createdAt ?? '',
      strategy: 'adopted',
    };
  };
  if (routedColor && current?.color !== routedColor) {
    // A deploy was cut off after its switch: the proxy is the truth for who serves.
    const serving = running.find((c) => c.color === routedColor);
    if (serving) current = adopt(serving, `the proxy routes to ${routedColor}`);
  } else if (!currentRunning && !probe.routed) {
    // No proxy (handover, worker): a deploy cut off after starting its container.
    const newest = [...running].sort((a, b) =>
      (b.releaseId ?? '').localeCompare(a.releaseId ?? ''),
    )[0];
    if (newest && newest.name !== current?.container)
      current = adopt(newest, `${current?.container ?? 'no release'} is not running`);
  }
  const strays = running.filter((c) => c.name !== current?.container);
  for (const s of strays)
    notes.push(`stray container ${s.name} (${s.state}) will be removed first`);
  return { current, strays, notes };
}

export function buildPlan(input: PlanInput): Plan {
  const { config, probe, releaseId } = input;
  const { current, strays, notes } = reconcile(config, probe);
  const color = otherColor(current?.color);
  const takesTraffic = config.botMode === 'webhook' || Boolean(config.healthPath);
  const port = takesTraffic ? config.hostPorts[color] : undefined;
  const container = containerName(config.app, releaseId);
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
    proxy: input.proxy?.kind ?? 'none',
    haproxyFrontendPort: input.proxy?.kind === 'haproxy' ? input.proxy.frontendPort : undefined,
  };
  const steps: Step[] = [];
  const cleanup: Step[] = [];
  const paths = probe.paths;

  for (const stray of strays)
    steps.push(
      commandStep(
        `remove-stray-${stray.name}`,
        `remove stray ${stray.name}`,
        removeArgv(stray.name),
      ),
    );

  const dockerConfig = `${paths.dir}/docker-config`;
  if (config.registry) {
    const { server, username, password } = config.registry;
    steps.push(
      commandStep(
        'login',
        `log in to ${server} (password on stdin)`,
        loginArgv(server, username, dockerConfig),
        {
          input: `${password}\n`,
        },
      ),
    );
    cleanup.push(
      commandStep(
        'logout',
        `log out of ${server}`,
        ['docker', '--config', dockerConfig, 'logout', server],
        {
          optional: true,
        },
      ),
    );
  }
  steps.push(pullStep(config, config.registry ? dockerConfig : undefined));
  steps.push(writeEnvStep(paths, config));
  steps.push(...backupSteps(config, paths, releaseId));
  if (config.preDeploy) {
    const argv = preDeployArgv(config, releaseId, paths.envFile);
    steps.push({
      id: 'pre-deploy',
      title: `pre-deploy in a one-off container: ${config.preDeploy.join(' ')}`,
      argv,
      run: async (ctx) => {
        // Never two migrations at once: one left running by a cut-off run is waited for.
        await awaitEarlierPreDeploys(ctx, config);
        // Its output (migrations) goes to the log line by line; a failure stops the deploy.
        try {
          await ctx.exec.run(argv, { onLine: (line) => ctx.log.info(`pre-deploy | ${line}`) });
        } catch (error) {
          throw await preDeployFailure(ctx.exec, config, `${config.app}-${releaseId}-pre`, error);
        }
      },
    });
  }

  const strategyInput: StrategyInput = {
    config,
    probe,
    current,
    release,
    color,
    port,
    container,
    releaseId,
  };
  if (config.strategy === 'handover') steps.push(...handoverSteps(strategyInput));
  else if (config.strategy === 'blue-green') steps.push(...blueGreenSteps(strategyInput));
  else steps.push(...canarySteps(strategyInput));

  const next: AppState = {
    app: config.app,
    current: release,
    previous: current,
    history: [release, ...probe.state.history.filter((r) => r.id !== release.id)].slice(0, 20),
  };
  steps.push(recordStateStep(paths, probe.state, next, Boolean(config.preDeploy)));
  steps.push(...pruneSteps(config, probe, new Set([container, current?.container ?? ''])));

  return {
    app: config.app,
    strategy: config.strategy,
    releaseId,
    image: config.image.raw,
    color,
    container,
    port,
    current,
    release,
    steps,
    cleanup,
    notes: [...config.warnings, ...notes],
  };
}

export interface StrategyInput {
  config: DeployConfig;
  probe: Probe;
  current?: Release;
  release: Release;
  color: Color;
  port?: number;
  container: string;
  releaseId: string;
}

function writeEnvStep(paths: AppPaths, config: DeployConfig): Step {
  return {
    id: 'env-file',
    title: `write the env file ${paths.envFile} (0600, ${config.envKeys.length} variable(s), content over stdin)`,
    run: async (ctx) => {
      await ctx.host.writeFileAtomic(ctx.exec, paths.envFile, config.envFile, '0600');
    },
  };
}

/**
 * Pulls the image, then reads its migration label (read-only; a failure to read it only warns
 * and keeps the pre-deploy rule).
 */
function pullStep(config: DeployConfig, dockerConfig: string | undefined): Step {
  const argv = pullArgv(config.image.raw, dockerConfig);
  return {
    id: 'pull',
    title: `pull ${config.image.raw}`,
    argv,
    run: async (ctx) => {
      await ctx.exec.run(argv);
      const out = await ctx.exec.run(imageLabelsArgv(config.image.raw), { allowFailure: true });
      let label: MigrationLabel | undefined;
      try {
        if (out.exitCode !== 0) throw new Error(out.stderr.trim().slice(0, 200));
        label = parseMigrationLabel(out.stdout);
      } catch (error) {
        ctx.log.warn(
          `labels of ${config.image.raw} not readable (${(error as Error).message}); ` +
            `${config.preDeploy ? 'its pre-deploy counts as an irreversible migration' : 'no migration recorded'}`,
        );
      }
      ctx.facts.migrationLabel = label;
      if (label) ctx.log.info(`image label ${MIGRATION_LABEL}=${label}`);
    },
  };
}

/** The new release as recorded: its migration mark follows the label the pull read. */
export function recordedState(
  after: AppState,
  hadPreDeploy: boolean,
  facts: DeployFacts,
): AppState {
  const current = after.current;
  if (!current) return after;
  const mark = migrationMark(hadPreDeploy, facts.migrationLabel);
  if (mark === current.irreversibleMigration) return after;
  const release: Release = { ...current, irreversibleMigration: mark };
  return {
    ...after,
    current: release,
    history: after.history.map((r) => (r.id === release.id ? release : r)),
  };
}

function recordStateStep(
  paths: AppPaths,
  before: AppState,
  after: AppState,
  hadPreDeploy: boolean,
): Step {
  return {
    id: 'record',
    title: `record release ${after.current?.id} as current (previous: ${after.previous?.id ?? 'none'})`,
    run: (ctx) =>
      ctx.host.writeState(ctx.exec, paths, recordedState(after, hadPreDeploy, ctx.facts)),
    undo: {
      title: 'restore the previous state file',
      run: (ctx) => ctx.host.writeState(ctx.exec, paths, before),
    },
  };
}

/** Keeps the newest keep-releases containers (the new one and the previous among them). */
export function pruneSteps(config: DeployConfig, probe: Probe, keep: Set<string>): Step[] {
  const candidates = probe.containers
    .filter((c) => !keep.has(c.name) && c.state !== 'running')
    .sort((a, b) => (b.releaseId ?? '').localeCompare(a.releaseId ?? ''));
  const room = Math.max(0, config.keepReleases - keep.size);
  return candidates.slice(room).map((c) =>
    commandStep(`prune-${c.name}`, `prune old release ${c.name}`, removeArgv(c.name), {
      optional: true,
    }),
  );
}

/** Starts a created container; its undo stops it (the container itself goes with create's undo). */
export function startStep(container: string, graceSeconds: number): Step {
  return commandStep('start', `start ${container}`, startArgv(container), {
    undo: commandUndo(`stop ${container}`, stopArgv(container, graceSeconds)),
  });
}

export function createStep(input: StrategyInput, envFile: string): Step {
  return commandStep(
    'create',
    `create ${input.container} (${input.color}${input.port ? `, 127.0.0.1:${input.port}` : ''})`,
    createArgv({
      config: input.config,
      releaseId: input.releaseId,
      color: input.color,
      envFile,
      port: input.port,
    }),
    { undo: commandUndo(`remove ${input.container}`, removeArgv(input.container)) },
  );
}

export function stopOldStep(
  current: Release,
  graceSeconds: number,
  waitAfterStart?: (ctx: StepContext) => Promise<void>,
): Step {
  return commandStep(
    'stop-old',
    `stop ${current.container} (SIGTERM, up to ${graceSeconds}s), keep it for rollback`,
    stopArgv(current.container, graceSeconds),
    {
      undo: {
        title: `start ${current.container} again`,
        run: async (ctx) => {
          await ctx.exec.run(startArgv(current.container), { allowFailure: true });
          if (waitAfterStart) await waitAfterStart(ctx);
        },
      },
    },
  );
}

export async function inspectState(exec: Executor, container: string) {
  return parseState((await exec.run(inspectArgv(container))).stdout);
}

export function backendsFor(color: Color, port: number, weight: number): Backend {
  return { color, port, weight };
}

// ---- printing ---------------------------------------------------------------------------------

export function planText(plan: Plan): string {
  const lines = [
    `Deploy ${plan.app}: ${plan.strategy}, release ${plan.releaseId} (${plan.color}${plan.port ? `, port ${plan.port}` : ''})`,
    `  image    ${plan.image}`,
    `  current  ${plan.current ? `${plan.current.id} ${plan.current.image} (${plan.current.color ?? '-'})` : 'none (first deploy)'}`,
    ...plan.notes.map((n) => `  note     ${n}`),
    '',
    ...plan.steps.flatMap((s, i) => [
      `${String(i + 1).padStart(2)}. ${s.title}${s.optional ? ' (best effort)' : ''}`,
      ...(s.argv ? [`      $ ${s.argv.join(' ')}`] : []),
      ...(s.undo ? [`      undo: ${s.undo.title}`] : []),
    ]),
    ...plan.cleanup.map((s) => `    always: ${s.title}`),
  ];
  return lines.join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function planMarkdown(plan: Plan): string {
  return [
    `**${plan.strategy}** of \`${cell(plan.image)}\` as release \`${plan.releaseId}\` (${plan.color}${plan.port ? `, port ${plan.port}` : ''}); current: ${plan.current ? `\`${plan.current.id}\`` : 'none'}`,
    '',
    ...plan.notes.map((n) => `> ${cell(n)}`),
    plan.notes.length ? '' : undefined,
    '| # | step | command | undo |',
    '| --- | --- | --- | --- |',
    ...plan.steps.map(
      (s, i) =>
        `| ${i + 1} | ${cell(s.title)} | ${s.argv ? `\`${cell(s.argv.join(' '))}\`` : ''} | ${s.undo ? cell(s.undo.title) : ''} |`,
    ),
  ]
    .filter((l) => l !== undefined)
    .join('\n');
}
