/** The load generator's pure parts, and one short real run against a local server. */
import { describe, expect, test } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  outcome,
  percentiles,
  runLoad,
  validate,
  window,
  type LoadReport,
} from '../helpers/load.js';

describe('load generator', () => {
  test('classifies answers: version from the header, else the short body; errors by status', () => {
    expect(outcome(200, 'v2', 'webbot v1\n')).toBe('ok:v2');
    expect(outcome(200, undefined, 'webbot v1\n')).toBe('ok:v1');
    expect(outcome(204, undefined, '')).toBe('ok:?');
    expect(outcome(502, 'v1', 'bad gateway')).toBe('HTTP 502');
    expect(outcome(404, 'v1', '')).toBe('HTTP 404');
  });

  test('percentiles are nearest-rank; windows sum the buckets that start inside', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles(values)).toEqual({ p50: 50, p90: 90, p99: 99, max: 100 });
    expect(percentiles([])).toEqual({ p50: 0, p90: 0, p99: 0, max: 0 });
    const report = {
      timeline: [
        { at: 1000, sent: 5, ok: 5, failed: 0, versions: { v1: 5 } },
        { at: 1100, sent: 5, ok: 4, failed: 1, versions: { v1: 2, v2: 2 } },
        { at: 1200, sent: 5, ok: 5, failed: 0, versions: { v2: 5 } },
      ],
    } as unknown as LoadReport;
    expect(window(report, 1100, 1300)).toEqual({
      sent: 10,
      ok: 9,
      failed: 1,
      versions: { v1: 2, v2: 7 },
      buckets: 2,
    });
  });

  test('rejects what would not be bounded or not local', () => {
    const ok = { url: 'http://127.0.0.1:1/', rate: 10, mode: 'fresh' as const };
    expect(() => validate(ok)).not.toThrow();
    expect(() => validate({ ...ok, url: 'https://example.com/' })).toThrow(/http:/);
    expect(() => validate({ ...ok, rate: 0 })).toThrow(/rate/);
    expect(() => validate({ ...ok, rate: 50_000 })).toThrow(/rate/);
    expect(() => validate({ ...ok, maxDurationMs: 3_600_000 })).toThrow(/maxDurationMs/);
    expect(() => validate({ ...ok, connections: 0 })).toThrow(/connections/);
    expect(() => validate({ ...ok, mode: 'other' as 'fresh' })).toThrow(/mode/);
  });

  test('a real run in a child process: counts, versions, refused connections', async () => {
    let requests = 0;
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      requests++;
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200, { 'X-App-Version': requests % 2 ? 'v1' : 'v2' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const r = await runLoad({
        url: `http://127.0.0.1:${port}/webhook`,
        rate: 200,
        mode: 'keepalive',
        count: 40,
        connections: 2,
      });
      expect(r).toMatchObject({
        sent: 40,
        ok: 40,
        failed: 0,
        reason: 'count',
        versions: { v1: 20, v2: 20 },
      });
      expect(requests).toBe(40);
      expect(JSON.parse(bodies[0]!)).toMatchObject({ update_id: expect.any(Number) });
      expect(r.timeline.reduce((n, b) => n + b.sent, 0)).toBe(40);
    } finally {
      await new Promise((r) => server.close(r));
    }
    const refused = await runLoad({
      url: `http://127.0.0.1:${port}/`,
      rate: 100,
      mode: 'fresh',
      count: 5,
    });
    expect(refused).toMatchObject({ sent: 5, ok: 0, failed: 5, errors: { ECONNREFUSED: 5 } });
  }, 60_000);
});
