import { InputError } from '../../src/errors.js';
import { formatTarget, knownHostsName, parseHost } from '../../src/ssh/target.js';

describe('parseHost', () => {
  it.each([
    ['bot@prod-1.example.net', { user: 'bot', host: 'prod-1.example.net', port: 22 }],
    ['bot@prod-1.example.net:2222', { user: 'bot', host: 'prod-1.example.net', port: 2222 }],
    ['  deploy@10.0.0.5:22  ', { user: 'deploy', host: '10.0.0.5', port: 22 }],
    ['bot@[2001:db8::1]:2200', { user: 'bot', host: '2001:db8::1', port: 2200 }],
    ['bot@[::1]', { user: 'bot', host: '::1', port: 22 }],
    ['bot@2001:db8::1', { user: 'bot', host: '2001:db8::1', port: 22 }],
    ['tg_deploy.x@HOST', { user: 'tg_deploy.x', host: 'HOST', port: 22 }],
  ])('parses %s', (spec, expected) => {
    expect(parseHost(spec)).toEqual(expected);
  });

  it('uses defaults for a missing user or port', () => {
    expect(parseHost('host', 'jump-host', { user: 'ops', port: 2022 })).toEqual({
      user: 'ops',
      host: 'host',
      port: 2022,
    });
  });

  it.each([
    ['', /empty/],
    ['host', /needs a user/],
    ['@host', /needs a user/],
    ['-oProxyCommand=x@host', /invalid user/],
    ['bot@-oProxyCommand=touch', /invalid host/],
    ['bot@host:0', /out of range/],
    ['bot@host:70000', /out of range/],
    ['bot@host:22x', /invalid port/],
    ['bot@host;id', /invalid host/],
    ['bot@$(id)', /invalid host/],
    ['bot@host name', /whitespace/],
    ['bot@host\nother', /whitespace/],
    ['bot@[::1', /unclosed/],
    ['bot@[::1]x', /after \]/],
    ['bot@[nope]:22', /invalid IPv6/],
    ['bot@:22', /no host/],
    ["b'ot@host", /invalid user/],
  ])('refuses %j', (spec, message) => {
    let error: unknown;
    try {
      parseHost(spec, 'hosts');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('hosts');
    expect((error as Error).message).toMatch(message);
  });

  it('names the input it was given', () => {
    expect(() => parseHost('nouser', 'jump-host')).toThrow(/^Input 'jump-host'/);
  });
});

describe('target names', () => {
  it('formats targets and known_hosts names the way ssh writes them', () => {
    expect(formatTarget({ user: 'a', host: '::1', port: 22 })).toBe('a@[::1]:22');
    expect(knownHostsName({ host: 'h', port: 22 })).toBe('h');
    expect(knownHostsName({ host: '127.0.0.1', port: 2222 })).toBe('[127.0.0.1]:2222');
  });
});
