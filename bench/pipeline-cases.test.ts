import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CHANGED_FILE,
  namespaceManifest,
  oneLineChange,
  peerImageRef,
  peerKustomization,
  peerNamespace,
} from './pipeline-cases.ts';

const example = join(import.meta.dirname, '..', 'examples', 'licensing-service');

describe('oneLineChange', () => {
  const source = readFileSync(join(example, CHANGED_FILE), 'utf8');

  it('changes exactly one line of the example service, differently for every change', () => {
    const first = oneLineChange(source, 1);
    const second = oneLineChange(first, 2);
    const diff = (a: string, b: string) => {
      const [x, y] = [a.split('\n'), b.split('\n')];
      return x.filter((line, i) => line !== y[i]);
    };
    expect(diff(source, first)).toEqual(['      Log.info("stopped");']);
    expect(first).toContain('Log.info("stopped (change 1)");');
    expect(diff(first, second)).toEqual(['      Log.info("stopped (change 1)");']);
    expect(second).toContain('Log.info("stopped (change 2)");');
    expect(second.split('\n')).toHaveLength(source.split('\n').length);
  });

  it('changes a line no test of the service reads', () => {
    const tests = join(example, 'src/test/java/com/optimagrowth/license');
    for (const file of ['LicenseHandlerTest.java', 'LicensingApplicationTest.java']) {
      expect(readFileSync(join(tests, file), 'utf8')).not.toContain('"stopped');
    }
    expect(readFileSync(join(example, 'platform-test.yml'), 'utf8')).not.toContain('stopped');
  });

  it('fails when the line is gone, or the change number is not a positive integer', () => {
    expect(() => oneLineChange('class A {}', 1)).toThrow(
      `one-line change: ${CHANGED_FILE} has 0 lines like 'Log.info("stopped")'; expected 1`,
    );
    expect(() => oneLineChange(source, 0)).toThrow('one-line change: got number 0; expected an integer >= 1');
  });
});

describe('the peer side workloads', () => {
  it('renders the environment overlay into the peer namespace, with that namespace', () => {
    const doc = parse(peerKustomization('../../repo/k8s/overlays/test', 'test')) as Record<string, unknown>;
    expect(doc).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: 'peer-test',
      resources: ['namespace.yaml', '../../repo/k8s/overlays/test'],
    });
    expect(parse(namespaceManifest('test'))).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'peer-test' },
    });
    expect(peerNamespace('prod')).toBe('peer-prod');
  });

  it('tags the peer image with the commit, as a hand-written chain does', () => {
    expect(peerImageRef('127.0.0.1:5000', 'ostock/x', 'a'.repeat(40))).toBe('127.0.0.1:5000/ostock/x:aaaaaaaaaaaa');
    expect(() => peerImageRef('h', 'r', 'main')).toThrow("peer image: got commit 'main'; expected 40 hex digits");
  });
});
