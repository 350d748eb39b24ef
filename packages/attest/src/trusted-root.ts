// Reads a Sigstore trusted root: one JSON document, or the JSON lines `gh attestation
// trusted-root` prints (public-good Sigstore's and GitHub's), merged into one root that trusts
// the CAs, transparency logs, CT logs and timestamp authorities of every line.

const LISTS = ['certificateAuthorities', 'tlogs', 'ctlogs', 'timestampAuthorities'] as const;

export function loadTrustedRoot(text: string, source: string): Record<string, unknown> {
  const trimmed = text.trim();
  let docs: Record<string, unknown>[];
  try {
    docs = [JSON.parse(trimmed) as Record<string, unknown>];
  } catch {
    try {
      docs = trimmed
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    } catch {
      throw new Error(`trusted root ${source}: neither JSON nor JSON lines`);
    }
  }
  const merged: Record<string, unknown> = { mediaType: docs[0]?.mediaType };
  for (const list of LISTS) merged[list] = docs.flatMap((d) => (Array.isArray(d[list]) ? (d[list] as unknown[]) : []));
  if (typeof merged.mediaType !== 'string' || !String(merged.mediaType).includes('trustedroot')) {
    throw new Error(`trusted root ${source}: no Sigstore trusted root mediaType`);
  }
  return merged;
}
