import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

/**
 * Scoping PromQL to one release: the release's label matchers (`job="bot",version="v2"`) go into
 * EVERY vector selector of an expression, so an alert rule written for the whole service judges
 * only the new release's series. Parsed with Prometheus' own grammar (@prometheus-io/lezer-promql),
 * edited by node position: no regular expression touches PromQL here.
 *
 * Per-target series (`up`, `scrape_*`) are written by Prometheus for the target and carry only
 * target labels, never an app label like `version`: injecting the selector there would select
 * nothing, forever (the label trap of ADR 5). They are scoped through the targets that expose the
 * release's series instead, joined on job and instance (`releaseTargets`).
 */

export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  /** The unquoted value. */
  value: string;
  /** As written, quotes included: what goes back into PromQL. */
  text: string;
}

/** Series Prometheus writes per scrape: target labels only. */
export const PER_TARGET_SERIES: ReadonlySet<string> = new Set([
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
  'scrape_timeout_seconds',
  'scrape_sample_limit',
  'scrape_body_size_bytes',
]);

/** A PromQL expression that cannot be parsed or scoped: `at` is the character offset. */
export class PromqlError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
    this.name = 'PromqlError';
  }
}

function firstError(node: SyntaxNode): SyntaxNode | undefined {
  const cursor = node.cursor();
  do {
    if (cursor.type.isError) return cursor.node;
  } while (cursor.next());
  return undefined;
}

/** Parses PromQL; throws a PromqlError at the first syntax error. */
export function parsePromql(text: string): SyntaxNode {
  if (!text.trim()) throw new PromqlError('empty expression', 0);
  const top = parser.parse(text).topNode;
  const error = firstError(top);
  if (error) {
    const near = text.slice(error.from, error.from + 20);
    throw new PromqlError(
      `does not parse at character ${error.from + 1}${near ? ` (near ${JSON.stringify(near)})` : ' (the end)'}`,
      error.from,
    );
  }
  return top;
}

/** Go/PromQL string literal → its value (double and single quotes with escapes, backticks raw). */
export function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_, e: string) => {
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
      '\\': '\\',
      '"': '"',
      "'": "'",
    };
    if (e in simple) return simple[e]!;
    if (e[0] === 'u' || e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return e;
  });
}

function matchersOf(node: SyntaxNode, text: string): LabelMatcher[] {
  const out: LabelMatcher[] = [];
  for (let m = node.firstChild; m; m = m.nextSibling) {
    if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') continue;
    const nameNode = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
    const op = m.getChild('MatchOp');
    const value = m.getChild('StringLiteral');
    if (!nameNode || !op || !value) continue;
    const rawName = text.slice(nameNode.from, nameNode.to);
    out.push({
      name: nameNode.name === 'QuotedLabelName' ? unquote(rawName) : rawName,
      op: text.slice(op.from, op.to) as LabelMatcher['op'],
      value: unquote(text.slice(value.from, value.to)),
      text: text.slice(m.from, m.to),
    });
  }
  return out;
}

/**
 * The release selector as label matchers: `job="bot",version="v2"` (braces optional). Throws
 * an Error saying what is wrong (a metric name, a syntax error, nothing to match).
 */
export function parseSelector(selector: string): LabelMatcher[] {
  const inner = selector.trim().replace(/^\{([\s\S]*)\}$/, '$1');
  const text = `{${inner}}`;
  let top: SyntaxNode;
  try {
    top = parsePromql(text);
  } catch (error) {
    throw new Error(
      `is not a list of label matchers like job="bot",version="v2": ${(error as Error).message}`,
    );
  }
  const vs = top.firstChild;
  const lm = vs?.name === 'VectorSelector' ? vs.getChild('LabelMatchers') : null;
  if (
    !vs ||
    vs.nextSibling ||
    !lm ||
    vs.getChild('Identifier') ||
    lm.from !== 0 ||
    lm.to !== text.length
  ) {
    throw new Error(
      `is not a list of label matchers like job="bot",version="v2": ${JSON.stringify(selector)}`,
    );
  }
  const matchers = matchersOf(lm, text);
  if (matchers.length === 0) throw new Error('has no label matcher');
  if (matchers.some((m) => m.name === '__name__')) {
    throw new Error('must select the release, not a metric: drop the __name__ matcher');
  }
  return matchers;
}

/** PromQL: the (job, instance) of every target that exposed a series of the release in the range. */
export function releaseTargets(selector: string, range: string): string {
  return `group by (job, instance) (last_over_time({${selector}}[${range}]))`;
}

export interface ScopedExpression {
  /** The expression with the release's matchers in every vector selector. */
  expr: string;
  /**
   * One PromQL expression per vector selector, as scoped: what the rule looks at. `count(...)`
   * of each says whether the release has any series the rule can see.
   */
  selectors: string[];
}

function metricNameOf(
  vs: SyntaxNode,
  text: string,
  own: readonly LabelMatcher[],
): string | undefined {
  const id = vs.getChild('Identifier');
  if (id) return text.slice(id.from, id.to);
  return own.find((m) => m.name === '__name__' && m.op === '=')?.value;
}

/** Nodes whose vector-selector child must stay a plain selector (no parenthesised join there). */
const SELECTOR_ONLY_PARENTS = new Set(['MatrixSelector', 'OffsetExpr', 'StepInvariantExpr']);

/**
 * Injects the release's matchers into every vector selector of `expr`. Throws a PromqlError when
 * the expression does not parse, has no vector selector (it would judge every release alike), pins
 * a selector label to another value, or uses a per-target series where only a plain selector fits
 * (`up[5m]`, `up offset 5m`).
 */
export function scopeExpression(
  expr: string,
  selector: readonly LabelMatcher[],
  range: string,
): ScopedExpression {
  const top = parsePromql(expr);
  const selectorText = selector.map((m) => m.text).join(',');
  const selectorsFound: SyntaxNode[] = [];
  const cursor = top.cursor();
  do {
    if (cursor.name === 'VectorSelector') selectorsFound.push(cursor.node);
  } while (cursor.next());
  if (selectorsFound.length === 0) {
    throw new PromqlError(
      'has no vector selector, so it would judge every release alike: it cannot be scoped',
      0,
    );
  }
  const edits: { from: number; to: number; text: string }[] = [];
  const scopedSelectors: string[] = [];
  for (const vs of selectorsFound) {
    const lm = vs.getChild('LabelMatchers');
    const own = lm ? matchersOf(lm, expr) : [];
    const original = expr.slice(vs.from, vs.to);
    const name = metricNameOf(vs, expr, own);
    for (const m of selector) {
      const clash = own.find(
        (o) => o.name === m.name && o.op === '=' && m.op === '=' && o.value !== m.value,
      );
      if (clash) {
        throw new PromqlError(
          `selects ${clash.text} in ${JSON.stringify(original)}, but the release is ${m.text}: it cannot be scoped to this release`,
          vs.from,
        );
      }
    }
    if (name !== undefined && PER_TARGET_SERIES.has(name)) {
      const parent = vs.parent?.name ?? '';
      if (SELECTOR_ONLY_PARENTS.has(parent)) {
        throw new PromqlError(
          `uses ${JSON.stringify(expr.slice(vs.parent!.from, vs.parent!.to))}: ${name} carries only target labels and is scoped by a join on job and instance, which cannot stand inside a range or offset selector; write it as an instant comparison (e.g. ${name} == 0) and let for: hold it`,
          vs.from,
        );
      }
      const joined = `(${original} and on (job, instance) ${releaseTargets(selectorText, range)})`;
      edits.push({ from: vs.from, to: vs.to, text: joined });
      scopedSelectors.push(joined);
      continue;
    }
    const missing = selector.filter(
      (m) => !own.some((o) => o.name === m.name && o.op === m.op && o.value === m.value),
    );
    let scoped = original;
    if (missing.length > 0) {
      const add = missing.map((m) => m.text).join(',');
      if (lm) {
        // Before the closing brace, after any trailing comma.
        const inside = expr.slice(lm.from + 1, lm.to - 1);
        const sep = inside.trim() === '' || inside.trimEnd().endsWith(',') ? '' : ',';
        edits.push({ from: lm.to - 1, to: lm.to - 1, text: `${sep}${add}` });
        scoped = `${expr.slice(vs.from, lm.to - 1)}${sep}${add}${expr.slice(lm.to - 1, vs.to)}`;
      } else {
        edits.push({ from: vs.to, to: vs.to, text: `{${add}}` });
        scoped = `${original}{${add}}`;
      }
    }
    scopedSelectors.push(`last_over_time(${scoped}[${range}])`);
  }
  let out = expr;
  for (const e of [...edits].sort((a, b) => b.from - a.from)) {
    out = out.slice(0, e.from) + e.text + out.slice(e.to);
  }
  return { expr: out, selectors: scopedSelectors };
}
