// The image config the jar builder writes: the base image's config, plus the application's
// entrypoint, user, ports, environment defaults and labels, and one history entry per added
// layer. `created` is SOURCE_DATE_EPOCH. Nothing here reads the clock or the machine.
import type { Digest, ImageConfig } from '@bakeline/oci';
import { checkEnvName, checkUser, normalizePort } from '../image/runtime-settings.ts';

export interface JarImageSettings {
  /** Replaces the default entrypoint (exec form). */
  entrypoint?: string[];
  /** Default of `JAVA_OPTS` in the image (overridable at deploy time). */
  javaOptions?: string;
  /** Default `10001`. */
  user?: string;
  allowRoot?: boolean;
  ports?: string[];
  env?: Record<string, string>;
  labels?: Record<string, string>;
}

export const DEFAULT_USER = '10001';

/** A word for `sh -c`: bare when safe, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `java $JAVA_OPTS <args> "$@"` in exec form: a shell expands `$JAVA_OPTS` (so it can be set at
 * deploy time), then `exec` makes the JVM process 1, which receives the runtime's signals.
 */
export function defaultEntrypoint(javaArgs: readonly string[]): string[] {
  return ['/bin/sh', '-c', `exec java $JAVA_OPTS ${javaArgs.map(shellWord).join(' ')} "$@"`, 'java'];
}

function envName(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

/** Checks the settings; throws a one-line reason prefixed with the setting's name. */
export function checkJarImageSettings(settings: JarImageSettings): void {
  const fail = (setting: string, error: unknown): never => {
    throw new Error(`${setting}: ${(error as Error).message}`, { cause: error });
  };
  try {
    checkUser(settings.user ?? DEFAULT_USER, settings.allowRoot === true);
  } catch (error: unknown) {
    fail('user', error);
  }
  for (const port of settings.ports ?? []) {
    try {
      normalizePort(port);
    } catch (error: unknown) {
      fail('ports', error);
    }
  }
  for (const name of Object.keys(settings.env ?? {})) {
    try {
      checkEnvName(name);
    } catch (error: unknown) {
      fail('env', error);
    }
  }
  if (settings.javaOptions !== undefined && settings.env && Object.hasOwn(settings.env, 'JAVA_OPTS')) {
    fail('env', new Error('sets JAVA_OPTS, which java-options also sets; give it in one place'));
  }
}

export interface AddedLayer {
  diffId: Digest;
  createdBy: string;
}

export function jarImageConfig(
  base: ImageConfig,
  options: { settings: JarImageSettings; javaArgs: readonly string[]; layers: readonly AddedLayer[]; created: string },
): ImageConfig {
  const { settings } = options;
  checkJarImageSettings(settings);
  const env = new Map<string, string>();
  for (const entry of base.config?.Env ?? []) env.set(envName(entry), entry);
  if (settings.javaOptions !== undefined) env.set('JAVA_OPTS', `JAVA_OPTS=${settings.javaOptions}`);
  for (const [name, value] of Object.entries(settings.env ?? {})) env.set(name, `${name}=${value}`);

  const ports: Record<string, object> = { ...(base.config?.ExposedPorts ?? {}) };
  for (const port of settings.ports ?? []) ports[normalizePort(port)] = {};

  // the base's own OCI labels describe the base, not this image
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(base.config?.Labels ?? {})) {
    if (!key.startsWith('org.opencontainers.image.')) labels[key] = value;
  }
  Object.assign(labels, settings.labels ?? {});

  const sortedKeys = <T>(record: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

  const { Cmd: _baseCmd, Entrypoint: _baseEntrypoint, ...inherited } = base.config ?? {};
  const config: NonNullable<ImageConfig['config']> = {
    ...inherited,
    User: settings.user ?? DEFAULT_USER,
    Env: [...env.values()],
    Entrypoint: settings.entrypoint ?? defaultEntrypoint(options.javaArgs),
    WorkingDir: '/app',
    ...(Object.keys(ports).length > 0 ? { ExposedPorts: sortedKeys(ports) } : {}),
    ...(Object.keys(labels).length > 0 ? { Labels: sortedKeys(labels) } : {}),
  };
  const { config: _c, rootfs: _r, history: _h, created: _created, ...platform } = base;
  return {
    ...platform,
    created: options.created,
    config,
    rootfs: { type: 'layers', diff_ids: [...base.rootfs.diff_ids, ...options.layers.map((l) => l.diffId)] },
    history: [
      ...(base.history ?? []),
      ...options.layers.map((l) => ({ created: options.created, created_by: l.createdBy, comment: 'bakeline' })),
    ],
  };
}
