// The restore decision, as the specification of what a failed promotion does with each object
// it wrote: restore what it changed, and only that.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from './manifests.ts';
import { changedSince, contentOf, decideRestore } from './restore-decision.ts';

const configMap = (value: string, rv: string, uid = 'uid-1'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'dev', uid, resourceVersion: rv },
  data: { GREETING: value },
});

const deployment = (image: string, generation: number, rv: string, uid = 'uid-d'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'svc', namespace: 'dev', uid, resourceVersion: rv, generation },
  spec: { template: { spec: { containers: [{ name: 'app', image }] } } },
  status: { observedGeneration: generation, readyReplicas: 1 },
});

describe('what a failed promotion restores', () => {
  it('puts back an object it changed that nobody changed since', () => {
    const before = configMap('hello', '10');
    const written = configMap('bonjour', '11');
    expect(decideRestore(before, written, written)).toEqual({ action: 'put-back' });
  });

  it('leaves alone an object its write did not change (the server answered the same content)', () => {
    const before = configMap('hello', '10');
    expect(decideRestore(before, configMap('hello', '10'), configMap('hello', '10'))).toEqual({
      action: 'none',
      reason: 'not changed by this promotion',
    });
  });

  it('leaves alone an object it never wrote', () => {
    expect(decideRestore(configMap('hello', '10'), undefined, configMap('hello', '10')).action).toBe('none');
  });

  it('deletes an object it created', () => {
    expect(decideRestore(undefined, configMap('new', '12'), configMap('new', '12'))).toEqual({ action: 'delete' });
  });

  it('deletes nothing when the object it created is already gone', () => {
    expect(decideRestore(undefined, configMap('new', '12'), undefined).action).toBe('none');
  });

  it('keeps an object of the same name that someone else created after deleting the one it created', () => {
    expect(decideRestore(undefined, configMap('new', '12'), configMap('theirs', '15', 'uid-2'))).toMatchObject({
      action: 'keep',
    });
  });

  it('keeps an object someone else changed after its write, rather than overwrite their change', () => {
    const decision = decideRestore(configMap('hello', '10'), configMap('bonjour', '11'), configMap('hallo', '14'));
    expect(decision).toEqual({ action: 'keep', reason: 'changed by someone else after this promotion changed it' });
  });

  it('keeps (does not recreate) an object someone else deleted after its write', () => {
    expect(decideRestore(configMap('hello', '10'), configMap('bonjour', '11'), undefined)).toMatchObject({
      action: 'keep',
    });
  });

  it('puts back a Deployment whose status moved on (controllers) while its spec stayed as written', () => {
    const before = deployment('r/svc@sha256:old', 3, '100');
    const written = deployment('r/svc@sha256:new', 4, '101');
    const now = { ...deployment('r/svc@sha256:new', 4, '157'), status: { observedGeneration: 4, readyReplicas: 0 } };
    expect(decideRestore(before, written, now)).toEqual({ action: 'put-back' });
  });

  it('keeps a Deployment whose spec someone else changed after its write (a new generation)', () => {
    const before = deployment('r/svc@sha256:old', 3, '100');
    const written = deployment('r/svc@sha256:new', 4, '101');
    expect(decideRestore(before, written, deployment('r/svc@sha256:other', 5, '120')).action).toBe('keep');
  });
});

describe('comparing readings', () => {
  it('ignores status, resourceVersion, managedFields, generation and key order', () => {
    const a = configMap('x', '1');
    const b: KubeObject = {
      data: { GREETING: 'x' },
      metadata: { resourceVersion: '9', uid: 'uid-1', namespace: 'dev', name: 'settings', managedFields: [{}] },
      kind: 'ConfigMap',
      apiVersion: 'v1',
      status: {},
    };
    expect(contentOf(a)).toBe(contentOf(b));
    expect(contentOf(a)).not.toBe(contentOf(configMap('y', '1')));
  });

  it('sees a replaced object (another uid) as changed', () => {
    expect(changedSince(configMap('x', '1'), configMap('x', '1', 'uid-9'))).toBe(true);
  });
});
