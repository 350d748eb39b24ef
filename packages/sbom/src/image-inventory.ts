// The image's contents as the SBOM lists them, from the findings of each layer applied in order,
// as the union filesystem does: a later file replaces an earlier one, a whiteout deletes a path
// and all below it, an opaque directory hides the lower layers' contents of that directory.
import type { DpkgPackage, OsRelease } from './dpkg-status.ts';
import { parseOsRelease } from './dpkg-status.ts';
import type { MavenFinding } from './jar-scan.ts';
import type { FileRecord, LayerFindings } from './layer-scan.ts';

export interface ImageInventory {
  os?: OsRelease;
  /** Installed packages, by name (the last layer's word wins), sorted by name. */
  packages: DpkgPackage[];
  /** Files of the build's own layers, sorted by path. */
  files: FileRecord[];
  maven: MavenFinding[];
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

export function mergeLayers(layers: readonly LayerFindings[]): ImageInventory {
  let status: DpkgPackage[] | undefined;
  let statusD = new Map<string, DpkgPackage[]>();
  let osText: string | undefined;
  let files = new Map<string, FileRecord>();
  let maven: MavenFinding[] = [];
  for (const layer of layers) {
    const hidden = [...layer.whiteouts.map((p) => `/${p}`), ...layer.opaqueDirs.map((d) => (d === '' ? '' : `/${d}`))];
    for (const path of hidden) {
      files = new Map([...files].filter(([p]) => !(path === '' || under(p, path))));
      maven = maven.filter((m) => !(path === '' || under(m.file, path)));
      if (path === '' || under('/var/lib/dpkg/status', path)) status = undefined;
      if (path === '' || under('/var/lib/dpkg/status.d', path)) statusD = new Map();
      for (const name of [...statusD.keys()]) if (under(`/var/lib/dpkg/status.d/${name}`, path)) statusD.delete(name);
      if (path === '' || under('/etc/os-release', path)) osText = undefined;
    }
    if (layer.dpkgStatus) status = layer.dpkgStatus;
    for (const [name, packages] of Object.entries(layer.dpkgStatusD)) statusD.set(name, packages);
    if (layer.osRelease !== undefined) osText = layer.osRelease;
    for (const file of layer.files) {
      files.set(file.path, file);
      maven = maven.filter((m) => m.file !== file.path);
    }
    maven.push(...layer.maven);
  }
  const byName = new Map<string, DpkgPackage>();
  for (const pkg of [...(status ?? []), ...[...statusD.values()].flat()]) byName.set(pkg.name, pkg);
  const os = osText === undefined ? undefined : parseOsRelease(osText);
  return {
    ...(os ? { os } : {}),
    packages: [...byName.values()].sort((a, b) => compare(a.name, b.name)),
    files: [...files.values()].sort((a, b) => compare(a.path, b.path)),
    maven,
  };
}

/** Code-point order: the same on every machine and locale (localeCompare is not). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
