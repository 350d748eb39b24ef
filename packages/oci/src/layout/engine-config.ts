// The image config of an engine-built image, made reproducible: what records the build rather
// than the image (the clock, the builder container, the parent image ID, the daemon version) is
// set to SOURCE_DATE_EPOCH or dropped; the runtime config and history text are kept.
import type { Digest } from '../digest.ts';
import type { ImageConfig } from '../image-types.ts';

const BUILD_KEYS = ['container', 'container_config', 'docker_version', 'parent', 'id'];
const BUILD_RUNTIME_KEYS = ['Hostname', 'Domainname', 'Image'];

export function epochToIso(sourceDateEpoch: number): string {
  return new Date(sourceDateEpoch * 1000).toISOString().replace('.000Z', 'Z');
}

export function reproducibleConfig(config: ImageConfig, diffIds: Digest[], sourceDateEpoch: number): ImageConfig {
  const created = epochToIso(sourceDateEpoch);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (BUILD_KEYS.includes(key)) continue;
    out[key] = value;
  }
  if (config.config !== undefined) {
    const runtime: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config.config)) {
      if (!BUILD_RUNTIME_KEYS.includes(key)) runtime[key] = value;
    }
    out.config = runtime;
  }
  out.created = created; // in place when present, else appended
  if (config.history !== undefined) out.history = config.history.map((entry) => ({ ...entry, created }));
  out.rootfs = { type: 'layers', diff_ids: diffIds };
  return out as ImageConfig;
}
