import { describe, expect, it } from '@jest/globals';
import { InputError } from '../../src/errors.js';
import {
  describeProxy,
  frontendPortFrom,
  PROXY_INPUT_DEFAULTS,
  proxyFrom,
  proxySettingsFrom,
  type RawProxyInputs,
  type TrafficProxy,
} from '../../src/proxy/index.js';
import { readAction } from '../helpers/repo.js';

const raw = (over: Partial<RawProxyInputs> = {}): RawProxyInputs => ({
  ...PROXY_INPUT_DEFAULTS,
  ...over,
});

const inputErrorOf = (f: () => unknown): InputError | undefined => {
  try {
    f();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  return undefined;
};

describe('PROXY_INPUT_DEFAULTS', () => {
  it.each(['deploy', 'rollback'])('are the defaults %s/action.yml declares', (action) => {
    const inputs = readAction(action).inputs ?? {};
    for (const [name, value] of Object.entries(PROXY_INPUT_DEFAULTS))
      expect({ name, value: inputs[name]?.default ?? '' }).toEqual({ name, value });
  });
});

describe('proxySettingsFrom: the proxy inputs as ProxySettings', () => {
  it('splits commands into argv (never a shell) and keeps paths as given', () => {
    const s = proxySettingsFrom(
      'nginx',
      'shop-bot',
      raw({ 'nginx-reload-command': `sudo -n sh -c 'nginx -s reload; $(id)'` }),
    );
    expect(s).toEqual({
      kind: 'nginx',
      app: 'shop-bot',
      nginx: {
        confDir: '/etc/nginx/conf.d',
        testCommand: ['nginx', '-t'],
        reloadCommand: ['sudo', '-n', 'sh', '-c', 'nginx -s reload; $(id)'],
      },
      haproxy: {
        socket: '/run/haproxy/admin.sock',
        configFile: '/etc/haproxy/haproxy.cfg',
        reloadCommand: ['systemctl', 'reload', 'haproxy'],
        checkCommand: ['haproxy', '-c', '-q', '-f', '{config}'],
        frontendPort: 1, // a placeholder nginx never uses
      },
    });
  });

  it('haproxy: the frontend port from the input, or the one given (a release record)', () => {
    expect(
      proxySettingsFrom('haproxy', 'a', raw({ 'haproxy-frontend-port': '9001' })).haproxy
        .frontendPort,
    ).toBe(9001);
    expect(
      proxySettingsFrom('haproxy', 'a', raw(), { frontendPort: 9002 }).haproxy.frontendPort,
    ).toBe(9002);
  });

  it.each([
    ['haproxy-frontend-port', 'haproxy', {}, /is required with proxy: haproxy \(a free loopback/],
    ['haproxy-frontend-port', 'haproxy', { 'haproxy-frontend-port': '70000' }, /is required/],
    ['haproxy-frontend-port', 'haproxy', { 'haproxy-frontend-port': '80x' }, /is required/],
    ['nginx-test-command', 'nginx', { 'nginx-test-command': '  ' }, /is empty/],
    ['nginx-reload-command', 'nginx', { 'nginx-reload-command': `nginx 's` }, /unbalanced/],
    [
      'haproxy-reload-command',
      'haproxy',
      { 'haproxy-reload-command': '"x', 'haproxy-frontend-port': '9001' },
      /unbalanced/,
    ],
    [
      'haproxy-check-command',
      'haproxy',
      { 'haproxy-check-command': "haproxy -c -f '{config}", 'haproxy-frontend-port': '9001' },
      /unbalanced/,
    ],
  ] as const)('refuses a bad %s by name (%s)', (input, kind, over, message) => {
    const error = inputErrorOf(() => proxySettingsFrom(kind, 'a', raw(over)));
    expect(error?.input).toBe(input);
    expect(error?.message).toMatch(message);
  });

  it('the hint says what the port is for the caller (rollback: as deployed)', () => {
    const error = inputErrorOf(() =>
      proxySettingsFrom('haproxy', 'a', raw(), { frontendPortHint: 'as deployed' }),
    );
    expect(error?.message).toBe(
      "Input 'haproxy-frontend-port': is required with proxy: haproxy (as deployed)",
    );
  });

  it('haproxy-check-command: split into argv with {config} kept as one argument', () => {
    const s = proxySettingsFrom(
      'haproxy',
      'a',
      raw({
        'haproxy-check-command': `/usr/sbin/haproxy -c -q -f '/etc/haproxy/main cfg' -f {config}`,
        'haproxy-frontend-port': '9001',
      }),
    );
    expect(s.haproxy.checkCommand).toEqual([
      '/usr/sbin/haproxy',
      '-c',
      '-q',
      '-f',
      '/etc/haproxy/main cfg',
      '-f',
      '{config}',
    ]);
  });

  it('frontendPortFrom: 0 for empty or not a port', () => {
    expect(['', '0', '65536', '1.5', 'x', '-1'].map(frontendPortFrom)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(['1', '65535', '9001'].map(frontendPortFrom)).toEqual([1, 65535, 9001]);
  });
});

describe('proxyFrom and describeProxy', () => {
  it('makes the proxy; what createProxy refuses is an InputError naming the input', () => {
    expect(proxyFrom('nginx', 'shop-bot', raw()).kind).toBe('nginx');
    expect(inputErrorOf(() => proxyFrom('nginx', 'Shop Bot', raw()))?.input).toBe('app');
    expect(
      inputErrorOf(() => proxyFrom('nginx', 'shop-bot', raw({ 'nginx-conf-dir': 'conf.d' })))
        ?.input,
    ).toBe('nginx-conf-dir');
    expect(
      inputErrorOf(() =>
        proxyFrom(
          'haproxy',
          'shop-bot',
          raw({ 'haproxy-socket': '/run/a,b.sock', 'haproxy-frontend-port': '9001' }),
        ),
      )?.input,
    ).toBe('haproxy-socket');
    const noCandidate = inputErrorOf(() =>
      proxyFrom(
        'haproxy',
        'shop-bot',
        raw({ 'haproxy-check-command': 'haproxy -c -q', 'haproxy-frontend-port': '9001' }),
      ),
    );
    expect(noCandidate?.input).toBe('haproxy-check-command');
    expect(noCandidate?.message).toMatch(/must name the candidate file as '\{config\}'/);
    // nginx never runs the HAProxy check
    expect(proxyFrom('nginx', 'shop-bot', raw({ 'haproxy-check-command': 'true' })).kind).toBe(
      'nginx',
    );
  });

  it('describes what createProxy made (haproxy with its frontend port), any other by kind', () => {
    expect(
      describeProxy(proxyFrom('nginx', 'a', raw({ 'haproxy-frontend-port': '9001' }))),
    ).toEqual({ kind: 'nginx' });
    expect(
      describeProxy(proxyFrom('haproxy', 'a', raw({ 'haproxy-frontend-port': '9001' }))),
    ).toEqual({ kind: 'haproxy', frontendPort: 9001 });
    const fake: TrafficProxy = {
      kind: 'haproxy',
      current: async () => [],
      route: async () => undefined,
      drain: async () => 0,
    };
    expect(describeProxy(fake)).toEqual({ kind: 'haproxy' });
  });
});
