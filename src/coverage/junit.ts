import { type FailedTest, ReportError, type TestResults } from './model.js';
import { scanXml, XmlError } from './xml.js';

/**
 * JUnit XML as pytest (`--junitxml`) and most runners write it: <testsuites>? <testsuite>
 * <testcase classname name> with an optional <failure>, <error> or <skipped> child. Counts come
 * from the test cases themselves, not from the suites' attributes.
 */
export function parseJUnit(xml: string, file: string): TestResults {
  const result: TestResults = { tests: 0, failures: 0, errors: 0, skipped: 0, failed: [] };
  let root: string | undefined;
  let testcase: { name: string; outcome?: FailedTest['kind'] | 'skipped' } | undefined;
  let detail: FailedTest | undefined;
  let detailText = '';
  try {
    scanXml(xml, {
      open(name, attributes, selfClosing) {
        if (root === undefined) {
          root = name;
          if (name !== 'testsuites' && name !== 'testsuite') {
            throw new ReportError(file, `not a JUnit report: root element is <${name}>, expected <testsuites> or <testsuite>`);
          }
        }
        if (name === 'testcase') {
          result.tests++;
          const caseName = attributes.name ?? '(unnamed)';
          const classname = attributes.classname ?? '';
          testcase = { name: classname ? `${classname}.${caseName}` : caseName };
          if (selfClosing) testcase = undefined;
        } else if (testcase && (name === 'failure' || name === 'error')) {
          if (testcase.outcome === 'failure' || testcase.outcome === 'error') return;
          if (testcase.outcome === 'skipped') result.skipped--;
          testcase.outcome = name;
          if (name === 'failure') result.failures++;
          else result.errors++;
          detail = { name: testcase.name, kind: name, message: attributes.message ?? '' };
          detailText = '';
          result.failed.push(detail);
          if (selfClosing) detail = undefined;
        } else if (testcase && name === 'skipped' && testcase.outcome === undefined) {
          testcase.outcome = 'skipped';
          result.skipped++;
        }
      },
      close(name) {
        if (name === 'testcase') testcase = undefined;
        else if ((name === 'failure' || name === 'error') && detail) {
          if (!detail.message.trim()) detail.message = firstLines(detailText);
          detail = undefined;
        }
      },
      text(text) {
        if (detail) detailText += text;
      },
    });
  } catch (error) {
    if (error instanceof XmlError) throw new ReportError(file, `malformed XML (${error.message})`);
    throw error;
  }
  if (result.tests === 0) throw new ReportError(file, 'empty test report: it lists no test cases');
  return result;
}

function firstLines(text: string): string {
  const lines = text.trim().split('\n');
  // pytest puts the assertion last ("E   assert 1 == 2"): prefer the E lines.
  const errors = lines.filter((l) => /^E\s/.test(l)).map((l) => l.replace(/^E\s+/, ''));
  return (errors.length ? errors : lines.slice(-3)).join('\n').trim();
}
