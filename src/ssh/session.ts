import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import {
  CommandError,
  spawnCommand,
  type CommandResult,
  type Executor,
  type RunOptions,
} from '../exec.js';
import type { Log } from '../log.js';
import { remoteCommand, shellQuote } from './quote.js';
import { formatTarget, hostPort, type SshTarget } from './target.js';

export interface SshSettings {
  /** Already written 0600 by src/ssh/secrets.ts. */
  privateKeyFile: string;
  /** Required: known-hosts text or a pinned fingerprint turned into a file. */
  knownHostsFile: string;
  /** Reached through this host; verified against the same known_hosts, with the same key. */
  jump?: SshTarget;
  /** The jump host's own key (jump-host-key); default privateKeyFile. */
  jumpKeyFile?: string;
  /** Short path under RUNNER_TEMP for the ControlPath sockets (unix sockets: keep it short). */
  controlDir: string;
  connectTimeoutSeconds?: number;
  /** Extra attempts after a connection failure that happened before the command started. */
  retries?: number;
  clock?: Clock;
  log?: Log;
  /** Default 'ssh'. */
  sshBinary?: string;
  /** Seconds an idle master stays up when nothing closes it (a cancelled run). Default 600. */
  persistSeconds?: number;
  /** Runs a local process (tests inject a fake); default src/exec.ts spawnCommand. */
  spawn?: (where: string, argv: readonly string[], options: RunOptions) => Promise<CommandResult>;
}

export interface SshStats {
  /** TCP connections to the host: host-key checks and ControlMasters (reconnects included). */
  connectionsOpened: number;
  /** Remote commands run through the master (one round trip each). */
  commands: number;
  /** Attempts repeated after a connection failure. */
  retries: number;
}

export interface SshSession extends Executor {
  readonly target: SshTarget;
  readonly stats: SshStats;
  /** The local ControlMaster process, when known (tests kill it to cut the connection). */
  readonly masterPid?: number;
  /** Ends the ControlMaster. Safe to call twice. */
  close(): Promise<void>;
  /**
   * Runs argv with a terminal (ssh -t) through the master, wired to this process's stdin, stdout
   * and stderr (an interactive shell: `tg-devops exec`). Resolves with the exit code.
   */
  interactive?(argv: readonly string[]): Promise<number>;
}

/** No connection, or a connection that broke before the remote command started. */
export class SshConnectionError extends Error {
  constructor(
    readonly target: SshTarget,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'SshConnectionError';
  }
}

/** The host's key is unknown or changed: nothing was run there. */
export class HostKeyError extends SshConnectionError {
  constructor(target: SshTarget, detail: string) {
    super(target, hostKeyMessage(target, detail), false);
    this.name = 'HostKeyError';
  }
}

/** The connection broke while a command was running: it may have run partly, so no retry. */
export class SshConnectionLostError extends SshConnectionError {
  constructor(
    target: SshTarget,
    readonly argv: readonly string[],
    detail: string,
  ) {
    super(
      target,
      `${formatTarget(target)}: the SSH connection broke while \`${argv.join(' ')}\` was running; ` +
        `it may have run partly and is not repeated automatically.${detail ? `\n${detail}` : ''}`,
      false,
    );
    this.name = 'SshConnectionLostError';
  }
}

/** RunOptions.timeoutMs passed: the host's timeout(1) stopped the command (exit 124). */
export class SshCommandTimeoutError extends Error {
  constructor(
    readonly target: SshTarget,
    readonly argv: readonly string[],
    readonly timeoutSeconds: number,
  ) {
    super(
      `${formatTarget(target)}: \`${argv.join(' ')}\` did not finish within ${timeoutSeconds}s ` +
        `and was stopped on the host (SIGTERM); it is not repeated.`,
    );
    this.name = 'SshCommandTimeoutError';
  }
}

export function hostKeyMessage(target: SshTarget, detail: string): string {
  const changed = /IDENTIFICATION HAS CHANGED|does not match|mismatch/i.test(detail);
  const what = changed
    ? `the host key of ${hostPort(target)} has CHANGED since the known-hosts line was made (the host was reinstalled, or someone is in the middle)`
    : `the host key of ${hostPort(target)} is not in known-hosts`;
  return (
    `${formatTarget(target)}: refused to connect: ${what}. Nothing was run on the host.\n` +
    `To get a known_hosts line, run \`ssh-keyscan -p ${target.port} ${target.host}\` from a network you trust, ` +
    `compare its fingerprint (\`ssh-keygen -lf <file>\`) with the one the host's console or provider shows ` +
    `(out of band, not over this connection), and put the line in the known-hosts input ` +
    `(or the SHA256:... fingerprint in host-fingerprint).` +
    (detail ? `\nssh said: ${detail.trim().split('\n').slice(-3).join(' | ')}` : '')
  );
}

const HOST_KEY_FAILURE =
  /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known|host key for .* has changed/i;
const AUTH_FAILURE = /Permission denied \(|Too many authentication failures|no mutual signature/i;

/** What the probe prints back: proves the login shell reads our quoting as POSIX sh does. */
const PROBE = ["a'b", '$x `y` \\z', '*'];

/**
 * Opens one connection per host for the whole run:
 * 1. a plain connection (no master) checks the host key against known_hosts and that the login
 *    shell reads our quoting literally: an unknown or changed key is refused here, before any
 *    command and before any master exists;
 * 2. a ControlMaster is started with the same strict options;
 * 3. every command goes through the master as ONE quoted string (src/ssh/quote.ts).
 */
export async function openSession(target: SshTarget, settings: SshSettings): Promise<SshSession> {
  let known = '';
  try {
    known = readFileSync(settings.knownHostsFile, 'utf8');
  } catch {
    // missing: refused below
  }
  if (!known.trim()) {
    throw new HostKeyError(
      target,
      `no known_hosts file (${settings.knownHostsFile} is missing or empty): no host verification, no connection`,
    );
  }
  const session = new Session(target, settings);
  await session.connect();
  return session;
}

class Session implements SshSession {
  readonly where: string;
  readonly stats: SshStats = { connectionsOpened: 0, commands: 0, retries: 0 };
  private readonly controlPath: string;
  private readonly clock: Clock;
  private readonly spawn: NonNullable<SshSettings['spawn']>;
  private readonly nonce = randomBytes(6).toString('hex');
  masterPid: number | undefined;
  private open = false;

  constructor(
    readonly target: SshTarget,
    private readonly settings: SshSettings,
  ) {
    this.where = formatTarget(target);
    this.clock = settings.clock ?? systemClock;
    this.spawn = settings.spawn ?? spawnCommand;
    const id = createHash('sha256')
      .update(`${this.where} via ${settings.jump ? formatTarget(settings.jump) : '-'}`)
      .digest('hex')
      .slice(0, 12);
    // One socket per session: two sessions to the same host must not share (or replace) a master.
    this.controlPath = join(settings.controlDir, `${id}-${this.nonce.slice(0, 6)}`);
  }

  /** Options every ssh invocation of this session shares. */
  private baseOptions(): string[] {
    const options = [
      ...this.verifiedConnectionOptions(),
      '-o',
      'ServerAliveInterval=15',
      '-o',
      'ServerAliveCountMax=4',
      '-o',
      'LogLevel=ERROR',
      '-p',
      String(this.target.port),
      '-l',
      this.target.user,
    ];
    if (this.settings.jump)
      options.push('-o', `ProxyCommand=${this.jumpCommand(this.settings.jump)}`);
    return options;
  }

  /** No config files, no prompts, only our key, and only host keys from our known_hosts file. */
  private verifiedConnectionOptions(identityFile = this.settings.privateKeyFile): string[] {
    const s = this.settings;
    return [
      '-F',
      'none',
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${s.knownHostsFile}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'CheckHostIP=no',
      '-o',
      'UpdateHostKeys=no',
      '-o',
      `IdentityFile=${identityFile}`,
      '-o',
      `ConnectTimeout=${s.connectTimeoutSeconds ?? 15}`,
    ];
  }

  /**
   * The jump host through ProxyCommand rather than ProxyJump: ProxyJump starts a second ssh that
   * does not inherit our -o options (known_hosts file, strict checking, key), so the jump host
   * would be checked against ~/.ssh/known_hosts or not at all. This runs through the local
   * /bin/sh, so every part is quoted, and % is doubled for ssh's own token expansion. The jump
   * host authenticates with its own key when jump-host-key gave one.
   */
  private jumpCommand(jump: SshTarget): string {
    const s = this.settings;
    const argv = [
      s.sshBinary ?? 'ssh',
      ...this.verifiedConnectionOptions(s.jumpKeyFile ?? s.privateKeyFile),
      '-o',
      'LogLevel=ERROR',
      '-p',
      String(jump.port),
      '-l',
      jump.user,
      '-W',
      `${this.target.host.includes(':') ? `[${this.target.host}]` : this.target.host}:${this.target.port}`,
      '--',
      jump.host,
    ];
    return argv.map((a) => shellQuote(a).replace(/%/g, '%%')).join(' ');
  }

  private destination(): string[] {
    return ['--', this.target.host];
  }

  private async runSsh(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const argv = [this.settings.sshBinary ?? 'ssh', ...args];
    try {
      return await this.spawn(this.where, argv, { ...options, allowFailure: true });
    } catch (error) {
      // ssh itself could not be started (missing binary): not a connection problem to retry.
      throw new SshConnectionError(
        this.target,
        `${this.where}: cannot run ssh: ${(error as Error).message}`,
        false,
      );
    }
  }

  /** Classifies a failed connection attempt (exit 255 before anything ran). */
  private connectionFailure(step: string, result: CommandResult): SshConnectionError {
    const stderr = result.stderr.trim();
    if (HOST_KEY_FAILURE.test(stderr)) {
      const jump = this.settings.jump;
      return new HostKeyError(
        this.target,
        jump
          ? `${stderr}\n(the jump host ${hostPort(jump)} is checked against the same known-hosts)`
          : stderr,
      );
    }
    if (AUTH_FAILURE.test(stderr)) {
      const jump = this.settings.jump;
      return new SshConnectionError(
        this.target,
        `${this.where}: ${step}: the host refused the key (${lastLine(stderr)}). ` +
          `Check that the public half of ssh-key is in ~${this.target.user}/.ssh/authorized_keys on the host` +
          (jump
            ? `, and that the jump host ${formatTarget(jump)} has the public half of ${this.settings.jumpKeyFile ? 'jump-host-key' : 'ssh-key (or give the key it takes in jump-host-key)'} in ~${jump.user}/.ssh/authorized_keys.`
            : '.'),
        false,
      );
    }
    return new SshConnectionError(
      this.target,
      `${this.where}: ${step}: connection failed (ssh exit ${result.exitCode}${stderr ? `: ${lastLine(stderr)}` : ''})`,
      result.exitCode === 255,
    );
  }

  /** Repeats `attempt` after retryable connection failures, with exponential backoff. */
  private async withRetries<T>(step: string, attempt: () => Promise<T>): Promise<T> {
    const retries = this.settings.retries ?? 3;
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof SshConnectionError) || !error.retryable || n >= retries) throw error;
        const delay = Math.min(1000 * 2 ** n, 10_000);
        this.stats.retries++;
        this.settings.log?.warn(
          `${error.message}; ${step}: retry ${n + 1} of ${retries} in ${delay / 1000}s`,
        );
        await this.clock.sleep(delay);
      }
    }
  }

  async interactive(argv: readonly string[]): Promise<number> {
    if (!this.open) throw new Error(`${this.where}: the SSH session is closed`);
    const command = remoteCommand(argv); // throws before anything runs on a bad argument
    this.stats.commands++;
    const args = [
      ...this.baseOptions(),
      '-o',
      'ControlMaster=no',
      '-o',
      `ControlPath=${this.controlPath}`,
      '-t',
      ...this.destination(),
      command,
    ];
    return new Promise((resolve, reject) => {
      const child = spawn(this.settings.sshBinary ?? 'ssh', args, { stdio: 'inherit' });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
    });
  }

  /** Host-key check (plain connection, no master), quoting probe, then the master. */
  async connect(): Promise<void> {
    await this.withRetries('host key check', async () => {
      this.stats.connectionsOpened++;
      const result = await this.runSsh([
        ...this.baseOptions(),
        '-o',
        'ControlMaster=no',
        '-o',
        'ControlPath=none',
        '-T',
        ...this.destination(),
        remoteCommand(['printf', '%s\\n', ...PROBE]),
      ]);
      if (result.exitCode === 255 || HOST_KEY_FAILURE.test(result.stderr)) {
        throw this.connectionFailure('host key check', result);
      }
      const expected = PROBE.map((p) => `${p}\n`).join('');
      if (result.exitCode !== 0 || result.stdout !== expected) {
        throw new SshConnectionError(
          this.target,
          `${this.where}: the login shell of ${this.target.user} does not read POSIX sh quoting ` +
            `(probe exit ${result.exitCode}, output ${JSON.stringify(result.stdout.slice(0, 200))}); ` +
            `give the deploy user a POSIX shell (sh, bash, dash, zsh): arguments could not be passed literally.`,
          false,
        );
      }
    });
    await this.startMaster();
    this.open = true;
    this.settings.log?.info(
      `${this.where}: host key verified, connection open${this.settings.jump ? ` (via ${formatTarget(this.settings.jump)})` : ''}`,
    );
  }

  private async startMaster(): Promise<void> {
    // A socket left by a master that was killed would make ssh disable multiplexing.
    rmSync(this.controlPath, { force: true });
    await this.withRetries('start connection', async () => {
      this.stats.connectionsOpened++;
      const result = await this.runSsh([
        ...this.baseOptions(),
        '-o',
        'ControlMaster=yes',
        '-o',
        `ControlPath=${this.controlPath}`,
        '-o',
        `ControlPersist=${this.settings.persistSeconds ?? 600}`,
        '-N',
        '-f',
        ...this.destination(),
      ]);
      if (result.exitCode !== 0) throw this.connectionFailure('start connection', result);
    });
    const check = await this.runSsh([
      '-F',
      'none',
      '-o',
      `ControlPath=${this.controlPath}`,
      '-O',
      'check',
      '--',
      this.target.host,
    ]);
    const pid = /pid=(\d+)/.exec(check.stderr + check.stdout)?.[1];
    this.masterPid = pid ? Number(pid) : undefined;
  }

  private masterAlive(): boolean {
    if (this.masterPid === undefined) return true; // unknown: let ssh find out
    if (this.masterPid < 0) return false;
    try {
      process.kill(this.masterPid, 0);
    } catch {
      return false;
    }
    try {
      // A killed master whose parent does not reap it is a zombie: kill(0) still succeeds.
      const stat = readFileSync(`/proc/${this.masterPid}/stat`, 'utf8');
      return !/^\S+ \(.*\) [ZX]/.test(stat);
    } catch {
      return true; // no /proc (macOS runners): kill(0) is all we have
    }
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    if (!this.open) throw new Error(`${this.where}: the SSH session is closed`);
    // A timeout is enforced ON THE HOST with timeout(1): killing the local mux client neither
    // stops the remote command nor returns early (it waits for the master to report the end).
    const timeoutSeconds =
      options.timeoutMs === undefined
        ? undefined
        : Math.max(1, Math.ceil(options.timeoutMs / 1000));
    const command = remoteCommand(
      timeoutSeconds === undefined ? argv : ['timeout', String(timeoutSeconds), ...argv],
    ); // throws before anything runs on a bad argument
    const start = `\x1etgd-${this.nonce}-start`;
    const exit = `\x1etgd-${this.nonce}-exit `;
    // A fixed wrapper around the quoted command: markers on stderr tell "never started",
    // "connection broke while running" and "the command's own exit code" (even 255) apart.
    const wrapped =
      `printf '\\036tgd-${this.nonce}-start\\n' >&2; ${command}\n` +
      `s=$?; printf '\\036tgd-${this.nonce}-exit %d\\n' "$s" >&2; exit "$s"`;
    const onLine = options.onLine;
    const filteredOnLine = onLine
      ? (line: string, stream: 'stdout' | 'stderr') => {
          if (stream === 'stderr') {
            if (line === start) return;
            const at = line.indexOf(exit);
            if (at >= 0) {
              if (at > 0) onLine(line.slice(0, at), stream);
              return;
            }
          }
          onLine(line, stream);
        }
      : undefined;

    return this.withRetries(`\`${argv.join(' ')}\``, async () => {
      if (!this.masterAlive()) {
        this.settings.log?.warn(`${this.where}: the SSH connection is gone; reconnecting`);
        this.masterPid = undefined;
        await this.connect();
      }
      this.stats.commands++;
      const raw = await this.runSsh(
        [
          ...this.baseOptions(),
          '-o',
          'ControlMaster=no',
          '-o',
          `ControlPath=${this.controlPath}`,
          '-T',
          ...this.destination(),
          wrapped,
        ],
        { ...options, timeoutMs: undefined, onLine: filteredOnLine },
      );
      const startAt = raw.stderr.indexOf(`${start}\n`);
      const exitMatch = new RegExp(`\\x1etgd-${this.nonce}-exit (\\d+)\\n?$`).exec(raw.stderr);
      if (startAt < 0) {
        if (raw.exitCode === 255 || HOST_KEY_FAILURE.test(raw.stderr)) {
          throw this.connectionFailure(`\`${argv.join(' ')}\``, raw);
        }
        throw new SshConnectionError(
          this.target,
          `${this.where}: \`${argv.join(' ')}\` did not start (exit ${raw.exitCode}${raw.stderr.trim() ? `: ${lastLine(raw.stderr)}` : ''})`,
          false,
        );
      }
      // What ssh itself said before the command started is not the command's output.
      const before = raw.stderr.slice(0, startAt);
      if (/Control socket connect/.test(before)) {
        // The master was unusable and ssh connected on its own (still strictly verified):
        // count it, and start a fresh master for the next command.
        this.stats.connectionsOpened++;
        this.masterPid = -1;
      }
      const stderr = raw.stderr.slice(
        startAt + start.length + 1,
        exitMatch ? exitMatch.index : undefined,
      );
      if (!exitMatch) {
        // The master carried this command and broke: the next command reconnects (verified
        // again) rather than asking a process that may still be dying whether it is alive
        // (a SIGKILLed master closes its sockets before /proc shows it as a zombie).
        await this.retireMaster();
        throw new SshConnectionLostError(
          this.target,
          argv,
          `(ssh exit ${raw.exitCode}${lastLine(stderr) ? `: ${lastLine(stderr)}` : ''})`,
        );
      }
      if (timeoutSeconds !== undefined && exitMatch[1] === '124') {
        // As localExecutor does: allowFailure gets the exit code (124), otherwise an error.
        if (!options.allowFailure)
          throw new SshCommandTimeoutError(this.target, argv, timeoutSeconds);
        return {
          exitCode: 124,
          stdout: raw.stdout,
          stderr: `${stderr}timed out after ${timeoutSeconds}s and was stopped on the host\n`,
        };
      }
      const result: CommandResult = {
        exitCode: Number(exitMatch[1]),
        stdout: raw.stdout,
        stderr,
      };
      if (result.exitCode !== 0 && !options.allowFailure) {
        throw new CommandError(this.where, argv, result);
      }
      return result;
    });
  }

  /** Asks whatever is left of the master to exit (best effort) and marks it gone. */
  private async retireMaster(): Promise<void> {
    this.masterPid = -1;
    await this.runSsh([
      '-F',
      'none',
      '-o',
      `ControlPath=${this.controlPath}`,
      '-O',
      'exit',
      '--',
      this.target.host,
    ]).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.retireMaster();
    rmSync(this.controlPath, { force: true });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').slice(-1)[0] ?? '';
}
