// GitHub's filter patterns for branches, tags and deployment branch policies: `*` matches any
// characters except `/`, `**` any characters, `?` one character, `!pattern` negates (later
// patterns win).

function patternRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '.';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** Whether `name` passes a list of patterns (with `!` negations, the last match wins). */
export function matchesFilter(name: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (patternRegExp(p.slice(1)).test(name)) matched = false;
    } else if (patternRegExp(p).test(name)) matched = true;
  }
  return matched;
}
