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

/** Replaces every registered secret in a message, longest first. */
export function redact(message: string, secrets: Iterable<string>): string {
  const sorted = [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  return sorted.reduce((text, secret) => text.split(secret).join('***'), message);
}

/** A log for the command line: plain lines on stderr, secrets redacted. */
export function consoleLog(
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Log {
  const secrets = new Set<string>();
  const emit = (line: string) => write(redact(line, secrets));
  return {
    info: (m) => emit(m),
    warn: (m) => emit(`warning: ${m}`),
    error: (m) => emit(`error: ${m}`),
    secret: (v) => {
      for (const line of v.split('\n')) if (line.trim()) secrets.add(line.trim());
      secrets.add(v);
    },
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
    secret: (v) => void secrets.add(v),
    group: async (title, body) => {
      push('group', title);
      return body();
    },
  };
}
