/**
 * scripts/demo/run-action.ts: the local runner the demo (and an operator) uses to run an action
 * bundle as GitHub's runner would.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  bundlePath,
  inputEnv,
  parseCommandFile,
  ROOT,
  runAction,
} from '../../scripts/demo/run-action.js';

describe('inputs and command files', () => {
  const yml = {
    inputs: { 'http-url': {}, window: { default: '0' }, 'bot mode': { default: 5 }, empty: null },
  };

  test('every declared input is set: given, else its default, else empty (runner naming)', () => {
    expect(inputEnv(yml, { 'http-url': 'http://x/health' })).toEqual({
      'INPUT_HTTP-URL': 'http://x/health',
      INPUT_WINDOW: '0',
      INPUT_BOT_MODE: '5',
      INPUT_EMPTY: '',
    });
  });

  test('an input the action does not declare is an error, as in a workflow', () => {
    expect(() => inputEnv(yml, { widnow: '5m' })).toThrow("unknown input 'widnow'");
  });

  test('GITHUB_OUTPUT lines and heredocs', () => {
    const text = [
      'image=reg/bot@sha256:1',
      'reason<<ghadelimiter_1',
      'line one',
      'line=two',
      'ghadelimiter_1',
      'empty=',
      '',
    ].join('\n');
    expect(parseCommandFile(text)).toEqual({
      image: 'reg/bot@sha256:1',
      reason: 'line one\nline=two',
      empty: '',
    });
  });

  test('TG_ACTIONS_DIST redirects only bundles under dist/', () => {
    const before = process.env.TG_ACTIONS_DIST;
    try {
      delete process.env.TG_ACTIONS_DIST;
      expect(bundlePath('verify', '../dist/verify/index.js')).toBe(
        join(ROOT, 'dist/verify/index.js'),
      );
      process.env.TG_ACTIONS_DIST = '/tmp/other';
      expect(bundlePath('verify', '../dist/verify/index.js')).toBe('/tmp/other/verify/index.js');
    } finally {
      if (before === undefined) delete process.env.TG_ACTIONS_DIST;
      else process.env.TG_ACTIONS_DIST = before;
    }
  });
});

describe('running a real bundle (dist/verify)', () => {
  let server: Server;
  let url: string;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'text/plain' });
      res.end(req.url === '/health' ? 'ok' : 'no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('a passing check: exit 0, outputs parsed, the summary read', async () => {
    const shown: string[] = [];
    const run = await runAction(
      'verify',
      { 'http-url': `${url}/health`, consecutive: '2', interval: '1s', timeout: '20s' },
      { show: (line) => (shown.push(line), undefined) },
    );
    expect({ ok: run.ok, errors: run.errors }).toEqual({ ok: true, errors: [] });
    expect(run.outputs).toMatchObject({ verdict: 'pass', accepted: 'true' });
    expect(run.summary.length).toBeGreaterThan(0);
    expect(hits).toBeGreaterThanOrEqual(2);
    expect(shown.length).toBe(run.lines.length);
  }, 60_000);

  test('a failing step: exit code and ::error:: message kept', async () => {
    const run = await runAction('verify', {
      'http-url': `${url}/missing`,
      timeout: '3s',
      interval: '1s',
      failures: '1',
    });
    expect(run.ok).toBe(false);
    expect(run.exitCode).not.toBe(0);
    expect(run.errors.join('\n')).toMatch(/404|fail/i);
    expect(run.outputs.verdict).toBe('fail');
  }, 60_000);
});
