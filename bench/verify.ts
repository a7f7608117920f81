// Verification rounds: all checks probed at once (what verify() does) against one after another,
// side by side in the same run, against a local server that answers after 20 ms. Bounded:
// 10 rounds per row, 127.0.0.1 only (port range 21700-21899).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../src/clock.js';
import { httpCheck } from '../src/health/http.js';
import { safeProbe } from '../src/health/verify.js';

const DELAY_MS = 20;
const ROUNDS = 10;
const server = createServer((_req, res) => {
  setTimeout(() => res.end('ok'), DELAY_MS);
});
let port = 0;
for (let p = 21880; p <= 21899 && !port; p++) {
  port = await new Promise<number>((resolve) => {
    server.once('error', () => resolve(0));
    server.listen(p, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
if (!port) throw new Error('no free port in 21880-21899');

async function timeRounds(count: number, parallel: boolean): Promise<number> {
  const checks = Array.from({ length: count }, (_, i) =>
    httpCheck({ url: `http://127.0.0.1:${port}/c${i}` }, { fetch, clock: systemClock }),
  );
  const start = performance.now();
  for (let round = 1; round <= ROUNDS; round++) {
    if (parallel) await Promise.all(checks.map((c) => safeProbe(c, Date.now(), round)));
    else for (const c of checks) await safeProbe(c, Date.now(), round);
  }
  return (performance.now() - start) / ROUNDS;
}

await timeRounds(2, true); // warm up the connection pool
console.log(`| checks | one round, all at once (ms) | one round, one by one (ms) | ratio |`);
console.log(`| --- | --- | --- | --- |`);
for (const count of [1, 4, 8]) {
  const parallel = await timeRounds(count, true);
  const sequential = await timeRounds(count, false);
  console.log(
    `| ${count} | ${parallel.toFixed(1)} | ${sequential.toFixed(1)} | ${(sequential / parallel).toFixed(2)}x |`,
  );
}
server.close();
