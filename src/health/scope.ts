import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { checkAlertTypes, PromqlError } from './promql-types.js';

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

export { PromqlError };

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

function matchesEmpty(m: LabelMatcher): boolean {
  if (m.op === '=') return m.value === '';
  if (m.op === '!=') return m.value !== '';
  let empty: boolean;
  try {
    empty = new RegExp(`^(?:${m.value})$`).test('');
  } catch {
    return false; // Prometheus will say what is wrong with the regex
  }
  return m.op === '=~' ? empty : !empty;
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
  // Prometheus refuses `{...}` when every matcher matches the empty label (it would select all).
  if (matchers.every(matchesEmpty)) {
    throw new Error(
      `selects every series (each matcher also matches an absent label): add one like job="bot"`,
    );
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

/** Modifiers that apply to the selector itself: a join goes around them, not inside. */
const SELECTOR_MODIFIERS = new Set(['OffsetExpr', 'StepInvariantExpr']);

/**
 * Where the target join of a per-target selector goes: around the selector (with its offset or
 * @), or, for a range (`changes(up[10m])`), around the range function's call, whose result keeps
 * job and instance. absent_over_time() makes its labels from the matchers: refused.
 */
function joinPoint(vs: SyntaxNode, text: string, name: string): SyntaxNode {
  const up = (n: SyntaxNode) => {
    while (n.parent && SELECTOR_MODIFIERS.has(n.parent.name)) n = n.parent;
    return n;
  };
  const node = up(vs);
  if (node.parent?.name !== 'MatrixSelector') return node;
  const range = up(node.parent);
  const call = range.parent?.name === 'FunctionCallBody' ? range.parent.parent : null;
  const id = call?.name === 'FunctionCall' ? call.getChild('FunctionIdentifier') : null;
  const fn = id ? text.slice(id.from, id.to) : '';
  if (!call || !id || fn === 'absent_over_time') {
    throw new PromqlError(
      `uses ${JSON.stringify(text.slice(range.from, range.to))}${fn ? ` in ${fn}()` : ''}: ${name} carries only target labels and is scoped by a join on job and instance around the range function, which this place does not allow; write it as an instant comparison (e.g. ${name} == 0) and let for: hold it`,
      vs.from,
    );
  }
  return call;
}

/**
 * Injects the release's matchers into every vector selector of `expr`. Throws a PromqlError when
 * the expression does not parse, its types do not fit (src/health/promql-types.ts), it has no
 * vector selector (it would judge every release alike), it pins a selector label to another
 * value, or a per-target series sits where no join fits (`absent_over_time(up[5m])`).
 */
export function scopeExpression(
  expr: string,
  selector: readonly LabelMatcher[],
  range: string,
): ScopedExpression {
  const top = parsePromql(expr);
  checkAlertTypes(top, expr);
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
      const at = joinPoint(vs, expr, name);
      const join = ` and on (job, instance) ${releaseTargets(selectorText, range)}`;
      edits.push(
        { from: at.from, to: at.from, text: '(' },
        { from: at.to, to: at.to, text: `${join})` },
      );
      scopedSelectors.push(`(${original}${join})`);
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
  // From the end, so earlier positions stay valid; edits at one position keep the order they
  // were pushed in.
  const ordered = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.from - a.from || b.i - a.i);
  for (const e of ordered) {
    out = out.slice(0, e.from) + e.text + out.slice(e.to);
  }
  return { expr: out, selectors: scopedSelectors };
}
