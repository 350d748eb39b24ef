// State saved before the IAM and EKS APIs served Terraform (roles from roles.yaml: no managed
// policies, providers without thumbprints, tags or creation date, no saved access entries) still
// restores, and what the IAM API answers for it is well-formed.
import { describe, expect, it } from 'vitest';
import { EcrRegistry } from '../../ecr/ecr-registry.ts';
import { ScanFindingsStore } from '../../ecr/scan-findings.ts';
import { Iam } from '../../iam/iam.ts';
import { providerXml, roleXml } from '../../iam/iam-xml.ts';
import { decodeState } from './json-codec.ts';
import { captureState, encodeSavedState, restoreIam, type SavedState } from './saved-state.ts';

const LEGACY = JSON.stringify({
  version: 1,
  ecr: { repositories: [], findings: [] },
  iam: {
    providers: [
      {
        arn: 'arn:aws:iam::123456789012:oidc-provider/127.0.0.1:4443',
        url: 'https://127.0.0.1:4443',
        keyPrefix: '127.0.0.1:4443',
        clientIds: ['sts.amazonaws.com'],
      },
    ],
    roles: [
      {
        name: 'bakeline-deploy-dev',
        arn: 'arn:aws:iam::123456789012:role/bakeline-deploy-dev',
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
      },
    ],
  },
  kube: { resourceVersion: 1, objects: [] },
});

describe('state saved before the IAM API', () => {
  it('restores, answers GetRole/GetOpenIDConnectProvider shapes, and saves the new fields next time', () => {
    const state = decodeState(LEGACY) as SavedState;
    const iam = new Iam({ accountId: '123456789012' });
    restoreIam(iam, state);
    const role = iam.requireRole('bakeline-deploy-dev');
    expect(roleXml(role).xml).toContain('<RoleName>bakeline-deploy-dev</RoleName>');
    const provider = iam.listOidcProviders()[0];
    if (!provider) throw new Error('no provider');
    expect(providerXml(provider).ThumbprintList).toEqual({ xml: '' });
    expect(state.kube?.accessEntries).toBeUndefined();
    expect(iam.managedPolicies.list()).toEqual([]);
    iam.deleteRole('bakeline-deploy-dev');
    expect(iam.getRole('bakeline-deploy-dev')).toBeUndefined();
  });

  it('keeps managed policies and attachments across a save', () => {
    const iam = new Iam({ accountId: '123456789012' });
    iam.createRole({
      name: 'r',
      trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] },
    });
    const p = iam.managedPolicies.create({
      name: 'p',
      path: '/',
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }] },
    });
    iam.attachRolePolicy('r', p.arn);
    const findings = new ScanFindingsStore();
    const registry = new EcrRegistry({
      iam,
      region: 'us-east-1',
      registryHost: '127.0.0.1:1',
      distributionUrl: 'http://127.0.0.1:1',
      findings,
    });
    const saved = decodeState(encodeSavedState(captureState({ iam, registry, findings }))) as SavedState;
    const again = new Iam({ accountId: '123456789012' });
    restoreIam(again, saved);
    expect(again.evaluate('arn:aws:iam::123456789012:role/r', 'ecr:PutImage', '*')).toBe('allow');
  });
});
