import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { describe, expect, test } from 'vitest';
import { buildImageSbom, serialNumberFor } from './cyclonedx-document.ts';
import type { ImageInventory } from './image-inventory.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const image = {
  repository: 'registry.example/acme/svc',
  digest: DIGEST,
  architecture: 'amd64',
  sourceDateEpoch: 1714564800,
};
const inventory = (): ImageInventory => ({
  os: { id: 'debian', versionId: '12' },
  packages: [
    { name: 'libc6', version: '2.36-9+deb12u13', architecture: 'amd64', source: 'glibc' },
    { name: 'openjdk-17-jre-headless', version: '17.0.19+10-1~deb12u2', architecture: 'amd64' },
  ],
  files: [{ path: '/app/app.jar', size: 42, sha256: 'cd'.repeat(32) }],
  maven: [
    {
      groupId: 'org.apache.commons',
      artifactId: 'commons-text',
      version: '1.12.0',
      file: '/app/app.jar',
      location: '/app/app.jar!/b',
    },
    {
      groupId: 'commons-codec',
      artifactId: 'commons-codec',
      version: '1.17.1',
      file: '/app/app.jar',
      location: '/app/app.jar!/a',
    },
    {
      groupId: 'commons-codec',
      artifactId: 'commons-codec',
      version: '1.17.1',
      file: '/app/lib.jar',
      location: '/app/lib.jar!/a',
    },
  ],
});

describe('buildImageSbom', () => {
  test('is valid CycloneDX 1.6 JSON (the library’s strict schema validator)', async () => {
    const { json } = buildImageSbom(image, inventory());
    const errors = await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(json);
    expect(errors).toBeNull();
  });

  test('names the image by its digest and lists each component once, with purl and bom-ref', () => {
    const { json, counts } = buildImageSbom(image, inventory());
    const bom = JSON.parse(json);
    expect(bom.serialNumber).toBe(serialNumberFor(DIGEST));
    expect(bom.metadata.timestamp).toBe('2024-05-01T12:00:00.000Z');
    expect(bom.metadata.component.purl).toBe(
      `pkg:oci/svc@sha256%3A${'ab'.repeat(32)}?arch=amd64&repository_url=registry.example/acme/svc`,
    );
    expect(bom.components.map((c: { 'bom-ref': string }) => c['bom-ref'])).toEqual([
      'file:/app/app.jar',
      'os:debian@12',
      'pkg:deb/debian/libc6@2.36-9%2Bdeb12u13?arch=amd64&distro=debian-12',
      'pkg:deb/debian/openjdk-17-jre-headless@17.0.19%2B10-1~deb12u2?arch=amd64&distro=debian-12',
      'pkg:maven/commons-codec/commons-codec@1.17.1',
      'pkg:maven/org.apache.commons/commons-text@1.12.0',
    ]);
    const codec = bom.components.find((c: { name: string }) => c.name === 'commons-codec');
    expect(codec).toMatchObject({
      group: 'commons-codec',
      version: '1.17.1',
      purl: 'pkg:maven/commons-codec/commons-codec@1.17.1',
    });
    expect(codec.properties).toEqual([
      { name: 'bakeline:location', value: '/app/app.jar!/a' },
      { name: 'bakeline:location', value: '/app/lib.jar!/a' },
    ]);
    expect(counts).toEqual({ file: 1, 'operating-system': 1, library: 4 });
  });

  test('the same inputs in another order give the same bytes; another digest another serial number', () => {
    const a = buildImageSbom(image, inventory()).json;
    const shuffled = inventory();
    shuffled.maven.reverse();
    shuffled.packages.reverse();
    expect(buildImageSbom(image, shuffled).json).toBe(a);
    const other = buildImageSbom({ ...image, digest: `sha256:${'ef'.repeat(32)}` }, inventory()).json;
    expect(JSON.parse(other).serialNumber).not.toBe(JSON.parse(a).serialNumber);
  });

  test('serialNumberFor is an RFC 9562 version 5 UUID, stable across runs', () => {
    expect(serialNumberFor(DIGEST)).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(serialNumberFor(DIGEST)).toBe(serialNumberFor(DIGEST));
  });
});
