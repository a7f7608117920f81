/**
 * The on-call commands (issue 14): logs, exec, lock, lock release, history. Read-only except
 * `lock release` (audited) and exec's one-off container (removed afterwards). Every remote
 * command is an argv (src/ssh quotes it); everything printed goes through deps.out, which
 * redacts (src/cli/main.ts).
 */
import { formatBytes } from '../deploy/disk.js';
import { LABEL_APP } from '../deploy/docker.js';
import { prune } from '../deploy/engine.js';
import { planText } from '../deploy/print.js';
import { hostPrimitives, type AppState, type AuditEntry, type Release } from '../deploy/ports.js';
import { StepError } from '../errors.js';
import type { Executor } from '../exec.js';
import { breakLock, describeHolder, describeLockView, inspectLock } from '../host/lock.js';
import { readAudit } from '../host/state.js';
import { redactWith, secretEnvValues } from '../redact.js';
import type { CliArgs } from './args.js';
import { runCommand, selectHosts, withHosts, type CliDeps } from './commands.js';
import { ConfigFileError, type CliConfig } from './config-file.js';

/** logs and exec act on one host: with several in the config, --host picks it. */
function oneHost(cli: CliConfig, args: CliArgs): void {
  const hosts = selectHosts(cli, args.hosts);
  if (hosts.length > 1)
    throw new ConfigFileError(
      cli.file,
      'hosts',
      `${args.command} acts on one host; pick one with --host (${hosts.join(', ')})`,
    );
}

/** docker's --since takes s/m/h durations or a time; days become hours. */
export function dockerSince(since: string): string {
  const days = /^([0-9]+)d$/.exec(since);
  return days ? `${Number(days[1]) * 24}h` : since;
}

/** `docker logs` of one container: only the flags given, the name after `--`. */
export function logsArgv(container: string, options: { since?: string; follow?: boolean }) {
  return [
    'docker',
    'logs',
    ...(options.since ? ['--since', dockerSince(options.since)] : []),
    ...(options.follow ? ['--follow'] : []),
    '--',
    container,
  ];
}

/** The release whose container the logs come from: --release ID from the history, or current. */
export function releaseFor(state: AppState, id: string | undefined, where: string): Release {
  if (id === undefined) {
    if (!state.current)
      throw new StepError('logs', `${where}: ${state.app} has no current release (never deployed)`);
    return state.current;
  }
  const all = [state.current, state.previous, ...state.history].filter(
    (r): r is Release => r !== undefined,
  );
  const hit = all.find((r) => r.id === id);
  if (!hit)
    throw new StepError(
      'logs',
      `${where}: release ${id} is not in ${state.app}'s history (${[...new Set(all.map((r) => r.id))].join(', ') || 'empty'})`,
    );
  return hit;
}

export async function logsCommand(cli: CliConfig, args: CliArgs, deps: CliDeps): Promise<number> {
  oneHost(cli, args);
  const config = cli.config;
  const { failed } = await withHosts(cli, args, deps, async (exec) => {
    const paths = hostPrimitives.appPaths(config.stateBase, config.app);
    const release = releaseFor(
      await hostPrimitives.readState(exec, paths),
      args.release,
      exec.where,
    );
    deps.log.info(`${exec.where}: logs of ${release.container} (release ${release.id})`);
    const print = (line: string) => {
      if (args.grep === undefined || line.includes(args.grep)) deps.out(line);
    };
    const result = await exec.run(logsArgv(release.container, args), {
      allowFailure: true,
      onLine: print,
    });
    if (result.exitCode !== 0)
      throw new StepError(
        'logs',
        `${exec.where}: docker logs ${release.container} exited ${result.exitCode} (the container may have been pruned by keep-releases)`,
      );
  });
  return failed.length ? 1 : 0;
}

/** What the release's container was created with (docker inspect's HostConfig). */
export interface RecordedSettings {
  network?: string;
  binds: string[];
  memoryBytes?: number;
  nanoCpus?: number;
}

export const hostConfigArgv = (container: string) => [
  'docker',
  'inspect',
  '--type',
  'container',
  '--format',
  '{{json .HostConfig}}',
  '--',
  container,
];

/** Pure: the settings from `docker inspect --format '{{json .HostConfig}}'`. */
export function parseRecorded(json: string): RecordedSettings {
  const h = JSON.parse(json) as {
    NetworkMode?: string;
    Binds?: string[] | null;
    Memory?: number;
    NanoCpus?: number;
  };
  return {
    network: h.NetworkMode && h.NetworkMode !== 'default' ? h.NetworkMode : undefined,
    binds: h.Binds ?? [],
    memoryBytes: h.Memory || undefined,
    nanoCpus: h.NanoCpus || undefined,
  };
}

/**
 * $1 the release's container, $2 a temp env file; the rest is the docker run argv. The env is
 * the one the container was created with (a later failed deploy may have rewritten app.env), in
 * a 0600 file removed on exit; the command's exit code is the script's.
 */
export const EXEC_SCRIPT = `set -e
c=$1; f=$2; shift 2
umask 077
trap 'rm -f -- "$f"' EXIT
docker inspect --type container --format '{{range .Config.Env}}{{println .}}{{end}}' -- "$c" > "$f"
"$@"`;

/**
 * `docker run --rm` of the release's image with the settings its container was created with
 * (network, volumes, limits, env; the config's extra options), the command as argv after the
 * image, wrapped in EXEC_SCRIPT.
 */
export function execArgv(
  config: CliConfig['config'],
  release: Release,
  recorded: RecordedSettings,
  envFile: string,
  name: string,
  command: readonly string[],
  interactive = false,
): string[] {
  const options: string[] = [];
  if (recorded.network) options.push('--network', recorded.network);
  for (const bind of recorded.binds) options.push('--volume', bind);
  if (recorded.nanoCpus) options.push('--cpus', String(recorded.nanoCpus / 1e9));
  if (recorded.memoryBytes) options.push('--memory', `${recorded.memoryBytes}b`);
  return [
    'sh',
    '-c',
    EXEC_SCRIPT,
    'tg-exec',
    release.container,
    envFile,
    'docker',
    'run',
    '--rm',
    ...(interactive ? ['-it'] : []),
    '--name',
    name,
    '--label',
    `${LABEL_APP}=${config.app}-exec`,
    '--env-file',
    envFile,
    ...options,
    ...config.extraOptions,
    '--',
    release.image,
    ...command,
  ];
}

export async function execCommand(cli: CliConfig, args: CliArgs, deps: CliDeps): Promise<number> {
  oneHost(cli, args);
  const config = cli.config;
  const command = args.commandArgv ?? [];
  // -it when a person types into it (stdin and stdout are terminals); a pipe gets plain output
  const tty = deps.tty ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
  let exitCode = 0;
  const { failed } = await withHosts(cli, args, deps, async (exec) => {
    const paths = hostPrimitives.appPaths(config.stateBase, config.app);
    const release = releaseFor(await hostPrimitives.readState(exec, paths), undefined, exec.where);
    const name = `${config.app}-exec-${deps.clock.now().toString(36)}`;
    const inspected = await exec.run(hostConfigArgv(release.container), { allowFailure: true });
    if (inspected.exitCode !== 0)
      throw new StepError(
        'exec',
        `${exec.where}: the container ${release.container} of release ${release.id} cannot be read (${inspected.stderr.trim().split('\n')[0] ?? ''}); is the app deployed?`,
      );
    const recorded = parseRecorded(inspected.stdout.trim());
    const envFile = `${paths.dir}/${name}.env`;
    deps.log.info(`${exec.where}: ${command.join(' ')} in a one-off container of ${release.id}`);
    if (tty && exec.interactive) {
      // A terminal cannot be redacted line by line: it is the operator's own screen.
      deps.log.info('interactive (-it): the output goes to your terminal as it is, unredacted');
      const code = await exec.interactive(
        execArgv(config, release, recorded, envFile, name, command, true),
      );
      if (code !== 0) {
        deps.log.error(`${exec.where}: ${command[0]} exited ${code}`);
        exitCode = 1;
      }
      return;
    }
    const result = await exec.run(execArgv(config, release, recorded, envFile, name, command), {
      allowFailure: true,
    });
    // The app's env may reach the output (`env`): besides the registered secrets, every value
    // whose key names a secret in what the command printed is redacted too.
    const text = `${result.stdout}${result.stderr}`;
    const shown = redactWith(text, secretEnvValues(text));
    for (const line of shown.replace(/\n$/, '').split('\n')) if (line) deps.out(line);
    if (result.exitCode !== 0) {
      deps.log.error(`${exec.where}: ${command[0]} exited ${result.exitCode}`);
      exitCode = 1;
    }
  });
  return failed.length ? 1 : exitCode;
}

export async function lockCommand(cli: CliConfig, args: CliArgs, deps: CliDeps): Promise<number> {
  const config = cli.config;
  let refused = false;
  const { failed } = await withHosts(cli, args, deps, async (exec, host) => {
    const paths = hostPrimitives.appPaths(config.stateBase, config.app);
    if (args.lockAction !== 'release') {
      deps.out(`${host}: lock ${describeLockView(await inspectLock(exec, paths.lock))}`);
      return;
    }
    const view = await breakLock(exec, paths.lock, args.force);
    if (view.state === 'free') {
      deps.out(`${host}: the lock is free; nothing to release`);
      return;
    }
    if (view.state === 'live') {
      deps.out(
        `${host}: refused: the lock is ${describeLockView(view)}. Its run may be alive; wait, or add --force`,
      );
      refused = true;
      return;
    }
    await lockReleaseAudit(exec, paths, deps, args.reason ?? '', view.holder, args.force);
    deps.out(`${host}: lock released (was held by ${describeHolder(view.holder)})`);
  });
  return failed.length || refused ? 1 : 0;
}

async function lockReleaseAudit(
  exec: Executor,
  paths: ReturnType<typeof hostPrimitives.appPaths>,
  deps: CliDeps,
  reason: string,
  holder: string,
  forced: boolean,
): Promise<void> {
  await hostPrimitives.appendAudit(exec, paths, {
    at: new Date(deps.clock.now()).toISOString(),
    actor: deps.actor,
    action: 'lock-release',
    result: 'success',
    detail: `reason: ${reason.trim()}; freed${forced ? ' (forced)' : ''} the lock held by ${describeHolder(holder)}`,
  });
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The time `since` names: now minus a duration, or an ISO time. */
export function sinceMs(since: string, now: number): number {
  const m = /^([0-9]+)([smhd])$/.exec(since);
  if (m) return now - Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  const at = Date.parse(since);
  if (!Number.isFinite(at)) throw new Error(`--since: '${since}' is not a time`);
  return at;
}

/** Pure: the entries the filters keep, the last `limit` of them, oldest first. */
export function filterAudit(
  entries: readonly AuditEntry[],
  filters: { since?: string; event?: string; result?: string; limit?: number },
  now: number,
): AuditEntry[] {
  const from = filters.since === undefined ? undefined : sinceMs(filters.since, now);
  const kept = entries.filter(
    (e) =>
      (from === undefined || Date.parse(e.at) >= from) &&
      (filters.event === undefined || e.action === filters.event) &&
      (filters.result === undefined || e.result === filters.result),
  );
  return kept.slice(-(filters.limit ?? 50));
}

export function auditLine(e: AuditEntry): string {
  return [e.at, e.actor, e.action, e.release ?? '-', e.result, e.detail ?? ''].join('  ').trimEnd();
}

export async function historyCommand(
  cli: CliConfig,
  args: CliArgs,
  deps: CliDeps,
): Promise<number> {
  const config = cli.config;
  const filtered =
    args.since !== undefined || args.event !== undefined || args.result !== undefined;
  const { failed } = await withHosts(cli, args, deps, async (exec, host) => {
    const paths = hostPrimitives.appPaths(config.stateBase, config.app);
    // with a filter, read far enough back to find `limit` matching entries
    const entries = await readAudit(exec, paths, filtered ? 100_000 : (args.limit ?? 50));
    const shown = filterAudit(entries, args, deps.clock.now());
    deps.out(`== ${host} (${shown.length} entr${shown.length === 1 ? 'y' : 'ies'})`);
    for (const e of shown) deps.out(auditLine(e));
  });
  return failed.length ? 1 : 0;
}

/**
 * prune: the engine's prune plan on each host (src/deploy/prune-plan.ts): the app's stopped
 * containers beyond keep-releases and the images no kept container uses, under the lock, audited.
 */
export async function pruneCommand(cli: CliConfig, args: CliArgs, deps: CliDeps): Promise<number> {
  const config = { ...cli.config, dryRun: args.dryRun };
  const { failed } = await withHosts(cli, args, deps, async (exec, host) => {
    const report = await prune(config, {
      exec,
      host: hostPrimitives,
      clock: deps.clock,
      log: deps.log,
      holder: { runId: `cli-${process.pid}`, actor: deps.actor },
      signal: deps.signal,
    });
    if (report.dryRun) {
      deps.out(`${host}: dry-run, nothing changed`);
      deps.out(planText(report.plan));
      return;
    }
    const removed = report.result?.records.filter((r) => r.status === 'ok').length ?? 0;
    const warned = report.result?.records.filter((r) => r.status === 'warned') ?? [];
    const freed = report.facts.freedBytes;
    deps.out(
      `${host}: ${removed} of ${report.plan.steps.length} prune step(s) done${freed !== undefined ? `, ${formatBytes(freed)} freed` : ''}${warned.length ? `; not done: ${warned.map((w) => `${w.title} (${w.detail ?? ''})`).join('; ')}` : ''}`,
    );
    if (report.result && !report.result.ok) throw report.result.error;
  });
  return failed.length ? 1 : 0;
}

/** Every command: the on-call ones here, deploy, rollback and status in commands.ts. */
export async function dispatchCommand(
  cli: CliConfig,
  args: CliArgs,
  deps: CliDeps,
): Promise<number> {
  switch (args.command) {
    case 'logs':
      return logsCommand(cli, args, deps);
    case 'exec':
      return execCommand(cli, args, deps);
    case 'lock':
      return lockCommand(cli, args, deps);
    case 'history':
      return historyCommand(cli, args, deps);
    case 'prune':
      return pruneCommand(cli, args, deps);
    default:
      return runCommand(cli, args, deps);
  }
}
