// Customer managed policies (CreatePolicy): versions v1..vN with one default, at most five
// versions, tags, and an attachment count that blocks DeletePolicy, with IAM's messages.
import { IamError } from './iam-error.ts';
import { type Policy, parsePolicy } from './policy.ts';
import { checkTags, type Tag } from './tags.ts';
import { uniqueId } from './unique-id.ts';

export interface PolicyVersion {
  versionId: string;
  policy: Policy;
  isDefault: boolean;
  createdAt: Date;
}

export interface ManagedPolicy {
  name: string;
  arn: string;
  policyId: string;
  path: string;
  description?: string;
  versions: PolicyVersion[];
  nextVersion: number;
  tags: Tag[];
  attachmentCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export const MAX_POLICY_VERSIONS = 5;

export class ManagedPolicies {
  readonly #o: { accountId: string; partition: string; now: () => Date };
  readonly #policies = new Map<string, ManagedPolicy>();

  constructor(options: { accountId: string; partition: string; now: () => Date }) {
    this.#o = options;
  }

  create(input: { name: string; path: string; document: unknown; description?: string; tags?: Tag[] }): ManagedPolicy {
    checkTags(input.tags ?? []);
    const arn = `arn:${this.#o.partition}:iam::${this.#o.accountId}:policy${input.path}${input.name}`;
    if ([...this.#policies.values()].some((p) => p.name === input.name)) {
      throw new IamError(
        'EntityAlreadyExists',
        `A policy called ${input.name} already exists. Duplicate names are not allowed.`,
      );
    }
    const now = this.#o.now();
    const policy: ManagedPolicy = {
      name: input.name,
      arn,
      policyId: uniqueId('ANPA', this.#o.accountId, input.name),
      path: input.path,
      versions: [{ versionId: 'v1', policy: parsePolicy(input.document, 'identity'), isDefault: true, createdAt: now }],
      nextVersion: 2,
      tags: [...(input.tags ?? [])],
      attachmentCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    if (input.description !== undefined) policy.description = input.description;
    this.#policies.set(arn, policy);
    return policy;
  }

  get(arn: string): ManagedPolicy | undefined {
    return this.#policies.get(arn);
  }

  require(arn: string): ManagedPolicy {
    const policy = this.#policies.get(arn);
    if (!policy) throw new IamError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`);
    return policy;
  }

  list(): ManagedPolicy[] {
    return [...this.#policies.values()];
  }

  /** Puts back a policy saved by an earlier run (documents parsed again). */
  import(policy: ManagedPolicy): void {
    const versions = policy.versions.map((v) => ({ ...v, policy: parsePolicy(v.policy.document, 'identity') }));
    this.#policies.set(policy.arn, { ...policy, versions });
  }

  /** The default version's document, for evaluation; undefined when the policy is gone. */
  defaultPolicy(arn: string): Policy | undefined {
    return this.#policies.get(arn)?.versions.find((v) => v.isDefault)?.policy;
  }

  version(arn: string, versionId: string): PolicyVersion {
    const version = this.require(arn).versions.find((v) => v.versionId === versionId);
    if (!version) {
      throw new IamError('NoSuchEntity', `Policy ${arn} version ${versionId} does not exist or is not attachable.`);
    }
    return version;
  }

  createVersion(arn: string, document: unknown, setAsDefault: boolean): PolicyVersion {
    const policy = this.require(arn);
    if (policy.versions.length >= MAX_POLICY_VERSIONS) {
      throw new IamError(
        'LimitExceeded',
        `A managed policy can have up to ${MAX_POLICY_VERSIONS} versions. Before you create a new version, you must delete an existing version.`,
      );
    }
    const now = this.#o.now();
    const version: PolicyVersion = {
      versionId: `v${policy.nextVersion}`,
      policy: parsePolicy(document, 'identity'),
      isDefault: false,
      createdAt: now,
    };
    policy.nextVersion += 1;
    policy.versions.push(version);
    policy.updatedAt = now;
    if (setAsDefault) this.setDefault(arn, version.versionId);
    return version;
  }

  setDefault(arn: string, versionId: string): void {
    const target = this.version(arn, versionId);
    for (const v of this.require(arn).versions) v.isDefault = v === target;
  }

  deleteVersion(arn: string, versionId: string): void {
    const policy = this.require(arn);
    const version = this.version(arn, versionId);
    if (version.isDefault) throw new IamError('DeleteConflict', 'Cannot delete the default version of a policy.');
    policy.versions = policy.versions.filter((v) => v !== version);
  }

  delete(arn: string): void {
    const policy = this.require(arn);
    if (policy.attachmentCount > 0)
      throw new IamError('DeleteConflict', 'Cannot delete a policy attached to entities.');
    if (policy.versions.length > 1) {
      throw new IamError(
        'DeleteConflict',
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      );
    }
    this.#policies.delete(arn);
  }

  countAttachment(arn: string, delta: 1 | -1): void {
    const policy = this.#policies.get(arn);
    if (policy) policy.attachmentCount = Math.max(0, policy.attachmentCount + delta);
  }
}
