import { createServer } from 'node:http';
import { fakeClock } from '../../src/clock.js';
import { recordingExecutor } from '../../src/exec.js';
import {
  containerCheck,
  inspectArgv,
  judgeContainer,
  type ContainerState,
} from '../../src/health/container.js';
import { httpCheck, judgeHttp, parseJsonPath, statusMatches } from '../../src/health/http.js';
import { DEFAULT_LOG_PATTERNS, logsArgv, logsCheck, parsePattern } from '../../src/health/logs.js';
import { judgeWebhook, telegramWebhookCheck } from '../../src/health/telegram.js';
import { parseDuration, parseSince } from '../../src/health/time.js';
import { listenInRange, startFakeTelegramApi } from '../helpers/fake-telegram-api.js';

describe('http check', () => {
  it('matches status codes and classes', () => {
    expect(statusMatches(204, ['2xx'])).toBe(true);
    expect(statusMatches(301, ['2xx', '200'])).toBe(false);
    expect(statusMatches(404, ['40x'])).toBe(true);
  });

  it('reads JSON paths with or without an expected value', () => {
    expect(parseJsonPath('$.checks[1].db == "ok"')).toEqual({
      path: ['checks', 1, 'db'],
      expected: 'ok',
      text: '$.checks[1].db == "ok"',
    });
    expect(parseJsonPath('$.ready').path).toEqual(['ready']);
    expect(() => parseJsonPath('status')).toThrow(/expected '\$.path'/);
  });

  it('judges status, body, JSON path and the latency budget', () => {
    const spec = { url: 'x', status: ['200'], jsonPath: '$.status == ok', latencyBudgetMs: 500 };
    expect(judgeHttp(spec, { status: 200, body: '{"status":"ok"}', latencyMs: 20 })).toEqual({
      status: 'pass',
      value: 200,
      summary: 'HTTP 200 in 20 ms',
    });
    expect(judgeHttp(spec, { status: 503, body: '', latencyMs: 20 }).summary).toBe(
      'HTTP 503 in 20 ms, expected 200',
    );
    expect(
      judgeHttp(spec, { status: 200, body: '{"status":"degraded"}', latencyMs: 20 }).summary,
    ).toBe('HTTP 200 in 20 ms, $.status == ok does not hold (found "degraded")');
    expect(judgeHttp(spec, { status: 200, body: '<html>', latencyMs: 20 }).status).toBe('fail');
    expect(judgeHttp(spec, { status: 200, body: '{"status":"ok"}', latencyMs: 501 })).toMatchObject(
      {
        status: 'fail',
        value: 501,
      },
    );
    expect(
      judgeHttp(
        { url: 'x', bodyContains: 'webbot v2' },
        { status: 200, body: 'webbot v1', latencyMs: 1 },
      ).status,
    ).toBe('fail');
  });

  it('probes a real local server and measures latency with the injected clock', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const port = await listenInRange(server, 21800, 21849);
    try {
      const clock = fakeClock(0);
      const check = httpCheck(
        { url: `http://127.0.0.1:${port}/health`, jsonPath: '$.ok', latencyBudgetMs: 100 },
        // A fetch that takes 250 ms of the fake clock: over the budget.
        {
          clock,
          fetch: async (url, init) => {
            await clock.sleep(250);
            return fetch(url, init);
          },
        },
      );
      expect(await check.probe(0)).toEqual({
        status: 'fail',
        value: 250,
        summary: 'HTTP 200 in 250 ms, over the 100 ms budget',
      });
      expect(seen).toEqual(['GET /health']);
    } finally {
      server.close();
    }
  });

  it('fails on a refused connection', async () => {
    const server = createServer();
    const port = await listenInRange(server, 21850, 21899);
    await new Promise((r) => server.close(r));
    const check = httpCheck({ url: `http://127.0.0.1:${port}/` }, { clock: fakeClock(), fetch });
    const result = await check.probe(0);
    expect(result.status).toBe('fail');
    expect(result.summary).toMatch(/ECONNREFUSED/);
  });
});

describe('container check', () => {
  const running: ContainerState = {
    Status: 'running',
    Running: true,
    Restarting: false,
    ExitCode: 0,
    StartedAt: '2026-11-30T03:00:00Z',
    Health: null,
    RestartCount: 0,
  };

  it('judges state, health and restarts', () => {
    expect(judgeContainer(running, 0).status).toBe('pass');
    expect(judgeContainer({ ...running, Health: 'starting' }, 0).status).toBe('inconclusive');
    expect(judgeContainer({ ...running, Health: 'unhealthy' }, 0).status).toBe('fail');
    expect(judgeContainer({ ...running, RestartCount: 2 }, 1)).toMatchObject({
      status: 'fail',
      final: true,
    });
    expect(
      judgeContainer({ ...running, Status: 'exited', Running: false, ExitCode: 1 }, 0),
    ).toMatchObject({
      status: 'fail',
      final: true,
      summary: 'exited, 0 restart(s) (exit code 1)',
    });
  });

  it('runs docker inspect argv through the executor and takes the first count as baseline', async () => {
    let restarts = 3;
    const exec = recordingExecutor(
      () => ({ stdout: `${JSON.stringify({ ...running, RestartCount: restarts })}\n` }),
      'bot@prod-1',
    );
    const check = containerCheck({ container: 'bot-web; rm -rf /' }, exec);
    expect(check.name).toBe('container bot-web; rm -rf /@bot@prod-1');
    expect((await check.probe(0)).status).toBe('pass');
    restarts = 4;
    expect(await check.probe(0)).toMatchObject({ status: 'fail', final: true });
    expect(exec.commands[0]!.argv).toEqual(inspectArgv('bot-web; rm -rf /'));
    expect(exec.commands[0]!.argv.slice(-2)).toEqual(['--', 'bot-web; rm -rf /']);
  });

  it('fails for a missing container and is inconclusive when docker cannot answer', async () => {
    const missing = recordingExecutor(() => ({
      exitCode: 1,
      stderr: 'Error: No such container: web',
    }));
    expect(await containerCheck({ container: 'web' }, missing).probe(0)).toEqual({
      status: 'fail',
      summary: 'no container named web',
    });
    const denied = recordingExecutor(() => ({
      exitCode: 1,
      stderr: 'permission denied while trying to connect',
    }));
    expect((await containerCheck({ container: 'web' }, denied).probe(0)).status).toBe(
      'inconclusive',
    );
  });
});

describe('logs check', () => {
  it('passes --since as unix seconds and finds the default fatal patterns in stderr', async () => {
    const exec = recordingExecutor(() => ({
      stdout: 'bot started\nhandled update 1\n',
      stderr: 'Traceback (most recent call last):\n  File "bot.py"\n',
    }));
    const check = logsCheck(
      { container: 'web', patterns: DEFAULT_LOG_PATTERNS, since: 1_764_471_600_500 },
      exec,
    );
    expect(await check.probe(0)).toEqual({
      status: 'fail',
      final: true,
      summary: 'fatal pattern "Traceback" in "Traceback (most recent call last):"',
    });
    expect(exec.commands[0]!.argv).toEqual([
      'docker',
      'logs',
      '--timestamps',
      '--since',
      '1764471600',
      '--',
      'web',
    ]);
    expect(logsArgv('web', undefined)).toEqual(['docker', 'logs', '--timestamps', '--', 'web']);
  });

  it('knows the Telegram conflict lines and accepts regex patterns; hides bot tokens', async () => {
    const line =
      'aiogram: Telegram server says - Conflict: terminated by other getUpdates request; token 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq';
    const exec = recordingExecutor(() => ({ stdout: `ok\n${line}\n` }));
    const result = await logsCheck({ container: 'p', patterns: DEFAULT_LOG_PATTERNS }, exec).probe(
      0,
    );
    expect(result.status).toBe('fail');
    expect(result.summary).not.toContain('AAHdqTcv');
    expect(result.summary).toContain('token ***');
    expect(parsePattern('/err(or)? \\d+/i').test('ERROR 42')).toBe(true);
    const clean = recordingExecutor(() => ({ stdout: 'a\nb\n' }));
    expect(await logsCheck({ container: 'p', patterns: ['Traceback'] }, clean).probe(0)).toEqual({
      status: 'pass',
      value: 2,
      summary: '2 new line(s), 2 read, no fatal pattern',
    });
  });

  it("reads only new lines on later probes, from the host's own last timestamp", async () => {
    const outputs = [
      {
        stdout: '2026-11-30T03:43:02.882851043Z started\n2026-11-30T03:43:03.100000000Z update 1\n',
        stderr: '2026-11-30T03:43:02.990000000Z warn\n',
      },
      {
        stdout: '2026-11-30T03:43:03.100000000Z update 1\n2026-11-30T03:43:09.5Z update 2\n',
        stderr: '',
      },
      { stdout: '', stderr: '2026-11-30T03:43:09.500000000Z Traceback (most recent call last):\n' },
    ];
    const exec = recordingExecutor(() => outputs[exec.commands.length - 1]);
    const check = logsCheck({ container: 'web', patterns: DEFAULT_LOG_PATTERNS }, exec);
    expect(await check.probe(0)).toMatchObject({
      status: 'pass',
      summary: '3 new line(s), 3 read, no fatal pattern',
    });
    expect(await check.probe(0)).toMatchObject({ status: 'pass', value: 5 });
    expect(await check.probe(0)).toEqual({
      status: 'fail',
      final: true,
      summary: 'fatal pattern "Traceback" in "Traceback (most recent call last):"',
    });
    expect(exec.commands.map((c) => c.argv.slice(2, -2))).toEqual([
      ['--timestamps'],
      ['--timestamps', '--since', '2026-11-30T03:43:03.100000000Z'],
      ['--timestamps', '--since', '2026-11-30T03:43:09.5Z'],
    ]);
  });
});

describe('time inputs', () => {
  it('parses durations and points in time', () => {
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseSince('1764471600', 0)).toBe(1_764_471_600_000);
    expect(parseSince('2026-11-30T03:00:00Z', 0)).toBe(Date.parse('2026-11-30T03:00:00Z'));
    expect(parseSince('10m', 1_000_000)).toBe(400_000);
    expect(parseSince('yesterday', 0)).toBeUndefined();
    expect(parseSince('20261130-030000', 0)).toBe(Date.parse('2026-11-30T03:00:00Z'));
    expect(parseSince('20261131-030000', 0)).toBeUndefined();
  });
});

describe('telegram webhook check', () => {
  const since = Date.parse('2026-11-30T03:00:00Z');
  it('judges url, errors since the deploy, and growing pending updates', () => {
    const spec = { expectedUrl: 'https://bot.example/webhook', since };
    const ok = { url: 'https://bot.example/webhook', pending_update_count: 3 };
    expect(judgeWebhook(spec, ok, []).status).toBe('pass');
    expect(judgeWebhook(spec, { ...ok, url: 'https://old/' }, []).status).toBe('fail');
    // An error from before the deploy does not count; one after it fails for good.
    expect(judgeWebhook(spec, { ...ok, last_error_date: since / 1000 - 60 }, []).status).toBe(
      'pass',
    );
    expect(
      judgeWebhook(
        spec,
        {
          ...ok,
          last_error_date: since / 1000 + 5,
          last_error_message: 'Wrong response from the webhook: 502 Bad Gateway',
        },
        [],
      ),
    ).toMatchObject({ status: 'fail', final: true });
    expect(judgeWebhook(spec, { ...ok, pending_update_count: 9 }, [3, 5, 7]).status).toBe('fail');
    expect(judgeWebhook(spec, { ...ok, pending_update_count: 9 }, [3, 5, 5]).status).toBe('pass');
    expect(judgeWebhook(spec, { ...ok, pending_update_count: 9 }, [5, 7]).status).toBe('pass');
  });

  it('asks the Bot API stand-in with the token in the path and never shows it', async () => {
    const token = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
    const api = await startFakeTelegramApi({ tokens: [token] });
    try {
      api.setWebhookInfo(token, (call) => ({
        url: 'https://bot.example/webhook',
        pending_update_count: call * 2,
      }));
      const check = telegramWebhookCheck(
        {
          token,
          apiUrl: api.url,
          expectedUrl: 'https://bot.example/webhook',
          since,
          growthProbes: 2,
        },
        { fetch },
      );
      expect((await check.probe(0)).status).toBe('pass');
      expect((await check.probe(0)).status).toBe('pass');
      const third = await check.probe(0);
      expect(third.status).toBe('fail');
      expect(third.summary).toMatch(/pending updates grew on 2 probes in a row \(2 → 4 → 6\)/);
      expect(api.requests.map((r) => [r.token, r.method, r.httpMethod])).toEqual([
        [token, 'getWebhookInfo', 'GET'],
        [token, 'getWebhookInfo', 'GET'],
        [token, 'getWebhookInfo', 'GET'],
      ]);
      const wrong = telegramWebhookCheck({ token: '999:nope', apiUrl: api.url, since }, { fetch });
      expect(await wrong.probe(0)).toEqual({
        status: 'fail',
        summary: 'getWebhookInfo: 401 Unauthorized',
      });
    } finally {
      await api.close();
    }
  });
});
