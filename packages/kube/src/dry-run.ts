// Step 2 of a promotion: every write it will make is first sent with `dryRun=All`, with the
// deploy identity, so that admission, RBAC and the schema are checked by the server itself. A
// refusal names the document; since only dry runs were sent, nothing was changed.
// A document's dry run answered 409 Conflict is sent again (bounded), as client-go's
// RetryOnConflict sends a write again on a Conflict: a dry run stores nothing, so a repeat cannot
// do anything twice, and the manifests' apply forces field-manager conflicts and carries no
// resourceVersion, so a Conflict is not about the document: it is the object changing under the
// request (or a proxy's answer), which a repeat can pass. Any other refusal is final.
import { retry } from '@bakeline/toolkit';
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

/** Attempts of one document's dry run when the server answers 409 Conflict. */
export const DRY_RUN_CONFLICT_ATTEMPTS = 5;

export interface DryRunOptions {
  /** The wait between attempts after a Conflict (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
}

/** A 409 with reason Conflict (client-go's errors.IsConflict), not AlreadyExists or another 409. */
function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409 && error.reason === 'Conflict';
}

export async function dryRunDocuments(
  client: KubeClient,
  docs: readonly ManifestDocument[],
  namespace: string,
  others: readonly DryRunWrite[] = [],
  options: DryRunOptions = {},
): Promise<void> {
  for (const doc of docs) {
    try {
      await retry(() => applyManifest(client, doc.manifest, namespace, { dryRun: true }), {
        attempts: DRY_RUN_CONFLICT_ATTEMPTS,
        baseDelayMs: 100,
        classify: (error) => (isConflict(error) ? 'retry' : 'stop'),
        ...(options.sleep ? { sleep: options.sleep } : {}),
      });
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
