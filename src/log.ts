import { guardCommands, redactWith, secretParts, secrets as registry } from './redact.js';

/**
 * Where the library reports progress. The Actions layer maps it to @actions/core; the CLI and
 * tests use the plain implementations here, so nothing in src/ depends on the runner.
 */
export interface Log {
  info(message: string): void;
  warn(message: string, where?: Annotation): void;
  error(message: string, where?: Annotation): void;
  /** Registers a value that must never appear in any log line. */
  secret(value: string): void;
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
}

export interface Annotation {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
}

/**
 * Replaces the given secrets, the process's registered ones and the token and URL-credential
 * shapes (src/redact.ts, the one redaction point).
 */
export function redact(message: string, secrets: Iterable<string>): string {
  return redactWith(registry.redact(message), secrets);
}

/**
 * Wraps a Log of the runner (its info lines are written raw, warnings and errors as escaped
 * annotations) so that everything goes through the one redaction point, and host output inside
 * an info line never acts as a workflow command. `secret` registers the value and
 * each of its parts (the secret values of dotenv text too), and hands every new part to the
 * inner log to mask (the runner's add-mask).
 */
export function redactingLog(inner: Log): Log {
  const hide = (m: string) => registry.redact(m);
  return {
    info: (m) => inner.info(guardCommands(hide(m))),
    // Annotations are one escaped `::warning::` line each: nothing inside can act as a command.
    warn: (m, where) => inner.warn(hide(m), where && hideWhere(where, hide)),
    error: (m, where) => inner.error(hide(m), where && hideWhere(where, hide)),
    secret: (v) => {
      for (const part of registry.add(v)) inner.secret(part);
    },
    group: (title, body) => inner.group(hide(title), body),
  };
}

function hideWhere(where: Annotation, hide: (m: string) => string): Annotation {
  return { ...where, ...(where.title !== undefined ? { title: hide(where.title) } : {}) };
}

/** A log for the command line: plain lines on stderr, secrets redacted. */
export function consoleLog(
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Log {
  // A CLI may run inside a workflow step too: its lines must not act as commands either.
  const emit = (line: string) => write(guardCommands(registry.redact(line)));
  return {
    info: (m) => emit(m),
    warn: (m) => emit(`warning: ${m}`),
    error: (m) => emit(`error: ${m}`),
    secret: (v) => void registry.add(v),
    group: async (title, body) => {
      emit(`== ${title}`);
      return body();
    },
  };
}

export interface RecordedLine {
  level: 'info' | 'warn' | 'error' | 'group';
  message: string;
  where?: Annotation;
}

/** A log that keeps every line, for tests. */
export function recordingLog(): Log & {
  lines: RecordedLine[];
  secrets: Set<string>;
  text(): string;
} {
  const lines: RecordedLine[] = [];
  const secrets = new Set<string>();
  const push = (level: RecordedLine['level'], message: string, where?: Annotation) =>
    lines.push({ level, message: redact(message, secrets), where });
  return {
    lines,
    secrets,
    text: () => lines.map((l) => l.message).join('\n'),
    info: (m) => push('info', m),
    warn: (m, w) => push('warn', m, w),
    error: (m, w) => push('error', m, w),
    secret: (v) => {
      for (const part of secretParts(v)) secrets.add(part);
    },
    group: async (title, body) => {
      push('group', title);
      return body();
    },
  };
}
