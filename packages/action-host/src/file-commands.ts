// The runner's file commands: GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STATE hold `name=value`
// lines or heredocs (`name<<DELIMITER` ... `DELIMITER`); GITHUB_PATH holds one path a line.

/** Parses a GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE file as the runner does; throws on a malformed one. */
export function parseKeyValueFile(text: string, fileName = 'file'): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = line.indexOf('<<');
    const equals = line.indexOf('=');
    if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (delimiter === '') throw new Error(`${fileName}: line ${i + 1}: empty heredoc delimiter for '${name}'`);
      const value: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        value.push(lines[i] ?? '');
      }
      if (!closed) throw new Error(`${fileName}: heredoc for '${name}' is not closed by '${delimiter}'`);
      result[name] = value.join('\n');
    } else if (equals > 0) {
      result[line.slice(0, equals)] = line.slice(equals + 1);
    } else {
      throw new Error(`${fileName}: line ${i + 1} is neither name=value nor name<<DELIMITER: ${JSON.stringify(line)}`);
    }
  }
  return result;
}

export function parsePathFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
