import { describe, expect, it } from 'vitest';
import { loadTrustedRoot } from './trusted-root.ts';

const MEDIA = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';
const root = (n: number) => ({
  mediaType: MEDIA,
  tlogs: [{ n }],
  certificateAuthorities: [{ n }],
  ctlogs: [],
  timestampAuthorities: [{ n }],
});

describe('loadTrustedRoot', () => {
  it('reads one JSON document', () => {
    expect(loadTrustedRoot(JSON.stringify(root(1)), 'a.json')).toEqual(root(1));
  });

  it('merges the JSON lines gh attestation trusted-root prints', () => {
    const merged = loadTrustedRoot(`${JSON.stringify(root(1))}\n${JSON.stringify(root(2))}\n`, 'roots.jsonl');
    expect(merged.tlogs).toEqual([{ n: 1 }, { n: 2 }]);
    expect(merged.timestampAuthorities).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('names the file when it is not a trusted root', () => {
    expect(() => loadTrustedRoot('{"a":1}', 'x.json')).toThrow(
      /trusted root x.json: no Sigstore trusted root mediaType/,
    );
    expect(() => loadTrustedRoot('nope', 'y.json')).toThrow(/trusted root y.json: neither JSON nor JSON lines/);
  });
});
