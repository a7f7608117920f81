import { StepError } from '../errors.js';
import type { DeployConfig } from './config.js';
import type { Step } from './plan.js';
import type { AppPaths } from './ports.js';

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

export function backupSteps(config: DeployConfig, paths: AppPaths, releaseId: string): Step[] {
  const backup = config.backup;
  if (!backup) return [];
  const file = `${paths.backups}/${config.app}-${releaseId}.dump`;
  return [
    {
      id: 'backup',
      title: `pg_dump ${backup.databaseUrlVariable} to ${file}, check it with pg_restore --list, keep the newest ${backup.keep}`,
      argv: [
        'sh',
        '-c',
        DUMP_SCRIPT,
        'pg_dump',
        file,
        `<${backup.databaseUrlVariable} without password>`,
      ],
      run: async (ctx) => {
        const line = config.envFile
          .split('\n')
          .find((l) => l.startsWith(`${backup.databaseUrlVariable}=`));
        const url = line?.slice(backup.databaseUrlVariable.length + 1) ?? '';
        const { withoutPassword, password } = splitDatabaseUrl(url);
        if (password) ctx.log.secret(password);
        await ctx.exec.run(['mkdir', '-p', paths.backups]);
        await ctx.exec.run(['sh', '-c', DUMP_SCRIPT, 'pg_dump', file, withoutPassword], {
          input: `${password}\n`,
        });
        const list = await ctx.exec.run(['pg_restore', '--list', file]);
        const entries = list.stdout.split('\n').filter((l) => l && !l.startsWith(';')).length;
        ctx.facts.backup = file;
        ctx.log.info(`backup ${file}: readable, ${entries} table-of-contents entries`);
        const all = await ctx.exec.run([
          'find',
          paths.backups,
          '-maxdepth',
          '1',
          '-name',
          `${config.app}-*.dump`,
        ]);
        const old = all.stdout.split('\n').filter(Boolean).sort().reverse().slice(backup.keep);
        if (old.length) await ctx.exec.run(['rm', '-f', '--', ...old]);
      },
    },
  ];
}
