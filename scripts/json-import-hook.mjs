// @actions/workflow-parser imports its JSON schemas without import attributes, which Node rejects;
// this load hook supplies the attribute so the parser runs unbundled.
export async function load(url, context, next) {
  if (url.endsWith('.json')) return next(url, { ...context, importAttributes: { type: 'json' } });
  return next(url, context);
}
