// An engine-built image's config carries what changes on every build: `created` and history times
// from the clock, the builder container's ID and hostname, the parent image ID, the daemon's
// version. Normalized here (times = SOURCE_DATE_EPOCH, the rest dropped) so the same inputs give
// the same config digest. The rootfs and the runtime config (user, env, entrypoint...) are kept.
import type { ImageConfig } from '@bakeline/oci';

/** Keys of the runtime config that identify the build, not the image. */
const VOLATILE_RUNTIME_KEYS = [
  'Hostname',
  'Domainname',
  'Image',
  'AttachStdin',
  'AttachStdout',
  'AttachStderr',
  'Tty',
  'OpenStdin',
  'StdinOnce',
];

export function normalizeEngineConfig(config: ImageConfig, created: string): ImageConfig {
  const raw = { ...(config as unknown as Record<string, unknown>) };
  for (const key of ['container', 'container_config', 'docker_version', 'parent', 'id']) delete raw[key];
  const runtime = { ...((raw.config as Record<string, unknown> | undefined) ?? {}) };
  for (const key of VOLATILE_RUNTIME_KEYS) delete runtime[key];
  for (const [key, value] of Object.entries(runtime)) {
    if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) delete runtime[key];
  }
  const history = (config.history ?? []).map((entry) => ({ ...entry, created }));
  return {
    ...(raw as unknown as ImageConfig),
    created,
    config: runtime as ImageConfig['config'] & object,
    history,
  };
}
