/**
 * The `run:` scripts of our workflows, executed the way a runner executes them
 * (`bash --noprofile --norc -eo pipefail`), with values only through env: release-self's version
 * checks, self-reference check and tagging (against a real git remote in a temp dir), and
 * release.yml's notification (against a local stand-in for the Telegram Bot API and a webhook).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/repo.js';
import {
  cloneWithRemote,
  git,
  RELEASE_NOTIFY_ENV,
  runStep,
  stepScript,
} from '../helpers/workflow-step.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wf-scripts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a step's script like the runner (tests/helpers/workflow-step.ts), in `dir`. */
const run = (body: string, env: Record<string, string>, cwd = dir) =>
  runStep(body, env, { dir, cwd });

describe('release-self.yml', () => {
  const validate = stepScript('release-self.yml', 'check', 'validate the version');
  const selfRefs = stepScript('release-self.yml', 'check', 'self-references use the major tag');
  const tag = stepScript('release-self.yml', 'tag', 'pin, tag and push');

  it('accepts X.Y.Z on main and gives the major tag', async () => {
    git(dir, 'init', '-q');
    const r = await run(validate, { VERSION: '1.4.0', REF: 'refs/heads/main' });
    expect(r.status).toBe(0);
    expect(r.output).toBe('major=v1\n');
  });

  it.each([
    ['v1.4.0', 'refs/heads/main', "version must be X.Y.Z, got 'v1.4.0'"],
    ['1.4', 'refs/heads/main', "version must be X.Y.Z, got '1.4'"],
    ['1.4.0; rm -rf /', 'refs/heads/main', "version must be X.Y.Z, got '1.4.0; rm -rf /'"],
    ['1.4.0', 'refs/heads/feature', 'release from main only (this run is on refs/heads/feature)'],
  ])('refuses version %j on %s', async (version, ref, message) => {
    git(dir, 'init', '-q');
    const r = await run(validate, { VERSION: version, REF: ref });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`::error::${message}`);
    expect(r.output).toBe('');
  });

  it('refuses a version that is tagged already', async () => {
    git(dir, 'init', '-q');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'x');
    git(dir, 'tag', 'v1.4.0');
    const r = await run(validate, { VERSION: '1.4.0', REF: 'refs/heads/main' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('::error::tag v1.4.0 exists already');
  });

  it('passes this repository’s self-references for v1 and lists every one for v2', async () => {
    const ok = await run(selfRefs, { MAJOR: 'v1' }, ROOT);
    expect(ok.status).toBe(0);
    const bad = await run(selfRefs, { MAJOR: 'v2' }, ROOT);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('::error::every org/tg-devops reference must use @v2');
    expect(bad.stdout).toMatch(
      /^\.github\/workflows\/release\.yml:\d+:org\/tg-devops\/deploy@v1$/m,
    );
    expect(bad.stdout).toMatch(
      /^workflows\/main\.yml:\d+:org\/tg-devops\/\.github\/workflows\/main\.yml@v1$/m,
    );
  });

  it('pins, tags vX.Y.Z and moves the major tag on the remote, release after release', async () => {
    // The step runs scripts/release.mjs in a checkout of this repository (a shallow clone here,
    // like actions/checkout's); the script itself is tested in workflow-release-script.test.ts.
    const { work, remote } = cloneWithRemote(dir);
    const base = git(work, 'rev-parse', 'HEAD');
    const r1 = await run(tag, { VERSION: '1.0.0', MOVE_MAJOR: 'true', SHA: base }, work);
    expect(r1.stderr).not.toMatch(/fatal|error/i);
    expect(r1.status).toBe(0);
    const peeled = (t: string) => git(remote, 'rev-parse', `refs/tags/${t}^{commit}`);
    const first = peeled('v1.0.0');
    expect(peeled('v1')).toBe(first);
    expect(git(remote, 'rev-parse', `${first}^`)).toBe(base);
    expect(git(remote, 'show', 'refs/tags/v1:.github/workflows/release.yml')).toContain(
      'org/tg-devops/deploy@v1.0.0',
    );
    // move-major: false (a fix released beside a newer line) leaves the major tag where it is.
    git(work, 'checkout', '-q', '--detach', base);
    const r2 = await run(tag, { VERSION: '1.0.1', MOVE_MAJOR: 'false', SHA: base }, work);
    expect(r2.status).toBe(0);
    expect(peeled('v1')).toBe(first);
    expect(git(remote, 'show', 'refs/tags/v1.0.1:.github/workflows/main.yml')).toContain('@v1.0.1');
    // The same version twice is refused (tags are never moved silently).
    git(work, 'checkout', '-q', '--detach', base);
    const again = await run(tag, { VERSION: '1.0.0', MOVE_MAJOR: 'true', SHA: base }, work);
    expect(again.status).not.toBe(0);
    expect(again.stdout).toContain('::error::tag v1.0.0 exists already');
    expect(peeled('v1.0.0')).toBe(first);
  }, 30_000); // a clone, three pushes and three node runs: over jest's 5 s on a busy machine
});

describe('release.yml notify', () => {
  const notify = stepScript('release.yml', 'notify', 'notify the ops chat');
  const TOKEN = '123456:notify-TOKEN';
  let server: Server;
  let base: string;
  let requests: { path: string; body: Record<string, unknown> }[];
  let answer: number;

  beforeEach(async () => {
    requests = [];
    answer = 200;
    server = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        requests.push({ path: req.url ?? '', body: JSON.parse(data || '{}') });
        res.writeHead(answer, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer === 200 ? { ok: true, result: {} } : { ok: false }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  const env = (over: Record<string, string>) => ({
    ...RELEASE_NOTIFY_ENV,
    TELEGRAM_API_URL: base,
    TELEGRAM_TOKEN: TOKEN,
    CHAT_ID: '-1001',
    WEBHOOK_URL: `${base}/hook`,
    ...over,
  });

  it('sends success to the chat and the webhook, with links, token only in the path', async () => {
    const r = await run(notify, env({}));
    expect(r.status).toBe(0);
    expect(requests.map((q) => q.path)).toEqual([`/bot${TOKEN}/sendMessage`, '/hook']);
    expect(requests[0]!.body).toEqual({
      chat_id: '-1001',
      text:
        '✅ shop-bot v1.4.0 is live on production\nimage: ghcr.io/o/shop-bot@sha256:abc\n' +
        'run: https://github.com/o/shop-bot/actions/runs/7\ncommit: https://github.com/o/shop-bot/commit/abc',
      disable_web_page_preview: true,
    });
    expect(requests[1]!.body).toMatchObject({
      event: 'success',
      app: 'shop-bot',
      version: 'v1.4.0',
    });
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it.each([
    [
      { DEPLOY: 'failure', ROLLBACK: 'success', REASON: 'http: 503' },
      'rollback',
      '↩️ shop-bot v1.4.0 failed verification on production and was rolled back: http: 503; the release tags were not moved',
    ],
    [
      { DEPLOY: 'failure', PROMOTE: 'skipped', ROLLBACK: 'skipped' },
      'failure',
      // Not "the previous release keeps serving": with several hosts, earlier ones may run it.
      "❌ shop-bot v1.4.0 failed on production (deploy: failure); the host where it failed was put back; with several hosts, the run's summary lists which host runs which release",
    ],
    [
      { DEPLOY: 'failure', PROMOTE: 'skipped', ROLLBACK: 'failure', REASON: 'http: 503' },
      'failure',
      '🚨 shop-bot v1.4.0 failed verification on production and the rollback FAILED: check the hosts (http: 503)',
    ],
    [
      { RESOLVE: 'failure', DEPLOY: 'skipped', PROMOTE: 'skipped', ROLLBACK: '', IMAGE: '' },
      'failure',
      '❌ shop-bot v1.4.0 was not released: not a version tag, or no verified image for this commit (resolve: failure)',
    ],
    [
      {
        DEPLOY: 'failure',
        PROMOTE: 'skipped',
        REFUSAL:
          'refusing to deploy 1.3.0 to production: it is older than 1.4.0, the version serving there; set allow-downgrade: true to go back, or use the rollback workflow',
      },
      'refused',
      '⛔ shop-bot: refusing to deploy 1.3.0 to production: it is older than 1.4.0, the version serving there; set allow-downgrade: true to go back, or use the rollback workflow',
    ],
    [
      { VERSION: 'v2.0.0-rc.1', PRERELEASE: 'true', DEPLOY: 'skipped', PROMOTE: 'skipped' },
      'skipped',
      '⏭️ shop-bot v2.0.0-rc.1 is a prerelease: not deployed to production (prerelease-environment or allow-prerelease)',
    ],
    [
      { PROMOTE: 'failure' },
      'success',
      '⚠️ shop-bot v1.4.0 is live on production, but the release tags were not moved (promote: failure)',
    ],
  ])('reports %j as %s', async (over, event, first) => {
    const r = await run(notify, env(over));
    expect(r.status).toBe(0);
    expect(String(requests[0]!.body.text).split('\n')[0]).toBe(first);
    expect(requests[1]!.body.event).toBe(event);
  });

  it('cuts token shapes and URL credentials from the reason before it leaves', async () => {
    const token = '7123456789:AAHk3-xQ_zP9sLmN0vR2tY5uW8aB1cD4eFg';
    const reason = `log: POST https://api.telegram.org/bot${token}/getUpdates 409; db postgresql://bot:pw-1234@db/bot`;
    const r = await run(notify, env({ DEPLOY: 'failure', ROLLBACK: 'success', REASON: reason }));
    expect(r.status).toBe(0);
    const sent = JSON.stringify(requests.map((q) => q.body)) + r.stdout;
    expect(sent).toContain('bot***/getUpdates 409');
    expect(sent).toContain('postgresql://bot:***@db/bot');
    expect(sent).not.toContain(token.split(':')[1]);
    expect(sent).not.toContain('pw-1234');
  });

  it('treats values as data: quotes, $(...) and newlines arrive literally', async () => {
    const hostile = '$(touch pwned) `id` "quoted" \\ \n next line';
    const r = await run(notify, env({ DEPLOY: 'failure', ROLLBACK: 'success', REASON: hostile }));
    expect(r.status).toBe(0);
    expect(requests[1]!.body.reason).toBe(hostile);
    expect(String(requests[0]!.body.text)).toContain(hostile);
    expect(spawnSync('ls', [dir], { encoding: 'utf8' }).stdout).not.toContain('pwned');
  });

  it('never fails the step: a refusing Bot API and an unreachable webhook are warnings', async () => {
    answer = 403; // e.g. the ops bot was removed from the chat
    const r = await run(notify, env({ WEBHOOK_URL: 'http://127.0.0.1:9/none' }));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('::warning::the Telegram notification failed');
    expect(r.stdout).toContain('::warning::the webhook notification failed');
  });

  it('sends nothing without a chat or a webhook configured', async () => {
    const r = await run(notify, env({ TELEGRAM_TOKEN: '', CHAT_ID: '', WEBHOOK_URL: '' }));
    expect(r.status).toBe(0);
    expect(requests).toEqual([]);
  });
});

describe('release.yml: find the digest main built', () => {
  // ghcr.io (GitHub's registry) is out of reach here, so a local stand-in answers its token
  // flow like the real one: HEAD without auth -> 401 with a Bearer challenge; GET /token with
  // Basic auth -> a token for the pull scope; HEAD with the token -> 200 + Docker-Content-Digest.
  // The script runs unchanged except https:// -> http:// for the stand-in. The Basic-auth path
  // was run against the sandbox's real registry (docs/workflows.md).
  const resolve = stepScript('release.yml', 'resolve', 'source').replace(
    'url="https://$host',
    'url="http://$host',
  );
  const DIGEST = `sha256:${'ab12'.repeat(16)}`;
  const SHA = 'c0ffee'.padEnd(40, '0');
  const PASSWORD = 'p"a\\ss word';
  let server: Server;
  let host: string;
  let log: { method: string; url: string; auth: string; accept: string }[];

  beforeEach(async () => {
    log = [];
    server = createServer((req, res) => {
      const auth = req.headers.authorization ?? '';
      log.push({
        method: req.method ?? '',
        url: req.url ?? '',
        auth,
        accept: String(req.headers.accept ?? ''),
      });
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        const basic = `Basic ${Buffer.from(`bot-user:${PASSWORD}`).toString('base64')}`;
        const ok =
          auth === basic &&
          url.searchParams.get('service') === 'ghcr.local' &&
          url.searchParams.get('scope') === 'repository:org/shop-bot:pull';
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? { token: 'tok-123' } : { errors: [{ code: 'DENIED' }] }));
        return;
      }
      const m = url.pathname.match(/^\/v2\/(.+)\/manifests\/(.+)$/);
      if (req.method === 'HEAD' && m && auth === 'Bearer tok-123') {
        const found = m[1] === 'org/shop-bot' && m[2] === `sha-${SHA}`;
        res.writeHead(
          found ? 200 : 404,
          found
            ? {
                'docker-content-digest': DIGEST,
                'content-type': 'application/vnd.oci.image.index.v1+json',
              }
            : {},
        );
        res.end();
        return;
      }
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="http://${host}/token",service="ghcr.local",scope="repository:org/shop-bot:pull"`,
      });
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  const env = (over: Record<string, string> = {}) => ({
    IMAGE: `${host}/Org/Shop-Bot`,
    TAG: `sha-${SHA}`,
    WAIT_MINUTES: '0',
    REGISTRY_USER: 'bot-user',
    REGISTRY_PASSWORD: PASSWORD,
    GITHUB_SHA: SHA,
    ...over,
  });

  it('resolves sha-<commit> to its digest through the Bearer token flow, and masks the token', async () => {
    const r = await run(resolve, env());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.output).toBe(`image=${host}/org/shop-bot@${DIGEST}\n`);
    expect(r.stdout).toContain('::add-mask::tok-123');
    expect(log.map((q) => `${q.method} ${q.url.split('?')[0]} ${q.auth.split(' ')[0]}`)).toEqual([
      `HEAD /v2/org/shop-bot/manifests/sha-${SHA} `,
      'GET /token Basic',
      `HEAD /v2/org/shop-bot/manifests/sha-${SHA} Bearer`,
    ]);
    expect(log[2]!.accept).toContain('application/vnd.oci.image.index.v1+json');
    expect(spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout).not.toMatch(/registry-auth/);
  });

  it('fails naming the commit when main never built it', async () => {
    const r = await run(resolve, env({ TAG: `verified-${SHA}` }));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `::error::no image ${host}/org/shop-bot:verified-${SHA} (HTTP 404): main.yml has not built (or staging has not verified) commit ${SHA}`,
    );
    expect(r.output).toBe('');
  });

  it('fails at once on wrong credentials, without waiting', async () => {
    const r = await run(resolve, env({ REGISTRY_PASSWORD: 'wrong', WAIT_MINUTES: '30' }));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('::error::the registry gave no token for org/shop-bot');
    expect(log.filter((q) => q.url.startsWith('/token'))).toHaveLength(1);
  });

  it.each([
    [{ IMAGE: 'shop-bot' }, '::error::image must start with a registry host: shop-bot'],
    [{ WAIT_MINUTES: '5m' }, "::error::wait-minutes must be a whole number, got '5m'"],
  ])('refuses %j before any request', async (over, message) => {
    const r = await run(resolve, env(over));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(message);
    expect(log).toEqual([]);
  });
});
