// IAM's XML shapes (2010-05-08): roles, OIDC providers, managed policies and their versions,
// tags and `<member>` lists, as the AWS SDKs and the Terraform provider parse them.
import { xmlElements, xmlEscape } from '../aws/query-protocol.ts';
import type { OidcProviderEntry, Role } from './iam.ts';
import type { ManagedPolicy, PolicyVersion } from './managed-policies.ts';
import type { Policy } from './policy.ts';
import type { Tag } from './tags.ts';

export const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A policy document as IAM returns it: its JSON, URL-encoded (RFC 3986). */
export function encodedDocument(policy: Policy): string {
  return encodeURIComponent(JSON.stringify(policy.document));
}

export function members(items: readonly string[]): { xml: string } {
  return { xml: items.map((i) => `<member>${xmlEscape(i)}</member>`).join('') };
}

export function tagsXml(tags: readonly Tag[]): { xml: string } {
  return { xml: tags.map((t) => `<member>${xmlElements({ Key: t.Key, Value: t.Value })}</member>`).join('') };
}

export function roleXml(role: Role): { xml: string } {
  return {
    xml: xmlElements({
      Path: role.path,
      RoleName: role.name,
      RoleId: role.roleId,
      Arn: role.arn,
      CreateDate: isoSeconds(role.createdAt),
      AssumeRolePolicyDocument: encodedDocument(role.trustPolicy),
      Description: role.description,
      MaxSessionDuration: String(role.maxSessionDurationSeconds),
      Tags: (role.tags ?? []).length > 0 ? tagsXml(role.tags ?? []) : undefined,
      RoleLastUsed: { xml: '' },
    }),
  };
}

export function providerXml(provider: OidcProviderEntry): Record<string, string | { xml: string } | undefined> {
  return {
    Url: provider.url.replace(/^https:\/\//, ''),
    ClientIDList: members(provider.clientIds),
    ThumbprintList: members(provider.thumbprints ?? []),
    CreateDate: provider.createdAt ? isoSeconds(provider.createdAt) : undefined,
    Tags: tagsXml(provider.tags ?? []),
  };
}

export function policyXml(policy: ManagedPolicy): { xml: string } {
  const current = policy.versions.find((v) => v.isDefault);
  return {
    xml: xmlElements({
      PolicyName: policy.name,
      PolicyId: policy.policyId,
      Arn: policy.arn,
      Path: policy.path,
      DefaultVersionId: current?.versionId,
      AttachmentCount: String(policy.attachmentCount),
      PermissionsBoundaryUsageCount: '0',
      IsAttachable: 'true',
      Description: policy.description,
      CreateDate: isoSeconds(policy.createdAt),
      UpdateDate: isoSeconds(policy.updatedAt),
      Tags: policy.tags.length > 0 ? tagsXml(policy.tags) : undefined,
    }),
  };
}

export function policyVersionXml(version: PolicyVersion, withDocument: boolean): { xml: string } {
  return {
    xml: xmlElements({
      Document: withDocument ? encodedDocument(version.policy) : undefined,
      VersionId: version.versionId,
      IsDefaultVersion: String(version.isDefault),
      CreateDate: isoSeconds(version.createdAt),
    }),
  };
}

/** `<XResponse><XResult>..</XResult><ResponseMetadata>..` (no Result element when `result` is undefined). */
export function responseXml(action: string, result: string | undefined, requestId: string): string {
  const body = result === undefined ? '' : `<${action}Result>${result}</${action}Result>`;
  return `<${action}Response xmlns="${IAM_XMLNS}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}
