import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputReader } from '@bakeline/action-io';
import { InputError } from '@bakeline/toolkit';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifestInputs } from './manifest-inputs.ts';

const workspace = mkdtempSync(join(tmpdir(), 'bakeline-manifest-inputs-'));
mkdirSync(join(workspace, 'k8s', 'overlays', 'prod'), { recursive: true });
mkdirSync(join(workspace, 'k8s', 'overlays', 'empty'), { recursive: true });
writeFileSync(join(workspace, 'k8s', 'overlays', 'prod', 'kustomization.yaml'), 'resources: [../../base]\n');
writeFileSync(join(workspace, 'k8s', 'app.yaml'), 'kind: ConfigMap\n');
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const read = (values: Record<string, string>, environment = 'prod') =>
  readManifestInputs(new InputReader((name) => values[name]), environment, workspace);

function failure(values: Record<string, string>, environment = 'prod'): InputError {
  try {
    read(values, environment);
  } catch (error: unknown) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('manifest inputs', () => {
  it('reads the manifests from the commit that built the image by default, paths relative to the workspace', () => {
    expect(read({ manifests: 'k8s/app.yaml\nk8s/renamed-since.yaml' })).toEqual({
      from: 'image-revision',
      workspace,
      paths: ['k8s/app.yaml', 'k8s/renamed-since.yaml'],
      kustomize: undefined,
    });
  });

  it("reads kustomize as the overlays root and the environment's overlay", () => {
    expect(read({ kustomize: 'k8s/overlays/' }).kustomize).toEqual({ root: 'k8s/overlays', overlay: 'prod' });
    expect(read({ kustomize: 'k8s/overlays', 'manifests-from': 'workspace' }).kustomize).toEqual({
      root: 'k8s/overlays',
      overlay: 'prod',
    });
  });

  it('gives no manifests when neither input is given', () => {
    expect(read({})).toMatchObject({ paths: [], kustomize: undefined });
  });

  it.each([
    [
      { 'manifests-from': 'revision' },
      'prod',
      'manifests-from',
      'expected one of image-revision, image-revision-or-workspace, workspace',
    ],
    [{ manifests: '../outside.yaml' }, 'prod', 'manifests', 'expected a path inside the workspace'],
    [{ manifests: '.' }, 'prod', 'manifests', 'names the workspace itself'],
    [{ manifests: 'k8s/missing.yaml', 'manifests-from': 'workspace' }, 'prod', 'manifests', 'no such path'],
    [{ kustomize: 'k8s/overlays', manifests: 'k8s/app.yaml' }, 'prod', 'kustomize', "together with 'manifests'"],
    [{ kustomize: '../../etc' }, 'prod', 'kustomize', 'expected a path inside the workspace'],
    [{ kustomize: '.' }, 'prod', 'kustomize', 'expected the overlays root inside the workspace'],
    [{ kustomize: 'k8s/overlays' }, 'Prod EU', 'environment', 'names the overlay directory'],
    [{ kustomize: 'k8s/overlays' }, '..', 'environment', 'names the overlay directory'],
    [
      { kustomize: 'k8s/overlays', 'manifests-from': 'workspace' },
      'test',
      'kustomize',
      "environment 'test' has no overlay: expected k8s/overlays/test/kustomization.yaml",
    ],
    [
      { kustomize: 'k8s/overlays', 'manifests-from': 'workspace' },
      'empty',
      'kustomize',
      "environment 'empty' has no overlay",
    ],
  ])('refuses %j in environment %s, naming the input', (values, environment, input, expected) => {
    const error = failure(values, environment);
    expect(error.input).toBe(input);
    expect(error.message).toContain(expected);
  });
});
