/**
 * The verify evidence summary and the coverage comment as GitHub renders them (marked, GFM):
 * the headline is the first thing shown, names with `user@host` in them are code and never
 * mailto links, durations read as people say them.
 */
import { describe, expect, it } from '@jest/globals';
import { marked } from 'marked';
import { renderMarkdown, type Outcome } from '../../src/coverage/outcome.js';
import { verdictMarkdown } from '../../src/health/summary.js';
import type { Verdict } from '../../src/health/types.js';

function render(markdown: string) {
  const html = marked.parse(markdown, { gfm: true, async: false }).trim();
  // the first block a reader sees (an HTML comment marker shows nothing)
  const visible = html.replace(/^<!--[\s\S]*?-->\s*/, '');
  const first = /^<(\w+)[^>]*>([\s\S]*?)<\/\1>/.exec(visible);
  return {
    html,
    firstTag: first?.[1],
    headline: (first?.[2] ?? '').replace(/<[^>]+>/g, ''),
    mailto: html.match(/href="mailto:[^"]*"/g) ?? [],
    codeSpans: [...html.matchAll(/<code>([^<]*)<\/code>/g)].map((m) => m[1]!),
  };
}

describe('verify evidence summary', () => {
  const name = 'logs shop-bot-green@deploy@prod-1:22';
  const verdict: Verdict = {
    outcome: 'fail',
    accepted: false,
    failedCheck: name,
    reason: `${name}: fatal pattern "Traceback" in "Traceback (most recent call last):"`,
    rounds: 40,
    startedAt: 0,
    decidedAt: 125_000,
    evidence: [
      {
        name,
        kind: 'logs',
        last: [{ status: 'fail', summary: 'fatal pattern "Traceback"', at: 124_000, round: 40 }],
        counts: { pass: 39, fail: 1, inconclusive: 0 },
        outcome: 'fail',
        reason: 'fatal pattern "Traceback"',
      },
    ],
  };

  it('the verdict first, the failing check as code (no mailto), a human duration', () => {
    const page = render(verdictMarkdown(verdict));
    expect(page.firstTag).toBe('h3');
    expect(page.headline).toBe('Verification: ❌ fail (not accepted)');
    expect(page.mailto).toEqual([]);
    expect(page.codeSpans.filter((c) => c === name)).toHaveLength(2); // the why and the table
    expect(page.html).toContain('40 round(s) of probes in 2 min 05 s.');
  });
});

describe('coverage comment', () => {
  const outcome: Outcome = {
    tests: {
      tests: 10,
      failures: 1,
      errors: 0,
      skipped: 0,
      failed: [
        {
          name: 'tests.test_mail.test_to_ops@example.org',
          kind: 'failure',
          message: 'sent to ops@example.org',
        },
      ],
    },
    exitCode: 1,
    coverage: { lines: 10, covered: 8 },
    diff: null,
    diffNote: 'not a pull request',
  };

  it('the outcome first after the hidden marker; names with @ are code, messages fenced', () => {
    const page = render(renderMarkdown(outcome, { marker: '<!-- tg-devops-coverage -->' }));
    expect(page.html.startsWith('<!-- tg-devops-coverage -->')).toBe(true);
    expect(page.firstTag).toBe('h3');
    expect(page.headline).toBe('❌ 1 of 10 tests failed · coverage 80.00%');
    expect(page.mailto).toEqual([]);
    expect(page.codeSpans).toContain('tests.test_mail.test_to_ops@example.org');
    expect(page.html).toMatch(
      /<pre><code class="language-text">sent to ops@example.org\n<\/code><\/pre>/,
    );
  });
});
