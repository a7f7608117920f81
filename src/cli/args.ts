/**
 * The command line of `tg-devops`: parsed into a value (pure), every mistake a UsageError (exit 2).
 */

export const COMMANDS = ['deploy', 'rollback', 'status'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  command: Command;
  config: string;
  /** deploy, rollback: print the plan only. */
  dryRun: boolean;
  /** Only these of the config's hosts (user@host[:port] as written there, or the bare host). */
  hosts: string[];
  /** rollback: the release id to go back to (default: the previous release). */
  to?: string;
  /** rollback: go back past an irreversible migration. */
  force: boolean;
}

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

Run 'tg-devops <command> --help' for a command's options.
exit codes: 0 ok, 1 failure, 2 usage`;

const COMMON = `  --config FILE   the deploy config: YAML whose keys are the deploy action's inputs (required)
  --host HOST     only this host of the config (repeatable)
  -h, --help      this help`;

export const COMMAND_USAGE: Record<Command, string> = {
  deploy: `usage: tg-devops deploy --config deploy.yml [--dry-run] [--host HOST]...

Deploys the config's image: lock, probe, plan, execute with health gates, undo on failure, audit.
  --dry-run       connect, probe read-only and print the plan; nothing changes
${COMMON}`,
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
};

export function parseArgs(argv: readonly string[]): Parsed {
  const [first, ...rest] = argv;
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
        if (command === 'status') fail('--dry-run is an option of deploy and rollback');
        dryRun = true;
        break;
      case '--to':
        if (command !== 'rollback') fail(`--to is an option of rollback, not ${command}`);
        to = value();
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(to))
          fail(`--to: '${to}' is not a release id`);
        break;
      case '--force':
        noValue();
        if (command !== 'rollback') fail(`--force is an option of rollback, not ${command}`);
        force = true;
        break;
      default:
        fail(token.startsWith('-') ? `unknown option '${flag}'` : `unexpected argument '${token}'`);
    }
  }
  if (!config) fail('--config FILE is required');
  return { args: { command, config: config!, dryRun, hosts, to, force } };
}
