// The inputs that say which manifests a promotion applies and where they come from, validated
// before anything runs:
//   manifests       files or directories (a directory: its *.yaml, *.yml and *.json, as `kubectl apply -f DIR`)
//   kustomize       an overlays root such as k8s/overlays; the overlay applied is the environment's,
//                   <root>/<environment>, rendered with `kubectl kustomize`
//   manifests-from  image-revision (default): the commit that built the image (its
//                   org.opencontainers.image.revision label), so test and prod apply the
//                   configuration that was built and tested with the digest;
//                   image-revision-or-workspace: the same, and the checked-out files (with a
//                   warning) when the image carries no such label;
//                   workspace: the checked-out files, whatever built the image.
import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { InputReader } from '@bakeline/action-io';
import { InputError } from '@bakeline/toolkit';

export const MANIFESTS_FROM = ['image-revision', 'image-revision-or-workspace', 'workspace'] as const;
export type ManifestsFrom = (typeof MANIFESTS_FROM)[number];

/** The file names kustomize accepts for a kustomization, in its order. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** An overlay directory name: the environment's name (no path separators, not `.` or `..`). */
const OVERLAY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

export interface ManifestInputs {
  from: ManifestsFrom;
  /** The directory the paths are relative to (GITHUB_WORKSPACE): the repository's checkout. */
  workspace: string;
  /** `manifests`, relative to the workspace, with `/` separators. */
  paths: string[];
  /** `kustomize`: the overlays root relative to the workspace (`/` separators), and the overlay. */
  kustomize: { root: string; overlay: string } | undefined;
}

function relativePosix(workspace: string, path: string): string {
  return relative(workspace, path).split(sep).join('/');
}

/** The kustomization file of a directory, or undefined. */
export function kustomizationIn(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((name) => join(dir, name)).find((file) => existsSync(file));
}

function readFrom(reader: InputReader): ManifestsFrom {
  const value = reader.getString('manifests-from', { default: 'image-revision' });
  if (!(MANIFESTS_FROM as readonly string[]).includes(value)) {
    throw new InputError(
      'manifests-from',
      `got ${JSON.stringify(value)}; expected one of ${MANIFESTS_FROM.join(', ')}`,
    );
  }
  return value as ManifestsFrom;
}

function readKustomize(
  reader: InputReader,
  environment: string,
  workspace: string,
  from: ManifestsFrom,
): ManifestInputs['kustomize'] {
  const given = reader.getOptionalString('kustomize');
  if (given === undefined) return undefined;
  const root = relativePosix(workspace, reader.getPath('kustomize', { workspace }));
  if (root === '') {
    throw new InputError(
      'kustomize',
      `got ${JSON.stringify(given)}; expected the overlays root inside the workspace, such as k8s/overlays`,
    );
  }
  if (!OVERLAY.test(environment)) {
    throw new InputError(
      'environment',
      `got ${JSON.stringify(environment)}; with 'kustomize' the environment names the overlay directory (letters, digits, '.', '_', '-')`,
    );
  }
  if (from === 'workspace') {
    const overlay = join(workspace, root, environment);
    if (!existsSync(overlay) || !statSync(overlay).isDirectory() || kustomizationIn(overlay) === undefined) {
      throw new InputError(
        'kustomize',
        `got ${JSON.stringify(given)}; environment '${environment}' has no overlay: expected ${root}/${environment}/kustomization.yaml`,
      );
    }
  }
  return { root, overlay: environment };
}

/** `manifests`, `kustomize` and `manifests-from`; `environment` names the kustomize overlay. */
export function readManifestInputs(
  reader: InputReader,
  environment: string,
  workspace: string = resolve(process.env.GITHUB_WORKSPACE ?? process.cwd()),
): ManifestInputs {
  const from = readFrom(reader);
  // the checked-out files must be there now; a commit's files are checked once it is known
  const paths = reader
    .getPathList('manifests', { workspace, ...(from === 'workspace' ? { mustExist: 'any' as const } : {}) })
    .map((path) => relativePosix(workspace, path));
  const bad = paths.find((path) => path === '');
  if (bad !== undefined) {
    throw new InputError('manifests', 'names the workspace itself; expected manifest files or directories inside it');
  }
  const kustomize = readKustomize(reader, environment, workspace, from);
  if (kustomize && paths.length > 0) {
    throw new InputError('kustomize', "is given together with 'manifests'; give one of them");
  }
  return { from, workspace, paths, kustomize };
}
