import type { Clock } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { Check, ProbeResult } from './types.js';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export interface HttpCheckSpec {
  name?: string;
  url: string;
  /** Accepted statuses: exact codes (200) or classes (2xx). Default 2xx. */
  status?: readonly string[];
  /** A substring the body must contain. */
  bodyContains?: string;
  /** `$.a.b[0]` (must be truthy) or `$.a.b == value` (JSON literal or bare string). */
  jsonPath?: string;
  /** A slower answer fails (ms, measured with the injected clock). */
  latencyBudgetMs?: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export interface JsonPathAssertion {
  path: (string | number)[];
  expected?: unknown;
  text: string;
}

/** Parses `$.a.b[0].c` or `$.a == "ok"`. Throws with a readable message. */
export function parseJsonPath(expression: string): JsonPathAssertion {
  const text = expression.trim();
  const m = text.match(/^(\$[^=!<>\s]*)\s*(?:==\s*(.+))?$/);
  if (!m) throw new Error(`expected '$.path' or '$.path == value', got ${JSON.stringify(text)}`);
  const pathText = m[1]!;
  const path: (string | number)[] = [];
  const re = /\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[['"]([^'"]+)['"]\]/y;
  let pos = 1;
  while (pos < pathText.length) {
    re.lastIndex = pos;
    const part = re.exec(pathText);
    if (!part) throw new Error(`cannot read the path at ${JSON.stringify(pathText.slice(pos))}`);
    path.push(part[1] ?? (part[2] !== undefined ? Number(part[2]) : part[3]!));
    pos = re.lastIndex;
  }
  if (m[2] === undefined) return { path, text };
  const raw = m[2].trim();
  let expected: unknown;
  try {
    expected = JSON.parse(raw);
  } catch {
    expected = raw.replace(/^'(.*)'$/, '$1');
  }
  return { path, expected, text };
}

export function readJsonPath(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Pure: does a status code match `200`, `2xx`, `20x`? */
export function statusMatches(code: number, patterns: readonly string[]): boolean {
  const text = String(code);
  return patterns.some(
    (p) => p.length === 3 && [...p.toLowerCase()].every((c, i) => c === 'x' || c === text[i]),
  );
}

/** Pure: judge one HTTP answer. */
export function judgeHttp(
  spec: HttpCheckSpec,
  answer: { status: number; body: string; latencyMs: number },
): ProbeResult {
  const statuses = spec.status && spec.status.length > 0 ? spec.status : ['2xx'];
  const where = `${answer.status} in ${answer.latencyMs} ms`;
  if (!statusMatches(answer.status, statuses)) {
    return {
      status: 'fail',
      value: answer.status,
      summary: `HTTP ${where}, expected ${statuses.join('|')}`,
    };
  }
  if (spec.bodyContains !== undefined && !answer.body.includes(spec.bodyContains)) {
    return {
      status: 'fail',
      value: answer.status,
      summary: `HTTP ${where}, body lacks ${JSON.stringify(spec.bodyContains)}: ${snippet(answer.body)}`,
    };
  }
  if (spec.jsonPath) {
    const assertion = parseJsonPath(spec.jsonPath);
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      return {
        status: 'fail',
        value: answer.status,
        summary: `HTTP ${where}, body is not JSON: ${snippet(answer.body)}`,
      };
    }
    const found = readJsonPath(parsed, assertion.path);
    const ok =
      'expected' in assertion && assertion.expected !== undefined
        ? JSON.stringify(found) === JSON.stringify(assertion.expected) ||
          (typeof assertion.expected === 'string' && String(found) === assertion.expected)
        : Boolean(found);
    if (!ok) {
      return {
        status: 'fail',
        value: answer.status,
        summary: `HTTP ${where}, ${assertion.text} does not hold (found ${snippet(JSON.stringify(found) ?? 'nothing')})`,
      };
    }
  }
  if (spec.latencyBudgetMs !== undefined && answer.latencyMs > spec.latencyBudgetMs) {
    return {
      status: 'fail',
      value: answer.latencyMs,
      summary: `HTTP ${where}, over the ${spec.latencyBudgetMs} ms budget`,
    };
  }
  return { status: 'pass', value: answer.status, summary: `HTTP ${where}` };
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

/** An HTTP check: one request per probe; a refused or timed-out request is a failure. */
export function httpCheck(spec: HttpCheckSpec, deps: { fetch: FetchLike; clock: Clock }): Check {
  if (spec.jsonPath) parseJsonPath(spec.jsonPath); // fail on a bad expression before any probe
  return {
    name: spec.name ?? `http ${spec.url}`,
    kind: 'http',
    async probe() {
      const started = deps.clock.now();
      let status: number;
      let body: string;
      try {
        const response = await deps.fetch(spec.url, {
          method: 'GET',
          headers: spec.headers,
          redirect: 'manual',
          signal: AbortSignal.timeout(spec.timeoutMs ?? 10_000),
        });
        status = response.status;
        body = await response.text();
      } catch (error) {
        return {
          status: 'fail',
          summary: `HTTP request failed after ${deps.clock.now() - started} ms: ${causeOf(error)}`,
        };
      }
      return judgeHttp(spec, { status, body, latencyMs: deps.clock.now() - started });
    },
  };
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, timeout …). */
export function causeOf(error: unknown): string {
  const cause =
    error && typeof error === 'object' && 'cause' in error
      ? (error as { cause?: unknown }).cause
      : undefined;
  const code =
    cause && typeof cause === 'object' && 'code' in cause
      ? String((cause as { code: unknown }).code)
      : '';
  const causeText =
    cause && typeof cause === 'object' && 'message' in cause
      ? String((cause as { message: unknown }).message)
      : '';
  return [errorMessage(error), code || causeText].filter(Boolean).join(': ');
}
