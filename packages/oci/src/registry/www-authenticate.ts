// The WWW-Authenticate challenge of a 401 (RFC 9110 section 11.6.1, as registries send it: one
// challenge, `Basic realm="..."` or `Bearer realm="...",service="...",scope="..."`).
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="...",service="...",scope="..."` (the one challenge registries send). */
export function parseChallenge(header: string): Challenge | undefined {
  const scheme = /^\s*([A-Za-z][A-Za-z0-9_-]*)(?:\s+|$)/.exec(header);
  if (!scheme?.[1]) return undefined;
  const params: Record<string, string> = {};
  const param = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const match of header.slice(scheme[0].length).matchAll(param)) {
    if (match[1]) params[match[1].toLowerCase()] = (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: scheme[1].toLowerCase(), params };
}
