// The example service as the ecr-push and eks-promote acceptance tests start from it: the
// licensing-service copied into a workspace, packaged by the real Maven (offline), and baked
// twice by docker-bake from its bundle on the JRE base: the service, and the same service with
// other JVM defaults (another digest, the same layers).
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runBundledAction } from '@bakeline/test/harness';
import { execChecked } from '@bakeline/toolkit';

/** SOURCE_DATE_EPOCH of both bakes: 2024-05-01T12:00:00Z. */
export const EXAMPLE_SOURCE_DATE_EPOCH = '1714564800';

/** What docker-bake wrote for one image. */
export interface BakedImage {
  digest: string;
  /** the OCI layout folder */
  layout: string;
  /** the docker archive */
  archive: string;
  /** the SPDX SBOM docker-bake wrote beside the image (ecr-push's `sbom-path`) */
  sbom: string;
}

export interface ExampleImages {
  service: BakedImage;
  /** the service with `java-options: -XX:MaxRAMPercentage=50` */
  variant: BakedImage;
}

export interface ExampleImagesOptions {
  /** an empty folder: the example is copied into it and the outputs written under it */
  workspace: string;
  /** the JRE base as an OCI layout (bake's `ensureBaseImage().layoutDir`) */
  baseLayoutDir: string;
  /** the commit the bakes run for */
  sha: string;
}

/** Copies and packages the example, then bakes the service and its variant (at once); fails on any failed step. */
export async function bakeExampleImages(options: ExampleImagesOptions): Promise<ExampleImages> {
  const { workspace } = options;
  cpSync(join(repoRoot, 'examples', 'licensing-service'), workspace, {
    recursive: true,
    filter: (src) => !src.includes('/target'),
  });
  await execChecked('mvn', ['-o', '-q', 'package', '-DskipTests'], { cwd: workspace, timeoutMs: 300_000 });
  // two bakes of one jar into two output folders: independent of each other, run at once
  const [service, variant] = await Promise.all([
    bakeExample(options, { 'output-dir': join(workspace, 'out-service') }),
    bakeExample(options, {
      'output-dir': join(workspace, 'out-variant'),
      'java-options': '-XX:MaxRAMPercentage=50',
    }),
  ]);
  if (variant.digest === service.digest)
    throw new Error(`example images: the variant has the service's digest ${service.digest}`);
  return { service, variant };
}

async function bakeExample(options: ExampleImagesOptions, inputs: Record<string, string>): Promise<BakedImage> {
  const result = await runBundledAction('docker-bake', {
    workspace: options.workspace,
    github: { sha: options.sha, ref: 'refs/heads/main', repository: 'bakeline-dev/licensing-service' },
    inputs: {
      builder: 'jar',
      jar: 'target/*.jar',
      'image-name': 'licensing-service',
      'base-image': `oci:${options.baseLayoutDir}`,
      'source-date-epoch': EXAMPLE_SOURCE_DATE_EPOCH,
      ports: '8080',
      ...inputs,
    },
    timeoutMs: 300_000,
  });
  if (result.exitCode !== 0) {
    throw new Error(`example images: docker-bake exited ${result.exitCode}\n${result.stdout}\n${result.stderr}`);
  }
  return {
    digest: result.outputs.digest ?? '',
    layout: result.outputs['layout-path'] ?? '',
    archive: result.outputs['archive-path'] ?? '',
    sbom: result.outputs['sbom-path'] ?? '',
  };
}
