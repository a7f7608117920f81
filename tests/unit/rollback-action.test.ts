import { InputError } from '../../src/errors.js';
import type { Release } from '../../src/host/state.js';
import type { Inputs } from '../../actions/rollback/inputs.js';
import { prepare } from '../../actions/rollback/main.js';
import { describeProxy, PROXY_INPUT_DEFAULTS } from '../../src/proxy/index.js';
import { servedBehind } from '../../src/orchestrate/proxy.js';
import { rollbackSummary } from '../../src/deploy/summary.js';

const base = (): Inputs => ({
  hosts: ['deploy@prod-1.example.net'],
  ssh: {
    key: 'KEY',
    knownHosts: 'prod-1.example.net ssh-ed25519 AAAA',
    fingerprints: [],
    jumpHost: '',
  },
  app: 'shop-bot',
  stateDir: '/var/lib/tg-devops',
  to: 'previous',
  releaseId: '',
  force: false,
  dryRun: false,
  reason: '',
  healthPath: '/health',
  stopGrace: '20',
  healthTimeout: '60',
  drainSeconds: '10',
  gateWindow: '10',
  lockTimeout: '300',
  telegram: { token: '', apiUrl: 'https://api.telegram.org' },
  proxy: { kind: 'auto', ...PROXY_INPUT_DEFAULTS },
  notify: {
    telegramToken: '',
    chatId: '',
    telegramApiUrl: 'https://api.telegram.org',
    webhookUrl: '',
    webhookSecret: '',
    environment: 'production',
  },
});
const with_ = (patch: (i: Inputs) => void): Inputs => {
  const i = base();
  patch(i);
  return i;
};
const inputError = (i: Inputs): InputError | undefined => {
  try {
    prepare(i);
    return undefined;
  } catch (error) {
    return error as InputError;
  }
};

describe('rollback action: prepare', () => {
  it('defaults: to previous, /health, nginx for a release with a color, none for a poller', () => {
    const { settings, targets, proxy } = prepare(base());
    expect(settings).toMatchObject({
      app: 'shop-bot',
      to: undefined,
      force: false,
      healthPath: '/health',
      stopGraceSeconds: 20,
      lockTimeoutSeconds: 300,
    });
    expect(targets).toHaveLength(1);
    const web = { color: 'blue', port: 8001 } as Release;
    expect(proxy(web)?.kind).toBe('nginx');
    expect(proxy({} as Release)).toBeUndefined();
    expect(proxy(undefined)).toBeUndefined();
  });

  it('release-id (what the reusable workflow passes) is an alias of to; both named and different is refused', () => {
    expect(prepare(with_((i) => (i.releaseId = '20261130-041503'))).settings.to).toBe(
      '20261130-041503',
    );
    expect(prepare(with_((i) => (i.to = '20261130-041503'))).settings.to).toBe('20261130-041503');
    const both = inputError(
      with_((i) => {
        i.to = '20261130-041503';
        i.releaseId = '20261129-000000';
      }),
    );
    expect(both?.input).toBe('release-id');
  });

  it.each([
    ['to', (i: Inputs) => (i.to = '$(id)'), /is not a release id/],
    ['release-id', (i: Inputs) => (i.releaseId = 'a b'), /is not a release id/],
    ['app', (i: Inputs) => (i.app = '../etc'), /is not a valid name/],
    ['state-dir', (i: Inputs) => (i.stateDir = 'relative/dir'), /absolute/],
    ['hosts', (i: Inputs) => (i.hosts = []), /is required/],
    ['ssh-key', (i: Inputs) => (i.ssh.key = ' '), /is required/],
    ['known-hosts', (i: Inputs) => (i.ssh.knownHosts = ''), /never connects to an unverified host/],
    ['stop-grace', (i: Inputs) => (i.stopGrace = '5s'), /expected a whole number/],
    ['stop-grace', (i: Inputs) => (i.stopGrace = '0'), /between 1 and 600/],
    ['health-timeout', (i: Inputs) => (i.healthTimeout = '0'), /between 1 and 3600/],
    ['proxy', (i: Inputs) => (i.proxy.kind = 'traefik'), /auto, nginx, haproxy or none/],
    [
      'haproxy-frontend-port',
      (i: Inputs) => (i.proxy.kind = 'haproxy'),
      /is required with proxy: haproxy/,
    ],
    [
      'haproxy-check-command',
      (i: Inputs) => {
        i.proxy.kind = 'haproxy';
        i.proxy['haproxy-frontend-port'] = '9001';
        i.proxy['haproxy-check-command'] = '/usr/sbin/haproxy -c -q';
      },
      /must name the candidate file as '\{config\}'/,
    ],
    [
      'notify-chat-id',
      (i: Inputs) => (i.notify.telegramToken = '1:x'),
      /is required with notify-telegram-token/,
    ],
  ])('refuses a bad %s before any connection', (input, patch, message) => {
    const error = inputError(with_(patch));
    expect(error).toBeInstanceOf(InputError);
    expect(error?.input).toBe(input);
    expect(error?.message).toMatch(message);
  });

  it('health-path none checks only that the target runs; proxy none and haproxy are fixed', () => {
    expect(prepare(with_((i) => (i.healthPath = 'none'))).settings.healthPath).toBeUndefined();
    const web = { color: 'green', port: 8002 } as Release;
    expect(prepare(with_((i) => (i.proxy.kind = 'none'))).proxy(web)).toBeUndefined();
    const ha = prepare(
      with_((i) => {
        i.proxy.kind = 'haproxy';
        i.proxy['haproxy-frontend-port'] = '9001';
      }),
    ).proxy(undefined);
    expect(ha?.kind).toBe('haproxy');
  });
});

describe('rollback action: proxy auto follows the proxy the release was deployed behind', () => {
  const release = (over: Partial<Release>): Release => ({
    id: '20261130-041503',
    image: 'bot:v2',
    container: 'shop-bot-20261130-041503',
    startedAt: '2026-11-30T04:15:03Z',
    strategy: 'blue-green',
    color: 'green',
    port: 8002,
    ...over,
  });
  const auto = prepare(base()).proxy;

  it('nginx and none as recorded, even against the color/port rule', () => {
    expect(auto(release({ proxy: 'nginx' }))?.kind).toBe('nginx');
    // a release with a color and a port that was deployed with proxy: none is not switched
    expect(auto(release({ proxy: 'none' }))).toBeUndefined();
  });

  it('haproxy with the frontend port it recorded (the input not needed)', () => {
    const ha = auto(release({ proxy: 'haproxy', haproxyFrontendPort: 9011 }));
    expect(ha?.kind).toBe('haproxy');
    expect(describeProxy(ha!)).toEqual({ kind: 'haproxy', frontendPort: 9011 });
    // the same port twice: the same proxy
    expect(auto(release({ proxy: 'haproxy', haproxyFrontendPort: 9011 }))).toBe(ha);
  });

  it('haproxy without a recorded port: the input, else an InputError naming it', () => {
    const withPort = prepare(with_((i) => (i.proxy['haproxy-frontend-port'] = '9022'))).proxy;
    expect(describeProxy(withPort(release({ proxy: 'haproxy' }))!)).toEqual({
      kind: 'haproxy',
      frontendPort: 9022,
    });
    let error: unknown;
    try {
      auto(release({ proxy: 'haproxy' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('haproxy-frontend-port');
    expect((error as InputError).message).toMatch(/recorded no frontend port/);
  });

  it('a state written before the record: nginx with a color and a port, none otherwise', () => {
    expect(servedBehind(release({}))).toEqual({ kind: 'nginx' });
    expect(servedBehind(release({ color: undefined, port: undefined }))).toBeUndefined();
    expect(servedBehind(undefined)).toBeUndefined();
    // a corrupt port is not trusted
    expect(servedBehind(release({ proxy: 'haproxy', haproxyFrontendPort: 70000 }))).toEqual({
      kind: 'haproxy',
      frontendPort: undefined,
    });
  });
});

describe('rollback summary', () => {
  it('names host, result, from, to, how; a failure and its reason; pipes escaped', () => {
    const md = rollbackSummary(
      'shop-bot',
      [{ host: 'deploy@h1', error: 'rollback: refusing | irreversible' }],
      false,
    );
    expect(md).toContain('### ❌ rollback to the previous release failed on `deploy@h1`');
    expect(md).toContain('tg-devops rollback of `shop-bot`');
    expect(md).toContain('| `deploy@h1` | failed |');
    expect(md).toContain(
      '#### `deploy@h1`: failed\n\n```text\nrollback: refusing | irreversible\n```',
    );
    expect(rollbackSummary('shop-bot', [], true)).toContain('(dry-run: nothing changed)');
  });
});
