import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Scalar,
  type Node,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { formatNumber, type PromClient, type PromSeries } from './prometheus.js';
import { InputError } from '../errors.js';
import { parseSelector, PromqlError, scopeExpression, type LabelMatcher } from './scope.js';
import type { Check, ProbeResult } from './types.js';

/**
 * A team's own Prometheus alerting rules as verify checks (`prometheus-rules`): the file on call
 * is paged from, in the usual `groups: - rules: - alert:` form, each rule's expression scoped to
 * the release (src/health/scope.ts) and evaluated by Prometheus. A rule that would fire is a
 * failing check named after the alert.
 *
 * `for:` means what it means to Prometheus: the condition holds at every evaluation for that
 * long. We ask Prometheus for the scoped expression over [now - for, now] (a range query, one
 * point per step) and call the alert firing when a series is present at every point; present at
 * the last point only is pending (inconclusive: the condition holds, but not yet long enough).
 * Prometheus judges from the time it loaded the rule; we judge from the data (a condition that
 * held before verify started counts), so `for:` must fit in the gate's timeout or window.
 */

export interface AlertRule {
  alert: string;
  expr: string;
  /** `for:` in ms (0: fires as soon as the expression returns a series). */
  forMs: number;
  /** `for:` as written ('' when absent). */
  forText: string;
  /** 1-based line of the rule's `alert:` in the file. */
  line: number;
  /** 1-based line where the expression's text starts (the line after `expr: |`). */
  exprLine: number;
}

export interface ScopedRule extends AlertRule {
  /** The check's name: `alert <name>`, with its line when the file repeats the name. */
  checkName: string;
  /** The expression with the release's matchers in every vector selector. */
  scoped: string;
  /** Each vector selector as scoped: what the rule can see of the release. */
  selectors: string[];
}

/** A rules file that cannot be used: the message names the file and the line. */
export class RulesFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    problem: string,
  ) {
    super(`${file}${line ? ` line ${line}` : ''}: ${problem}`);
    this.name = 'RulesFileError';
  }
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** A Prometheus duration (`1m`, `1h30m`, `500ms`, `0s`) in ms; undefined if not one. */
export function parsePromDuration(text: string): number | undefined {
  const t = text.trim();
  if (!/^(?:\d+(?:ms|s|m|h|d|w|y))+$/.test(t)) return t === '0' ? 0 : undefined;
  let ms = 0;
  for (const [, n, unit] of t.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) {
    ms += Number(n) * DURATION_UNITS[unit!]!;
  }
  return ms;
}

/** Ms as a PromQL duration (`360s`, `1500ms`). */
export function promDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

const GROUP_KEYS = new Set(['name', 'interval', 'limit', 'rules', 'query_offset', 'labels']);
const RULE_KEYS = new Set([
  'alert',
  'record',
  'expr',
  'for',
  'keep_firing_for',
  'labels',
  'annotations',
]);

/** Parses a Prometheus rules file: its alerting rules (recording rules are skipped). */
export function parseRulesFile(text: string, file: string): AlertRule[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new RulesFileError(
      file,
      lines.linePos(e.pos[0]).line,
      `not valid YAML: ${e.message.split('\n')[0]}`,
    );
  }
  const lineOf = (node: Node | null | undefined): number | undefined =>
    node?.range ? lines.linePos(node.range[0]).line : undefined;
  const fail = (node: Node | null | undefined, problem: string): never => {
    throw new RulesFileError(file, lineOf(node), problem);
  };

  const root = doc.contents;
  if (!isMap(root)) fail(root, "expected a mapping with 'groups:' (a Prometheus rules file)");
  const groups = (root as YAMLMap).get('groups', true) as Node | undefined;
  if (!isSeq(groups)) fail(groups ?? root, "expected 'groups:' with a list of rule groups");
  const alerts: AlertRule[] = [];
  const groupNames = new Set<string>();
  for (const group of (groups as YAMLSeq).items as Node[]) {
    if (!isMap(group)) fail(group, 'a rule group must be a mapping with name: and rules:');
    const g = group as YAMLMap;
    for (const pair of g.items) {
      const key = String((pair.key as Scalar).value);
      if (!GROUP_KEYS.has(key)) fail(pair.key as Node, `unknown key '${key}' in a rule group`);
    }
    const name = g.get('name', true) as Node | undefined;
    if (!isScalar(name) || typeof name.value !== 'string' || !name.value) {
      fail(name ?? group, 'a rule group needs a name');
    }
    const groupName = String((name as Scalar).value);
    if (groupNames.has(groupName)) fail(name, `group name '${groupName}' repeated`);
    groupNames.add(groupName);
    const rules = g.get('rules', true) as Node | undefined;
    if (rules === undefined || (isScalar(rules) && rules.value === null)) continue;
    if (!isSeq(rules)) fail(rules, `group '${groupName}': rules: must be a list`);
    for (const rule of (rules as YAMLSeq).items as Node[]) {
      const alert = parseRule(rule, fail, lineOf);
      if (alert) alerts.push(alert);
    }
  }
  if (alerts.length === 0) fail(undefined, 'has no alerting rule (alert: ... expr: ...)');
  return alerts;
}

function parseRule(
  rule: Node,
  fail: (node: Node | null | undefined, problem: string) => never,
  lineOf: (node: Node | null | undefined) => number | undefined,
): AlertRule | undefined {
  if (!isMap(rule)) fail(rule, 'a rule must be a mapping with alert: (or record:) and expr:');
  const r = rule as YAMLMap;
  for (const pair of r.items) {
    const key = String((pair.key as Scalar).value);
    if (!RULE_KEYS.has(key)) fail(pair.key as Node, `unknown key '${key}' in a rule`);
  }
  const alertNode = r.get('alert', true) as Node | undefined;
  const recordNode = r.get('record', true) as Node | undefined;
  if (alertNode && recordNode) fail(rule, 'a rule has either alert: or record:, not both');
  if (!alertNode && !recordNode) fail(rule, 'a rule needs alert: or record:');
  const exprNode = r.get('expr', true) as Node | undefined;
  const label = alertNode ? `alert ${String((alertNode as Scalar).value)}` : 'recording rule';
  if (!isScalar(exprNode) || exprNode.value === null || String(exprNode.value).trim() === '') {
    fail(exprNode ?? rule, `${label}: expr: is missing`);
  }
  if (!alertNode) return undefined;
  const alert = (alertNode as Scalar).value;
  if (!isScalar(alertNode) || typeof alert !== 'string' || alert.trim() === '') {
    fail(alertNode, `alert name ${JSON.stringify(alert)} must be a non-empty string`);
  }
  const alertName = alert as string;
  const expr = String((exprNode as Scalar).value);
  const forNode = r.get('for', true) as Node | undefined;
  let forMs = 0;
  let forText = '';
  if (forNode !== undefined) {
    forText = String((forNode as Scalar).value ?? '');
    const parsed = isScalar(forNode) ? parsePromDuration(forText) : undefined;
    if (parsed === undefined) {
      fail(
        forNode,
        `alert ${alertName}: for: ${JSON.stringify(forText)} is not a duration like 1m or 30s`,
      );
    }
    forMs = parsed!;
  }
  const block =
    (exprNode as Scalar).type === Scalar.BLOCK_LITERAL ||
    (exprNode as Scalar).type === Scalar.BLOCK_FOLDED;
  const exprLine = lineOf(exprNode)! + (block ? 1 : 0);
  return { alert: alertName, expr, forMs, forText, line: lineOf(alertNode)!, exprLine };
}

/**
 * Scopes each rule to the release. Throws a RulesFileError naming the alert and its line when an
 * expression does not parse or cannot be scoped. Done before any probe.
 */
export function scopeRules(
  rules: readonly AlertRule[],
  selector: readonly LabelMatcher[],
  range: string,
  file: string,
): ScopedRule[] {
  const repeated = (alert: string) => rules.filter((r) => r.alert === alert).length > 1;
  return rules.map((rule) => {
    try {
      // A target that went down must stay joined for the whole for: (src/health/scope.ts).
      const lookback = (parsePromDuration(range) ?? 300_000) + rule.forMs;
      const { expr, selectors } = scopeExpression(rule.expr, selector, promDuration(lookback));
      const checkName = `alert ${rule.alert}${repeated(rule.alert) ? ` (line ${rule.line})` : ''}`;
      return { ...rule, checkName, scoped: expr, selectors };
    } catch (error) {
      if (error instanceof PromqlError) {
        // The line of the error inside a multi-line expr (exact for `|` blocks).
        const line = rule.exprLine + rule.expr.slice(0, error.at).split('\n').length - 1;
        throw new RulesFileError(file, line, `alert ${rule.alert}: expr ${error.message}`);
      }
      throw error;
    }
  });
}

/**
 * The `prometheus-rules` input: the rules file (a path inside the repository), parsed and every
 * alert scoped to the release selector, or an InputError naming the input, the file, the line and
 * the alert. Runs while the inputs are read: before any probe.
 */
export function loadScopedRules(
  path: string,
  selectorText: string,
  range: string,
  options: {
    input: string;
    selectorInput: string;
    readFile?: (path: string) => string;
    workspace?: string;
    /**
     * The CLI: the file is the operator's own (a path in its config file, made absolute there),
     * so it need not be inside a repository.
     */
    anywhere?: boolean;
  },
): ScopedRule[] {
  const workspace = resolve(options.workspace ?? process.env.GITHUB_WORKSPACE ?? process.cwd());
  const full = resolve(workspace, path);
  const inside = relative(workspace, full);
  if (!options.anywhere && (isAbsolute(path) || inside.startsWith('..') || isAbsolute(inside))) {
    throw new InputError(
      options.input,
      `must be a path inside the repository, got ${JSON.stringify(path)}`,
    );
  }
  let text: string;
  try {
    text = (options.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(full);
  } catch (error) {
    throw new InputError(options.input, `cannot read ${path}: ${(error as Error).message}`);
  }
  let selector: LabelMatcher[];
  try {
    selector = parseSelector(selectorText);
  } catch (error) {
    throw new InputError(options.selectorInput, (error as Error).message);
  }
  try {
    return scopeRules(parseRulesFile(text, path), selector, range, path);
  } catch (error) {
    if (error instanceof RulesFileError) throw new InputError(options.input, error.message);
    throw error;
  }
}

/** One point per step over `for` (for/20, 1-15 s, fewer than 11,000 points). */
export function ruleStepMs(forMs: number): number {
  // Whole seconds, and never more than Prometheus' 11,000 points per series (a `for: 1w`).
  const fine = Math.min(15_000, Math.max(1000, Math.round(forMs / 20 / 1000) * 1000));
  return Math.max(fine, Math.ceil(forMs / 10_000 / 1000) * 1000);
}

function labelsText(labels: Record<string, string>): string {
  const inner = Object.entries(labels)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return inner ? `{${inner}}` : '{}';
}

/**
 * Pure: judge a rule from the scoped expression's series over [end - for, end] (one point per
 * step; for: 0 is one point). `seen` counts the release's series the rule's selectors see.
 */
export function judgeRule(
  rule: ScopedRule,
  series: readonly PromSeries[],
  window: { startMs: number; endMs: number; stepMs: number },
  seen: number,
): ProbeResult {
  const points =
    rule.forMs > 0 ? Math.floor((window.endMs - window.startMs) / window.stepMs) + 1 : 1;
  const atEnd = (s: PromSeries) => s.points.some((p) => Math.abs(p.t - window.endMs) < 1);
  const firing = series.filter((s) => s.points.length >= points && atEnd(s));
  const held = rule.forMs > 0 ? ` held for ${rule.forText} (${points} of ${points} points)` : '';
  if (firing.length > 0) {
    const shown = firing
      .slice(0, 3)
      .map((s) => `${labelsText(s.labels)} ${formatNumber(s.points.at(-1)!.value)}`)
      .join(', ');
    return {
      status: 'fail',
      value: firing[0]!.points.at(-1)!.value,
      summary: `firing: ${shown}${firing.length > 3 ? ` and ${firing.length - 3} more` : ''}${held}; expr: ${rule.scoped.trim()}`,
    };
  }
  const pending = series.filter(atEnd);
  if (pending.length > 0) {
    const longest = Math.max(...pending.map((s) => trailingRun(s, window)));
    return {
      status: 'inconclusive',
      value: pending[0]!.points.at(-1)!.value,
      summary: `pending: ${labelsText(pending[0]!.labels)} ${formatNumber(pending[0]!.points.at(-1)!.value)} holds at the last ${longest} of ${points} points (for: ${rule.forText}); expr: ${rule.scoped.trim()}`,
    };
  }
  return {
    status: 'pass',
    summary:
      seen > 0
        ? `not firing; its selectors see ${formatNumber(seen)} series of the release`
        : 'not firing; its selectors see no series of the release (it cannot fire for it)',
  };
}

/** How many points at the end of the window a series is present without a gap. */
function trailingRun(s: PromSeries, window: { endMs: number; stepMs: number }): number {
  const times = new Set(s.points.map((p) => Math.round(p.t)));
  let n = 0;
  while (times.has(Math.round(window.endMs - n * window.stepMs))) n += 1;
  return n;
}

/** PromQL: how many series of the release the rule's selectors see (0 when none). */
export function seenQuery(rule: Pick<ScopedRule, 'selectors'>): string {
  return [...new Set(rule.selectors)].map((s) => `(count(${s}) or vector(0))`).join(' + ');
}

/**
 * One more check beside the rules: a rule that sees no series of the release does not fire, as
 * for Prometheus, but a rules file that sees NOTHING of the release (a wrong selector, a release
 * not scraped) is blind, and a blind gate stays shut (ADR 5): inconclusive, never a pass.
 */
export function rulesCoverageCheck(rules: readonly ScopedRule[], client: PromClient): Check {
  const query = seenQuery({ selectors: rules.flatMap((r) => r.selectors) });
  return {
    name: 'alert rules see the release',
    kind: 'prometheus',
    async probe(now) {
      const samples = await client.query(query, { atMs: Math.floor(now / 1000) * 1000 });
      const seen = samples.reduce((n, s) => n + (Number.isFinite(s.value) ? s.value : 0), 0);
      return seen > 0
        ? {
            status: 'pass',
            value: seen,
            summary: `the ${rules.length} rule(s) see ${formatNumber(seen)} series of the release`,
          }
        : {
            status: 'inconclusive',
            value: 0,
            summary: `none of the ${rules.length} rule(s) sees a series of the release: check the selector`,
          };
    },
  };
}

export function ruleCheck(rule: ScopedRule, client: PromClient): Check {
  return {
    name: rule.checkName,
    kind: 'prometheus',
    async probe(now) {
      const stepMs = ruleStepMs(rule.forMs);
      // Whole seconds: Prometheus's points then fall on the times we compare against.
      const endMs = Math.floor(now / 1000) * 1000;
      const startMs = endMs - Math.floor(rule.forMs / stepMs) * stepMs;
      const series =
        rule.forMs > 0
          ? await client.queryRange(rule.scoped, { startMs, endMs, stepMs })
          : (await client.query(rule.scoped, { atMs: endMs })).map((s) => ({
              labels: s.labels,
              points: [{ t: endMs, value: s.value }],
            }));
      const seen = (await client.query(seenQuery(rule), { atMs: endMs })).reduce(
        (sum, s) => sum + (Number.isFinite(s.value) ? s.value : 0),
        0,
      );
      return judgeRule(rule, series, { startMs, endMs, stepMs }, seen);
    },
  };
}
