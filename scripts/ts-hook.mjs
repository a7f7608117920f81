// A module hook that runs the project's TypeScript directly (benchmarks, demo, scripts): it maps
// `./x.js` imports to `./x.ts` when only the .ts exists and transpiles .ts with TypeScript itself.
// Transpiled output is cached in the temp dir by a hash of the source, so a process that starts
// again (each action run of the integration tests) neither loads TypeScript nor transpiles again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE = join(tmpdir(), 'tg-devops-ts-cache');
let typescript;

export async function resolve(specifier, context, next) {
  const local =
    specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
  if (local && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
  }
  return next(specifier, context);
}

async function transpile(file, source) {
  typescript ??= (await import('typescript')).default;
  return typescript.transpileModule(source, {
    fileName: file,
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
      sourceMap: false,
      inlineSourceMap: true,
    },
  }).outputText;
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  const key = createHash('sha256').update(`v1\0${file}\0${source}`).digest('hex');
  const cached = join(CACHE, `${key}.js`);
  if (existsSync(cached)) {
    return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  }
  const output = await transpile(file, source);
  try {
    mkdirSync(CACHE, { recursive: true, mode: 0o700 });
    const temp = `${cached}.${process.pid}.tmp`;
    writeFileSync(temp, output);
    renameSync(temp, cached);
  } catch {
    // no cache (read-only temp dir): transpile every time, as before
  }
  return { format: 'module', source: output, shortCircuit: true };
}
