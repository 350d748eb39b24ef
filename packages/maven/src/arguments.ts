// Splits the `arguments` input into argv the way a user expects from a command line, quotes and
// backslashes included, but with no shell: `;`, `|`, `$(...)`, backticks, globs and `~` stay literal.

export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let inToken = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (text[i + 1] === '"' || text[i + 1] === '\\')) current += text[++i];
      else current += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inToken = true;
    } else if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
      inToken = true;
    } else if (/\s/.test(c)) {
      if (inToken) args.push(current);
      current = '';
      inToken = false;
    } else {
      current += c;
      inToken = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (inToken) args.push(current);
  return args;
}
