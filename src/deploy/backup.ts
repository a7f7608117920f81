import { StepError } from '../errors.js';
import type { Executor } from '../exec.js';
import type { Log } from '../log.js';

/**
 * backup: postgres — pg_dump on the host before the pre-deploy, checked readable with
 * pg_restore --list, keeping the newest N dumps. The database URL comes from the env input; its
 * password travels on stdin into PGPASSWORD (never into argv, which `ps` shows), through a
 * constant script whose only inputs are positional arguments.
 */
export const DUMP_SCRIPT =
  'IFS= read -r PGPASSWORD; export PGPASSWORD; umask 077; exec pg_dump --format=custom --no-owner --file "$1" --dbname "$2"';

export function splitDatabaseUrl(url: string): { withoutPassword: string; password: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StepError('backup', 'the database URL in the env input is not a URL');
  }
  if (!/^postgres(?:ql)?:$/.test(parsed.protocol))
    throw new StepError('backup', 'the database URL is not postgresql://');
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { withoutPassword: parsed.toString(), password };
}

/** Runs a backup step: dump (password on stdin), check it readable, keep the newest N. */
export async function runBackup(
  action: { file: string; dir: string; app: string; variable: string; keep: number },
  ctx: { exec: Executor; log: Log },
  envFile: string,
): Promise<void> {
  const line = envFile.split('\n').find((l) => l.startsWith(`${action.variable}=`));
  const url = line?.slice(action.variable.length + 1) ?? '';
  const { withoutPassword, password } = splitDatabaseUrl(url);
  if (password) ctx.log.secret(password);
  await ctx.exec.run(['mkdir', '-p', action.dir]);
  await ctx.exec.run(['sh', '-c', DUMP_SCRIPT, 'pg_dump', action.file, withoutPassword], {
    input: `${password}\n`,
  });
  const list = await ctx.exec.run(['pg_restore', '--list', action.file]);
  const entries = list.stdout.split('\n').filter((l) => l && !l.startsWith(';')).length;
  ctx.log.info(`backup ${action.file}: readable, ${entries} table-of-contents entries`);
  const all = await ctx.exec.run([
    'find',
    action.dir,
    '-maxdepth',
    '1',
    '-name',
    `${action.app}-*.dump`,
  ]);
  const old = all.stdout.split('\n').filter(Boolean).sort().reverse().slice(action.keep);
  if (old.length) await ctx.exec.run(['rm', '-f', '--', ...old]);
}
