import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AWS_PROVIDER, findProviderMirror, impliedMirrorDirectories } from './provider-mirror.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tf-mirror-'));
  dirs.push(d);
  return d;
}
function mirrorAt(dir: string): string {
  mkdirSync(join(dir, AWS_PROVIDER, '5.100.0', 'linux_amd64'), { recursive: true });
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('findProviderMirror', () => {
  it('takes BAKELINE_TERRAFORM_MIRROR when it holds the provider', () => {
    const mirror = mirrorAt(tempDir());
    expect(findProviderMirror({ env: { BAKELINE_TERRAFORM_MIRROR: mirror, HOME: tempDir() }, root: tempDir() })).toBe(
      mirror,
    );
  });

  it('refuses a BAKELINE_TERRAFORM_MIRROR without the provider, naming it', () => {
    const empty = tempDir();
    expect(() => findProviderMirror({ env: { BAKELINE_TERRAFORM_MIRROR: empty } })).toThrow(
      `BAKELINE_TERRAFORM_MIRROR is '${empty}'; expected a Terraform filesystem mirror holding ${AWS_PROVIDER}/<version>/`,
    );
  });

  it("looks in Terraform's implied mirror directories first", () => {
    const home = tempDir();
    const implied = mirrorAt(join(home, '.local/share/terraform/plugins'));
    const elsewhere = tempDir();
    mirrorAt(join(elsewhere, 'opt/plugins'));
    expect(impliedMirrorDirectories({ HOME: home, XDG_DATA_DIRS: '/nowhere' })).toContain(implied);
    expect(findProviderMirror({ env: { HOME: home, XDG_DATA_DIRS: '/nowhere' }, root: elsewhere })).toBe(implied);
  });

  it('walks the file system to the depth find / -maxdepth 6 reaches, and no deeper', () => {
    const root = tempDir();
    const env = { HOME: tempDir(), XDG_DATA_DIRS: '/nowhere' };
    // <root>/a/b/c/<hostname>/<namespace>/<type> is depth 6
    const found = mirrorAt(join(root, 'a/b/c'));
    expect(findProviderMirror({ env, root })).toBe(found);
    const deep = tempDir();
    mirrorAt(join(deep, 'a/b/c/d'));
    expect(() => findProviderMirror({ env, root: deep })).toThrow(
      /no Terraform plugin mirror with registry\.terraform\.io\/hashicorp\/aws/,
    );
  });

  it('does not take a provider directory without any version in it', () => {
    const root = tempDir();
    mkdirSync(join(root, 'x', AWS_PROVIDER), { recursive: true });
    expect(() => findProviderMirror({ env: { HOME: tempDir(), XDG_DATA_DIRS: '/nowhere' }, root })).toThrow(
      /no Terraform plugin mirror/,
    );
  });
});
