// The IAM actions the local IAM API serves: for each, the parameters it takes, the resource it
// is authorized on, and what it does to the account's IAM and answers (the `<XResult>` body).
import type { Principal } from '../aws/credential-store.ts';
import { xmlElements } from '../aws/query-protocol.ts';
import type { Iam, OidcProviderEntry } from './iam.ts';
import { IamError } from './iam-error.ts';
import {
  encodedDocument,
  isoSeconds,
  members,
  policyVersionXml,
  policyXml,
  providerXml,
  roleXml,
  tagsXml,
} from './iam-xml.ts';
import { parsePolicy } from './policy.ts';
import type { QueryParams } from './query-params.ts';
import { checkTags, mergeTags, removeTags } from './tags.ts';

export interface IamOperation {
  parameters: readonly string[];
  resource(p: QueryParams): string;
  /** The result element's content, or undefined for actions that answer only metadata. */
  run(p: QueryParams, caller: Principal): string | undefined;
}

const PAGING = ['Marker', 'MaxItems'];
const THUMBPRINT = /^[0-9a-fA-F]{40}$/;

function checkThumbprints(list: readonly string[]): void {
  if (list.length > 5) {
    throw new IamError('LimitExceeded', 'Thumbprint list must contain fewer than 5 entries.');
  }
  for (const t of list) {
    if (!THUMBPRINT.test(t)) {
      throw new IamError(
        'ValidationError',
        `1 validation error detected: Value '${t}' at 'thumbprintList' failed to satisfy constraint: Member must have length greater than or equal to 40`,
      );
    }
  }
}

function checkMaxSession(value: number): void {
  if (value < 3600 || value > 43200) {
    throw new IamError(
      'ValidationError',
      `1 validation error detected: Value '${value}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200`,
    );
  }
}

export function iamOperations(iam: Iam): Record<string, IamOperation> {
  const account = `arn:${iam.partition}:iam::${iam.accountId}`;
  const roleArn = (p: QueryParams) =>
    iam.getRole(p.required('RoleName'))?.arn ?? `${account}:role/${p.required('RoleName')}`;
  const provider = (p: QueryParams): OidcProviderEntry => {
    const arn = p.required('OpenIDConnectProviderArn');
    const found = iam.getOidcProvider(arn);
    if (!found) throw new IamError('NoSuchEntity', `OpenIDConnect Provider not found for arn ${arn}`);
    return found;
  };
  const providerArn = (p: QueryParams) => p.required('OpenIDConnectProviderArn');
  const policyArn = (p: QueryParams) => p.required('PolicyArn');
  const list = (name: string, items: string, truncated = false) =>
    xmlElements({ [name]: { xml: items }, IsTruncated: String(truncated) });

  return {
    // ---- users (the provider asks GetUser for the caller's account) ----
    GetUser: {
      parameters: ['UserName'],
      resource: (p) => `${account}:user/${p.string('UserName') ?? ''}`,
      run: (p, caller) => {
        const name = p.string('UserName');
        if (name === undefined && caller.type !== 'user') {
          throw new IamError('ValidationError', 'Must specify userName when calling with non-User credentials');
        }
        const user = iam.getUser(name ?? caller.arn);
        if (!user) throw new IamError('NoSuchEntity', `The user with name ${name ?? caller.arn} cannot be found.`);
        return xmlElements({
          User: {
            xml: xmlElements({
              Path: user.path,
              UserName: user.name,
              UserId: user.userId,
              Arn: user.arn,
              CreateDate: isoSeconds(user.createdAt),
            }),
          },
        });
      },
    },

    // ---- OIDC providers ----
    CreateOpenIDConnectProvider: {
      parameters: ['Url', 'ClientIDList', 'ThumbprintList', 'Tags'],
      resource: (p) => `${account}:oidc-provider/${p.required('Url').replace(/^https:\/\//, '')}`,
      run: (p) => {
        const thumbprints = p.list('ThumbprintList') ?? [];
        checkThumbprints(thumbprints);
        const tags = p.tags();
        checkTags(tags);
        const entry = iam.addOidcProvider({
          url: p.required('Url'),
          clientIds: p.list('ClientIDList') ?? [],
          thumbprints,
          tags,
        });
        return xmlElements({ OpenIDConnectProviderArn: entry.arn, Tags: tagsXml(entry.tags ?? []) });
      },
    },
    GetOpenIDConnectProvider: {
      parameters: ['OpenIDConnectProviderArn'],
      resource: providerArn,
      run: (p) => xmlElements(providerXml(provider(p))),
    },
    ListOpenIDConnectProviders: {
      parameters: [],
      resource: () => '*',
      run: () =>
        xmlElements({
          OpenIDConnectProviderList: {
            xml: iam
              .listOidcProviders()
              .map((e) => `<member>${xmlElements({ Arn: e.arn })}</member>`)
              .join(''),
          },
        }),
    },
    DeleteOpenIDConnectProvider: {
      parameters: ['OpenIDConnectProviderArn'],
      resource: providerArn,
      run: (p) => {
        iam.deleteOidcProvider(provider(p).arn);
        return undefined;
      },
    },
    UpdateOpenIDConnectProviderThumbprint: {
      parameters: ['OpenIDConnectProviderArn', 'ThumbprintList'],
      resource: providerArn,
      run: (p) => {
        const entry = provider(p);
        const thumbprints = p.list('ThumbprintList') ?? [];
        checkThumbprints(thumbprints);
        entry.thumbprints = thumbprints;
        return undefined;
      },
    },
    AddClientIDToOpenIDConnectProvider: {
      parameters: ['OpenIDConnectProviderArn', 'ClientID'],
      resource: providerArn,
      run: (p) => {
        const entry = provider(p);
        const id = p.required('ClientID');
        if (!entry.clientIds.includes(id)) entry.clientIds.push(id);
        return undefined;
      },
    },
    RemoveClientIDFromOpenIDConnectProvider: {
      parameters: ['OpenIDConnectProviderArn', 'ClientID'],
      resource: providerArn,
      run: (p) => {
        const entry = provider(p);
        const id = p.required('ClientID');
        entry.clientIds = entry.clientIds.filter((c) => c !== id);
        return undefined;
      },
    },
    TagOpenIDConnectProvider: {
      parameters: ['OpenIDConnectProviderArn', 'Tags'],
      resource: providerArn,
      run: (p) => {
        const entry = provider(p);
        entry.tags = mergeTags(entry.tags ?? [], p.tags());
        return undefined;
      },
    },
    UntagOpenIDConnectProvider: {
      parameters: ['OpenIDConnectProviderArn', 'TagKeys'],
      resource: providerArn,
      run: (p) => {
        const entry = provider(p);
        entry.tags = removeTags(entry.tags ?? [], p.list('TagKeys') ?? []);
        return undefined;
      },
    },
    ListOpenIDConnectProviderTags: {
      parameters: ['OpenIDConnectProviderArn', ...PAGING],
      resource: providerArn,
      run: (p) => list('Tags', tagsXml(provider(p).tags ?? []).xml),
    },

    // ---- roles ----
    CreateRole: {
      parameters: ['RoleName', 'AssumeRolePolicyDocument', 'Path', 'Description', 'MaxSessionDuration', 'Tags'],
      resource: roleArn,
      run: (p) => {
        const tags = p.tags();
        checkTags(tags);
        const description = p.string('Description');
        const path = p.string('Path');
        const max = p.integer('MaxSessionDuration');
        const role = iam.createRole({
          name: p.required('RoleName'),
          trustPolicy: p.required('AssumeRolePolicyDocument'),
          ...(description !== undefined ? { description } : {}),
          ...(path !== undefined ? { path } : {}),
          ...(max !== undefined ? { maxSessionDurationSeconds: max } : {}),
          tags,
        });
        return xmlElements({ Role: roleXml(role) });
      },
    },
    ListRoles: {
      parameters: ['PathPrefix', ...PAGING],
      resource: () => '*',
      run: (p) => {
        const prefix = p.string('PathPrefix') ?? '/';
        const roles = iam.listRoles().filter((r) => r.path.startsWith(prefix));
        return list('Roles', roles.map((r) => `<member>${roleXml(r).xml}</member>`).join(''));
      },
    },
    GetRole: {
      parameters: ['RoleName'],
      resource: roleArn,
      run: (p) => xmlElements({ Role: roleXml(iam.requireRole(p.required('RoleName'))) }),
    },
    DeleteRole: {
      parameters: ['RoleName'],
      resource: roleArn,
      run: (p) => {
        iam.deleteRole(p.required('RoleName'));
        return undefined;
      },
    },
    UpdateRole: {
      parameters: ['RoleName', 'Description', 'MaxSessionDuration'],
      resource: roleArn,
      run: (p) => {
        const role = iam.requireRole(p.required('RoleName'));
        const max = p.integer('MaxSessionDuration');
        if (max !== undefined) checkMaxSession(max);
        const description = p.string('Description');
        if (description !== undefined) role.description = description;
        if (max !== undefined) role.maxSessionDurationSeconds = max;
        return '';
      },
    },
    UpdateRoleDescription: {
      parameters: ['RoleName', 'Description'],
      resource: roleArn,
      run: (p) => {
        const role = iam.requireRole(p.required('RoleName'));
        role.description = p.string('Description') ?? '';
        return xmlElements({ Role: roleXml(role) });
      },
    },
    UpdateAssumeRolePolicy: {
      parameters: ['RoleName', 'PolicyDocument'],
      resource: roleArn,
      run: (p) => {
        const role = iam.requireRole(p.required('RoleName'));
        role.trustPolicy = parsePolicy(p.required('PolicyDocument'), 'trust');
        return undefined;
      },
    },
    TagRole: {
      parameters: ['RoleName', 'Tags'],
      resource: roleArn,
      run: (p) => {
        const role = iam.requireRole(p.required('RoleName'));
        role.tags = mergeTags(role.tags ?? [], p.tags());
        return undefined;
      },
    },
    UntagRole: {
      parameters: ['RoleName', 'TagKeys'],
      resource: roleArn,
      run: (p) => {
        const role = iam.requireRole(p.required('RoleName'));
        role.tags = removeTags(role.tags ?? [], p.list('TagKeys') ?? []);
        return undefined;
      },
    },
    ListRoleTags: {
      parameters: ['RoleName', ...PAGING],
      resource: roleArn,
      run: (p) => list('Tags', tagsXml(iam.requireRole(p.required('RoleName')).tags ?? []).xml),
    },
    ListInstanceProfilesForRole: {
      parameters: ['RoleName', ...PAGING],
      resource: roleArn,
      run: (p) => {
        iam.requireRole(p.required('RoleName'));
        return list('InstanceProfiles', '');
      },
    },

    // ---- inline role policies ----
    PutRolePolicy: {
      parameters: ['RoleName', 'PolicyName', 'PolicyDocument'],
      resource: roleArn,
      run: (p) => {
        iam.putRolePolicy(p.required('RoleName'), p.required('PolicyName'), p.required('PolicyDocument'));
        return undefined;
      },
    },
    GetRolePolicy: {
      parameters: ['RoleName', 'PolicyName'],
      resource: roleArn,
      run: (p) => {
        const role = iam.requireRole(p.required('RoleName'));
        const name = p.required('PolicyName');
        const policy = role.policies.get(name);
        if (!policy) {
          throw new IamError('NoSuchEntity', `The role policy with name ${name} cannot be found.`);
        }
        return xmlElements({ RoleName: role.name, PolicyName: name, PolicyDocument: encodedDocument(policy) });
      },
    },
    DeleteRolePolicy: {
      parameters: ['RoleName', 'PolicyName'],
      resource: roleArn,
      run: (p) => {
        iam.deleteRolePolicy(p.required('RoleName'), p.required('PolicyName'));
        return undefined;
      },
    },
    ListRolePolicies: {
      parameters: ['RoleName', ...PAGING],
      resource: roleArn,
      run: (p) => list('PolicyNames', members([...iam.requireRole(p.required('RoleName')).policies.keys()]).xml),
    },

    // ---- managed policies and attachments ----
    AttachRolePolicy: {
      parameters: ['RoleName', 'PolicyArn'],
      resource: roleArn,
      run: (p) => {
        iam.attachRolePolicy(p.required('RoleName'), p.required('PolicyArn'));
        return undefined;
      },
    },
    DetachRolePolicy: {
      parameters: ['RoleName', 'PolicyArn'],
      resource: roleArn,
      run: (p) => {
        iam.detachRolePolicy(p.required('RoleName'), p.required('PolicyArn'));
        return undefined;
      },
    },
    ListAttachedRolePolicies: {
      parameters: ['RoleName', 'PathPrefix', ...PAGING],
      resource: roleArn,
      run: (p) => {
        const role = iam.requireRole(p.required('RoleName'));
        const items = (role.attachedPolicyArns ?? []).map((arn) => {
          const name = iam.managedPolicies.get(arn)?.name ?? arn.slice(arn.lastIndexOf('/') + 1);
          return `<member>${xmlElements({ PolicyName: name, PolicyArn: arn })}</member>`;
        });
        return list('AttachedPolicies', items.join(''));
      },
    },
    CreatePolicy: {
      parameters: ['PolicyName', 'PolicyDocument', 'Path', 'Description', 'Tags'],
      resource: (p) => `${account}:policy${p.string('Path') ?? '/'}${p.required('PolicyName')}`,
      run: (p) => {
        const name = p.required('PolicyName');
        if (!/^[\w+=,.@-]{1,128}$/.test(name)) {
          throw new IamError(
            'ValidationError',
            `1 validation error detected: Value '${name}' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
          );
        }
        const description = p.string('Description');
        const policy = iam.managedPolicies.create({
          name,
          path: p.string('Path') ?? '/',
          document: p.required('PolicyDocument'),
          tags: p.tags(),
          ...(description !== undefined ? { description } : {}),
        });
        return xmlElements({ Policy: policyXml(policy) });
      },
    },
    GetPolicy: {
      parameters: ['PolicyArn'],
      resource: policyArn,
      run: (p) => xmlElements({ Policy: policyXml(iam.managedPolicies.require(p.required('PolicyArn'))) }),
    },
    DeletePolicy: {
      parameters: ['PolicyArn'],
      resource: policyArn,
      run: (p) => {
        iam.managedPolicies.delete(p.required('PolicyArn'));
        return undefined;
      },
    },
    GetPolicyVersion: {
      parameters: ['PolicyArn', 'VersionId'],
      resource: policyArn,
      run: (p) =>
        xmlElements({
          PolicyVersion: policyVersionXml(
            iam.managedPolicies.version(p.required('PolicyArn'), p.required('VersionId')),
            true,
          ),
        }),
    },
    ListPolicyVersions: {
      parameters: ['PolicyArn', ...PAGING],
      resource: policyArn,
      run: (p) =>
        list(
          'Versions',
          iam.managedPolicies
            .require(p.required('PolicyArn'))
            .versions.map((v) => `<member>${policyVersionXml(v, false).xml}</member>`)
            .join(''),
        ),
    },
    CreatePolicyVersion: {
      parameters: ['PolicyArn', 'PolicyDocument', 'SetAsDefault'],
      resource: policyArn,
      run: (p) => {
        const version = iam.managedPolicies.createVersion(
          p.required('PolicyArn'),
          p.required('PolicyDocument'),
          p.boolean('SetAsDefault') ?? false,
        );
        return xmlElements({ PolicyVersion: policyVersionXml(version, false) });
      },
    },
    DeletePolicyVersion: {
      parameters: ['PolicyArn', 'VersionId'],
      resource: policyArn,
      run: (p) => {
        iam.managedPolicies.deleteVersion(p.required('PolicyArn'), p.required('VersionId'));
        return undefined;
      },
    },
    TagPolicy: {
      parameters: ['PolicyArn', 'Tags'],
      resource: policyArn,
      run: (p) => {
        const policy = iam.managedPolicies.require(p.required('PolicyArn'));
        policy.tags = mergeTags(policy.tags, p.tags());
        return undefined;
      },
    },
    UntagPolicy: {
      parameters: ['PolicyArn', 'TagKeys'],
      resource: policyArn,
      run: (p) => {
        const policy = iam.managedPolicies.require(p.required('PolicyArn'));
        policy.tags = removeTags(policy.tags, p.list('TagKeys') ?? []);
        return undefined;
      },
    },
    ListPolicyTags: {
      parameters: ['PolicyArn', ...PAGING],
      resource: policyArn,
      run: (p) => list('Tags', tagsXml(iam.managedPolicies.require(p.required('PolicyArn')).tags).xml),
    },
    ListEntitiesForPolicy: {
      parameters: ['PolicyArn', 'EntityFilter', 'PathPrefix', 'PolicyUsageFilter', ...PAGING],
      resource: policyArn,
      run: (p) => {
        const arn = p.required('PolicyArn');
        iam.managedPolicies.require(arn);
        const roles = iam
          .listRoles()
          .filter((r) => (r.attachedPolicyArns ?? []).includes(arn))
          .map((r) => `<member>${xmlElements({ RoleName: r.name, RoleId: r.roleId })}</member>`);
        return xmlElements({
          PolicyGroups: { xml: '' },
          PolicyUsers: { xml: '' },
          PolicyRoles: { xml: roles.join('') },
          IsTruncated: 'false',
        });
      },
    },
  };
}
