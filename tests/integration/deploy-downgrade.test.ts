/**
 * A downgrade meets the rollback's irreversible-migration guard (issue 12), through the deploy
 * action's entry against the sandbox's dockerd, registry and sshd: release 2 ran a pre-deploy
 * (no migration label: it counts as irreversible, recorded in state.json); the deploy of the older
 * image with downgrade: true is refused naming both releases, and nothing on the host changes
 * (containers, state, running release); with force: true it goes through.
 */
import { afterAll, expect, jest, test } from '@jest/globals';
import { runEntry } from '../helpers/action-entry.js';
import {
  audit,
  containers,
  env,
  hostState,
  registryInputs,
  removeApp,
  running,
  sshInputs,
} from '../helpers/deploy-host.js';

jest.setTimeout(300_000);
const app = `h10-downgrade-${process.pid}`;
const V1 = env.SANDBOX_IMAGE_WEB_V1!;
const V2 = env.SANDBOX_IMAGE_WEB_V2!;

const deployRun = (image: string, extra: Record<string, string> = {}) =>
  runEntry('deploy', {
    ...sshInputs(),
    ...registryInputs(),
    app,
    image,
    'bot-mode': 'worker',
    'health-path': '/health',
    'host-ports': '22961,22962',
    'gate-window': '1',
    'stop-grace': '3',
    'lock-timeout': '60',
    ...extra,
  });

afterAll(() => removeApp(app));

test('downgrade: true over an irreversible migration is refused naming both releases, nothing changes; force goes through', async () => {
  const first = await deployRun(V1);
  expect({ status: first.status, errors: first.errors }).toEqual({ status: 0, errors: [] });
  const second = await deployRun(V2, { 'pre-deploy': 'true' });
  expect({ status: second.status, errors: second.errors }).toEqual({ status: 0, errors: [] });
  const r2 = second.outputs['release-id']!;
  const state = hostState(app) as { current?: { id: string; irreversibleMigration?: boolean } };
  expect(state.current).toMatchObject({ id: r2, irreversibleMigration: true });

  const before = { containers: await containers(app), state: hostState(app), audit: audit(app) };
  const refused = await deployRun(V1, { downgrade: 'true' });
  expect(refused.status).toBe(1);
  const message = refused.errors.join('\n');
  expect(message).toMatch(
    new RegExp(
      `refusing to downgrade ${r2} \\(${V2.replace(/[.]/g, '\\.')}\\) to release \\d{8}-\\d{6} \\(${V1.replace(/[.]/g, '\\.')}\\)`,
    ),
  );
  expect(message).toContain(`release ${r2} (${V2}) declared an irreversible migration`);
  expect(await containers(app)).toEqual(before.containers);
  expect(hostState(app)).toEqual(before.state);
  expect(await running(app)).toEqual([`${app}-${r2}`]);
  expect(audit(app)).toEqual(before.audit);

  // force: true (the rollback's word) goes past it, and the log and the audit line say so
  const forced = await deployRun(V1, { downgrade: 'true', force: 'true' });
  expect({ status: forced.status, errors: forced.errors }).toEqual({ status: 0, errors: [] });
  expect(forced.stdout).toContain(`force: downgrading past the irreversible migration of ${r2}`);
  const r3 = forced.outputs['release-id']!;
  expect(hostState(app).current?.id).toBe(r3);
  expect(await running(app)).toEqual([`${app}-${r3}`]);
  expect(audit(app).at(-1)).toMatchObject({ result: 'success' });
  expect(audit(app).at(-1)?.detail).toContain(
    `downgrade forced past the irreversible migration of ${r2}`,
  );
});
