// The `pod-template-hash` label: FNV-1a (32 bit) over the canonical form of the pod template
// and the collision count, written with the API machinery's safe alphabet (no vowels, no
// look-alike digits), as the deployment controller names its ReplicaSets.

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted at every level (key order must not change the hash). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** rand.SafeEncodeString: each character mapped into the safe alphabet. */
export function safeEncode(text: string): string {
  let out = '';
  for (const ch of text) out += SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length];
  return out;
}

export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** The template without its pod-template-hash label (what "same template" compares). */
export function templateWithoutHash<T extends { metadata?: { labels?: Record<string, string> } }>(template: T): T {
  const copy = structuredClone(template);
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  if (copy.metadata && Object.keys(copy.metadata).length === 0) delete copy.metadata;
  return copy;
}

export function podTemplateHash(template: unknown, collisionCount = 0): string {
  const text = canonicalJson(templateWithoutHash(template as { metadata?: { labels?: Record<string, string> } }));
  return safeEncode(String(fnv32a(collisionCount > 0 ? `${text}#${collisionCount}` : text)));
}

export function sameTemplate(a: unknown, b: unknown): boolean {
  type T = { metadata?: { labels?: Record<string, string> } };
  return canonicalJson(templateWithoutHash(a as T)) === canonicalJson(templateWithoutHash(b as T));
}
