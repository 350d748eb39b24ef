// The committed snapshot of `terraform apply` of the example (terraform-pipeline.json) loads into
// a new cloud's IAM, ECR and access entries without losing anything: read back, it is the same
// text. Its trust policies are Terraform's (StringEquals on aud and the exact sub, nothing else).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EcrRegistry } from '../../ecr/ecr-registry.ts';
import { ScanFindingsStore } from '../../ecr/scan-findings.ts';
import { Iam } from '../../iam/iam.ts';
import { captureSnapshot, encodeSnapshot, type PipelineSnapshot } from './capture-snapshot.ts';
import {
  holdsSnapshotRoles,
  loadSnapshotEcr,
  loadSnapshotIam,
  readSnapshot,
  renderSnapshot,
  SNAPSHOT_FILE,
  snapshotAccessEntries,
} from './load-snapshot.ts';

const VARIABLES = {
  account_id: '210987654321',
  region: 'eu-west-1',
  oidc_provider: '127.0.0.1:4443',
  github_repository: 'acme/payments',
};

function load(snapshot: PipelineSnapshot) {
  const iam = new Iam({ accountId: VARIABLES.account_id });
  const registry = new EcrRegistry({
    iam,
    region: VARIABLES.region,
    registryHost: '127.0.0.1:1',
    distributionUrl: 'http://127.0.0.1:1',
    findings: new ScanFindingsStore(),
  });
  const rendered = renderSnapshot(snapshot, VARIABLES);
  const { provider } = loadSnapshotIam(iam, rendered, `https://${VARIABLES.oidc_provider}`);
  loadSnapshotEcr(registry, rendered);
  const accessEntries = snapshotAccessEntries(iam, rendered, new Date());
  return { iam, registry, provider, accessEntries };
}

describe('the Terraform snapshot', () => {
  it('loads into IAM, ECR and access entries and reads back as the same text', () => {
    const snapshot = readSnapshot();
    const { iam, registry, accessEntries } = load(snapshot);
    const again = captureSnapshot(
      { iam, repositories: registry.listRepositories(), accessEntries },
      VARIABLES,
      snapshot.about,
    );
    expect(encodeSnapshot(again)).toBe(readFileSync(SNAPSHOT_FILE, 'utf8'));
  });

  it("has Terraform's roles, each trusted by exactly one sub with StringEquals, and no roles.yaml role", () => {
    const { iam } = load(readSnapshot());
    const subjects = Object.fromEntries(
      iam.listRoles().map((r) => {
        const conditions = r.trustPolicy.statements.flatMap((s) => s.conditions);
        expect(conditions.map((c) => c.operator)).toEqual(['StringEquals', 'StringEquals']);
        const sub = conditions.find((c) => c.key === '127.0.0.1:4443:sub');
        return [r.name, sub?.values];
      }),
    );
    expect(subjects).toEqual({
      'bakeline-deploy-dev': ['repo:acme/payments:environment:dev'],
      'bakeline-deploy-prod': ['repo:acme/payments:environment:prod'],
      'bakeline-deploy-test': ['repo:acme/payments:environment:test'],
      'bakeline-ecr-push': ['repo:acme/payments:ref:refs/heads/main'],
      'bakeline-source-prod': ['repo:acme/payments:environment:prod'],
      'bakeline-source-test': ['repo:acme/payments:environment:test'],
    });
  });

  it('gives each deploy role Edit in its namespace and each source role View in the one it promotes from', () => {
    const { accessEntries } = load(readSnapshot());
    const scopes = Object.fromEntries(
      accessEntries.map((e) => [
        e.principalArn.replace(/^.*:role\//, ''),
        (e.accessPolicies ?? []).map(
          (p) => `${p.policyArn.replace(/^.*\//, '')} ${p.accessScope.namespaces?.join(',')}`,
        ),
      ]),
    );
    expect(scopes).toEqual({
      'bakeline-deploy-dev': ['AmazonEKSEditPolicy dev'],
      'bakeline-deploy-prod': ['AmazonEKSEditPolicy prod'],
      'bakeline-deploy-test': ['AmazonEKSEditPolicy test'],
      'bakeline-source-prod': ['AmazonEKSViewPolicy test'],
      'bakeline-source-test': ['AmazonEKSViewPolicy dev'],
    });
  });

  it('refuses a placeholder it does not know, naming it', () => {
    const snapshot = readSnapshot();
    const unknown = ['$', '{partition}'].join('');
    const bad = {
      ...snapshot,
      roles: [{ ...(snapshot.roles[0] as PipelineSnapshot['roles'][number]), path: `/${unknown}/` }],
    };
    expect(() => renderSnapshot(bad, VARIABLES)).toThrow(`pipeline snapshot: unknown placeholder '${unknown}'`);
  });

  it('tells a state saved from the snapshot from one saved with other roles', () => {
    const snapshot = readSnapshot();
    expect(holdsSnapshotRoles({ iam: { roles: snapshot.roles } }, snapshot)).toBe(true);
    const legacy = [
      { name: 'bakeline-ecr-push' },
      { name: 'bakeline-deploy-dev' },
      { name: 'bakeline-environment-reader' },
    ];
    expect(holdsSnapshotRoles({ iam: { roles: legacy } }, snapshot)).toBe(false);
  });
});
