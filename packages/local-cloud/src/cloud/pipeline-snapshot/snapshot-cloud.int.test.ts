// A local cloud started with `pipelineIam: 'terraform-snapshot'` holds what `terraform apply` of
// the example creates (the committed snapshot), keeps it across a restart without creating it
// twice, and starts anew over a state saved with roles.yaml's roles.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../start-local-cloud.ts';

const temp = mkdtempSync(join(tmpdir(), 'bakeline-snapshot-cloud-'));
const stateDir = join(temp, 'cloud');
let cloud: LocalCloud | undefined;
const logged: string[] = [];

afterAll(async () => {
  await cloud?.stop();
  rmSync(temp, { recursive: true, force: true });
});

async function restart(pipelineIam: 'roles-file' | 'terraform-snapshot'): Promise<LocalCloud> {
  await cloud?.stop();
  cloud = await startLocalCloud({ stateDir, pipelineIam, kube: false, log: (line) => logged.push(line) });
  return cloud;
}

const SNAPSHOT_ROLES = [
  'bakeline-deploy-dev',
  'bakeline-deploy-prod',
  'bakeline-deploy-test',
  'bakeline-ecr-push',
  'bakeline-eks-node',
  'bakeline-source-prod',
  'bakeline-source-test',
];

describe('a local cloud set up from the Terraform snapshot', () => {
  it('starts anew over a state saved with roles.yaml roles', async () => {
    const before = await restart('roles-file');
    expect(Object.keys(before.endpoints.roles)).toContain('bakeline-environment-reader');
    const c = await restart('terraform-snapshot');
    expect(logged.some((l) => l.includes('the saved state lacks the Terraform snapshot'))).toBe(true);
    expect(Object.keys(c.endpoints.roles).sort()).toEqual(SNAPSHOT_ROLES);
    const repo = c.admin.ecr.getRepository('ostock/licensing-service');
    expect(repo).toMatchObject({ imageTagMutability: 'IMMUTABLE', scanOnPush: true });
    expect(repo?.lifecyclePolicyText).toContain('"tagPrefixList":["sha-"]');
  }, 300_000);

  it('keeps the same roles across a restart without creating them again', async () => {
    const first = cloud as LocalCloud;
    const ids = first.admin.iam.listRoles().map((r) => `${r.name}@${r.createdAt.toISOString()}`);
    const c = await restart('terraform-snapshot');
    expect(c.admin.iam.listRoles().map((r) => `${r.name}@${r.createdAt.toISOString()}`)).toEqual(ids);
    expect(c.admin.ecr.listRepositories().map((r) => r.name)).toEqual(['ostock/licensing-service']);
  }, 300_000);
});
