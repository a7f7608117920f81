/**
 * The tg-devops CLI (src/cli/index.ts, run as a process like an operator runs it) against the
 * sandbox over real SSH (tgdeploy@127.0.0.1:2222, host key verified):
 *
 *  - deploy, status (state, lock, containers, audit), deploy --dry-run (the plan printed, nothing
 *    changed: same state file, same containers, same audit), rollback (the previous release's
 *    container takes over again), and an unknown host key refused before anything runs.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliWorkDir, runCli, writeCliConfig } from '../helpers/cli-sandbox.js';
import { containers as appContainers, env, removeApp, running } from '../helpers/deploy-host.js';

jest.setTimeout(300_000);
const app = `cli-it-${process.pid}`;
const PORTS = '21930,21931';
/** A webhook app behind the sandbox's HAProxy (the failed-check test). */
const hxApp = `cli-it-hx-${process.pid}`;
let dir: string;

const cli = (argv: string[]) => runCli(dir, argv);
const writeConfig = (name: string, image: string, extra: string[] = []) =>
  writeCliConfig(dir, name, { app, image, ports: PORTS, extra });
const containers = () => appContainers(app);

const stateFile = () => join(env.SANDBOX_STATE_BASE!, app, 'state.json');
const auditFile = () => join(env.SANDBOX_STATE_BASE!, app, 'audit.jsonl');
const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

beforeAll(() => {
  dir = cliWorkDir('tg-cli-it-');
});

afterAll(async () => {
  for (const name of [app, hxApp]) await removeApp(name);
  rmSync(`${env.SANDBOX_HAPROXY_CFG}.tg-${hxApp}.new`, { force: true });
  rmSync(dir, { recursive: true, force: true });
});

test('deploy, status, deploy --dry-run (nothing changes), rollback: over real SSH', async () => {
  const v1 = writeConfig('v1.yml', env.SANDBOX_IMAGE_WEB_V1!);
  // v2 is watched after the switch with the verify checks (the deploy action's verify-* keys)
  const v2 = writeConfig('v2.yml', env.SANDBOX_IMAGE_WEB_V2!, [
    'verify-window: 2',
    'verify-log-patterns: Traceback',
    'on-inconclusive: promote',
  ]);

  const first = cli(['deploy', '--config', v1]);
  expect({ code: first.code, err: first.code ? first.err : '' }).toEqual({ code: 0, err: '' });
  expect(first.out).toMatch(new RegExp(`release \\d{8}-\\d{6} of ${app} is live`));
  expect(first.err).not.toContain(env.SANDBOX_REGISTRY_PASSWORD!);
  expect(await containers()).toHaveLength(1);

  const status = cli(['status', '--config', v1]);
  expect(status.code).toBe(0);
  const current = JSON.parse(read(stateFile())) as { current: { id: string; image: string } };
  expect(status.out).toContain(
    `== ${env.SANDBOX_SSH_USER}@${env.SANDBOX_SSH_HOST}:${env.SANDBOX_SSH_PORT}`,
  );
  expect(status.out).toMatch(
    new RegExp(
      `current\\s+${current.current.id}\\s+${current.current.image.replace(/[.]/g, '\\.')}`,
    ),
  );
  expect(status.out).toMatch(/previous\s+none/);
  expect(status.out).toMatch(/lock\s+free/);
  expect(status.out).toContain(`${app}-${current.current.id}  Up`);
  expect(status.out).toMatch(/audit \(last 1\)\n.*deploy blue-green.*success/);

  // dry-run: the plan for v2 is printed, and nothing on the host changes
  const before = {
    state: read(stateFile()),
    audit: read(auditFile()),
    containers: await containers(),
  };
  expect(before.state).toContain(current.current.id);
  expect(before.audit).toContain('"success"');
  const dry = cli(['deploy', '--config', v2, '--dry-run']);
  expect(dry.code).toBe(0);
  expect(dry.out).toContain('dry-run, nothing changed');
  expect(dry.out).toContain(env.SANDBOX_IMAGE_WEB_V2!);
  expect(dry.out).toMatch(/health-gate/);
  expect(dry.out).toMatch(new RegExp(`stop ${app}-${current.current.id}`));
  expect({
    state: read(stateFile()),
    audit: read(auditFile()),
    containers: await containers(),
  }).toEqual(before);

  // a real v2, then roll back to v1's kept container
  const second = cli(['deploy', '--config', v2]);
  expect({ code: second.code, err: second.code ? second.err : '' }).toEqual({ code: 0, err: '' });
  const afterV2 = JSON.parse(read(stateFile())) as { current: { id: string; image: string } };
  expect(afterV2.current.image).toBe(env.SANDBOX_IMAGE_WEB_V2);

  const planOnly = cli(['rollback', '--config', v2, '--dry-run']);
  expect(planOnly.code).toBe(0);
  expect(planOnly.out).toContain(`would roll back ${app} from ${afterV2.current.id}`);
  expect(JSON.parse(read(stateFile()))).toMatchObject({ current: { id: afterV2.current.id } });

  const back = cli(['rollback', '--config', v2]);
  expect({ code: back.code, err: back.code ? back.err : '' }).toEqual({ code: 0, err: '' });
  expect(back.out).toContain(`to ${current.current.id}`);
  const afterRollback = JSON.parse(read(stateFile())) as { current: { id: string; image: string } };
  expect(afterRollback.current).toMatchObject({
    id: current.current.id,
    image: env.SANDBOX_IMAGE_WEB_V1,
  });
  const up = (await containers()).filter((c) => c.endsWith(' running'));
  expect(up).toEqual([`${app}-${current.current.id} running`]);

  const unknown = cli(['rollback', '--config', v2, '--to', '20000101-000000']);
  expect(unknown.code).toBe(1);
  expect(unknown.err).toMatch(/20000101-000000/);
});

test('an unknown host key: refused before anything runs, exit 1', async () => {
  const known = join(dir, 'other_known_hosts');
  // a valid known_hosts line for the address, with a key that is not the sandbox's
  writeFileSync(
    known,
    `[${env.SANDBOX_SSH_HOST}]:${env.SANDBOX_SSH_PORT} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmgrpB8VhpK3NwBbFfYJUC5eQpfSx2fAfuNGYpJRJKF\n`,
  );
  const file = writeConfig('wrong-key.yml', env.SANDBOX_IMAGE_WEB_V1!).replace(/$/, '');
  writeFileSync(
    file,
    read(file).replace(
      `known-hosts-file: ${env.SANDBOX_SSH_KNOWN_HOSTS}`,
      `known-hosts-file: ${known}`,
    ),
  );
  const before = await containers();
  const run = cli(['deploy', '--config', file]);
  expect(run.code).toBe(1);
  expect(run.err).toMatch(
    /refused to connect: the host key of .* (has CHANGED|is not in known-hosts)/,
  );
  expect(await containers()).toEqual(before);
});

test("proxy: haproxy with the default haproxy-check-command over SSH: /usr/sbin is not on the deploy user's PATH, the error names the key, nothing changes", async () => {
  const file = join(dir, 'haproxy.yml');
  writeFileSync(
    file,
    read(writeConfig('haproxy-base.yml', env.SANDBOX_IMAGE_WEB_V1!))
      .replace(`app: ${app}`, `app: ${hxApp}`)
      .replace('bot-mode: worker', 'bot-mode: webhook')
      .replace(`host-ports: "${PORTS}"`, 'host-ports: "21933,21934"') +
      [
        '',
        'proxy: haproxy',
        'haproxy-frontend-port: 21935',
        `haproxy-socket: ${env.SANDBOX_HAPROXY_SOCKET}`,
        `haproxy-config: ${env.SANDBOX_HAPROXY_CFG}`,
        `haproxy-reload-command: ${env.SANDBOX_HAPROXY_RELOAD}`,
        `nginx-conf-dir: ${env.SANDBOX_NGINX_CONF_DIR}`,
        `nginx-test-command: ${env.SANDBOX_NGINX_TEST}`,
        `nginx-reload-command: ${env.SANDBOX_NGINX_RELOAD}`,
        '',
      ].join('\n'),
  );
  // the deploy user's PATH over SSH, as the deploy sees it
  const ssh = spawnSync(
    'ssh',
    [
      ...['-F', 'none', '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes'],
      ...['-o', `UserKnownHostsFile=${env.SANDBOX_SSH_KNOWN_HOSTS}`, '-i', env.SANDBOX_SSH_KEY!],
      ...['-p', env.SANDBOX_SSH_PORT!, `${env.SANDBOX_SSH_USER}@${env.SANDBOX_SSH_HOST}`],
      'echo $PATH',
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  expect(ssh.status).toBe(0);
  expect(ssh.stdout.trim().split(':')).not.toContain('/usr/sbin');

  const run = cli(['deploy', '--config', file]);
  expect(run.code).toBe(1);
  expect(run.err).toMatch(
    /`haproxy` was not found on \S+ \(exit 127[^)]*\): set the haproxy-check-command input .*\(e\.g\. '\/usr\/sbin\/haproxy -c -q -f \{config\}'\)/,
  );
  expect(run.out).not.toContain('is live');
  // checked before anything changed: no block for the app, no candidate left, no release
  expect(read(env.SANDBOX_HAPROXY_CFG!)).not.toContain(`app=${hxApp}`);
  expect(read(`${env.SANDBOX_HAPROXY_CFG}.tg-${hxApp}.new`)).toBe('');
  expect(read(join(env.SANDBOX_NGINX_CONF_DIR!, `tg-${hxApp}.upstream.conf`))).toBe('');
  const state = read(join(env.SANDBOX_STATE_BASE!, hxApp, 'state.json'));
  expect(state ? ((JSON.parse(state) as { current?: unknown }).current ?? null) : null).toBeNull();
  expect(await running(hxApp)).toEqual([]);
});
