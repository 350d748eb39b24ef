// The SBOM attestation: the CycloneDX document itself as predicate, under CycloneDX's predicate
// type (what `cosign attest --type cyclonedx` and actions/attest-sbom write).

export const CYCLONEDX_PREDICATE = 'https://cyclonedx.org/bom';

/** Checks that `bom` is a CycloneDX JSON document and returns it as the predicate. */
export function sbomPredicate(bom: unknown): Record<string, unknown> {
  const doc = bom as { bomFormat?: unknown; specVersion?: unknown } | null;
  if (typeof doc !== 'object' || doc === null || doc.bomFormat !== 'CycloneDX' || typeof doc.specVersion !== 'string') {
    throw new Error('SBOM: expected a CycloneDX JSON document (bomFormat CycloneDX, specVersion)');
  }
  return doc as Record<string, unknown>;
}
