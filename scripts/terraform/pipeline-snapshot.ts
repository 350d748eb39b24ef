// The local cloud's pipeline IAM, ECR and EKS access as Terraform makes them: a new local cloud
// without pipeline roles, `terraform apply` of the example root module against it (the main job's
// setup, scripts/main/terraform-setup.ts), then what the cloud holds, read back and normalised
// (packages/local-cloud/src/cloud/pipeline-snapshot). The committed terraform-pipeline.json is
// that text; every local cloud but the main job's starts from it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  captureSnapshot,
  encodeSnapshot,
} from '../../packages/local-cloud/src/cloud/pipeline-snapshot/capture-snapshot.ts';
import { startLocalCloud } from '../../packages/local-cloud/src/cloud/start-local-cloud.ts';
import type { AccessEntry } from '../../packages/local-cloud/src/kube/auth/access-entries.ts';
import { ensureTerraformSetup } from '../main/terraform-setup.ts';
import { SNAPSHOT_COMMAND } from './snapshot-command.ts';

const ENVIRONMENTS = ['dev', 'test', 'prod'];

export interface TakenSnapshot {
  text: string;
  applyMs: number;
}

/** Applies the example (in `root`) to a new local cloud and returns the normalised snapshot. */
export async function takePipelineSnapshot(
  root: string,
  log: (line: string) => void = () => {},
): Promise<TakenSnapshot> {
  const temp = mkdtempSync(join(tmpdir(), 'bakeline-tf-snapshot-'));
  const stateDir = join(temp, 'cloud');
  const cloud = await startLocalCloud({
    stateDir,
    pipelineIam: 'terraform',
    namespaces: ENVIRONMENTS,
    node: false,
    log,
  });
  try {
    const kube = cloud.endpoints.kube as { clusterName: string; eks: string } | undefined;
    if (!kube) throw new Error('terraform snapshot: the local cloud started without its Kubernetes part');
    const setup = await ensureTerraformSetup({
      root,
      stateDir,
      cloud: { ...cloud.endpoints, kube: { clusterName: kube.clusterName, eks: kube.eks } },
      workload: 'licensing-service',
      cloudIsNew: true,
      log,
    });
    const admin = cloud.admin;
    const accessEntries = (admin.kube as { accessEntries(): AccessEntry[] }).accessEntries();
    const snapshot = captureSnapshot(
      { iam: admin.iam, repositories: admin.ecr.listRepositories(), accessEntries },
      {
        account_id: cloud.endpoints.accountId,
        region: cloud.endpoints.region,
        oidc_provider: new URL(cloud.endpoints.oidc.issuer).host,
        github_repository: cloud.endpoints.githubRepository,
      },
      `What \`terraform apply\` of infra/terraform/examples/licensing-service creates in a new local cloud (environments ${ENVIRONMENTS.join(', ')}). Generated: ${SNAPSHOT_COMMAND}; do not edit.`,
    );
    return { text: encodeSnapshot(snapshot), applyMs: setup.applyMs ?? -1 };
  } finally {
    await cloud.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}
