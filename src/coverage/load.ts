import { parseCobertura } from './cobertura.js';
import { parseCoverageJson } from './coverage-json.js';
import { parseLcov } from './lcov.js';
import { type CoverageData, type CoverageFormat, ReportError } from './model.js';

export type FormatChoice = CoverageFormat | 'auto';
export const FORMATS: readonly FormatChoice[] = ['auto', 'cobertura', 'coverage-json', 'lcov'];

/** Tells the format from the content: `{` is JSON, `<` is Cobertura XML, SF:/TN: is lcov. */
export function detectFormat(text: string, file: string): CoverageFormat {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start === '') throw new ReportError(file, 'the coverage report is empty (0 bytes of content)');
  if (start.startsWith('{')) return 'coverage-json';
  if (start.startsWith('<')) return 'cobertura';
  if (/^(TN|SF):/m.test(start)) return 'lcov';
  throw new ReportError(file, 'unknown coverage format: expected Cobertura XML, coverage.py JSON or lcov');
}

export function parseCoverage(text: string, file: string, format: FormatChoice = 'auto'): CoverageData {
  const chosen = format === 'auto' ? detectFormat(text, file) : format;
  if (text.trim() === '') throw new ReportError(file, 'the coverage report is empty (0 bytes of content)');
  switch (chosen) {
    case 'cobertura':
      return parseCobertura(text, file);
    case 'coverage-json':
      return parseCoverageJson(text, file);
    case 'lcov':
      return parseLcov(text, file);
  }
}
