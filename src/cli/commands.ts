import { hostname, userInfo } from 'node:os';
import type { Clock } from '../clock.js';
import { parseHold, type DeployConfig } from '../deploy/config.js';
import { canaryLine, releaseIdAt } from '../deploy/engine.js';
import type { FetchLike } from '../health/http.js';
import { planText } from '../deploy/print.js';
import { hostPrimitives, type AppState, type AuditEntry } from '../deploy/ports.js';
import { rollbackSettingsOf, rollbackSummaryLine } from '../deploy/rollback-plan.js';
import { refuseManyPollers } from '../deploy/rules.js';
import { runDeploy } from '../orchestrate/deploy.js';
import { cancelOnSignals, type RunDeps } from '../orchestrate/hosts.js';
import { proxyResolver } from '../orchestrate/proxy.js';
import { runRollback } from '../orchestrate/rollback.js';
import { errorMessage, InputError } from '../errors.js';
import type { Executor } from '../exec.js';
import { readFile } from '../host/files.js';
import { describeHolder } from '../host/lock.js';
import { readAudit } from '../host/state.js';
import type { Log } from '../log.js';
import { proxyFrom, type TrafficProxy } from '../proxy/index.js';
import { connectSsh, sshTargetsFrom } from '../ssh/connect.js';
import type { SshMaterial, SshMaterialOptions } from '../ssh/secrets.js';
import type { SshSession, SshSettings } from '../ssh/session.js';
import { formatTarget, parseHost, type SshTarget } from '../ssh/target.js';
import type { CliArgs } from './args.js';
import { ConfigFileError, type CliConfig } from './config-file.js';

/** Everything a command touches, injected (tests give fakes; index.ts the real ones). */
export interface CliDeps {
  log: Log;
  clock: Clock;
  /** Printed results (the plan, the status): stdout. Progress goes to log (stderr). */
  out(line: string): void;
  writeSshMaterial(options: SshMaterialOptions): Promise<SshMaterial>;
  removeSshMaterial(dir: string, options: { controlDir?: string }): void;
  openSession(target: SshTarget, settings: SshSettings): Promise<SshSession>;
  actor: string;
  /** For the verify checks (HTTP, Prometheus, Telegram): proxyFetch (src/cli/index.ts). */
  fetch: FetchLike;
  /** exec: whether stdin and stdout are a terminal (default: asked of the process). */
  tty?: boolean;
  /** false: leave SIGINT/SIGTERM alone (tests; they may pass their own signal). */
  handleSignals?: boolean;
  signal?: AbortSignal;
}

export function defaultActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (a container): keep 'unknown'
  }
  return `${user}@${hostname()} (tg-devops cli)`;
}

/** The hosts this run acts on (as written in the config): all, or the --host subset of them. */
export function selectHosts(cli: CliConfig, wanted: readonly string[]): string[] {
  const all = cli.hosts.map((h) => ({
    text: h,
    target: configured(cli, () => parseHost(h, 'hosts')),
  }));
  if (!wanted.length) return all.map((h) => h.text);
  return wanted.map((w) => {
    const hit = all.find(
      (h) => h.text === w || h.target.host === w || formatTarget(h.target) === w,
    );
    if (!hit)
      throw new ConfigFileError(
        cli.file,
        'hosts',
        `--host ${w} is not one of the config's hosts (${cli.hosts.join(', ')})`,
      );
    return hit.text;
  });
}

/** The config key that sets an input (secrets come from their -file key in a config). */
const KEY_OF_INPUT: Record<string, string> = { 'ssh-key': 'ssh-key-file' };

/** Runs f; an InputError becomes the CLI's ConfigFileError naming the key and the file. */
function configured<T>(cli: CliConfig, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof InputError)
      throw new ConfigFileError(
        cli.file,
        KEY_OF_INPUT[error.input] ?? error.input,
        error.message.replace(/^Input '[^']*': /, ''),
      );
    throw error;
  }
}

/** The traffic switch the config asks for (the actions' proxyFrom), none for proxy: none. */
export function proxyFor(cli: CliConfig, config: DeployConfig): TrafficProxy | undefined {
  if (config.proxy === 'none') return undefined;
  const kind = config.proxy;
  return configured(cli, () => proxyFrom(kind, config.app, cli.proxy));
}

/**
 * For status and the on-call commands (src/cli/ops.ts): verified SSH sessions one host at a time (the actions' sshTargetsFrom,
 * connectSsh and withSession), every host asked even when one fails; the key material goes away
 * at the end. deploy and rollback go through src/orchestrate instead.
 */
export async function withHosts(
  cli: CliConfig,
  args: CliArgs,
  deps: CliDeps,
  body: (exec: SshSession, host: string) => Promise<void>,
): Promise<{ failed: string[] }> {
  const hosts = selectHosts(cli, args.hosts);
  const { targets, jump } = configured(cli, () => sshTargetsFrom(hosts, cli.ssh));
  deps.log.secret(cli.ssh.key);
  const ssh = await connectSsh(cli.ssh, targets, jump, {
    log: deps.log,
    clock: deps.clock,
    writeSshMaterial: deps.writeSshMaterial,
    openSession: deps.openSession,
  });
  const { material } = ssh;
  const remove = () => deps.removeSshMaterial(material.dir, { controlDir: material.controlDir });
  const failed: string[] = [];
  try {
    for (const target of targets) {
      const host = formatTarget(target);
      await ssh.withSession(
        target,
        async (session) => {
          await body(session, host);
          return true;
        },
        (error) => {
          deps.log.error(`${host}: ${errorMessage(error)}`);
          failed.push(host);
          return false;
        },
      );
    }
  } finally {
    remove();
  }
  return { failed };
}

function holder(deps: CliDeps) {
  return { runId: `cli-${process.pid}`, actor: deps.actor };
}

/** SIGINT/SIGTERM cancel the run (undos, lock, audit `cancelled`) unless the caller handles them. */
function cancellation(deps: CliDeps): { signal?: AbortSignal; dispose(): void } {
  return deps.handleSignals === false
    ? { signal: deps.signal, dispose: () => undefined }
    : cancelOnSignals(process, deps.log);
}

function runDepsOf(deps: CliDeps, signal: AbortSignal | undefined): RunDeps {
  return {
    log: deps.log,
    clock: deps.clock,
    writeSshMaterial: deps.writeSshMaterial,
    openSession: deps.openSession,
    fetch: deps.fetch,
    signal,
  };
}

/** The hosts the run acts on, checked like the actions check theirs (before any connection). */
function hostsRequest(cli: CliConfig, args: CliArgs) {
  const hosts = selectHosts(cli, args.hosts);
  const { targets, jump } = configured(cli, () => sshTargetsFrom(hosts, cli.ssh));
  return { targets, jump, ssh: cli.ssh };
}

/** The deploy action's run (src/orchestrate): batches of batch-size hosts, the same engine. */
export async function deployCommand(cli: CliConfig, args: CliArgs, deps: CliDeps): Promise<number> {
  const config: DeployConfig = {
    ...cli.config,
    dryRun: args.dryRun || cli.config.dryRun,
    ...holdFlags(cli, args),
  };
  const proxy = proxyFor(cli, config);
  for (const key of cli.ignored)
    deps.log.info(`note: ${key} is for GitHub runs; the CLI ignores it`);
  const request = hostsRequest(cli, args);
  configured(cli, () => refuseManyPollers(config.botMode, request.targets.length));
  deps.log.secret(cli.ssh.key);
  const releaseId = releaseIdAt(deps.clock.now());
  const cancel = cancellation(deps);
  try {
    const run = await runDeploy(
      {
        ...request,
        config,
        proxy,
        batchSize: cli.batchSize,
        releaseId,
        holder: holder(deps),
        verify: cli.verify,
      },
      runDepsOf(deps, cancel.signal),
    );
    for (const o of run.outcomes) {
      const report = o.report;
      const logs = report?.facts.failedLogs;
      // what on call reads first: the failing container's last lines (already redacted)
      if (o.error && logs) {
        deps.out(`${o.host}: last ${logs.lines.length} log line(s) of ${logs.container}:`);
        for (const line of logs.lines) deps.out(`  ${line}`);
      }
      if (!report || o.error) continue;
      if (report.dryRun) {
        deps.out(`${o.host}: dry-run, nothing changed`);
        deps.out(planText(report.plan));
      } else {
        const gap = report.facts.gapMs !== undefined ? `, gap ${report.facts.gapMs} ms` : '';
        if (report.plan.canary) deps.out(`${o.host}: ${config.app}: ${canaryLine(report.plan)}`);
        else
          deps.out(
            `${o.host}: release ${releaseId} of ${config.app} is live (${config.image.raw}, ${report.plan.color ?? 'no color'}${gap}; previous ${report.plan.current?.id ?? 'none'})`,
          );
      }
    }
    return exitCode(run.failure, cancel.signal);
  } finally {
    cancel.dispose();
  }
}

/**
 * --canary-hold and --resume over the config's canary-hold, resume and hold-watch keys (the same
 * validation: canary only, one or the other); --resume drops the config's hold, which is what
 * held the canary in the first place.
 */
function holdFlags(cli: CliConfig, args: CliArgs): Partial<DeployConfig> {
  if (!args.canaryHold && !args.resume) return {};
  return configured(cli, () =>
    parseHold(cli.config.strategy, {
      canaryHold: args.canaryHold ?? '',
      resume: args.resume ?? '',
      holdWatch: args.resume ? '0' : String(cli.config.holdWatchSeconds / 60),
    }),
  );
}

const exitCode = (failure: string | undefined, signal: AbortSignal | undefined) =>
  signal?.aborted ? 130 : failure ? 1 : 0;

/**
 * Rollback: the engine's rollback plan (src/deploy/rollback-plan.ts) on each host: the kept
 * container of the previous release (or --to RELEASE_ID) takes the traffic back under the host
 * lock, with the same gates, undo, audit. The proxy follows the one the current release recorded
 * unless the config names one. Refuses an unknown release, the current one, and going back past
 * an irreversible migration unless --force.
 */
export async function rollbackCommand(
  cli: CliConfig,
  args: CliArgs,
  deps: CliDeps,
): Promise<number> {
  const config = cli.config;
  const settings = rollbackSettingsOf(config, {
    to: args.to,
    force: args.force,
    dryRun: args.dryRun,
    reason: `manual rollback by ${deps.actor}`,
    telegram: config.telegram,
  });
  const proxy = configured(cli, () =>
    proxyResolver(config.app, cli.raw.proxy?.trim() || 'auto', cli.proxy),
  );
  const request = hostsRequest(cli, args);
  deps.log.secret(cli.ssh.key);
  const cancel = cancellation(deps);
  try {
    const run = await runRollback(
      { ...request, settings, proxy, holder: holder(deps) },
      runDepsOf(deps, cancel.signal),
    );
    for (const o of run.outcomes) {
      const report = o.report;
      if (!report || o.error) continue;
      const line = rollbackSummaryLine(report.choice);
      if (report.dryRun) {
        deps.out(`${o.host}: dry-run, nothing changed: would ${line}`);
        deps.out(planText(report.plan));
      } else
        deps.out(
          `${o.host}: ${line}: done (${report.plan.strategy}${report.switchMs !== undefined ? `, switched in ${report.switchMs} ms` : ''})`,
        );
    }
    return exitCode(run.failure, cancel.signal);
  } finally {
    cancel.dispose();
  }
}

export async function statusCommand(cli: CliConfig, args: CliArgs, deps: CliDeps): Promise<number> {
  const config = cli.config;
  const { failed } = await withHosts(cli, args, deps, async (exec, host) => {
    const lines = await statusLines(exec, config);
    deps.out(`== ${host}`);
    for (const line of lines) deps.out(line);
  });
  return failed.length ? 1 : 0;
}

/** Read-only: state, lock, last audit entries and the app's containers on one host. */
export async function statusLines(exec: Executor, config: DeployConfig): Promise<string[]> {
  const paths = hostPrimitives.appPaths(config.stateBase, config.app);
  const state = await hostPrimitives.readState(exec, paths);
  const out: string[] = [];
  const release = (r: AppState['current']) =>
    r
      ? `${r.id}  ${r.image}  ${r.color ?? '-'}${r.port ? `:${r.port}` : ''}  ${r.strategy}  since ${r.startedAt}`
      : 'none';
  out.push(`app       ${config.app} (state ${paths.dir})`);
  out.push(`current   ${release(state.current)}`);
  out.push(`previous  ${release(state.previous)}`);
  if (state.hold)
    out.push(
      `held      ${release(state.hold.release)} at ${state.hold.weight}% since ${state.hold.since} (run ${state.hold.runId} by ${state.hold.actor}): deploy --resume promote|abort`,
    );
  const lockHolder = await readFile(exec, `${paths.lock}/holder.json`).catch(() => undefined);
  out.push(
    `lock      ${lockHolder === undefined ? 'free' : `held by ${describeHolder(lockHolder)}`}`,
  );
  const ps = await exec.run(
    [
      'docker',
      'ps',
      '-a',
      '--filter',
      `label=tg-devops.app=${config.app}`,
      '--format',
      '{{.Names}}\t{{.Status}}\t{{.Image}}',
    ],
    { allowFailure: true },
  );
  const containers = ps.stdout.split('\n').filter(Boolean);
  out.push(
    `containers (${ps.exitCode === 0 ? containers.length : `docker ps failed: ${ps.stderr.trim().split('\n')[0]}`})`,
  );
  for (const c of containers) out.push(`  ${c.replace(/\t/g, '  ')}`);
  const audit: AuditEntry[] = await readAudit(exec, paths, 10).catch(() => [] as AuditEntry[]);
  out.push(`audit (last ${audit.length})`);
  for (const a of audit)
    out.push(
      `  ${a.at}  ${a.actor}  ${a.action}  ${a.release ?? ''}  ${a.result}${a.detail ? `  ${a.detail}` : ''}`,
    );
  out.push(`history   ${state.history.map((r) => r.id).join(', ') || 'none'}`);
  return out;
}

export async function runCommand(cli: CliConfig, args: CliArgs, deps: CliDeps): Promise<number> {
  switch (args.command) {
    case 'deploy':
      return deployCommand(cli, args, deps);
    case 'rollback':
      return rollbackCommand(cli, args, deps);
    case 'status':
      return statusCommand(cli, args, deps);
    default:
      // the on-call commands live in ops.ts, dispatched by main.ts through dispatchCommand
      throw new Error(`${args.command} is dispatched by src/cli/ops.ts`);
  }
}
