import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ACTIONS, ROOT, inputsReadBy, readAction } from '../helpers/repo.js';

describe.each(ACTIONS)('action %s', (name) => {
  const spec = readAction(name);

  it('runs on node24 from its bundle in dist/', () => {
    expect(spec.runs.using).toBe('node24');
    expect(spec.runs.main).toBe(`../dist/${name}/index.js`);
    expect(existsSync(resolve(ROOT, name, spec.runs.main!))).toBe(true);
    if (spec.runs.post) expect(existsSync(resolve(ROOT, name, spec.runs.post))).toBe(true);
  });

  it('declares exactly the inputs its adapter reads', () => {
    expect(Object.keys(spec.inputs ?? {}).sort()).toEqual(inputsReadBy(name));
  });

  it('describes every input and output', () => {
    for (const [input, def] of Object.entries({ ...spec.inputs, ...spec.outputs })) {
      expect({ input, description: (def.description ?? '').trim().length > 0 }).toEqual({
        input,
        description: true,
      });
    }
  });

  it('documents every input and output in its README', () => {
    const readme = readFileSync(join(ROOT, name, 'README.md'), 'utf8');
    const documented = new Set(
      [...readme.matchAll(/^\|\s*`?([a-z0-9-]+)`?\s*\|/gm)].map((m) => m[1]),
    );
    const declared = [...Object.keys(spec.inputs ?? {}), ...Object.keys(spec.outputs ?? {})];
    expect(declared.filter((n) => !documented.has(n))).toEqual([]);
  });
});

describe('root action.yml', () => {
  it('is a stub that points at the real actions and runs nothing else', () => {
    const spec = readAction('.');
    expect(spec.runs.using).toBe('composite');
    const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
    expect(text).toContain('org/tg-devops/deploy@v1');
    expect(text).toMatch(/exit 1/);
  });
});
