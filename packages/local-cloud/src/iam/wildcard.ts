// IAM's wildcards: `*` matches any run of characters (also none), `?` exactly one.

const cache = new Map<string, RegExp>();

function toRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const body = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    if (cache.size > 2000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

export function wildcardMatch(pattern: string, value: string, options: { ignoreCase?: boolean } = {}): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return options.ignoreCase === true ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return toRegExp(pattern, options.ignoreCase === true).test(value);
}

/** Actions match case-insensitively (`ecr:Put*` matches `ecr:PutImage`). */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatch(pattern, action, { ignoreCase: true });
}

/**
 * Resource ARNs match segment by segment (partition, service, region, account), then the
 * resource part; wildcards do not cross the colons between the first five segments.
 */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.split(':');
  const r = resource.split(':');
  if (p.length < 6 || r.length < 6) return wildcardMatch(pattern, resource);
  for (let i = 0; i < 5; i++) {
    if (!wildcardMatch(p[i] ?? '', r[i] ?? '')) return false;
  }
  return wildcardMatch(p.slice(5).join(':'), r.slice(5).join(':'));
}
