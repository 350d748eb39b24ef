// The CycloneDX 1.6 JSON document of an image, built with @cyclonedx/cyclonedx-library. Stable
// bytes: the serial number is a name-based UUID (RFC 9562 v5) of the image digest, the timestamp
// is SOURCE_DATE_EPOCH, and components go in in code-point order of their bom-ref with lists
// left unsorted by the library (its sort uses localeCompare, which depends on the machine's locale).
import { createHash } from 'node:crypto';
// the submodules, not the package root: the root also loads the schema resources by __dirname,
// which the ESM bundle does not have (ERR_AMBIGUOUS_MODULE_SYNTAX at start)
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import { compare, type ImageInventory } from './image-inventory.ts';
import { debianPurl, mavenPurl, ociPurl } from './purl.ts';

/** A fixed namespace for bakeline's image SBOM serial numbers. */
const SERIAL_NAMESPACE = 'b5f8a3c2-6d1e-4f7a-9b0c-2e4d6f8a1c3e';

/** `urn:uuid:<v5 UUID of the digest in bakeline's namespace>` */
export function serialNumberFor(digest: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(SERIAL_NAMESPACE.replace(/-/g, ''), 'hex'))
    .update(digest, 'utf8')
    .digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface ImageIdentity {
  /** Repository of the image (`registry/repo` or `repo`). */
  repository: string;
  digest: string;
  /** OCI architecture (`amd64`). */
  architecture?: string;
  sourceDateEpoch: number;
}

export type ComponentCounts = Record<string, number>;

export interface SbomDocument {
  json: string;
  counts: ComponentCounts;
}

function component(
  type: Enums.ComponentType,
  name: string,
  options: Models.OptionalComponentProperties & { properties?: Models.PropertyRepository },
): Models.Component {
  return new Models.Component(type, name, options);
}

function properties(pairs: readonly [string, string][]): Models.PropertyRepository {
  return new Models.PropertyRepository(pairs.map(([n, v]) => new Models.Property(n, v)));
}

export function buildImageSbom(image: ImageIdentity, inventory: ImageInventory): SbomDocument {
  const components: Models.Component[] = [];
  const os = inventory.os;
  const vendor = os?.id ?? 'debian';
  const distro = os?.versionId ? `${os.id}-${os.versionId}` : undefined;
  if (os) {
    components.push(
      component(Enums.ComponentType.OperatingSystem, os.id, {
        bomRef: `os:${os.id}${os.versionId ? `@${os.versionId}` : ''}`,
        ...(os.versionId ? { version: os.versionId } : {}),
      }),
    );
  }
  for (const pkg of inventory.packages) {
    const purl = debianPurl({
      vendor,
      name: pkg.name,
      version: pkg.version,
      ...(pkg.architecture ? { architecture: pkg.architecture } : {}),
      ...(distro ? { distro } : {}),
    });
    components.push(
      component(Enums.ComponentType.Library, pkg.name, {
        bomRef: purl,
        purl,
        version: pkg.version,
        ...(pkg.source ? { properties: properties([['bakeline:deb:source', pkg.source]]) } : {}),
      }),
    );
  }
  const maven = new Map<string, { groupId: string; artifactId: string; version: string; locations: Set<string> }>();
  for (const m of inventory.maven) {
    const purl = mavenPurl(m.groupId, m.artifactId, m.version);
    const held = maven.get(purl) ?? { ...m, locations: new Set<string>() };
    held.locations.add(m.location);
    maven.set(purl, held);
  }
  for (const [purl, m] of maven) {
    components.push(
      component(Enums.ComponentType.Library, m.artifactId, {
        bomRef: purl,
        purl,
        group: m.groupId,
        version: m.version,
        properties: properties([...m.locations].sort(compare).map((l) => ['bakeline:location', l])),
      }),
    );
  }
  for (const file of inventory.files) {
    components.push(
      component(Enums.ComponentType.File, file.path, {
        bomRef: `file:${file.path}`,
        hashes: new Models.HashDictionary([[Enums.HashAlgorithm['SHA-256'], file.sha256]]),
        properties: properties([['bakeline:size', String(file.size)]]),
      }),
    );
  }
  components.sort((a, b) => compare(a.bomRef.value ?? '', b.bomRef.value ?? ''));

  const purl = ociPurl(image.repository, image.digest, image.architecture);
  const bom = new Models.Bom({
    serialNumber: serialNumberFor(image.digest),
    metadata: new Models.Metadata({
      timestamp: new Date(image.sourceDateEpoch * 1000),
      component: component(Enums.ComponentType.Container, image.repository, {
        bomRef: purl,
        purl,
        version: image.digest,
        hashes: new Models.HashDictionary([[Enums.HashAlgorithm['SHA-256'], image.digest.replace(/^sha256:/, '')]]),
      }),
    }),
    components: new Models.ComponentRepository(components),
  });
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  const json = `${serializer.serialize(bom, { sortLists: false, space: 2 })}\n`;
  const counts: ComponentCounts = {};
  for (const c of components) counts[c.type] = (counts[c.type] ?? 0) + 1;
  return { json, counts };
}
