// "Nothing changed", made checkable: the registry (repositories, images, tags, through the local
// ECR's own state and the registry front's request log), the cluster (every object's
// resourceVersion, read with the real kubectl) and the file system (every path under the given
// directories with its type, size, mode and content hash).
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalCloud } from '@bakeline/local-cloud';
import { kubectl, type World } from './world.ts';

export type FileSnapshot = Record<string, string>;

/** path -> `type size mode sha256` (files), `dir mode`, `link -> target`. */
export function snapshotFiles(roots: readonly string[]): FileSnapshot {
  const out: FileSnapshot = {};
  const walk = (path: string) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) {
      out[path] = `link -> ${readlinkSync(path)}`;
    } else if (st.isDirectory()) {
      out[path] = `dir ${st.mode.toString(8)}`;
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else if (st.isFile()) {
      const hash =
        st.size > 8 * 1024 * 1024
          ? `mtime ${st.mtimeMs}`
          : createHash('sha256').update(readFileSync(path)).digest('hex');
      out[path] = `file ${st.size} ${st.mode.toString(8)} ${hash}`;
    } else {
      out[path] = `other ${st.mode.toString(8)}`;
    }
  };
  for (const root of roots) if (existsSync(root)) walk(root);
  return out;
}

/** What differs between two file snapshots, as `+ path`, `- path`, `~ path`. */
export function fileChanges(before: FileSnapshot, after: FileSnapshot): string[] {
  const changes: string[] = [];
  for (const [path, what] of Object.entries(after)) {
    if (!(path in before)) changes.push(`+ ${path}`);
    else if (before[path] !== what) changes.push(`~ ${path}`);
  }
  for (const path of Object.keys(before)) if (!(path in after)) changes.push(`- ${path}`);
  return changes.sort();
}

export interface RegistrySnapshot {
  repositories: Record<string, { tags: Record<string, string>; images: string[] }>;
  /** requests that changed something (anything but GET/HEAD) since the cloud started */
  writes: number;
}

export function snapshotRegistry(cloud: LocalCloud): RegistrySnapshot {
  const repositories: RegistrySnapshot['repositories'] = {};
  for (const repo of cloud.admin.ecr.listRepositories()) {
    repositories[repo.name] = {
      tags: Object.fromEntries([...repo.tags].sort()),
      images: [...repo.images.keys()].sort(),
    };
  }
  const writes = cloud.admin.registryLog().filter((r) => r.method !== 'GET' && r.method !== 'HEAD').length;
  return { repositories, writes };
}

const KINDS = 'namespaces,deployments,replicasets,pods,services,configmaps,secrets,roles,rolebindings';

/** `kind/namespace/name` -> resourceVersion of every object the suites could touch, through kubectl. */
export async function snapshotCluster(world: Pick<World, 'kube'>): Promise<Record<string, string>> {
  const list = JSON.parse(await kubectl(world, 'get', KINDS, '--all-namespaces', '-o', 'json')) as {
    items: { kind: string; metadata: { namespace?: string; name: string; resourceVersion: string } }[];
  };
  return Object.fromEntries(
    list.items
      .map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
