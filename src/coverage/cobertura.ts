import { addHit, type CoverageData, type LineHits, ReportError } from './model.js';
import { scanXml, XmlError } from './xml.js';

/**
 * Cobertura XML as coverage.py (`coverage xml`) and pytest-cov (`--cov-report=xml`) write it, and
 * as other tools do: <coverage><sources/><packages><package><classes><class filename>
 * <lines><line number hits/>. Lines repeated under <methods> are not counted twice.
 */
export function parseCobertura(xml: string, file: string): CoverageData {
  const files = new Map<string, LineHits>();
  const sources: string[] = [];
  let root: string | undefined;
  let current: LineHits | undefined;
  let methodDepth = 0;
  let sourceText: string | undefined;
  let badLine: string | undefined;
  try {
    scanXml(xml, {
      open(name, attributes, selfClosing) {
        if (root === undefined) {
          root = name;
          if (name !== 'coverage') throw new ReportError(file, `not a Cobertura report: root element is <${name}>, expected <coverage>`);
          return;
        }
        if (name === 'class') {
          const filename = attributes.filename;
          if (!filename) throw new ReportError(file, '<class> without a filename attribute');
          const path = filename.replace(/\\/g, '/');
          current = files.get(path);
          if (!current) files.set(path, (current = new Map()));
          if (selfClosing) current = undefined;
        } else if (name === 'method') {
          if (!selfClosing) methodDepth++;
        } else if (name === 'line' && current && methodDepth === 0) {
          const number = Number(attributes.number);
          const hits = Number(attributes.hits ?? '0');
          if (!Number.isInteger(number) || number < 1 || !Number.isFinite(hits) || hits < 0) {
            badLine ??= `<line number="${attributes.number}" hits="${attributes.hits}">`;
            return;
          }
          addHit(current, number, hits);
        } else if (name === 'source' && !selfClosing) {
          sourceText = '';
        }
      },
      close(name) {
        if (name === 'class') current = undefined;
        else if (name === 'method') methodDepth = Math.max(0, methodDepth - 1);
        else if (name === 'source' && sourceText !== undefined) {
          if (sourceText.trim()) sources.push(sourceText.trim());
          sourceText = undefined;
        }
      },
      text(text) {
        if (sourceText !== undefined) sourceText += text;
      },
    });
  } catch (error) {
    if (error instanceof XmlError) throw new ReportError(file, `malformed XML (${error.message})`);
    throw error;
  }
  if (badLine) throw new ReportError(file, `a line entry with a bad number or hit count: ${badLine}`);
  if (files.size === 0) throw new ReportError(file, 'empty coverage report: it lists no source files');
  return { format: 'cobertura', sources, files };
}
