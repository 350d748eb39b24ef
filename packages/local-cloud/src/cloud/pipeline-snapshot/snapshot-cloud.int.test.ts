// A local cloud started from the Terraform snapshot (the default) holds what `terraform apply` of
// the example creates, keeps it across a restart without creating it twice, and starts anew over
// a state saved with the roles of the retired roles.yaml.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

async function restart(): Promise<LocalCloud> {
  await cloud?.stop();
  cloud = await startLocalCloud({ stateDir, kube: false, log: (line) => logged.push(line) });
  return cloud;
}

/** A state as a cloud saved it while roles.yaml described its roles (an any-environment reader among them). */
function writeRolesYamlState(): void {
  const role = (name: string) => ({
    name,
    arn: `arn:aws:iam::123456789012:role/${name}`,
    roleId: 'AROAEXAMPLEEXAMPLE1',
    path: '/',
    trustPolicy: {
      version: '2012-10-17',
      statements: [],
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: 'x' }, Action: 'sts:AssumeRoleWithWebIdentity' }],
      },
    },
    policies: { $map: [] },
    maxSessionDurationSeconds: 3600,
    createdAt: { $date: '2026-01-01T00:00:00.000Z' },
  });
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(
    join(stateDir, 'cloud-state.json'),
    JSON.stringify({
      version: 1,
      ecr: { repositories: [], findings: [] },
      iam: {
        providers: [],
        roles: ['bakeline-ecr-push', 'bakeline-deploy-dev', 'bakeline-environment-reader'].map(role),
      },
    }),
  );
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
  it('starts anew over a state saved with the roles of roles.yaml', async () => {
    writeRolesYamlState();
    const c = await restart();
    expect(logged.some((l) => l.includes('the saved state lacks the Terraform snapshot'))).toBe(true);
    expect(Object.keys(c.endpoints.roles).sort()).toEqual(SNAPSHOT_ROLES);
    const repo = c.admin.ecr.getRepository('ostock/licensing-service');
    expect(repo).toMatchObject({ imageTagMutability: 'IMMUTABLE', scanOnPush: true });
    expect(repo?.lifecyclePolicyText).toContain('"tagPrefixList":["sha-"]');
  }, 300_000);

  it('keeps the same roles across a restart without creating them again', async () => {
    const first = cloud as LocalCloud;
    const ids = first.admin.iam.listRoles().map((r) => `${r.name}@${r.createdAt.toISOString()}`);
    const c = await restart();
    expect(c.admin.iam.listRoles().map((r) => `${r.name}@${r.createdAt.toISOString()}`)).toEqual(ids);
    expect(c.admin.ecr.listRepositories().map((r) => r.name)).toEqual(['ostock/licensing-service']);
  }, 300_000);
});
