import type { SyntaxNode } from '@lezer/common';

/**
 * The value types of PromQL (instant vector, range vector, scalar, string), checked on the
 * lezer-promql tree the way Prometheus' parser checks them, so a rule like `rate(up)` is refused
 * while the inputs are read instead of failing at every probe. Functions this table does not
 * know are left to Prometheus (a newer grammar knows more than an older server).
 */

/** A PromQL expression that cannot be parsed, typed or scoped: `at` is the character offset. */
export class PromqlError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
    this.name = 'PromqlError';
  }
}

export type PromType = 'vector' | 'matrix' | 'scalar' | 'string';
type Known = PromType | 'unknown';

const NAMES: Record<PromType, string> = {
  vector: 'an instant vector',
  matrix: 'a range vector',
  scalar: 'a scalar',
  string: 'a string',
};

interface Signature {
  args: PromType[];
  /** Arguments that may be left out, from the end. */
  optional?: number;
  /** The last argument may appear any number of times, none included (Prometheus' Variadic -1). */
  variadic?: boolean;
  returns: PromType;
}

const V: Signature = { args: ['vector'], returns: 'vector' };
const M: Signature = { args: ['matrix'], returns: 'vector' };
const DATE: Signature = { args: ['vector'], optional: 1, returns: 'vector' };

const FUNCTIONS: Record<string, Signature> = {
  ...Object.fromEntries(
    [
      'abs', 'absent', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'ceil', 'cos', 'cosh',
      'deg', 'exp', 'floor', 'histogram_avg', 'histogram_count', 'histogram_stddev',
      'histogram_stdvar', 'histogram_sum', 'ln', 'log10', 'log2', 'rad', 'sgn', 'sin', 'sinh',
      'sort', 'sort_desc', 'sqrt', 'tan', 'tanh', 'timestamp',
    ].map((n) => [n, V]),
  ),
  ...Object.fromEntries(
    [
      'absent_over_time', 'avg_over_time', 'changes', 'count_over_time', 'delta', 'deriv',
      'first_over_time', 'idelta', 'increase', 'irate', 'last_over_time', 'mad_over_time',
      'max_over_time', 'min_over_time', 'present_over_time', 'rate', 'resets',
      'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'ts_of_first_over_time',
      'ts_of_last_over_time', 'ts_of_max_over_time', 'ts_of_min_over_time',
    ].map((n) => [n, M]),
  ),
  ...Object.fromEntries(
    [
      'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month',
      'year',
    ].map((n) => [n, DATE]),
  ),
  clamp: { args: ['vector', 'scalar', 'scalar'], returns: 'vector' },
  clamp_max: { args: ['vector', 'scalar'], returns: 'vector' },
  clamp_min: { args: ['vector', 'scalar'], returns: 'vector' },
  double_exponential_smoothing: { args: ['matrix', 'scalar', 'scalar'], returns: 'vector' },
  holt_winters: { args: ['matrix', 'scalar', 'scalar'], returns: 'vector' },
  histogram_fraction: { args: ['scalar', 'scalar', 'vector'], returns: 'vector' },
  histogram_quantile: { args: ['scalar', 'vector'], returns: 'vector' },
  label_join: { args: ['vector', 'string', 'string', 'string'], variadic: true, returns: 'vector' },
  label_replace: {
    args: ['vector', 'string', 'string', 'string', 'string'],
    returns: 'vector',
  },
  predict_linear: { args: ['matrix', 'scalar'], returns: 'vector' },
  quantile_over_time: { args: ['scalar', 'matrix'], returns: 'vector' },
  round: { args: ['vector', 'scalar'], optional: 1, returns: 'vector' },
  scalar: { args: ['vector'], returns: 'scalar' },
  sort_by_label: { args: ['vector', 'string'], variadic: true, returns: 'vector' },
  sort_by_label_desc: { args: ['vector', 'string'], variadic: true, returns: 'vector' },
  time: { args: [], returns: 'scalar' },
  pi: { args: [], returns: 'scalar' },
  vector: { args: ['scalar'], returns: 'vector' },
}; // prettier-ignore

/** Aggregations that take a parameter before the vector, and its type. */
const AGGREGATION_PARAM: Record<string, PromType> = {
  topk: 'scalar',
  bottomk: 'scalar',
  quantile: 'scalar',
  limitk: 'scalar',
  limit_ratio: 'scalar',
  count_values: 'string',
};

const SET_OPERATORS = new Set(['And', 'Or', 'Unless']);
const COMPARISONS = new Set(['Eql', 'Neq', 'Gtr', 'Lss', 'Gte', 'Lte']);
const EXPRESSIONS = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'OffsetExpr',
  'ParenExpr',
  'StepInvariantExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
  'AnchoredExpr',
  'SmoothedExpr',
]);

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

const operands = (node: SyntaxNode) => children(node).filter((c) => EXPRESSIONS.has(c.name));

function expect(node: SyntaxNode, got: Known, want: PromType, where: string, text: string): void {
  if (got === 'unknown' || got === want) return;
  const hint =
    want === 'matrix' && got === 'vector'
      ? ` (add a range: ${text.slice(node.from, node.to)}[5m])`
      : '';
  throw new PromqlError(`${where} expects ${NAMES[want]}, got ${NAMES[got]}${hint}`, node.from);
}

/** The type of an expression node; throws a PromqlError where types do not fit. */
export function typeOf(node: SyntaxNode, text: string): Known {
  switch (node.name) {
    case 'PromQL': {
      const [inner] = operands(node);
      return inner ? typeOf(inner, text) : 'unknown';
    }
    case 'VectorSelector':
      return 'vector';
    case 'MatrixSelector':
    case 'SubqueryExpr': {
      const [inner] = operands(node);
      if (inner && node.name === 'SubqueryExpr') {
        expect(inner, typeOf(inner, text), 'vector', 'a subquery', text);
      }
      return 'matrix';
    }
    case 'NumberDurationLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'ParenExpr':
    case 'OffsetExpr':
    case 'StepInvariantExpr':
    case 'AnchoredExpr':
    case 'SmoothedExpr': {
      const [inner] = operands(node);
      return inner ? typeOf(inner, text) : 'unknown';
    }
    case 'UnaryExpr': {
      const [inner] = operands(node);
      const t = inner ? typeOf(inner, text) : 'unknown';
      if (t === 'matrix' || t === 'string') {
        throw new PromqlError(`a unary sign needs a scalar or an instant vector`, node.from);
      }
      return t;
    }
    case 'AggregateExpr':
      return aggregateType(node, text);
    case 'FunctionCall':
      return functionType(node, text);
    case 'BinaryExpr':
      return binaryType(node, text);
    default:
      return 'unknown';
  }
}

function aggregateType(node: SyntaxNode, text: string): Known {
  const op = node.getChild('AggregateOp');
  const name = op ? text.slice(op.from, op.to).toLowerCase() : '';
  const body = node.getChild('FunctionCallBody');
  const args = body ? operands(body) : [];
  const param = AGGREGATION_PARAM[name];
  const wanted: PromType[] = param ? [param, 'vector'] : ['vector'];
  if (args.length !== wanted.length) {
    throw new PromqlError(
      `${name}() takes ${wanted.length} argument(s), got ${args.length}`,
      node.from,
    );
  }
  args.forEach((a, i) => expect(a, typeOf(a, text), wanted[i]!, `${name}()`, text));
  return 'vector';
}

function functionType(node: SyntaxNode, text: string): Known {
  const id = node.getChild('FunctionIdentifier');
  const name = id ? text.slice(id.from, id.to) : '';
  const body = node.getChild('FunctionCallBody');
  const args = body ? operands(body) : [];
  const signature = FUNCTIONS[name];
  if (!signature) {
    for (const a of args) typeOf(a, text);
    return 'unknown';
  }
  const min = signature.args.length - (signature.optional ?? 0) - (signature.variadic ? 1 : 0);
  const max = signature.variadic ? Infinity : signature.args.length;
  if (args.length < min || args.length > max) {
    const count =
      min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new PromqlError(`${name}() takes ${count} argument(s), got ${args.length}`, node.from);
  }
  args.forEach((a, i) => {
    const want = signature.args[Math.min(i, signature.args.length - 1)]!;
    expect(a, typeOf(a, text), want, `${name}()`, text);
  });
  return signature.returns;
}

function binaryType(node: SyntaxNode, text: string): Known {
  const [lhs, rhs] = operands(node);
  if (!lhs || !rhs) return 'unknown';
  const l = typeOf(lhs, text);
  const r = typeOf(rhs, text);
  const op = children(node).find(
    (c) => !EXPRESSIONS.has(c.name) && c.from >= lhs.to && c.to <= rhs.from,
  );
  const opName = op?.name ?? '';
  for (const [side, t] of [
    [lhs, l],
    [rhs, r],
  ] as const) {
    if (t === 'matrix' || t === 'string') {
      throw new PromqlError(
        `a binary operator needs scalars or instant vectors, got ${NAMES[t]}`,
        side.from,
      );
    }
  }
  if (SET_OPERATORS.has(opName)) {
    expect(lhs, l, 'vector', `${opName.toLowerCase()}`, text);
    expect(rhs, r, 'vector', `${opName.toLowerCase()}`, text);
    return 'vector';
  }
  if (l === 'unknown' || r === 'unknown') return 'unknown';
  if (l === 'scalar' && r === 'scalar') {
    if (COMPARISONS.has(opName) && !node.getChild('BoolModifier')) {
      throw new PromqlError('a comparison between two scalars needs the bool modifier', node.from);
    }
    return 'scalar';
  }
  return 'vector';
}

/** Refuses an expression whose types do not fit, or whose result an alert cannot use. */
export function checkAlertTypes(top: SyntaxNode, text: string): void {
  const result = typeOf(top, text);
  if (result === 'matrix' || result === 'string') {
    throw new PromqlError(
      `gives ${NAMES[result]}; an alert needs an instant vector (or a scalar)`,
      0,
    );
  }
}
