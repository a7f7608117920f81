/**
 * One rule line split into fields the way docker/metadata-action reads them (csv-parse with
 * default options): commas separate fields, a field that starts with a double quote runs to the
 * closing quote and "" inside it is one quote, so `type=match,"pattern=\d,\d"` keeps its comma.
 */
export function splitFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    let field = '';
    if (line[i] === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        field += line[i];
        i++;
      }
      if (!closed) throw new Error('a quoted field is not closed');
      while (i < line.length && line[i] !== ',') {
        if (line[i]!.trim() !== '') throw new Error('text after a closing quote');
        i++;
      }
    } else {
      while (i < line.length && line[i] !== ',') field += line[i++];
    }
    fields.push(field);
    i++;
  }
  return fields;
}

/** `key=value` split at the first `=`, both trimmed; a field without `=` has no key. */
export function keyValue(field: string): { key?: string; value: string } {
  const at = field.indexOf('=');
  if (at < 0) return { value: field.trim() };
  return { key: field.slice(0, at).trim().toLowerCase(), value: field.slice(at + 1).trim() };
}
