// Writes packages/local-cloud/src/cloud/pipeline-snapshot/terraform-pipeline.json: what `terraform
// apply` of infra/terraform/examples/licensing-service creates in a new local cloud, which every
// local cloud but the main job's then starts from. Run it after changing infra/terraform;
// test/infra/terraform-snapshot.int.test.ts fails while the file differs.
//   node scripts/terraform-snapshot.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SNAPSHOT_FILE } from '../packages/local-cloud/src/cloud/pipeline-snapshot/load-snapshot.ts';
import { takePipelineSnapshot } from './terraform/pipeline-snapshot.ts';

const root = join(import.meta.dirname, '..');
const taken = await takePipelineSnapshot(root, (line) => process.stderr.write(`${line}\n`));
writeFileSync(fileURLToPath(SNAPSHOT_FILE), taken.text);
process.stdout.write(
  `wrote ${fileURLToPath(SNAPSHOT_FILE).slice(root.length + 1)} (terraform apply ${taken.applyMs} ms)\n`,
);
