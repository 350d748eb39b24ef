// Step 2 of a promotion: every write it will make is first sent with `dryRun=All`, with the
// deploy identity, so that admission, RBAC and the schema are checked by the server itself. A
// refusal names the document; since only dry runs were sent, nothing was changed.
import type { KubeClient } from './client.ts';
import { KubeApiError } from './errors.ts';
import { applyManifest, describeDocument, type ManifestDocument } from './manifests.ts';

/** A write the server refused in its dry run: nothing was written. */
export class DryRunRefusedError extends Error {
  readonly document: string;
  constructor(document: string, cause: unknown) {
    const what =
      cause instanceof KubeApiError
        ? `refused by the API server in a dry run (dryRun=All)${cause.reason ? `, ${cause.reason}` : ''}`
        : 'dry run (dryRun=All) failed';
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`${document}: ${what}; nothing was changed: ${why}`, { cause });
    this.name = 'DryRunRefusedError';
    this.document = document;
  }
}

/** A write other than a manifest (the image patch of a workload), dry-run by its own step. */
export interface DryRunWrite {
  /** `Deployment/svc (image)` */
  description: string;
  run(): Promise<unknown>;
}

export async function dryRunDocuments(
  client: KubeClient,
  docs: readonly ManifestDocument[],
  namespace: string,
  others: readonly DryRunWrite[] = [],
): Promise<void> {
  for (const doc of docs) {
    try {
      await applyManifest(client, doc.manifest, namespace, { dryRun: true });
    } catch (error: unknown) {
      throw new DryRunRefusedError(describeDocument(doc), error);
    }
  }
  for (const write of others) {
    try {
      await write.run();
    } catch (error: unknown) {
      throw new DryRunRefusedError(write.description, error);
    }
  }
}
