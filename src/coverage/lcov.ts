import { addHit, type CoverageData, type LineHits, ReportError } from './model.js';

/** lcov tracefiles: SF:<path>, DA:<line>,<hits>[,<checksum>], end_of_record. */
export function parseLcov(text: string, file: string): CoverageData {
  const files = new Map<string, LineHits>();
  let current: LineHits | undefined;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line.startsWith('SF:')) {
      const path = line.slice(3).replace(/\\/g, '/');
      current = files.get(path);
      if (!current) files.set(path, (current = new Map()));
    } else if (line.startsWith('DA:')) {
      const [number, hits] = line.slice(3).split(',');
      const n = Number(number);
      const h = Number(hits);
      if (!current) throw new ReportError(file, `line ${index + 1}: DA before any SF record`);
      if (!Number.isInteger(n) || n < 1 || !Number.isFinite(h) || h < 0) {
        throw new ReportError(file, `line ${index + 1}: malformed DA record "${line}"`);
      }
      addHit(current, n, h);
    } else if (line === 'end_of_record') {
      current = undefined;
    }
  }
  if (files.size === 0) throw new ReportError(file, 'empty coverage report: no SF records');
  return { format: 'lcov', sources: [], files };
}
