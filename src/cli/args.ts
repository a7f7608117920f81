/**
 * The command line of `tg-devops`: parsed into a value (pure), every mistake a UsageError (exit 2).
 */

export const COMMANDS = [
  'deploy',
  'rollback',
  'status',
  'logs',
  'exec',
  'lock',
  'history',
  'prune',
] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  command: Command;
  config: string;
  /** deploy, rollback: print the plan only. */
  dryRun: boolean;
  /** Only these of the config's hosts (user@host[:port] as written there, or the bare host). */
  hosts: string[];
  /** deploy: hold the canary at this weight (overrides the config's canary-hold). */
  canaryHold?: string;
  /** deploy: go on with the held canary. */
  resume?: 'promote' | 'abort';
  /** rollback: the release id to go back to (default: the previous release). */
  to?: string;
  /** rollback: go back past an irreversible migration; lock release: free a live lock too. */
  force: boolean;
  /** logs: keep streaming. */
  follow?: boolean;
  /** logs: docker's --since (1m, 2h, an RFC 3339 time); history: entries newer than this. */
  since?: string;
  /** logs: only lines containing this text. */
  grep?: string;
  /** logs: this release's container instead of the current one. */
  release?: string;
  /** exec: the command after `--`, run as argv in a one-off container. */
  commandArgv?: string[];
  /** lock: `release` frees the lock (needs --reason). */
  lockAction?: 'show' | 'release';
  reason?: string;
  /** history filters. */
  event?: string;
  result?: string;
  limit?: number;
}

const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A duration (docker's units and days) or an ISO date/time. */
const SINCE =
  /^(?:[0-9]{1,6}(?:s|m|h|d)|[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9:.]+(?:Z|[+-][0-9:]+)?)?)$/;

export type Parsed = { help: string } | { args: CliArgs };

export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `usage: tg-devops <command> --config deploy.yml [options]

The deploy action's engine from a terminal, with the same safety: host keys verified, the host
lock, the plan, the health gates, undo on failure, the audit log.

commands:
  deploy     deploy the config's image to its hosts (--dry-run: print the plan only)
  rollback   give the traffic back to the previous release (or --to RELEASE_ID)
  status     show each host's current release, history, lock, audit and containers
  logs       the current release's container logs (--since, --grep, --follow, --release)
  exec       run a command in a one-off container of the current release: exec -- CMD...
  lock       show the deploy lock's holder; 'lock release --reason TEXT' frees it
  history    the audit log (--since, --event, --result, --limit)
  prune      remove old releases' stopped containers and unused images beyond keep-releases

Run 'tg-devops <command> --help' for a command's options.
exit codes: 0 ok, 1 failure, 2 usage`;

const COMMON = `  --config FILE   the deploy config: YAML whose keys are the deploy action's inputs (required)
  --host HOST     only this host of the config (repeatable)
  -h, --help      this help`;

export const COMMAND_USAGE: Record<Command, string> = {
  deploy: `usage: tg-devops deploy --config deploy.yml [--dry-run] [--canary-hold PERCENT | --resume promote|abort] [--host HOST]...

Deploys the config's image: lock, probe, plan, execute with health gates, undo on failure, audit.
  --dry-run               connect, probe read-only and print the plan; nothing changes
  --canary-hold PERCENT   canary: stop at PERCENT (1-99) with both releases running and record the
                          hold on the host (the config's canary-hold key does the same)
  --resume promote|abort  go on with the held canary: promote re-runs the gates and goes to 100%;
                          abort routes all traffic back and removes the canary. While a canary is
                          held, any other deploy or rollback is refused.
${COMMON}

example: tg-devops deploy --config deploy.yml --canary-hold 10
         tg-devops deploy --config deploy.yml --resume promote`,
  rollback: `usage: tg-devops rollback --config deploy.yml [--to RELEASE_ID] [--force] [--dry-run] [--host HOST]...

Gives the traffic back to the previous release's kept container (or --to RELEASE_ID) under the
host lock: health gate, switch (or handover for polling bots), undo on failure, audit entry.
  --to RELEASE_ID  a release from the host's history (see 'tg-devops status')
  --force          go back past a release that declared an irreversible migration
  --dry-run        print the rollback plan only; nothing changes
${COMMON}`,
  status: `usage: tg-devops status --config deploy.yml [--host HOST]...

Reads each host's state, lock, last audit entries and the app's containers. Changes nothing.
${COMMON}`,
  logs: `usage: tg-devops logs --config deploy.yml [--since 10m] [--grep TEXT] [--follow] [--release ID] [--host HOST]

Prints the current release's container logs (docker logs), every secret redacted. With several
hosts in the config, pick one with --host.
  --since DURATION  only lines newer than this (docker's --since: 30s, 10m, 2h, or a time)
  --grep TEXT       only lines containing TEXT (plain text, case-sensitive)
  --follow          keep printing new lines until Ctrl-C
  --release ID      a release from the host's history instead of the current one
${COMMON}

example: tg-devops logs --config deploy.yml --since 1h --grep Traceback`,
  exec: `usage: tg-devops exec --config deploy.yml [--host HOST] -- CMD [ARG]...

Runs CMD in a one-off container of the current release's image with the env, network, volumes
and limits its container was created with, removed afterwards (docker run --rm). Output is
redacted. The arguments are passed as argv, never through a shell on the host. On a terminal it
runs with -it (an interactive shell: exec -- sh), its output unredacted on your screen.
${COMMON}

example: tg-devops exec --config deploy.yml -- python -m bot.manage check`,
  lock: `usage: tg-devops lock --config deploy.yml [--host HOST]...
       tg-devops lock release --config deploy.yml --reason TEXT [--force] [--host HOST]...

Shows who holds the app's deploy lock on each host and until when. 'lock release' frees a lock
whose TTL has passed (a killed run's) and writes an audit line naming you and the reason; a
lock still within its TTL is refused unless --force (its run may be alive and would lose it).
  --reason TEXT   why the lock is freed (required for release; goes to the audit log)
  --force         free the lock even though its TTL has not passed
${COMMON}

example: tg-devops lock release --config deploy.yml --reason "runner died during deploy 123"`,
  history: `usage: tg-devops history --config deploy.yml [--since 2d] [--event ACTION] [--result RESULT] [--limit N] [--host HOST]...

Prints the app's audit log on each host, oldest first: time, who, what, release, result, detail.
  --since DURATION  only entries newer than this (30m, 12h, 7d) or an ISO time
  --event ACTION    only this action (deploy, rollback, lock-release, ...)
  --result RESULT   only this result (success, failure, cancelled, rolled-back, refused, ...)
  --limit N         at most the last N entries (default 50)
${COMMON}

example: tg-devops history --config deploy.yml --event rollback --since 7d`,
  prune: `usage: tg-devops prune --config deploy.yml [--dry-run] [--host HOST]...

Removes the app's stopped containers of releases beyond the config's keep-releases (never the
current or the previous release) and the images no kept container uses: the deploy's own prune
steps as a plan of the same engine, under the deploy lock, with an audit line 'prune'.
  --dry-run       print the prune plan; nothing changes
${COMMON}

example: tg-devops prune --config deploy.yml --dry-run`,
};

export function parseArgs(argv: readonly string[]): Parsed {
  const [first, ...afterCommand] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    if (first === undefined) throw new UsageError('a command is required', USAGE);
    return { help: USAGE };
  }
  if (!(COMMANDS as readonly string[]).includes(first))
    throw new UsageError(`unknown command '${first}'`, USAGE);
  const command = first as Command;
  const usage = COMMAND_USAGE[command];
  const fail = (message: string): never => {
    throw new UsageError(message, usage);
  };
  // exec: everything after `--` is the command, taken as it is
  const dash = afterCommand.indexOf('--');
  const rest = dash >= 0 ? afterCommand.slice(0, dash) : afterCommand;
  const commandArgv = dash >= 0 ? afterCommand.slice(dash + 1) : undefined;
  if (commandArgv && command !== 'exec') fail(`'--' is only for exec, not ${command}`);
  const extra: Partial<CliArgs> = {};
  const only = (flag: string, ...commands: Command[]) => {
    if (!commands.includes(command))
      fail(`${flag} is an option of ${commands.join(' and ')}, not ${command}`);
  };
  if (command === 'lock') {
    extra.lockAction = 'show';
    if (rest[0] === 'release') {
      extra.lockAction = 'release';
      rest.shift();
    } else if (rest[0] !== undefined && !rest[0].startsWith('-'))
      fail(`unknown lock action '${rest[0]}' (lock, or lock release)`);
  }

  let config: string | undefined;
  let dryRun = false;
  let to: string | undefined;
  let force = false;
  const hosts: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const flag = eq > 0 ? token.slice(0, eq) : token;
    const inline = eq > 0 ? token.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('-')))
        fail(`${flag} needs a value`);
      return v!;
    };
    const noValue = () => {
      if (inline !== undefined) fail(`${flag} takes no value`);
    };
    switch (flag) {
      case '-h':
      case '--help':
        return { help: usage };
      case '--config':
      case '-c':
        if (config !== undefined) fail('--config is given twice');
        config = value();
        break;
      case '--host':
        hosts.push(value());
        break;
      case '--dry-run':
        noValue();
        only('--dry-run', 'deploy', 'rollback', 'prune');
        dryRun = true;
        break;
      case '--follow':
      case '-f':
        noValue();
        only('--follow', 'logs');
        extra.follow = true;
        break;
      case '--since':
        only('--since', 'logs', 'history');
        extra.since = value();
        if (!SINCE.test(extra.since))
          fail(
            `--since: '${extra.since}' is neither a duration (30s, 10m, 2h, 7d) nor an ISO time`,
          );
        break;
      case '--grep':
        only('--grep', 'logs');
        extra.grep = value();
        break;
      case '--release':
        only('--release', 'logs');
        extra.release = value();
        if (!RELEASE_ID.test(extra.release))
          fail(`--release: '${extra.release}' is not a release id`);
        break;
      case '--reason':
        if (extra.lockAction !== 'release') fail('--reason is an option of lock release');
        extra.reason = value();
        break;
      case '--event':
        only('--event', 'history');
        extra.event = value();
        break;
      case '--result':
        only('--result', 'history');
        extra.result = value();
        break;
      case '--limit': {
        only('--limit', 'history');
        const text = value();
        if (!/^[0-9]{1,6}$/.test(text) || Number(text) < 1)
          fail(`--limit: '${text}' is not a whole number from 1 to 999999`);
        extra.limit = Number(text);
        break;
      }
      case '--canary-hold':
        only('--canary-hold', 'deploy');
        extra.canaryHold = value();
        if (!/^[0-9]{1,2}$/.test(extra.canaryHold) || Number(extra.canaryHold) < 1)
          fail(`--canary-hold: '${extra.canaryHold}' is not a percentage from 1 to 99`);
        break;
      case '--resume': {
        only('--resume', 'deploy');
        const resume = value();
        if (resume !== 'promote' && resume !== 'abort')
          fail(`--resume: '${resume}' is neither promote nor abort`);
        extra.resume = resume as 'promote' | 'abort';
        break;
      }
      case '--to':
        if (command !== 'rollback') fail(`--to is an option of rollback, not ${command}`);
        to = value();
        if (!RELEASE_ID.test(to)) fail(`--to: '${to}' is not a release id`);
        break;
      case '--force':
        noValue();
        if (command !== 'rollback' && extra.lockAction !== 'release')
          fail(`--force is an option of rollback and lock release, not ${command}`);
        force = true;
        break;
      default:
        fail(token.startsWith('-') ? `unknown option '${flag}'` : `unexpected argument '${token}'`);
    }
  }
  if (!config) fail('--config FILE is required');
  if (extra.canaryHold && extra.resume)
    fail('--canary-hold holds a new canary, --resume goes on with the held one: give one of them');
  if (command === 'exec' && !commandArgv?.length)
    fail('exec needs a command after --: tg-devops exec --config deploy.yml -- CMD [ARG]...');
  if (extra.lockAction === 'release' && !extra.reason?.trim())
    fail('lock release needs --reason TEXT (it goes to the audit log)');
  return {
    args: { command, config: config!, dryRun, hosts, to, force, ...extra, commandArgv },
  };
}
