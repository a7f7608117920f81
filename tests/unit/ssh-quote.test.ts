import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { remoteCommand, shellQuote } from '../../src/ssh/quote.js';

/** Strings that would run something, split, glob or vanish if they reached a shell unquoted. */
export const HOSTILE: readonly string[] = [
  '$(touch /tmp/tg-quote-marker)',
  '`touch /tmp/tg-quote-marker`',
  'a; touch /tmp/tg-quote-marker',
  'a && touch /tmp/tg-quote-marker',
  'a | touch /tmp/tg-quote-marker',
  "it's",
  "'",
  "''",
  '"double" \'single\'',
  'line1\nline2',
  '\n',
  '*',
  '~',
  '~root',
  '$HOME',
  '${HOME}',
  '\\',
  '\\\\n',
  '!',
  '#comment',
  '=x',
  'A=b',
  '-rf',
  '--',
  '',
  ' ',
  '\t',
  'héllo wörld ✓ 🤖',
  '%s%n',
  '{a,b}',
  '[ab]',
  '>out',
  '<in',
  '&',
  '\x01\x7f',
];

describe('shellQuote', () => {
  it('leaves plain words alone and single-quotes everything else', () => {
    expect(shellQuote('docker')).toBe('docker');
    expect(shellQuote('/var/lib/tg-devops/app/state.json')).toBe(
      '/var/lib/tg-devops/app/state.json',
    );
    expect(shellQuote('--format={{json .}}')).toBe("'--format={{json .}}'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('~')).toBe("'~'");
    expect(shellQuote('A=b')).toBe("'A=b'");
  });

  it('refuses a NUL byte, which no argv can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  it('refuses an empty command', () => {
    expect(() => remoteCommand([])).toThrow(/empty/);
  });
});

const shells: string[][] = [
  ['/bin/sh'],
  ['/bin/dash'],
  ['/bin/bash'],
  ['/bin/zsh'],
  ['/bin/ksh'],
  ['/usr/bin/busybox', 'sh'],
].filter(([file]) => existsSync(file!));

describe.each(shells)('remoteCommand read back by %s %s', (...shell) => {
  it('gives back every hostile argument byte for byte, and runs nothing', () => {
    const marker = '/tmp/tg-quote-marker';
    spawnSync('rm', ['-f', marker]);
    const command = remoteCommand(['printf', '%s\\0', ...HOSTILE]);
    const result = spawnSync(shell[0]!, [...shell.slice(1), '-c', command], { encoding: 'buffer' });
    expect(result.status).toBe(0);
    const parts = result.stdout.toString('utf8').split('\0');
    expect(parts.pop()).toBe('');
    expect(parts).toEqual(HOSTILE);
    expect(existsSync(marker)).toBe(false);
  });

  it('keeps a leading-dash argument an argument (the command decides what it means)', () => {
    const result = spawnSync(
      shell[0]!,
      [...shell.slice(1), '-c', remoteCommand(['printf', '[%s]', '-n', '--', '-e'])],
      {
        encoding: 'utf8',
      },
    );
    expect(result.stdout).toBe('[-n][--][-e]');
  });
});
