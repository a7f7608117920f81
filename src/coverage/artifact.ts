import { formatRanges } from './diff-coverage.js';
import { type FailedTest, type LineHits, ReportError, type TestResults } from './model.js';

/**
 * The report a fork PR's test job hands to the commenting workflow (mode collect -> mode post).
 * It is produced by code from the PR, so reading it trusts nothing: every field is checked,
 * sizes are capped, and every string is escaped again where it is shown.
 */
export const SCHEMA = 'tg-devops-coverage/1';
export const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;
const MAX_LINES = 20_000_000;
const MAX_FAILED = 1000;
const MAX_TEXT = 2000;

export interface Artifact {
  schema: typeof SCHEMA;
  pr: number | null;
  headSha: string | null;
  exitCode: number;
  /** Repository path -> covered and missed line ranges ("1-4,9"). */
  files: Record<string, { hit: string; miss: string }>;
  tests: TestResults;
}

export function toArtifact(input: {
  pr: number | null;
  headSha: string | null;
  exitCode: number;
  files: Map<string, LineHits>;
  tests: TestResults;
}): Artifact {
  const files: Artifact['files'] = {};
  for (const [path, hits] of input.files) {
    const hit: number[] = [];
    const miss: number[] = [];
    for (const line of [...hits.keys()].sort((a, b) => a - b)) {
      (hits.get(line)! > 0 ? hit : miss).push(line);
    }
    files[path] = { hit: formatRanges(hit, ','), miss: formatRanges(miss, ',') };
  }
  return {
    schema: SCHEMA,
    pr: input.pr,
    headSha: input.headSha,
    exitCode: input.exitCode,
    files,
    tests: { ...input.tests, failed: input.tests.failed.slice(0, MAX_FAILED) },
  };
}

export interface ReadArtifact {
  pr: number | null;
  headSha: string | null;
  exitCode: number;
  files: Map<string, LineHits>;
  tests: TestResults;
}

const RANGES = /^(?:\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)?$/;

export function readArtifact(text: string, file: string): ReadArtifact {
  const fail = (problem: string): never => {
    throw new ReportError(file, `not a valid tg-devops report: ${problem}`);
  };
  if (text.length > MAX_ARTIFACT_BYTES) fail(`larger than ${MAX_ARTIFACT_BYTES} bytes`);
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('not a JSON object');
    data = parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ReportError) throw error;
    fail(`malformed JSON (${(error as Error).message})`);
  }
  if (data.schema !== SCHEMA) fail(`schema is ${JSON.stringify(data.schema)}, expected "${SCHEMA}"`);
  const pr = data.pr;
  if (pr !== null && !(Number.isSafeInteger(pr) && (pr as number) > 0)) fail('pr is not a PR number');
  const headSha = data.headSha;
  if (headSha !== null && !(typeof headSha === 'string' && /^[0-9a-f]{40}$/.test(headSha))) {
    fail('headSha is not a commit SHA');
  }
  const exitCode = data.exitCode;
  if (!Number.isSafeInteger(exitCode)) fail('exitCode is not a whole number');
  const files = new Map<string, LineHits>();
  const rawFiles = data.files;
  if (typeof rawFiles !== 'object' || rawFiles === null || Array.isArray(rawFiles)) fail('files is not an object');
  let total = 0;
  for (const [path, entry] of Object.entries(rawFiles as Record<string, unknown>)) {
    if (path.length === 0 || path.length > 1000 || [...path].some((ch) => ch.charCodeAt(0) < 32)) fail('a file path is empty, too long or has control characters');
    const { hit, miss } = (entry ?? {}) as { hit?: unknown; miss?: unknown };
    if (typeof hit !== 'string' || typeof miss !== 'string' || !RANGES.test(hit) || !RANGES.test(miss)) {
      fail(`files[${JSON.stringify(path.slice(0, 100))}] has no valid hit/miss line ranges`);
    }
    const hits: LineHits = new Map();
    for (const [ranges, count] of [[miss as string, 0], [hit as string, 1]] as const) {
      if (!ranges) continue;
      for (const range of ranges.split(',')) {
        const [a, b = a] = range.split('-').map(Number) as [number, number?];
        if (b < a || b - a > MAX_LINES) fail('a line range runs backwards or is too long');
        total += b - a + 1;
        if (total > MAX_LINES) fail(`more than ${MAX_LINES} lines`);
        for (let line = a; line <= b; line++) hits.set(line, count);
      }
    }
    files.set(path, hits);
  }
  const tests = (data.tests ?? {}) as Record<string, unknown>;
  const counts = ['tests', 'failures', 'errors', 'skipped'].map((key) => {
    const value = tests[key];
    if (!Number.isSafeInteger(value) || (value as number) < 0) fail(`tests.${key} is not a count`);
    return value as number;
  }) as [number, number, number, number];
  if (!Array.isArray(tests.failed)) fail('tests.failed is not a list');
  const failed: FailedTest[] = (tests.failed as unknown[]).slice(0, MAX_FAILED).map((item) => {
    const { name, message, kind } = (item ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof message !== 'string') fail('a failed test has no name or message');
    return {
      name: (name as string).slice(0, MAX_TEXT),
      message: (message as string).slice(0, MAX_TEXT),
      kind: kind === 'error' ? 'error' : 'failure',
    };
  });
  return {
    pr: pr as number | null,
    headSha: headSha as string | null,
    exitCode: exitCode as number,
    files,
    tests: { tests: counts[0], failures: counts[1], errors: counts[2], skipped: counts[3], failed },
  };
}
