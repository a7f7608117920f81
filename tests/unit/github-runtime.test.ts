import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportVariable } from '../../src/github/env.js';
import { getSecret, getString } from '../../src/github/inputs.js';
import {
  actionsLog,
  annotate,
  flushSummary,
  getState,
  runAction,
  saveState,
  setOutputs,
  writeSummary,
} from '../../src/github/runtime.js';

/** The runner protocol through @actions/core, read back from real files and stdout. */
const FILES = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_STEP_SUMMARY'] as const;
let dir: string;
let stdout: string[];
const saved: Record<string, string | undefined> = {};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gh-runtime-'));
  for (const name of FILES) {
    saved[name] = process.env[name];
    process.env[name] = join(dir, name);
    writeFileSync(join(dir, name), '');
  }
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  for (const name of FILES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = undefined; // as the next test file in this worker expects it
});

const file = (name: (typeof FILES)[number]) => readFileSync(join(dir, name), 'utf8');

test('annotations escape data and properties, so a message cannot inject a command', () => {
  annotate('error', '100%\nnext::line', { file: 'a,b:c', startLine: 3, title: 'x' });
  actionsLog.warn('careful');
  expect(stdout.join('')).toBe(
    '::error title=x,file=a%2Cb%3Ac,line=3::100%25%0Anext::line\n::warning::careful\n',
  );
});

test('outputs go to GITHUB_OUTPUT with a delimiter not in the value; undefined is skipped', () => {
  setOutputs({ tags: 'a\nb', count: 2, skipped: undefined, ok: true });
  const text = file('GITHUB_OUTPUT');
  expect(text).toMatch(
    /^tags<<(ghadelimiter_\S+)\na\nb\n\1\ncount<<(\S+)\n2\n\2\nok<<(\S+)\ntrue\n\3\n$/,
  );
  expect(stdout).toEqual([]);
});

test('state and exported variables go to their files; masks are add-mask commands', () => {
  saveState('isPost', 'true');
  exportVariable('DOCKER_METADATA_OUTPUT_VERSION', '1.2.3');
  expect(file('GITHUB_STATE')).toMatch(/^isPost<<(\S+)\ntrue\n\1\n$/);
  expect(file('GITHUB_ENV')).toMatch(/^DOCKER_METADATA_OUTPUT_VERSION<<(\S+)\n1\.2\.3\n\1\n$/);
  expect(process.env.DOCKER_METADATA_OUTPUT_VERSION).toBe('1.2.3');
  delete process.env.DOCKER_METADATA_OUTPUT_VERSION;
  process.env.STATE_isPost = 'true';
  expect(getState('isPost')).toBe('true');
  delete process.env.STATE_isPost;
  actionsLog.secret('s3cr3t-value');
  expect(stdout.join('')).toBe('::add-mask::s3cr3t-value\n');
});

test('inputs: INPUT_<NAME> trimmed, or kept exactly with trimWhitespace: false; secrets masked', () => {
  process.env['INPUT_SEP-TAGS'] = ' ';
  process.env['INPUT_BOT-MODE'] = '  webhook \n';
  process.env['INPUT_SSH-KEY'] = 'line-one-secret\nline-two-secret\n';
  try {
    expect(getString('bot-mode')).toBe('webhook');
    expect(getString('sep-tags', '\n', { trimWhitespace: false })).toBe(' ');
    expect(getString('sep-tags', '\n')).toBe('\n');
    expect(getSecret('ssh-key')).toBe('line-one-secret\nline-two-secret\n');
    const masks = stdout
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toEqual(
      expect.arrayContaining(['::add-mask::line-one-secret', '::add-mask::line-two-secret']),
    );
  } finally {
    delete process.env['INPUT_SEP-TAGS'];
    delete process.env['INPUT_BOT-MODE'];
    delete process.env['INPUT_SSH-KEY'];
  }
});

test('summary writes land in order, each once; runAction waits for them', async () => {
  await runAction(async () => {
    writeSummary('### one');
    writeSummary('two');
  });
  expect(file('GITHUB_STEP_SUMMARY')).toBe('### one\ntwo\n');
  writeSummary('three');
  await flushSummary();
  expect(file('GITHUB_STEP_SUMMARY')).toBe('### one\ntwo\nthree\n');
});

test('no summary file: writeSummary is a no-op', async () => {
  delete process.env.GITHUB_STEP_SUMMARY;
  writeSummary('nowhere');
  await flushSummary();
  expect(stdout).toEqual([]);
});

test('runAction: an error fails the step with one ::error:: and exit code 1', async () => {
  await runAction(async () => {
    throw new Error('the registry said no');
  });
  expect(process.exitCode).toBe(1);
  expect(stdout.filter((l) => l.startsWith('::error'))).toEqual([
    '::error::the registry said no\n',
  ]);
});
