/**
 * Runs one of our action bundles the way a GitHub runner does, on this machine:
 *
 *  - INPUT_<NAME> for every input of <name>/action.yml (the step's `with:`, else the default);
 *  - fresh GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY, GITHUB_ENV files and RUNNER_TEMP;
 *  - `node dist/<name>/index.js` (the `main:`), then the `post:` entry when action.yml has one,
 *    with STATE_<name> from what main saved (always, like `post-if: always()`);
 *  - workflow commands in the output are understood: ::add-mask:: values are masked in the log,
 *    ::error::/::warning:: lines are kept; everything goes to a log file.
 *
 * As a library (the demo): `await runAction('deploy', { app: 'x', ... }, { logFile, show })`.
 * As a command (any action, locally):
 *
 *   node --import ./scripts/ts-register.mjs scripts/demo/run-action.ts deploy \
 *     --with app=mybot --with-file ssh-key=~/.ssh/id_ed25519 --with dry-run=true
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ActionRun {
  name: string;
  ok: boolean;
  exitCode: number;
  outputs: Record<string, string>;
  summary: string;
  /** ::error:: and ::warning:: messages, masked. */
  errors: string[];
  warnings: string[];
  /** Every line of main (and post), masked, without workflow commands. */
  lines: string[];
  ms: number;
}

export interface RunActionOptions {
  /** Appended to (full log of every step). */
  logFile?: string;
  /** Called for each plain or annotation line of main; return a string to print it. */
  show?: (line: string, kind: 'info' | 'error' | 'warning') => string | undefined;
  env?: Record<string, string | undefined>;
  /** Default: the repository root (as GITHUB_WORKSPACE). */
  workspace?: string;
}

interface ActionYml {
  inputs?: Record<string, { default?: unknown } | null>;
  runs?: { main?: string; post?: string };
}

/** The INPUT_* variables a runner sets: every declared input, given or defaulted. */
export function inputEnv(
  actionYml: ActionYml,
  given: Record<string, string | undefined>,
): Record<string, string> {
  const declared = actionYml.inputs ?? {};
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(declared, key)) throw new Error(`unknown input '${key}'`);
  }
  const env: Record<string, string> = {};
  for (const [key, spec] of Object.entries(declared)) {
    const value = given[key] ?? (spec?.default === undefined ? '' : String(spec.default));
    env[`INPUT_${key.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

/** Reads a GITHUB_OUTPUT / GITHUB_STATE file: `name=value` and `name<<DELIM` … `DELIM`. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      out[name!] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

const unescape = (s: string) =>
  s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');

/**
 * The bundle action.yml names (`../dist/<name>/index.js`), or the same file under
 * TG_ACTIONS_DIST when set (bundles built elsewhere, e.g. to try uncommitted sources).
 */
export function bundlePath(name: string, file: string): string {
  const path = resolve(ROOT, name, file);
  const other = process.env.TG_ACTIONS_DIST;
  const dist = resolve(ROOT, 'dist');
  return other && path.startsWith(`${dist}/`) ? resolve(other, path.slice(dist.length + 1)) : path;
}

function gitHead(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '0000000000000000000000000000000000000000';
  }
}

export async function runAction(
  name: string,
  given: Record<string, string | undefined>,
  options: RunActionOptions = {},
): Promise<ActionRun> {
  const actionYml = parse(readFileSync(join(ROOT, name, 'action.yml'), 'utf8')) as ActionYml;
  const inputs = inputEnv(actionYml, given);
  const temp = mkdtempSync(join(tmpdir(), `tg-run-${name}-`));
  const files = {
    GITHUB_OUTPUT: join(temp, 'output'),
    GITHUB_STATE: join(temp, 'state'),
    GITHUB_STEP_SUMMARY: join(temp, 'summary.md'),
    GITHUB_ENV: join(temp, 'env'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  mkdirSync(join(temp, 'runner'), { recursive: true });
  const masks = new Set<string>();
  const result: ActionRun = {
    name,
    ok: false,
    exitCode: 1,
    outputs: {},
    summary: '',
    errors: [],
    warnings: [],
    lines: [],
    ms: 0,
  };
  const started = Date.now();
  const log = (line: string) => {
    if (options.logFile) appendFileSync(options.logFile, `${line}\n`);
  };
  const mask = (line: string) =>
    [...masks].sort((a, b) => b.length - a.length).reduce((t, m) => t.split(m).join('***'), line);
  const baseEnv: Record<string, string | undefined> = {
    ...process.env,
    ...options.env,
    ...inputs,
    ...files,
    RUNNER_TEMP: join(temp, 'runner'),
    GITHUB_WORKSPACE: options.workspace ?? ROOT,
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR:
      process.env.GITHUB_ACTOR ?? `${process.env.USER ?? 'operator'} (local run-action)`,
    GITHUB_RUN_ID: process.env.GITHUB_RUN_ID ?? `local-${process.pid}`,
    // what the build's tag rules read: a push to main of this checkout, unless the caller says
    GITHUB_REPOSITORY: process.env.GITHUB_REPOSITORY ?? 'local/tg-devops-demo',
    GITHUB_EVENT_NAME: process.env.GITHUB_EVENT_NAME ?? 'push',
    GITHUB_REF: process.env.GITHUB_REF ?? 'refs/heads/main',
    GITHUB_SHA: process.env.GITHUB_SHA ?? gitHead(),
    ...options.env,
  };

  const entry = async (
    file: string,
    phase: 'main' | 'post',
    env: Record<string, string | undefined>,
  ) => {
    log(`--- ${name} (${phase}) ---`);
    return new Promise<number>((done) => {
      const child = spawn(process.execPath, [bundlePath(name, file)], {
        cwd: options.workspace ?? ROOT,
        env: { ...env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let pending = '';
      const onData = (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const parts = pending.split('\n');
        pending = parts.pop() ?? '';
        for (const raw of parts) handle(raw, phase);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('close', (code) => {
        if (pending) handle(pending, phase);
        done(code ?? 1);
      });
    });
  };

  const handle = (raw: string, phase: 'main' | 'post') => {
    const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(raw);
    let kind: 'info' | 'error' | 'warning' = 'info';
    let text = raw;
    if (command) {
      const [, verb, value] = command;
      if (verb === 'add-mask') {
        const secret = unescape(value!);
        for (const line of secret.split('\n')) if (line.trim()) masks.add(line.trim());
        masks.add(secret);
        return;
      }
      if (verb === 'group') text = `== ${unescape(value!)}`;
      else if (verb === 'endgroup' || verb === 'debug') return;
      else if (verb === 'error' || verb === 'warning') {
        kind = verb;
        text = unescape(value!);
      } else text = unescape(value!);
    }
    text = mask(text);
    log(kind === 'info' ? text : `${kind}: ${text}`);
    if (phase !== 'main') return;
    result.lines.push(text);
    if (kind === 'error') result.errors.push(text);
    if (kind === 'warning') result.warnings.push(text);
    const shown = options.show?.(text, kind);
    if (shown !== undefined) process.stdout.write(`${shown}\n`);
  };

  try {
    const main = actionYml.runs?.main;
    if (!main) throw new Error(`${name}/action.yml has no runs.main`);
    result.exitCode = await entry(main, 'main', baseEnv);
    result.outputs = parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'));
    result.summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
    const post = actionYml.runs?.post;
    if (post) {
      const state = parseCommandFile(readFileSync(files.GITHUB_STATE, 'utf8'));
      const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
      const postCode = await entry(post, 'post', { ...baseEnv, ...stateEnv });
      if (postCode !== 0) result.warnings.push(`post step exited ${postCode}`);
    }
    result.ok = result.exitCode === 0;
  } finally {
    result.ms = Date.now() - started;
    rmSync(temp, { recursive: true, force: true });
  }
  return result;
}

/** The command-line form: `run-action.ts <name> [--with k=v]... [--with-file k=path]...`. */
async function cli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(
      'usage: node --import ./scripts/ts-register.mjs scripts/demo/run-action.ts <action> ' +
        '[--with name=value]... [--with-file name=path]...\n' +
        'Runs dist/<action>/index.js as a runner would (inputs, defaults, outputs, post step).\n',
    );
    return name ? 0 : 2;
  }
  const given: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i];
    const pair = rest[i + 1] ?? '';
    const eq = pair.indexOf('=');
    if ((flag !== '--with' && flag !== '--with-file') || eq <= 0) {
      process.stderr.write(
        `run-action: expected --with name=value or --with-file name=path, got ${flag} ${pair}\n`,
      );
      return 2;
    }
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    given[key] = flag === '--with-file' ? readFileSync(value, 'utf8') : value;
  }
  const run = await runAction(name, given, { show: (line) => `  ${line}` });
  for (const [key, value] of Object.entries(run.outputs))
    process.stdout.write(`output ${key}=${value}\n`);
  process.stdout.write(
    `${name}: ${run.ok ? 'ok' : `failed (exit ${run.exitCode})`} in ${(run.ms / 1000).toFixed(1)} s\n`,
  );
  return run.ok ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `run-action: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
