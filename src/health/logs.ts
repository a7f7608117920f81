import type { Executor } from '../exec.js';
import type { Check, ProbeResult } from './types.js';
import { redactShapes } from '../redact.js';

/**
 * Fatal log patterns. 409 Conflict and "terminated by other getUpdates request" mean two
 * consumers poll one token; AUTH_KEY_DUPLICATED means an MTProto session is used twice (it can be
 * revoked for good); Traceback is an uncaught Python exception.
 */
export const DEFAULT_LOG_PATTERNS: readonly string[] = [
  '409 Conflict',
  'terminated by other getUpdates request',
  'AUTH_KEY_DUPLICATED',
  'Traceback',
];

export interface LogPattern {
  text: string;
  test(line: string): boolean;
}

/** A pattern is a plain substring, or `/regex/flags`. */
export function parsePattern(text: string): LogPattern {
  const m = text.match(/^\/(.+)\/([gimsuy]*)$/);
  if (m) {
    const re = new RegExp(m[1]!, m[2]!.replace('g', ''));
    return { text, test: (line) => re.test(line) };
  }
  return { text, test: (line) => line.includes(text) };
}

/**
 * `docker logs --timestamps [--since S] -- NAME`. S is unix seconds for the first read, then the
 * last timestamp the host itself printed (RFC 3339 with nanoseconds, inclusive), so later probes
 * read only new lines and the runner's clock never has to agree with the host's.
 */
export function logsArgv(
  container: string,
  since: number | string | undefined,
  docker: readonly string[] = ['docker'],
): string[] {
  const argv = [...docker, 'logs', '--timestamps'];
  if (typeof since === 'number') argv.push('--since', String(Math.floor(since / 1000)));
  else if (since !== undefined) argv.push('--since', since);
  argv.push('--', container);
  return argv;
}

const STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z /;

/** Splits docker's timestamp prefix off a line; the key compares as text in time order. */
export function splitStamp(line: string): { stamp?: string; key?: string; text: string } {
  const m = STAMP.exec(line);
  if (!m) return { text: line };
  return {
    stamp: m[0].trim(),
    key: `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}`,
    text: line.slice(m[0].length),
  };
}

/** Pure: the newest docker timestamp in some output, as given (for the next --since). */
export function lastStamp(outputs: readonly string[]): string | undefined {
  let best: { stamp: string; key: string } | undefined;
  for (const output of outputs) {
    for (const line of output.split('\n')) {
      const { stamp, key } = splitStamp(line);
      if (stamp && key && (!best || key > best.key)) best = { stamp, key };
    }
  }
  return best?.stamp;
}

export interface LogMatch {
  pattern: string;
  line: string;
  lineNumber: number;
}

/** Pure: the first line that matches a fatal pattern. */
export function findFatal(text: string, patterns: readonly LogPattern[]): LogMatch | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = splitStamp(lines[i]!).text;
    const pattern = patterns.find((p) => p.test(line));
    if (pattern) return { pattern: pattern.text, line: line.trim(), lineNumber: i + 1 };
  }
  return undefined;
}

/** Log lines reach the job summary: token shapes and URL credentials go first (src/redact.ts). */
export function redactTokens(line: string): string {
  return redactShapes(line);
}

export function judgeLogs(
  stdout: string,
  stderr: string,
  patterns: readonly LogPattern[],
): ProbeResult {
  const match = findFatal(stderr, patterns) ?? findFatal(stdout, patterns);
  const count = [stdout, stderr]
    .join('\n')
    .split('\n')
    .filter((l) => l.trim()).length;
  if (match) {
    const clean = redactTokens(match.line);
    const line = clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
    return {
      status: 'fail',
      final: true,
      summary: `fatal pattern ${JSON.stringify(match.pattern)} in ${JSON.stringify(line)}`,
    };
  }
  return { status: 'pass', value: count, summary: `${count} line(s), no fatal pattern` };
}

export interface LogCheckSpec {
  container: string;
  patterns: readonly string[];
  /** Epoch ms: only lines written since (the deploy's start). Undefined: the container's whole log. */
  since?: number;
  docker?: readonly string[];
  name?: string;
}

/** Fatal patterns in `docker logs` (stdout and stderr) through any Executor. */
export function logsCheck(spec: LogCheckSpec, executor: Executor): Check {
  const patterns = spec.patterns.map(parsePattern);
  let since: number | string | undefined = spec.since;
  let linesRead = 0;
  return {
    name: spec.name ?? `logs ${spec.container}@${executor.where}`,
    kind: 'logs',
    async probe() {
      const result = await executor.run(logsArgv(spec.container, since, spec.docker), {
        allowFailure: true,
      });
      if (result.exitCode !== 0) {
        const why = (result.stderr.trim() || result.stdout.trim()).split('\n').pop() ?? '';
        return { status: 'inconclusive', summary: `docker logs exited ${result.exitCode}: ${why}` };
      }
      const judged = judgeLogs(result.stdout, result.stderr, patterns);
      // Next time only newer lines; lines at exactly this timestamp are read twice (--since is
      // inclusive), which is harmless: they were clean, or verification already ended.
      since = lastStamp([result.stdout, result.stderr]) ?? since;
      if (judged.status !== 'pass') return judged;
      linesRead += judged.value ?? 0;
      return {
        ...judged,
        value: linesRead,
        summary: `${judged.value ?? 0} new line(s), ${linesRead} read, no fatal pattern`,
      };
    },
  };
}
