/**
 * Splits a command line into argv the way a POSIX shell splits words (single and double quotes,
 * backslashes), with no shell behind it: nothing is expanded, so operators and `$` that a user
 * might expect a shell to handle are refused with a message instead of passed on as arguments.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const append = (text: string) => {
    word = (word ?? '') + text;
  };
  while (i < line.length) {
    const ch = line[i]!;
    if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('an unclosed single quote');
      append(line.slice(i + 1, end));
      i = end + 1;
    } else if (ch === '"') {
      let j = i + 1;
      let text = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`\n'.includes(line[j + 1]!)) {
          text += line[j + 1] === '\n' ? '' : line[j + 1];
          j += 2;
        } else {
          if (line[j] === '$' || line[j] === '`') {
            throw new Error(
              `no shell runs the command, so ${line[j]} is not expanded: quote it with '...' or run bash -c '...'`,
            );
          }
          text += line[j];
          j++;
        }
      }
      if (j >= line.length) throw new Error('an unclosed double quote');
      append(text);
      i = j + 1;
    } else if (ch === '\\') {
      if (i + 1 < line.length && line[i + 1] !== '\n') append(line[i + 1]!);
      i += 2;
    } else if ('|&;<>()$`'.includes(ch)) {
      throw new Error(
        `no shell runs the command, so ${JSON.stringify(ch)} has no effect there: quote it, or run bash -c '...'`,
      );
    } else {
      append(ch);
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  if (words.length === 0) throw new Error('the command is empty');
  return words;
}
