// Legacy discovery documents (APIVersions, APIGroupList, APIGroup, APIResourceList), which
// kubectl accepts when it offers aggregated discovery.
import { GROUPS, RESOURCES, type ResourceDef } from './resources.ts';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-eks-local',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(name: string, version: string) {
  const gv = { groupVersion: `${name}/${version}`, version };
  return { name, versions: [gv], preferredVersion: gv };
}

export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: GROUPS.map((g) => groupDoc(g.name, g.version)),
  };
}

export function apiGroup(name: string) {
  const g = GROUPS.find((x) => x.name === name);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g.name, g.version) } : undefined;
}

function entries(def: ResourceDef) {
  const main = {
    name: def.resource,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: def.verbs,
    ...(def.shortNames.length ? { shortNames: def.shortNames } : {}),
    ...(def.categories.length ? { categories: def.categories } : {}),
    storageVersionHash: Buffer.from(`${def.group}/${def.version}/${def.kind}`).toString('base64').slice(0, 11),
  };
  const subs = def.subresources.map((sub) => {
    if (sub === 'scale') {
      return {
        name: `${def.resource}/scale`,
        singularName: '',
        namespaced: def.namespaced,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      };
    }
    if (sub === 'log')
      return {
        name: `${def.resource}/log`,
        singularName: '',
        namespaced: def.namespaced,
        kind: def.kind,
        verbs: ['get'],
      };
    return {
      name: `${def.resource}/${sub}`,
      singularName: '',
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: ['get', 'patch', 'update'],
    };
  });
  return [main, ...subs];
}

export function apiResourceList(group: string, version: string) {
  const defs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (defs.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: defs.flatMap(entries),
  };
}
