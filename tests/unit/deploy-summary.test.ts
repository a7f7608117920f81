/**
 * The deploy and rollback job summaries as GitHub renders them (marked, GFM): reports made by the
 * real engine against an in-memory host, rendered to HTML, and the structure asserted: the
 * headline comes first and says what serves, hosts are code (never mailto links), durations are
 * human, the failing container's last log lines (redacted) and the rollback advice follow a
 * failure, and the plan is folded in <details>.
 */
import { describe, expect, it } from '@jest/globals';
import { marked } from 'marked';
import { fakeClock } from '../../src/clock.js';
import { buildConfig, type RawDeployInputs } from '../../src/deploy/config.js';
import { deploy, DeployError, type DeployReport } from '../../src/deploy/engine.js';
import type { AppState, Backend, HostPrimitives, Release } from '../../src/deploy/ports.js';
import { appPaths } from '../../src/host/state.js';
import {
  code,
  humanDuration,
  rollbackAdvice,
  rollbackSummary,
  summaryMarkdown,
  versionOf,
  type HostOutcome,
} from '../../src/deploy/summary.js';
import { recordingExecutor, type CommandResult } from '../../src/exec.js';
import { recordingLog } from '../../src/log.js';

const HOST = 'deploy@bot-1.example.net';
const TOKEN = '123456789:AAHsummaryTestTokenNotRealxxxxxxxxxx';
const IMAGE = `ghcr.io/org/bot:1.4.0@sha256:${'c'.repeat(64)}`;
const web: RawDeployInputs = {
  app: 'shop-bot',
  image: IMAGE,
  'bot-mode': 'webhook',
  'health-path': '/health',
  'gate-window': '0',
};
const serving: Release = {
  id: '20260101-000000',
  image: 'ghcr.io/org/bot:1.3.2',
  color: 'blue',
  port: 8001,
  container: 'shop-bot-20260101-000000',
  startedAt: '2026-01-01T00:00:00Z',
  strategy: 'blue-green',
};
const TRACEBACK = [
  'webbot 1.4.0 listening on :8080',
  ...Array.from({ length: 25 }, (_, i) => `handling update ${i}`),
  'Traceback (most recent call last):',
  `  calling https://api.telegram.org/bot${TOKEN}/getMe`,
  'RuntimeError: database is gone',
];

function memoryHost(): HostPrimitives {
  let state: AppState = { app: 'shop-bot', current: serving, history: [serving] };
  return {
    appPaths,
    readState: async () => state,
    writeState: async (_e, _p, next) => void (state = next),
    appendAudit: async () => undefined,
    acquireLock: async () => ({ release: async () => undefined, refresh: async () => undefined }),
    writeFileAtomic: async () => undefined,
  };
}

/** docker and curl as a host answers them; `health` gives /health's status per call. */
function dockerHost(health: () => string) {
  return recordingExecutor((argv): Partial<CommandResult> | undefined => {
    const cmd = argv.join(' ');
    if (cmd.startsWith('docker ps'))
      return {
        stdout: JSON.stringify({
          Names: serving.container,
          State: 'running',
          Labels: `tg-devops.app=shop-bot,tg-devops.color=blue,tg-devops.release=${serving.id}`,
        }),
      };
    if (cmd.startsWith('docker inspect'))
      return {
        stdout: JSON.stringify({
          Status: 'running',
          Running: true,
          Restarting: false,
          ExitCode: 0,
          StartedAt: '2026-01-01T00:00:02.500Z',
          FinishedAt: '2026-01-01T00:00:02.000Z',
        }),
      };
    if (cmd.startsWith('sh -c command -v')) return { stdout: '/usr/bin/curl\n' };
    if (argv[0] === 'curl') return { stdout: health() };
    if (cmd.startsWith('docker logs --tail 20'))
      return { stdout: TRACEBACK.slice(0, 27).join('\n'), stderr: TRACEBACK.slice(27).join('\n') };
    if (cmd.startsWith('docker logs')) return { stdout: 'ok\n' };
    if (argv[0] === 'cat') return { exitCode: 1 };
    return undefined;
  });
}

function proxy() {
  let routed: Backend[] = [{ color: 'blue', port: 8001, weight: 100 }];
  return {
    kind: 'nginx' as const,
    current: async () => routed,
    route: async (_e: unknown, backends: Backend[]) => void (routed = backends),
    drain: async () => 0,
  };
}

async function run(inputs: RawDeployInputs, health: () => string): Promise<HostOutcome> {
  const deps = {
    exec: dockerHost(health),
    host: memoryHost(),
    proxy: proxy(),
    clock: fakeClock(Date.parse('2026-01-01T00:00:00Z')),
    log: recordingLog(),
    holder: { runId: '1', actor: 'tester' },
    releaseId: '20260101-000100',
  };
  try {
    const report = await deploy(buildConfig(inputs), deps);
    return { host: HOST, report, ssh: { connectionsOpened: 1, commands: 20, retries: 0 } };
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    return {
      host: HOST,
      report: error.report as DeployReport,
      error: error.message,
      gate: error.gate,
    };
  }
}

/** The rendered page as a DOM-less structure: the first block, headings, links, details. */
function render(markdown: string) {
  const html = marked.parse(markdown, { gfm: true, async: false });
  const first = /^<(\w+)[^>]*>([\s\S]*?)<\/\1>/.exec(html.trim());
  const text = (s: string) =>
    s
      .replace(/<[^>]+>/g, '')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
  return {
    html,
    firstTag: first?.[1],
    headline: text(first?.[2] ?? ''),
    mailto: html.match(/href="mailto:[^"]*"/g) ?? [],
    codeSpans: [...html.matchAll(/<code>([^<]*)<\/code>/g)].map((m) => text(m[1]!)),
    preBlocks: [...html.matchAll(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/g)].map((m) =>
      text(m[1]!).replace(/\n$/, ''),
    ),
    details: [...html.matchAll(/<details><summary>([\s\S]*?)<\/summary>([\s\S]*?)<\/details>/g)],
    text: text(html),
  };
}

describe('deploy summary rendered as GitHub renders it', () => {
  it('a success: the headline first says what serves, replacing what; plan folded; no mailto', async () => {
    const o = await run(web, () => '200');
    expect(o.error).toBeUndefined();
    const page = render(summaryMarkdown('shop-bot', [o], false));
    expect(page.firstTag).toBe('h3');
    expect(page.headline).toBe('✅ 1.4.0 serves on 1 host (blue-green, replaced 1.3.2)');
    expect(page.mailto).toEqual([]);
    expect(page.codeSpans).toEqual(expect.arrayContaining([HOST, '20260101-000100', 'shop-bot']));
    // the plan is folded, its steps too; nothing about a failure
    expect(page.details.map((d) => d[1])).toEqual([
      expect.stringMatching(/^<code>deploy@bot-1\.example\.net<\/code>: the plan \(\d+ steps\)$/),
      expect.stringMatching(/: steps as run \(\d+(\.\d)? (ms|s)\)$/),
    ]);
    expect(page.details[0]![2]).toContain('<table>');
    expect(page.text).not.toMatch(/roll back by hand|Last \d+ log lines/i);
    // the host table: the host in code, a human duration in the total column
    expect(page.html).toMatch(
      /<td><code>deploy@bot-1\.example\.net<\/code><\/td>\s*<td>deployed<\/td>/,
    );
    expect(page.html).not.toMatch(/<td>\d{5,} ms<\/td>/);
  });

  it('a refusal by the health gate: headline first, 1.3.2 still serves, the last 20 log lines redacted', async () => {
    const o = await run({ ...web, 'health-timeout': '3' }, () => '500');
    expect(o.gate).toBe('http-health');
    const page = render(summaryMarkdown('shop-bot', [o], false));
    expect(page.firstTag).toBe('h3');
    expect(page.headline).toBe(
      '🛑 refused: 1.3.2 still serves; 1.4.0 failed its health gate (http-health) and never got traffic',
    );
    expect(page.mailto).toEqual([]);
    const logs = page.preBlocks.find((b) => b.includes('RuntimeError'));
    expect(logs?.split('\n')).toHaveLength(20);
    expect(logs?.split('\n').at(-1)).toBe('RuntimeError: database is gone');
    expect(logs).toContain('/bot***/getMe');
    expect(page.html).not.toContain(TOKEN);
    expect(page.text).toContain('Last 20 log lines of shop-bot-20260101-000100:');
    // the health gate waited: the time is in the table, not 0 ms
    const row = [...page.html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
      .map((m) =>
        [...m[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '')),
      )
      .find((cells) => cells[1] === 'failed (gate http-health)');
    expect(row?.[0]).toBe(HOST);
    expect(row?.[6]).toMatch(/^[1-9][\d.]* s$/); // waiting on the app: the gate's 3 s, not 0 ms
    // nothing to roll back: the previous release never stopped serving
    expect(page.text).toContain(
      'Nothing to roll back by hand: the undos put 1.3.2 (20260101-000000) back.',
    );
    expect(page.html.indexOf('RuntimeError')).toBeLessThan(page.html.indexOf('<details>'));
  });

  it('an automatic rollback after the switch: headline first, rolled back, the logs shown', async () => {
    let calls = 0;
    // healthy until the canary holds 10%, then /health answers 500
    const o = await run(
      { ...web, strategy: 'canary', 'canary-steps': '10,50,100', 'step-interval': '5' },
      () => (++calls > 2 ? '500' : '200'),
    );
    expect(o.error).toBeDefined();
    const page = render(summaryMarkdown('shop-bot', [o], false));
    expect(page.firstTag).toBe('h3');
    expect(page.headline).toBe(
      '↩️ rolled back: 1.3.2 still serves; 1.4.0 failed its health gate (http-health)',
    );
    expect(page.preBlocks.some((b) => b.endsWith('RuntimeError: database is gone'))).toBe(true);
    expect(page.mailto).toEqual([]);
  });

  it('a failure whose undo failed names the rollback command with the previous release', async () => {
    const o = await run({ ...web, 'health-timeout': '3' }, () => '500');
    const broken: HostOutcome = {
      ...o,
      report: {
        ...o.report!,
        result: {
          ...o.report!.result!,
          records: [
            ...o.report!.result!.records,
            { id: 'x', title: 'remove', status: 'undo-failed', ms: 5 },
          ],
        },
      },
    };
    expect(rollbackAdvice([broken], { configFile: 'prod.yml' })).toBe(
      `To roll back by hand: \`tg-devops rollback --config prod.yml --to 20260101-000000 --host ${HOST}\` (or the \`rollback\` action with \`to: 20260101-000000\`)`,
    );
    const page = render(summaryMarkdown('shop-bot', [broken], false));
    expect(page.headline).toMatch(/^❌ deploy failed and was not fully undone on deploy@bot-1/);
    expect(page.codeSpans).toContain(
      `tg-devops rollback --config deploy.yml --to 20260101-000000 --host ${HOST}`,
    );
  });

  it('a dry-run says nothing changed, first', async () => {
    const o = await run({ ...web, 'dry-run': 'true' }, () => '200');
    const page = render(summaryMarkdown('shop-bot', [o], true));
    expect(page.headline).toBe(
      '📝 dry-run: 1.4.0 would replace 1.3.2 on 1 host (blue-green); nothing changed',
    );
  });
});

describe('rollback summary', () => {
  it('a failed rollback: headline first, host in code, the error in a block (pipes intact)', () => {
    const page = render(
      rollbackSummary(
        'shop-bot',
        [{ host: 'deploy@h1', error: 'rollback: refusing | irreversible' }],
        false,
      ),
    );
    expect(page.firstTag).toBe('h3');
    expect(page.headline).toBe('❌ rollback to the previous release failed on deploy@h1');
    expect(page.mailto).toEqual([]);
    expect(page.preBlocks).toContain('rollback: refusing | irreversible');
    expect(render(rollbackSummary('shop-bot', [], true)).headline).toMatch(/^📝 dry-run/);
  });
});

describe('pieces', () => {
  it('humanDuration reads like people say it', () => {
    expect([850, 12_345, 125_000, 3_720_000].map(humanDuration)).toEqual([
      '850 ms',
      '12.3 s',
      '2 min 05 s',
      '1 h 02 min',
    ]);
    expect(humanDuration(undefined)).toBe('');
  });

  it('code spans hold backticks and never autolink', () => {
    expect(code('a`b')).toBe('``a`b``');
    expect(render(code('`x`')).codeSpans).toEqual(['`x`']);
    expect(render(`${code('deploy@host.example')}`).mailto).toEqual([]);
  });

  it('versionOf: the recorded version, the tag, a short digest', () => {
    expect(versionOf({ image: 'ghcr.io/o/b:1.4.0', version: '1.4.1' })).toBe('1.4.1');
    expect(versionOf({ image: `127.0.0.1:5000/o/b:v2@sha256:${'a'.repeat(64)}` })).toBe('v2');
    expect(versionOf({ image: `127.0.0.1:5000/o/b@sha256:${'a'.repeat(64)}` })).toBe(
      `sha256:${'a'.repeat(12)}`,
    );
  });
});

describe('a canary held for approval: hold, promote, abort headlines', () => {
  /** One host across runs: state, routing and the running containers follow the runs. */
  function heldHost() {
    const host = memoryHost();
    const running = new Set([serving.container]);
    const health = { status: '200' };
    const exec = recordingExecutor((argv): Partial<CommandResult> | undefined => {
      const cmd = argv.join(' ');
      if (cmd.startsWith('docker ps'))
        return {
          stdout: [...running]
            .map((name) => {
              const release = name.slice('shop-bot-'.length);
              const color = name === serving.container ? 'blue' : 'green';
              return JSON.stringify({
                Names: name,
                State: 'running',
                Labels: `tg-devops.app=shop-bot,tg-devops.color=${color},tg-devops.release=${release}`,
              });
            })
            .join('\n'),
        };
      if (argv[0] === 'docker' && argv[1] === 'start') running.add(argv.at(-1)!);
      if (argv[0] === 'docker' && (argv[1] === 'stop' || argv[1] === 'rm'))
        running.delete(argv.at(-1)!);
      if (cmd.startsWith('docker inspect'))
        return {
          stdout: JSON.stringify({
            Status: 'running',
            Running: true,
            Restarting: false,
            ExitCode: 0,
          }),
        };
      if (cmd.startsWith('sh -c command -v')) return { stdout: '/usr/bin/curl\n' };
      if (argv[0] === 'curl') return { stdout: health.status };
      if (argv[0] === 'cat') return { exitCode: 1 };
      return undefined;
    });
    const deps = {
      exec,
      host,
      proxy: proxy(),
      clock: fakeClock(Date.parse('2026-01-01T00:00:00Z')),
      log: recordingLog(),
      holder: { runId: '7', actor: 'tester' },
      releaseId: '20260101-000100',
    };
    return {
      deps,
      health,
      running,
      run: async (inputs: RawDeployInputs): Promise<HostOutcome> => {
        try {
          return { host: HOST, report: await deploy(buildConfig(inputs), deps) };
        } catch (error) {
          if (!(error instanceof DeployError)) throw error;
          const report = error.report as DeployReport;
          return { host: HOST, report, error: error.message, gate: error.gate };
        }
      },
      state: () => host.readState(exec, host.appPaths('/x', 'shop-bot')),
      headline: async (inputs: RawDeployInputs) => {
        const report = await deploy(buildConfig(inputs), deps);
        const o: HostOutcome = { host: HOST, report };
        return render(summaryMarkdown('shop-bot', [o], false)).headline;
      },
    };
  }
  const canary = { ...web, strategy: 'canary', 'canary-steps': '10,50,100' };

  it('held at 10%, then promoted: the headlines say held, then what serves', async () => {
    const h = heldHost();
    expect(await h.headline({ ...canary, 'canary-hold': '10' })).toBe(
      '⏸️ 1.4.0 held at 10% on 1 host (canary, 1.3.2 serves the rest); promote or abort with resume',
    );
    expect((await h.state()).hold).toMatchObject({ weight: 10, runId: '7', actor: 'tester' });
    expect((await h.state()).current?.id).toBe(serving.id);
    // a normal deploy meanwhile is refused, naming resume
    await expect(deploy(buildConfig(web), h.deps)).rejects.toThrow(
      /resume: promote or resume: abort/,
    );
    expect(await h.headline({ ...canary, resume: 'promote' })).toBe(
      '✅ 1.4.0 serves on 1 host (canary promoted from 10%, replaced 1.3.2)',
    );
    const after = await h.state();
    expect(after.hold).toBeUndefined();
    expect(after.current?.id).toBe('20260101-000100');
    expect(after.previous?.id).toBe(serving.id);
  });

  it('a promote whose gates fail again is undone back to the hold, and says so', async () => {
    const h = heldHost();
    await h.headline({ ...canary, 'canary-hold': '10' });
    h.health.status = '500';
    const o = await h.run({ ...canary, resume: 'promote', 'health-timeout': '1' });
    expect(o.error).toMatch(/undone: 20260101-000100 is held at 10% again/);
    expect(render(summaryMarkdown('shop-bot', [o], false)).headline).toBe(
      '⏸️ 1.4.0 is held at 10% again: the promote failed and was undone; 1.4.0 failed its health gate (http-health)',
    );
    expect((await h.state()).hold).toMatchObject({ weight: 10 });
  });

  it('a promote cancelled after its first route (SIGINT) is undone back to the hold, both running', async () => {
    const h = heldHost();
    await h.headline({ ...canary, 'canary-hold': '10' });
    const cancel = new AbortController();
    const routes: string[] = [];
    await expect(
      deploy(buildConfig({ ...canary, resume: 'promote' }), {
        ...h.deps,
        signal: cancel.signal,
        hooks: {
          afterStep: async (step) => {
            if (step.action.kind !== 'route') return;
            routes.push(step.id);
            cancel.abort('SIGINT');
          },
        },
      }),
    ).rejects.toThrow(/^cancelled: .*undone: 20260101-000100 is held at 10% again.*green:10%/);
    expect(routes).toHaveLength(1);
    expect((await h.state()).hold).toMatchObject({ weight: 10 });
    expect([...h.running].sort()).toEqual([serving.container, 'shop-bot-20260101-000100'].sort());
  });

  it('held at 10%, then aborted: the old release serves all traffic again', async () => {
    const h = heldHost();
    await h.headline({ ...canary, 'canary-hold': '10' });
    expect(await h.headline({ ...canary, resume: 'abort' })).toBe(
      '↩️ canary aborted: 1.3.2 serves all traffic again on 1 host; 1.4.0 (held at 10%) removed',
    );
    const after = await h.state();
    expect(after.hold).toBeUndefined();
    expect(after.current?.id).toBe(serving.id);
  });
});
