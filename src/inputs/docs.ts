import { formatMs } from './kinds.js';
import type { InputSchema, InputSpec } from './schema.js';

/**
 * action.yml's `inputs:` section and the README's input table, rendered from the schema
 * (scripts/inputs-docs.ts writes them; tests/unit/input-schema.test.ts holds them equal).
 */

/** The description with the limits the schema enforces, so the docs cannot drift from them. */
export function docDescription(entry: InputSpec): string {
  const limits: string[] = [];
  if (entry.kind === 'integer') limits.push(`Whole number, ${entry.min}..${entry.max}.`);
  if (entry.kind === 'duration') {
    if (entry.minMs !== undefined) limits.push(`At least ${formatMs(entry.minMs)}.`);
    if (entry.maxMs !== undefined) limits.push(`At most ${formatMs(entry.maxMs)}.`);
  }
  return [entry.description, ...limits].join(' ');
}

/** What action.yml declares for one input. */
export interface DeclaredInput {
  description: string;
  required: boolean;
  default?: string;
}

export function declaredInputs(schema: InputSchema): Record<string, DeclaredInput> {
  return Object.fromEntries(
    schema.entries.map((entry) => [
      entry.name,
      {
        description: docDescription(entry),
        required: entry.required === true,
        ...(entry.default !== undefined ? { default: entry.default } : {}),
      },
    ]),
  );
}

/** The `inputs:` section of action.yml (YAML; double-quoted scalars are JSON strings). */
export function actionYamlInputs(schema: InputSchema): string {
  const lines = ['inputs:'];
  for (const [name, input] of Object.entries(declaredInputs(schema))) {
    lines.push(`  ${name}:`);
    lines.push(`    description: ${JSON.stringify(input.description)}`);
    lines.push(`    required: ${input.required}`);
    if (input.default !== undefined) lines.push(`    default: ${JSON.stringify(input.default)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Replaces the top-level `inputs:` block of an action.yml text (up to the next top-level key). */
export function withInputsSection(actionYml: string, schema: InputSchema): string {
  const lines = actionYml.split('\n');
  const start = lines.findIndex((l) => l === 'inputs:');
  if (start < 0) throw new Error('action.yml has no top-level inputs: block');
  let end = start + 1;
  while (end < lines.length && (lines[end] === '' || /^\s/.test(lines[end]!))) end++;
  const block = actionYamlInputs(schema).replace(/\n$/, '').split('\n');
  return [...lines.slice(0, start), ...block, ...lines.slice(end)].join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export const README_TABLE_HEADER =
  '| name | required | default | description |\n| --- | --- | --- | --- |';

/** The README's input table. */
export function readmeInputTable(schema: InputSchema): string {
  const rows = Object.entries(declaredInputs(schema)).map(
    ([name, input]) =>
      `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${input.default ? `\`${cell(input.default)}\`` : ''} | ${cell(input.description)} |`,
  );
  return `${README_TABLE_HEADER}\n${rows.join('\n')}\n`;
}

/** Replaces the table right under `## Inputs` in a README text. */
export function withInputTable(readme: string, schema: InputSchema): string {
  const heading = readme.indexOf('\n## Inputs\n');
  if (heading < 0) throw new Error('README has no "## Inputs" section');
  const tableStart = readme.indexOf('\n| name | required', heading);
  if (tableStart < 0) throw new Error('README has no input table under "## Inputs"');
  let tableEnd = tableStart + 1;
  while (tableEnd < readme.length && readme[tableEnd] === '|') {
    const next = readme.indexOf('\n', tableEnd);
    tableEnd = next < 0 ? readme.length : next + 1;
  }
  return `${readme.slice(0, tableStart + 1)}${readmeInputTable(schema)}${readme.slice(tableEnd)}`;
}

const CLI_BEGIN = '<!-- generated from src/inputs/entries.ts: scripts/inputs-docs.ts -->';
const CLI_END = '<!-- end of generated -->';

/** docs/cli.md's key list: where each secret comes from, and the keys the CLI ignores or refuses. */
export function cliKeyList(schema: InputSchema): string {
  const rows: string[] = [];
  for (const entry of schema.entries)
    if (entry.kind === 'secret' && entry.cliSource)
      rows.push(
        `| \`${entry.name}\` | \`${entry.cliSource.file}\` | \`${entry.cliSource.variable}\` | ${entry.cliSource.inline ? 'accepted' : 'refused'} |`,
      );
  const names = (cli: 'ignore' | 'refuse') =>
    schema.entries
      .filter((e) => e.cli === cli)
      .map((e) => `\`${e.name}\``)
      .join(', ');
  return [
    CLI_BEGIN,
    '| secret input | file key | environment variable | inline in the config |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    `Accepted and ignored (they concern GitHub's deployment record): ${names('ignore')}.`,
    `Refused by name (the CLI prints the outcome and sends no message): ${names('refuse')}.`,
    'Every other key is read exactly as the action reads its input of that name.',
    CLI_END,
  ].join('\n');
}

/** Replaces the generated key list in docs/cli.md. */
export function withCliKeyList(text: string, schema: InputSchema): string {
  const start = text.indexOf(CLI_BEGIN);
  const end = text.indexOf(CLI_END);
  if (start < 0 || end < start) throw new Error('docs/cli.md has no generated key list markers');
  return `${text.slice(0, start)}${cliKeyList(schema)}${text.slice(end + CLI_END.length)}`;
}
