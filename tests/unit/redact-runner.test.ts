/**
 * The runner layer's writes (src/github) go through the one redaction point: a secret input's
 * parts are masked on their own, and the log, annotations, outputs, the job summary and the
 * failure of runAction carry no token shape, URL password or registered value. Holds the
 * one-line hooks in src/github/runtime.ts and getSecret in place.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSecret } from '../../src/github/inputs.js';
import {
  actionsLog,
  annotate,
  flushSummary,
  runAction,
  writeOutput,
  writeSummary,
} from '../../src/github/runtime.js';
import { secrets } from '../../src/redact.js';

const TOKEN = '7123456789:AAHk3-xQ_zP9sLmN0vR2tY5uW8aB1cD4eFg';
const SECRET_PART = TOKEN.split(':')[1]!;
const DB_PASSWORD = 'runner-pg-pw-1';
const ENV = `BOT_TOKEN=${TOKEN}\nDATABASE_URL=postgresql://bot:${DB_PASSWORD}@db/bot\nLOG_LEVEL=INFO\n`;

let dir: string;
let printed: string[];
const saved = { ...process.env };
let exitCode: typeof process.exitCode;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'redact-runner-'));
  for (const f of ['output', 'summary']) writeFileSync(join(dir, f), '');
  process.env.GITHUB_OUTPUT = join(dir, 'output');
  process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary');
  process.env.INPUT_ENV = ENV;
  printed = [];
  exitCode = process.exitCode;
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  jest.restoreAllMocks();
  process.exitCode = exitCode;
  process.env = { ...saved };
  secrets.clear();
  rmSync(dir, { recursive: true, force: true });
});

it('masks each secret env value on its own and keeps them out of every write', async () => {
  expect(getSecret('env')).toBe(ENV);
  const masks = printed
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('::add-mask::'));
  expect(masks).toEqual(
    expect.arrayContaining([
      `::add-mask::${TOKEN}`,
      `::add-mask::${DB_PASSWORD}`,
      `::add-mask::postgresql://bot:${DB_PASSWORD}@db/bot`,
    ]),
  );
  expect(masks).not.toContain('::add-mask::INFO');
  printed = [];

  actionsLog.info(`HTTP Request: POST https://api.telegram.org/bot${TOKEN}/getUpdates 409`);
  actionsLog.info(`pre-deploy output\n::set-output name=x::${DB_PASSWORD}`);
  actionsLog.warn(`gate: connecting with ${DB_PASSWORD}`, { title: `bot${TOKEN}` });
  annotate('error', `evidence: postgresql://other:pw-not-registered@db/x`);
  writeOutput('reason', `log line: bot${TOKEN}/getUpdates`);
  writeSummary(`| host | failed: ${DB_PASSWORD} and ${TOKEN} |`);
  await flushSummary();
  await runAction(async () => {
    throw new Error(`gate log-conflicts failed: log line: bot${TOKEN}/getUpdates 409 Conflict`);
  });

  const stdout = printed.join('');
  const everything = [
    stdout,
    readFileSync(join(dir, 'output'), 'utf8'),
    readFileSync(join(dir, 'summary'), 'utf8'),
  ].join('\n');
  expect(everything).not.toContain(SECRET_PART);
  expect(everything).not.toContain(DB_PASSWORD);
  expect(everything).not.toContain('pw-not-registered');
  // Still readable: what failed, and where.
  expect(stdout).toContain('api.telegram.org/bot***/getUpdates 409');
  expect(stdout).toContain('::error::evidence: postgresql://other:***@db/x');
  expect(stdout).toContain('::error::gate log-conflicts failed: log line: bot***/getUpdates 409');
  expect(readFileSync(join(dir, 'output'), 'utf8')).toContain('log line: bot***/getUpdates');
  expect(process.exitCode).toBe(1);
  // The host's command-like line is inside a stop-commands block.
  expect(stdout).toMatch(
    /::stop-commands::(tg-devops-[\w-]+)\npre-deploy output\n::set-output name=x::\*\*\*\n::\1::/,
  );
});
