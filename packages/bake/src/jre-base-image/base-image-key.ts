// What a base image is made from, and the cache key derived from it: the same inputs on the same
// machine reuse the cached layout; a change to any of them (or to this code) builds a new one.
import { createHash } from 'node:crypto';

/** Bump when the way the base image is made changes (cleanup, config, layer format). */
export const BASE_IMAGE_CODE_VERSION = 4;

export const BASE_IMAGE_NAME = 'bakeline/jre17-base';

export interface BaseImageInputs {
  suite: string;
  variant: 'minbase';
  packages: string[];
  mirror: string;
  /** Debian architecture (`dpkg --print-architecture`): amd64, arm64. */
  debianArchitecture: string;
  codeVersion: number;
}

export const DEFAULT_SUITE = 'bookworm';
export const DEFAULT_PACKAGES: readonly string[] = ['openjdk-17-jre-headless'];

/** The full sha256 hex of the canonical inputs. */
export function baseImageKey(inputs: BaseImageInputs): string {
  const canonical = JSON.stringify({
    codeVersion: inputs.codeVersion,
    debianArchitecture: inputs.debianArchitecture,
    mirror: inputs.mirror,
    packages: [...inputs.packages].sort(),
    suite: inputs.suite,
    variant: inputs.variant,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** The first 12 hex of the key: the tag of the image in the engine. */
export function shortKey(key: string): string {
  return key.slice(0, 12);
}

/** OCI `architecture` for a Debian architecture. */
export function ociArchitecture(debianArchitecture: string): { architecture: string; variant?: string } {
  switch (debianArchitecture) {
    case 'amd64':
      return { architecture: 'amd64' };
    case 'arm64':
      return { architecture: 'arm64', variant: 'v8' };
    default:
      throw new Error(`base image: unsupported Debian architecture '${debianArchitecture}'; expected amd64 or arm64`);
  }
}
