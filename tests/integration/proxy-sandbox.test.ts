/**
 * The switch against the sandbox's SHARED nginx and HAProxy, as the deploy user (tgdeploy), the
 * way a deploy uses them: two apps in one HAProxy config file next to the sandbox's own sections
 * (and whatever other tests add), routed independently, removed without a trace. Functional
 * checks only; the zero-loss proof runs on a private stack (proxy-switch.test.ts), because other
 * tests reload these shared processes while they run.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { systemClock } from '../../src/clock.js';
import { findBlock } from '../../src/proxy/haproxy.js';
import {
  createProxy,
  type Color,
  type NginxSettings,
  type RemovableProxy,
} from '../../src/proxy/index.js';
import { reloadNginx } from '../../src/proxy/nginx.js';
import { runLoad } from '../helpers/load.js';
import { asUser, startWebbots, type Backends } from '../helpers/proxy-stack.js';
import { sandboxEnv } from '../helpers/sandbox.js';

const PORTS = { blue: 21620, green: 21621, s1: 21651, s2: 21652 };
const APPS = ['proxytest-s1', 'proxytest-s2'] as const;
const exec = asUser('tgdeploy');
const env = sandboxEnv();
const argv = (line: string | undefined) => (line ?? '').split(/\s+/).filter(Boolean);

let bots: Backends;
const proxies: Record<string, RemovableProxy> = {};

const nginx: NginxSettings = {
  confDir: env.SANDBOX_NGINX_CONF_DIR!,
  testCommand: argv(env.SANDBOX_NGINX_TEST),
  reloadCommand: argv(env.SANDBOX_NGINX_RELOAD),
};

function proxy(app: (typeof APPS)[number], frontendPort: number): RemovableProxy {
  return createProxy({
    kind: 'haproxy',
    app,
    nginx,
    haproxy: {
      socket: env.SANDBOX_HAPROXY_SOCKET!,
      configFile: env.SANDBOX_HAPROXY_CFG!,
      reloadCommand: argv(env.SANDBOX_HAPROXY_RELOAD),
      frontendPort,
    },
  });
}

const location = (app: string) => `${env.SANDBOX_NGINX_DEFAULT_SERVER_DIR}/tg-${app}.conf`;

/**
 * Other tests briefly put broken files of their own into the shared nginx conf dir (to prove
 * that a failed `nginx -t` changes nothing). When our test or reload fails on such a FOREIGN
 * file, wait and try again; a failure on one of our files fails the test.
 */
async function shared<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const file = /in (\S+\.conf):\d+/.exec((error as Error).message)?.[1];
      if (attempt >= 30 || !file || file.includes('proxytest')) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Test and reload, and wait (as a deploy does) until nginx's new workers serve our locations. */
async function nginxReload(): Promise<void> {
  await shared(async () => {
    await exec.run(nginx.testCommand);
    await reloadNginx(exec, nginx, systemClock, false);
  });
}

async function versions(app: string): Promise<Record<string, number>> {
  // keep-alive through the shared nginx; nginx reloads by other tests may cost a request here,
  // so only the versions of the answers are compared
  const r = await runLoad({
    url: `${env.SANDBOX_NGINX_URL}/${app}/`,
    rate: 50,
    mode: 'fresh',
    count: 40,
  });
  return r.versions;
}

beforeAll(async () => {
  bots = await startWebbots(env, `proxytest-sbx-${process.pid}`, [
    {
      name: 'blue',
      port: PORTS.blue,
      image: env.SANDBOX_IMAGE_WEB_V1_LOCAL ?? 'tg-test/webbot:v1',
    },
    {
      name: 'green',
      port: PORTS.green,
      image: env.SANDBOX_IMAGE_WEB_V2_LOCAL ?? 'tg-test/webbot:v2',
    },
  ]);
  proxies[APPS[0]] = proxy(APPS[0], PORTS.s1);
  proxies[APPS[1]] = proxy(APPS[1], PORTS.s2);
}, 120_000);

afterAll(async () => {
  for (const app of APPS) await exec.run(['rm', '-f', location(app)]).catch(() => undefined);
  await nginxReload().catch(() => undefined);
  for (const app of APPS) await shared(() => proxies[app]!.remove(exec)).catch(() => undefined);
  await bots?.stop();
}, 60_000);

const weights = (green: number) => [
  { color: 'blue' as Color, port: PORTS.blue, weight: 100 - green },
  { color: 'green' as Color, port: PORTS.green, weight: green },
];

describe('two apps on the sandbox HAProxy and nginx, as tgdeploy', () => {
  test('set up, routed independently, kept in the shared file, removed cleanly', async () => {
    const cfg = env.SANDBOX_HAPROXY_CFG!;
    const sandboxPart = readFileSync(cfg, 'utf8').split('# >>> tg-devops')[0]!;
    expect(sandboxPart).toContain('backend bot');

    await shared(() =>
      proxies[APPS[0]]!.route(exec, [{ color: 'blue', port: PORTS.blue, weight: 100 }]),
    );
    await shared(() => proxies[APPS[1]]!.route(exec, weights(100)));
    for (const app of APPS) {
      await exec.run(['dd', `of=${location(app)}`, 'status=none'], {
        input: `location /${app}/ {\n    proxy_pass http://tg_${app}/;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n}\n`,
      });
    }
    await nginxReload();

    expect(await proxies[APPS[0]]!.current(exec)).toEqual([
      { color: 'blue', port: PORTS.blue, weight: 100 },
    ]);
    expect(await proxies[APPS[1]]!.current(exec)).toEqual(weights(100));
    expect(await versions(APPS[0])).toEqual({ v1: 40 });
    expect(await versions(APPS[1])).toEqual({ v2: 40 });

    // switching one app leaves the other alone, without a reload of anything
    const pid = readFileSync(env.SANDBOX_HAPROXY_PIDFILE!, 'utf8').trim();
    await proxies[APPS[0]]!.route(exec, weights(50));
    expect(readFileSync(env.SANDBOX_HAPROXY_PIDFILE!, 'utf8').trim()).toBe(pid);
    expect(await versions(APPS[0])).toEqual({ v1: 20, v2: 20 });
    expect(await versions(APPS[1])).toEqual({ v2: 40 });

    // the file holds both apps' current routing, and the sandbox's own sections are intact
    const file = readFileSync(cfg, 'utf8');
    expect(file.startsWith(sandboxPart)).toBe(true);
    expect(findBlock(file, APPS[0])).toContain('server green 127.0.0.1:21621 weight 50\n');
    expect(findBlock(file, APPS[1])).toContain('server blue 127.0.0.1:21620 weight 0\n');
    const check = await exec.run(argv(env.SANDBOX_HAPROXY_TEST), { allowFailure: true });
    expect(check.exitCode).toBe(0);

    // removal: our blocks and include files go, the rest stays
    for (const app of APPS) await exec.run(['rm', '-f', location(app)]);
    await nginxReload();
    for (const app of APPS) await shared(() => proxies[app]!.remove(exec));
    const after = readFileSync(cfg, 'utf8');
    for (const app of APPS) {
      expect(findBlock(after, app)).toBeUndefined();
      expect(after).not.toContain(`be_${app}`);
    }
    expect(after.startsWith(sandboxPart.trimEnd())).toBe(true);
    for (let i = 0; i < 50 && (await proxies[APPS[0]]!.current(exec)).length > 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await proxies[APPS[0]]!.current(exec)).toEqual([]);
  }, 180_000);
});
