// JSON for the local cloud's saved state: Maps, Dates and Buffers inside the stores' records are
// written as tagged objects ({"$map": [...]}, {"$date": "..."}, {"$base64": "..."}) and read back
// as what they were, so a record saves whole, fields added later included.
type Tagged = { $map: [unknown, unknown][] } | { $date: string } | { $base64: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function encodeState(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, current: unknown) {
    const original = key === '' ? value : this[key];
    if (original instanceof Map) return { $map: [...original.entries()] } satisfies Tagged;
    if (original instanceof Date) return { $date: original.toISOString() } satisfies Tagged;
    if (Buffer.isBuffer(original)) return { $base64: original.toString('base64') } satisfies Tagged;
    return current;
  });
}

export function decodeState(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    if (keys.length !== 1) return value;
    if (Array.isArray(value.$map)) return new Map(value.$map as [unknown, unknown][]);
    if (typeof value.$date === 'string') return new Date(value.$date);
    if (typeof value.$base64 === 'string') return Buffer.from(value.$base64, 'base64');
    return value;
  });
}
