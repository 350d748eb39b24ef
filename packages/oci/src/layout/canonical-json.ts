// Manifests serialised with a fixed key order, so the same content gives the same bytes however
// the caller built the object.
import type { Descriptor, ImageIndex, ImageManifest } from '../image-types.ts';

function ordered<T extends object>(value: T, keys: readonly string[]): T {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  for (const key of Object.keys(source)) if (!(key in out) && source[key] !== undefined) out[key] = source[key];
  return out as T;
}

const DESCRIPTOR_KEYS = ['mediaType', 'artifactType', 'digest', 'size', 'urls', 'annotations', 'platform'];

export function orderDescriptor(descriptor: Descriptor): Descriptor {
  return ordered(descriptor, DESCRIPTOR_KEYS);
}

export function manifestBytes(manifest: ImageManifest): Uint8Array {
  const value = ordered(
    { ...manifest, config: orderDescriptor(manifest.config), layers: manifest.layers.map(orderDescriptor) },
    ['schemaVersion', 'mediaType', 'artifactType', 'config', 'layers', 'subject', 'annotations'],
  );
  return Buffer.from(JSON.stringify(value), 'utf8');
}

export function indexBytes(index: ImageIndex): Uint8Array {
  const value = ordered({ ...index, manifests: index.manifests.map(orderDescriptor) }, [
    'schemaVersion',
    'mediaType',
    'manifests',
    'annotations',
  ]);
  return Buffer.from(JSON.stringify(value), 'utf8');
}
