import { type CoverageData, type LineHits, ReportError } from './model.js';

/** coverage.py's JSON report (`coverage json`): files.<path>.executed_lines / missing_lines. */
export function parseCoverageJson(text: string, file: string): CoverageData {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ReportError(file, `malformed JSON (${(error as Error).message})`);
  }
  const filesValue = (data as { files?: unknown } | null)?.files;
  if (typeof filesValue !== 'object' || filesValue === null || Array.isArray(filesValue)) {
    throw new ReportError(file, 'not a coverage.py JSON report: no "files" object');
  }
  const files = new Map<string, LineHits>();
  for (const [path, entry] of Object.entries(filesValue as Record<string, unknown>)) {
    const executed = lineList(entry, 'executed_lines', file, path);
    const missing = lineList(entry, 'missing_lines', file, path);
    const hits: LineHits = new Map();
    for (const line of missing) hits.set(line, 0);
    for (const line of executed) hits.set(line, 1);
    files.set(path.replace(/\\/g, '/'), hits);
  }
  if (files.size === 0) throw new ReportError(file, 'empty coverage report: it lists no source files');
  return { format: 'coverage-json', sources: [], files };
}

function lineList(entry: unknown, key: string, file: string, path: string): number[] {
  const value = (entry as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(value) || !value.every((n) => Number.isInteger(n) && n > 0)) {
    throw new ReportError(file, `files["${path}"].${key} is not a list of line numbers`);
  }
  return value as number[];
}
