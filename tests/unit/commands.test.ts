import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCommand, formatKeyValue, getInput, setOutput } from '../../src/github/commands.js';

describe('workflow commands', () => {
  it('escapes data and properties so a message cannot inject a command', () => {
    expect(formatCommand('error', { file: 'a,b:c', line: 3 }, '100%\nnext::line')).toBe(
      '::error file=a%2Cb%3Ac,line=3::100%25%0Anext::line',
    );
  });

  it('writes multi-line outputs with a delimiter not found in the value', () => {
    const text = formatKeyValue('tags', 'a\nb');
    const [head, ...rest] = text.split('\n');
    const delimiter = head!.split('<<')[1]!;
    expect(rest.slice(0, 3)).toEqual(['a', 'b', delimiter]);
  });

  it('reads INPUT_ variables by upper-cased name and appends outputs to GITHUB_OUTPUT', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmd-'));
    process.env['INPUT_BOT-MODE'] = '  webhook ';
    process.env.GITHUB_OUTPUT = join(dir, 'out');
    try {
      expect(getInput('bot-mode')).toBe('webhook');
      expect(getInput('bot-mode', { trimWhitespace: false })).toBe('  webhook ');
      setOutput('color', 'green');
      expect(readFileSync(join(dir, 'out'), 'utf8')).toMatch(/^color<<(\S+)\ngreen\n\1\n$/);
    } finally {
      delete process.env['INPUT_BOT-MODE'];
      delete process.env.GITHUB_OUTPUT;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
