import { describe, expect, it } from '@jest/globals';
import { buildConfig, normaliseHostPath, parseVolumes } from '../../src/deploy/config.js';
import { InputError } from '../../src/errors.js';
import { ConfigFileError, parseConfigText } from '../../src/cli/config-file.js';
import { main } from '../../src/cli/main.js';
import { recordingLog } from '../../src/log.js';
import { noNetwork } from '../helpers/no-network.js';

/**
 * Issue 12 item 3: volume paths are normalised before the deny-list is checked, and the docker
 * socket is refused under any spelling. Every case is refused while the config is built (before
 * any connection: buildConfig and the CLI's config reader take no executor), naming `volumes`.
 */

const base = {
  app: 'bot',
  image: `ghcr.io/org/bot@sha256:${'a'.repeat(64)}`,
  'bot-mode': 'webhook',
  'health-path': '/health',
};

const DISGUISED = [
  '//etc:/x',
  '/etc/.:/x',
  '/etc/./:/x',
  '/etc/:/x',
  '/etc//:/x',
  '///etc:/x',
  '/etc/../etc:/x',
  '/./etc:/x',
  '/var//run/docker.sock:/var/run/docker.sock',
  '/var/run/./docker.sock:/sock',
  '/var/run/docker.sock/:/sock',
  '/run/docker.sock:/sock',
  '//run//docker.sock:/sock',
  '/srv/engine/docker.sock:/sock',
  '/run/user/1000/docker.sock:/sock',
  '/run/containerd/containerd.sock:/sock',
  '/var/run:/host-run',
  '/var/:/host-var',
  '/var/lib/docker/volumes:/v',
  '//:/host',
  '/.:/host',
  '/proc/self/root:/x',
  '/sys/.:/x',
  '/dev//sda:/disk',
  '/root/.ssh:/keys:ro',
  '/etc/ssh/:/ssh:ro',
  '/etc//shadow:/shadow:ro',
];

function refusal(volumes: string): InputError {
  try {
    buildConfig({ ...base, volumes });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`${volumes} was accepted`);
}

describe('volumes: disguised system paths and engine sockets', () => {
  it.each(DISGUISED)('%s is refused, naming volumes', (spec) => {
    const error = refusal(spec);
    expect(error.input).toBe('volumes');
    expect(error.message).toMatch(/refused|"\.\." is not allowed/);
  });

  it('holds at least 10 disguised spellings, sockets among them', () => {
    expect(DISGUISED.length).toBeGreaterThanOrEqual(10);
    expect(DISGUISED.filter((s) => s.includes('.sock')).length).toBeGreaterThanOrEqual(8);
  });

  it('names the normalised path and the reason', () => {
    expect(refusal('//etc:/x').message).toMatch(
      /mounting \/etc is refused: it holds \/etc\/docker/,
    );
    expect(refusal('/var//run/docker.sock:/s').message).toMatch(
      /mounting \/var\/run\/docker\.sock is refused: a container engine socket/,
    );
    expect(refusal('/srv/x/docker.sock:/s').message).toMatch(/container engine socket/);
  });

  it('refuses them in the CLI config too, by key and line', () => {
    const text = [
      'hosts: deploy@h1',
      'host-fingerprint: SHA256:abc',
      'app: bot',
      `image: ${base.image}`,
      'bot-mode: webhook',
      'health-path: /health',
      'volumes:',
      '  - /srv/data:/data',
      '  - /var//run/./docker.sock:/var/run/docker.sock',
      '',
    ].join('\n');
    let error: unknown;
    try {
      parseConfigText(text, '/ops/deploy.yml', {
        readFile: () => 'unused',
        env: { TG_DEVOPS_SSH_KEY: 'KEY' },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigFileError);
    expect((error as ConfigFileError).key).toBe('volumes');
    expect((error as Error).message).toMatch(
      // the line of the list item it quotes, not only the key's
      /^\/ops\/deploy\.yml:9: key 'volumes': .*docker\.sock is refused/,
    );
  });

  it('the CLI exits 2 on every one of them without opening a session', async () => {
    const sessions: string[] = [];
    for (const spec of DISGUISED) {
      const err: string[] = [];
      const code = await main(['deploy', '--config', '/ops/deploy.yml'], {
        fetch: noNetwork,
        out: () => undefined,
        err: (line) => err.push(line),
        readFile: () =>
          [
            'hosts: deploy@h1',
            'host-fingerprint: SHA256:abc',
            'app: bot',
            `image: ${base.image}`,
            'bot-mode: webhook',
            'health-path: /health',
            `volumes: ${JSON.stringify(spec)}`,
          ].join('\n'),
        env: { TG_DEVOPS_SSH_KEY: 'KEY' },
        log: recordingLog(),
        openSession: (target) => {
          sessions.push(target.host);
          return Promise.reject(new Error('no host in unit tests'));
        },
      });
      expect({ spec, code, named: /key 'volumes'/.test(err.join('\n')) }).toEqual({
        spec,
        code: 2,
        named: true,
      });
    }
    expect(sessions).toEqual([]);
  });

  it('keeps ordinary data mounts, normalised', () => {
    expect(
      parseVolumes(
        '/srv/bot//data/:/app/data,/srv/./media:/media:ro,/etc/localtime:/etc/localtime:ro,cache:/cache',
      ),
    ).toEqual([
      { source: '/srv/bot/data', target: '/app/data', readOnly: false },
      { source: '/srv/media', target: '/media', readOnly: true },
      { source: '/etc/localtime', target: '/etc/localtime', readOnly: true },
      { source: 'cache', target: '/cache', readOnly: false },
    ]);
    expect(normaliseHostPath('//srv//x/./y/')).toBe('/srv/x/y');
    expect(normaliseHostPath('/')).toBe('/');
  });
});
