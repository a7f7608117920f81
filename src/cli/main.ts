import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { systemClock } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { FetchLike } from '../health/http.js';
import { consoleLog } from '../log.js';
import { removeSshMaterial, writeSshMaterial } from '../ssh/secrets.js';
import { openSession } from '../ssh/session.js';
import { parseArgs, UsageError } from './args.js';
import { defaultActor, type CliDeps } from './commands.js';
import { dispatchCommand } from './ops.js';
import { ConfigFileError, loadConfigFile } from './config-file.js';
import { guardCommands, redact, secretEnvValues } from '../redact.js';

export interface MainDeps extends Partial<CliDeps> {
  /** Required: proxyFetch from src/cli/index.ts, so the checks keep HTTPS_PROXY and NO_PROXY. */
  fetch: FetchLike;
  readFile?: (path: string) => string;
  env?: Record<string, string | undefined>;
  err?: (line: string) => void;
}

/** Parses, loads the config, runs the command. Returns the exit code: 0 ok, 1 failure, 2 usage. */
export async function main(argv: readonly string[], deps: MainDeps): Promise<number> {
  // What the CLI prints (the host's audit history too, maybe written before redaction existed)
  // passes the one redaction point, and never acts as a workflow command in a runner's step.
  const rawOut = deps.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const rawErr = deps.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const out = (line: string) => rawOut(guardCommands(redact(line)));
  const err = (line: string) => rawErr(guardCommands(redact(line)));
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      err(`tg-devops: ${error.message}\n\n${error.usage}`);
      return 2;
    }
    throw error;
  }
  if ('help' in parsed) {
    out(parsed.help);
    return 0;
  }
  const { args } = parsed;
  const log = deps.log ?? consoleLog(err);
  try {
    const cli = loadConfigFile(args.config, {
      readFile: deps.readFile ?? ((path) => readFileSync(path, 'utf8')),
      env: deps.env ?? process.env,
      home: homedir(),
    });
    log.secret(cli.ssh.key);
    if (cli.raw['registry-password']) log.secret(cli.raw['registry-password']);
    // The env's secret values (keys naming a secret, URLs with credentials: src/redact.ts's
    // rule), not each whole line: `exec -- env` shows the app's other settings.
    for (const value of secretEnvValues(cli.config.envFile ?? '')) log.secret(value);
    return await dispatchCommand(cli, args, {
      log,
      out,
      clock: deps.clock ?? systemClock,
      writeSshMaterial: deps.writeSshMaterial ?? writeSshMaterial,
      removeSshMaterial: deps.removeSshMaterial ?? removeSshMaterial,
      openSession: deps.openSession ?? openSession,
      actor: deps.actor ?? defaultActor(),
      fetch: deps.fetch,
      tty: deps.tty,
      handleSignals: deps.handleSignals,
      signal: deps.signal,
    });
  } catch (error) {
    if (error instanceof ConfigFileError) {
      err(`tg-devops: ${error.message}`);
      return 2;
    }
    log.error(errorMessage(error));
    return 1;
  }
}
