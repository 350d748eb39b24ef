// The EKS access entry routes on a cluster's AccessEntries: what the Terraform provider calls for
// aws_eks_access_entry and aws_eks_access_policy_association, and EKS's refusals.
import { describe, expect, it } from 'vitest';
import { AccessEntries } from '../kube/auth/access-entries.ts';
import { AccessEntryApiError, accessEntryRoute, accessEntryTagsRoute } from './access-entries-api.ts';

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/deploy-dev`;
const EDIT = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy';
const cluster = { name: 'bakeline-local', arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/bakeline-local` };

function route(entries: AccessEntries, method: string, rest: string[]) {
  const r = accessEntryRoute({
    entries,
    cluster,
    region: 'us-east-1',
    accountId: ACCOUNT,
    method,
    rest,
    now: () => new Date('2026-12-03T00:00:00Z'),
  });
  if (!r) throw new Error(`no route for ${method} ${rest.join('/')}`);
  return r;
}

function refusal(fn: () => unknown): { type: string; status: number; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof AccessEntryApiError) return { type: error.type, status: error.status, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('access entries', () => {
  it('creates, describes, associates a namespace-scoped policy, tags, disassociates and deletes', () => {
    const entries = new AccessEntries();
    const created = route(entries, 'POST', ['access-entries']).run(
      { principalArn: ROLE, type: 'STANDARD', tags: { env: 'dev' } },
      new URLSearchParams(),
    ) as { accessEntry: { accessEntryArn: string; username: string } };
    expect(created.accessEntry.accessEntryArn).toMatch(
      new RegExp(`^arn:aws:eks:us-east-1:${ACCOUNT}:access-entry/bakeline-local/role/${ACCOUNT}/deploy-dev/`),
    );
    expect(created.accessEntry.username).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/deploy-dev/{{SessionName}}`);
    const described = route(entries, 'GET', ['access-entries', ROLE]).run({}, new URLSearchParams());
    expect(described).toMatchObject({ accessEntry: { principalArn: ROLE, tags: { env: 'dev' }, type: 'STANDARD' } });

    route(entries, 'POST', ['access-entries', ROLE, 'access-policies']).run(
      { policyArn: EDIT, accessScope: { type: 'namespace', namespaces: ['dev'] } },
      new URLSearchParams(),
    );
    expect(entries.get(ROLE)?.accessPolicies).toMatchObject([
      { policyArn: EDIT, accessScope: { type: 'namespace', namespaces: ['dev'] } },
    ]);
    expect(
      route(entries, 'GET', ['access-entries', ROLE, 'access-policies']).run({}, new URLSearchParams()),
    ).toMatchObject({ associatedAccessPolicies: [{ policyArn: EDIT }] });

    const arn = created.accessEntry.accessEntryArn;
    const tags = (method: string) => {
      const r = accessEntryTagsRoute({ entries, method, resourceArn: arn, now: () => new Date() });
      if (!r) throw new Error(method);
      return r;
    };
    tags('POST').run({ tags: { team: 'b' } }, new URLSearchParams());
    tags('DELETE').run({}, new URLSearchParams([['tagKeys', 'env']]));
    expect(tags('GET').run({}, new URLSearchParams())).toEqual({ tags: { team: 'b' } });

    route(entries, 'DELETE', ['access-entries', ROLE, 'access-policies', EDIT]).run({}, new URLSearchParams());
    expect(entries.get(ROLE)?.accessPolicies).toEqual([]);
    route(entries, 'DELETE', ['access-entries', ROLE]).run({}, new URLSearchParams());
    expect(entries.get(ROLE)).toBeUndefined();
  });

  it("refuses with EKS's errors", () => {
    const entries = new AccessEntries();
    const create = (body: Record<string, unknown>) =>
      refusal(() => route(entries, 'POST', ['access-entries']).run(body, new URLSearchParams()));
    expect(create({ principalArn: 'not-an-arn' })).toMatchObject({ type: 'InvalidParameterException', status: 400 });
    expect(create({ principalArn: ROLE, type: 'EC2_LINUX' }).message).toContain('EC2_LINUX');
    route(entries, 'POST', ['access-entries']).run({ principalArn: ROLE }, new URLSearchParams());
    expect(create({ principalArn: ROLE })).toEqual({
      type: 'ResourceInUseException',
      status: 409,
      message: 'The specified access entry resource is already in use on this cluster.',
    });
    const other = `arn:aws:iam::${ACCOUNT}:role/other`;
    expect(
      refusal(() => route(entries, 'GET', ['access-entries', other]).run({}, new URLSearchParams())),
    ).toMatchObject({ type: 'ResourceNotFoundException', status: 404 });
    const associate = (body: Record<string, unknown>) =>
      refusal(() =>
        route(entries, 'POST', ['access-entries', ROLE, 'access-policies']).run(body, new URLSearchParams()),
      );
    expect(
      associate({ policyArn: 'arn:aws:eks::aws:cluster-access-policy/Nope', accessScope: { type: 'cluster' } }),
    ).toMatchObject({ type: 'ResourceNotFoundException' });
    expect(associate({ policyArn: EDIT, accessScope: { type: 'namespace', namespaces: [] } })).toMatchObject({
      type: 'InvalidParameterException',
    });
    expect(
      refusal(() =>
        route(entries, 'DELETE', ['access-entries', ROLE, 'access-policies', EDIT]).run({}, new URLSearchParams()),
      ),
    ).toMatchObject({ type: 'ResourceNotFoundException' });
    expect(
      accessEntryRoute({
        entries,
        cluster,
        region: 'us-east-1',
        accountId: ACCOUNT,
        method: 'PATCH',
        rest: ['access-entries', ROLE],
        now: () => new Date(),
      }),
    ).toBeUndefined();
  });
});
