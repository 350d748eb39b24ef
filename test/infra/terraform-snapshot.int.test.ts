// The local cloud's pipeline IAM, ECR and EKS access (packages/local-cloud's
// pipeline-snapshot/terraform-pipeline.json) is what `terraform apply` of the example root module
// creates: the example is applied with the real terraform and hashicorp/aws provider to a new
// local cloud, read back and normalised, and the text must equal the committed one. After a change
// to infra/terraform, `node scripts/terraform-snapshot.ts` writes it again.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SNAPSHOT_FILE } from '@bakeline/local-cloud';
import { describe, expect, it } from 'vitest';
import { takePipelineSnapshot } from '../../scripts/terraform/pipeline-snapshot.ts';
import { snapshotDrift } from '../../scripts/terraform/snapshot-drift.ts';

const root = join(import.meta.dirname, '..', '..');

describe('the Terraform snapshot of the local cloud', () => {
  it('is what terraform apply of the example creates in a new local cloud', async () => {
    const started = Date.now();
    const taken = await takePipelineSnapshot(root);
    process.stderr.write(`terraform snapshot: ${Date.now() - started} ms (apply ${taken.applyMs} ms)\n`);
    const file = fileURLToPath(SNAPSHOT_FILE);
    const drift = snapshotDrift(readFileSync(file, 'utf8'), taken.text, relative(root, file));
    expect(drift).toBeUndefined();
  }, 900_000);
});
