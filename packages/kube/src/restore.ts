// The restore step of a failed promotion: every object it wrote is read again and, as
// restore-decision.ts decides, put back as the snapshot had it (a PUT of the snapshot at the
// current resourceVersion, so a concurrent write is never overwritten), deleted (created by this
// promotion; the delete is conditional on the uid it created), or left alone with the reason.
import { type Logger, neutralizeWorkflowCommands, retry } from '@bakeline/toolkit';
import type { KubeClient } from './client.ts';
import { KubeApiError } from './errors.ts';
import type { KubeObject } from './manifests.ts';
import { type ObjectRef, refName } from './object-ref.ts';
import { decideRestore } from './restore-decision.ts';
import { readObject, type Snapshot } from './snapshot.ts';

/** What a promotion's writes left: the last answer of the server for each object written, in write order. */
export interface WrittenObject {
  ref: ObjectRef;
  object: KubeObject;
}

export interface RestoreReport {
  putBack: { ref: ObjectRef; object: KubeObject }[];
  deleted: ObjectRef[];
  /** written by this promotion, but changed or removed by someone else since: left as it is */
  kept: { ref: ObjectRef; reason: string }[];
  failed: { ref: ObjectRef; error: string }[];
}

class ChangedMeanwhile extends Error {}

function restoredBody(before: KubeObject, now: KubeObject): KubeObject {
  const { status: _status, ...body } = structuredClone(before);
  const { resourceVersion: _stale, ...metadata } = body.metadata;
  body.metadata = now.metadata.resourceVersion
    ? { ...metadata, resourceVersion: now.metadata.resourceVersion }
    : metadata;
  return body as KubeObject;
}

async function putBack(client: KubeClient, ref: ObjectRef, before: KubeObject, written: KubeObject) {
  return retry(
    async () => {
      const now = await readObject(client, ref);
      const decision = decideRestore(before, written, now);
      if (decision.action !== 'put-back' || !now) throw new ChangedMeanwhile(`${decision.action}`);
      return client.request<KubeObject>('PUT', ref.path, { body: restoredBody(before, now) });
    },
    {
      attempts: 5,
      baseDelayMs: 100,
      classify: (error) => (error instanceof KubeApiError && error.status === 409 ? 'retry' : 'stop'),
    },
  );
}

async function remove(client: KubeClient, ref: ObjectRef, written: KubeObject): Promise<void> {
  try {
    await client.request('DELETE', ref.path, {
      body: {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        propagationPolicy: 'Background',
        preconditions: { uid: written.metadata.uid },
      },
    });
  } catch (error: unknown) {
    if (!(error instanceof KubeApiError && error.status === 404)) throw error;
  }
}

/** Restores the objects written, newest write first. Never throws: what could not be done is in `failed`. */
export async function restoreObjects(
  client: KubeClient,
  snapshots: readonly Snapshot[],
  written: readonly WrittenObject[],
  logger: Logger,
): Promise<RestoreReport> {
  const report: RestoreReport = { putBack: [], deleted: [], kept: [], failed: [] };
  const say = (line: string) => logger.info(neutralizeWorkflowCommands(line));
  for (const { ref, object } of [...written].reverse()) {
    const where = `${ref.namespace}/${refName(ref)}`;
    const before = snapshots.find((s) => s.ref.path === ref.path)?.before;
    try {
      const decision = decideRestore(before, object, await readObject(client, ref));
      if (decision.action === 'put-back' && before) {
        report.putBack.push({ ref, object: await putBack(client, ref, before, object) });
        say(`${where}: restored as it was before this promotion`);
      } else if (decision.action === 'delete') {
        await remove(client, ref, object);
        report.deleted.push(ref);
        say(`${where}: deleted (this promotion created it)`);
      } else if (decision.action === 'keep') {
        report.kept.push({ ref, reason: decision.reason });
        logger.warning(neutralizeWorkflowCommands(`${where}: not restored: ${decision.reason}`));
      } else if (decision.action === 'none') {
        logger.debug(`${where}: nothing to restore (${decision.reason})`);
      }
    } catch (error: unknown) {
      if (error instanceof ChangedMeanwhile) {
        report.kept.push({ ref, reason: 'changed by someone else while it was being restored' });
        continue;
      }
      const message = error instanceof Error ? error.message : String(error);
      report.failed.push({ ref, error: message });
      logger.warning(neutralizeWorkflowCommands(`${where}: could not be restored: ${message}`));
    }
  }
  return report;
}

/** One sentence for the failure message: what the restore did and what it left. */
export function describeRestore(report: RestoreReport): string {
  const names = (refs: ObjectRef[]) => refs.map(refName).join(', ');
  const parts: string[] = [];
  if (report.putBack.length > 0) parts.push(`restored ${names(report.putBack.map((p) => p.ref))}`);
  if (report.deleted.length > 0) parts.push(`deleted ${names(report.deleted)}, which this promotion created`);
  if (report.kept.length > 0)
    parts.push(`left ${report.kept.map((k) => `${refName(k.ref)} (${k.reason})`).join(', ')} as they are`);
  if (report.failed.length > 0)
    parts.push(`could not restore ${report.failed.map((f) => `${refName(f.ref)} (${f.error})`).join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'nothing this promotion wrote needed restoring';
}
