// Where the manifests of a promotion come from, settled before the promotion touches the cluster:
// the commit that built the image (its org.opencontainers.image.revision label), so that test and
// prod apply the configuration that was built and tested with the digest and not whatever the
// dispatch ref holds now; or the checked-out files (manifests-from: workspace). A directory
// stands for its *.yaml, *.yml and *.json files (as `kubectl apply -f DIR`); a kustomize overlay
// is rendered into one file.
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { exec as defaultExec, type Exec, errorMessage, type Logger } from '@bakeline/toolkit';
import { ensureCommit, extractPaths, findCheckout } from './git-revision.ts';
import { isCommitId, REVISION_LABEL } from './image-revision.ts';
import { renderOverlay } from './kustomize.ts';
import type { ManifestInputs } from './manifest-inputs.ts';

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/;

export interface ResolvedManifests {
  /** The files to apply, in order. */
  files: string[];
  /** The commit they were read from; undefined when read from the workspace (or none given). */
  revision: string | undefined;
  /** Removes what was extracted or rendered. */
  cleanup(): Promise<void>;
}

export interface ResolveOptions {
  image: string;
  /** The image's revision label (undefined when it has none). */
  readRevision(image: string): Promise<string | undefined>;
  /** Where to extract and render (RUNNER_TEMP). */
  tempDir?: string;
  logger: Logger;
  run?: Exec;
}

/** A file, or a directory's manifest files sorted by name (not recursive). */
function expand(path: string, shown: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((name) => MANIFEST_EXTENSIONS.test(name))
    .sort()
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile());
  if (files.length === 0) throw new Error(`manifests: directory ${shown} has no .yaml, .yml or .json file`);
  return files;
}

/** The revision to read the manifests from, or undefined to read the workspace (said in a warning). */
async function revisionOf(inputs: ManifestInputs, options: ResolveOptions): Promise<string | undefined> {
  let revision: string | undefined;
  try {
    revision = await options.readRevision(options.image);
  } catch (error: unknown) {
    throw new Error(
      `manifests: could not read the ${REVISION_LABEL} label of ${options.image} to find the commit that built it: ${errorMessage(error)}`,
      { cause: error },
    );
  }
  if (revision !== undefined && isCommitId(revision)) return revision;
  const problem =
    revision === undefined || revision === ''
      ? `${options.image} has no ${REVISION_LABEL} label`
      : `the ${REVISION_LABEL} label of ${options.image} is ${JSON.stringify(revision.slice(0, 80))}, not a commit id`;
  if (inputs.from === 'image-revision-or-workspace') {
    options.logger.warning(
      `manifests: ${problem}; applying the checked-out files instead (manifests-from: image-revision-or-workspace), which may not be the configuration the image was built with`,
    );
    return undefined;
  }
  throw new Error(
    `manifests: ${problem}, so the commit that built it is unknown: bake it with that label (docker-bake sets it), or set manifests-from: workspace to apply the checked-out files`,
  );
}

export async function resolveManifests(inputs: ManifestInputs, options: ResolveOptions): Promise<ResolvedManifests> {
  const run = options.run ?? defaultExec;
  if (inputs.paths.length === 0 && inputs.kustomize === undefined) {
    return { files: [], revision: undefined, cleanup: async () => {} };
  }
  const scratch = await mkdtemp(join(options.tempDir ?? tmpdir(), 'bakeline-manifests-'));
  const cleanup = () => rm(scratch, { recursive: true, force: true });
  try {
    const revision = inputs.from === 'workspace' ? undefined : await revisionOf(inputs, options);
    let base = inputs.workspace;
    const wanted = inputs.kustomize
      ? // the overlays' parent holds the base (k8s/base beside k8s/overlays)
        [posix.dirname(inputs.kustomize.root) === '.' ? '' : posix.dirname(inputs.kustomize.root)]
      : inputs.paths;
    if (revision !== undefined) {
      const checkout = await findCheckout(inputs.workspace, run);
      const why = `the ${REVISION_LABEL} of ${options.image}`;
      await ensureCommit(checkout, revision, why, options.logger, run);
      const tree = join(scratch, 'tree');
      await extractPaths(checkout, revision, wanted, tree, run).catch((error: unknown) => {
        throw new Error(`manifests: ${errorMessage(error)}, the commit that built ${options.image}`, { cause: error });
      });
      base = join(tree, checkout.prefix);
      options.logger.info(`manifests: from commit ${revision}, which built ${options.image}`);
    }
    const at = revision ? `@${revision.slice(0, 12)}` : '';
    if (inputs.kustomize) {
      const overlay = `${inputs.kustomize.root}/${inputs.kustomize.overlay}`;
      const output = join(scratch, `kustomize-${inputs.kustomize.overlay}.yaml`);
      await renderOverlay(join(base, overlay), `${overlay}${at}`, output, run);
      options.logger.info(`manifests: rendered ${overlay}${at} with kubectl kustomize`);
      return { files: [output], revision, cleanup };
    }
    const files = inputs.paths.flatMap((path) => expand(join(base, path), `${path}${at}`));
    return { files, revision, cleanup };
  } catch (error: unknown) {
    await cleanup();
    throw error;
  }
}
