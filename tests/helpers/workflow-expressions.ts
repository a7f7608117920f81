/**
 * GitHub's own expression engine (@actions/expressions) over a workflow's expressions: the tests
 * evaluate the workflows' `if:` conditions and `with:` / `env:` values as a runner would.
 */
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';

type Json = unknown;

/** The job-status functions an `if:` may call. */
export const STATUS = ['success', 'failure', 'always', 'cancelled'];

/** Evaluates one expression (without ${{ }}) with the given contexts and job status. */
export function evaluate(
  expression: string,
  contexts: Record<string, Json>,
  status: { failed?: boolean; cancelled?: boolean } = {},
): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const parser = new Parser(
    lexed.tokens,
    Object.keys(contexts),
    STATUS.map((name) => ({ name, minArgs: 0, maxArgs: 0 })),
  );
  const context = new data.Dictionary(
    ...Object.entries(contexts).map(([key, value]) => ({
      key,
      value: JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData,
    })),
  );
  const functions = new Map(
    Object.entries({
      success: !status.failed && !status.cancelled,
      failure: !!status.failed,
      always: true,
      cancelled: !!status.cancelled,
    }).map(([name, value]) => [
      name,
      { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value) },
    ]),
  );
  return new Evaluator(parser.parse(), context, functions).evaluate();
}

/** A value with ${{ }} parts evaluated (as the runner does for with:, env: and names). */
export function interpolate(value: string, contexts: Record<string, Json>): string {
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_m, expr: string) =>
    evaluate(expr, contexts).coerceString(),
  );
}

/** The expression language's truthiness (@actions/expressions keeps its own unexported). */
export function truthy(value: data.ExpressionData): boolean {
  if (value instanceof data.BooleanData) return value.value;
  if (value instanceof data.Null) return false;
  if (value instanceof data.NumberData) return value.value !== 0 && !Number.isNaN(value.value);
  if (value instanceof data.StringData) return value.value.length > 0;
  return true;
}
