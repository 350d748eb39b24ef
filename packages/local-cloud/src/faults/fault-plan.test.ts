import { describe, expect, it } from 'vitest';
import { FaultPlan, isWatch, namesOneOperation, requestKey } from './fault-plan.ts';

const upload = (digest: string) => ({
  method: 'PUT',
  url: `/v2/ostock/app/blobs/uploads/${crypto.randomUUID()}?_state=x&digest=${digest}`,
  hasBody: true,
});

describe('FaultPlan', () => {
  it('keys retries of one operation alike, whatever the upload session', () => {
    expect(requestKey(upload('sha256:aa'))).toBe('PUT /v2/ostock/app/blobs/uploads/{session} sha256:aa');
    expect(requestKey(upload('sha256:aa'))).toBe(requestKey(upload('sha256:aa')));
    expect(requestKey(upload('sha256:bb'))).not.toBe(requestKey(upload('sha256:aa')));
  });

  it('with digest names, draws the same faults for two images of the same shape and other bytes', () => {
    const digest = (c: string) => `sha256:${c.repeat(64)}`;
    // one image's blobs and manifest, and a rebuilt one's (another base layer, config, manifest)
    const first = { base: digest('a'), app: digest('b'), config: digest('c'), manifest: digest('d') };
    const rebuilt = { base: digest('e'), app: digest('b'), config: digest('f'), manifest: digest('0') };
    const requests = (image: typeof first) =>
      Object.values(image).flatMap((d) =>
        Array.from({ length: 25 }, () => [
          { method: 'HEAD', url: `/v2/ostock/app/blobs/${d}`, hasBody: false },
          upload(d),
          { method: 'PUT', url: `/v2/ostock/app/manifests/${d}`, hasBody: true },
        ]).flat(),
      );
    const names = (image: typeof first) => Object.fromEntries(Object.entries(image).map(([role, d]) => [d, role]));
    const faults = (image: typeof first, named: boolean) => {
      const plan = new FaultPlan({ seed: 7, rate: 0.3, ...(named ? { digestNames: names(image) } : {}) });
      return requests(image).map((r) => plan.decide(r));
    };
    expect(faults(rebuilt, true).map((d) => d.fault)).toEqual(faults(first, true).map((d) => d.fault));
    expect(faults(rebuilt, false).map((d) => d.fault)).not.toEqual(faults(first, false).map((d) => d.fault));
    expect(faults(first, true)[0]?.key).toBe('HEAD /v2/ostock/app/blobs/{base}');
    expect(requestKey(upload(first.app), names(first))).toBe('PUT /v2/ostock/app/blobs/uploads/{session} {app}');
  });

  it('decides the same faults for one seed, whatever the order requests arrive in', () => {
    const requests = Array.from({ length: 200 }, (_, i) => upload(`sha256:${i}`));
    const forward = new FaultPlan({ seed: 7, rate: 0.3 });
    const backward = new FaultPlan({ seed: 7, rate: 0.3 });
    const a = requests.map((r) => forward.decide(r).fault);
    const b = [...requests]
      .reverse()
      .map((r) => backward.decide(r).fault)
      .reverse();
    expect(a).toEqual(b);
    const other = new FaultPlan({ seed: 8, rate: 0.3 });
    expect(requests.map((r) => other.decide(r).fault)).not.toEqual(a);
  });

  it('injects at about the rate asked, uploads with drop-mid-body, other requests with the other kinds', () => {
    const plan = new FaultPlan({ seed: 1, rate: 0.1 });
    const faults = Array.from({ length: 5000 }, (_, i) =>
      plan.decide({ method: 'GET', url: `/v2/x/blobs/sha256:${i}`, hasBody: false }),
    ).filter((d) => d.fault);
    expect(faults.length).toBeGreaterThan(400);
    expect(faults.length).toBeLessThan(600);
    expect(new Set(faults.map((f) => f.fault))).toEqual(
      new Set(['reset-before-response', 'status-500', 'status-502', 'status-503', 'throttle-429', 'delay', 'truncate']),
    );
    const uploads = Array.from({ length: 500 }, (_, i) => plan.decide(upload(`sha256:${i}`))).filter((d) => d.fault);
    expect(new Set(uploads.map((u) => u.fault))).toEqual(new Set(['drop-mid-body']));
  });

  it('never faults an upload request that names no blob: the POST opening a session, its PATCH and DELETE', () => {
    const plan = new FaultPlan({ seed: 1, rate: 1, bodyRate: 1 });
    const session = `/v2/ostock/app/blobs/uploads/${crypto.randomUUID()}?_state=x`;
    const unnamed = [
      { method: 'POST', url: '/v2/ostock/app/blobs/uploads/', hasBody: false },
      { method: 'PATCH', url: session, hasBody: true },
      { method: 'GET', url: session, hasBody: false },
      { method: 'DELETE', url: session, hasBody: false },
    ];
    for (const r of unnamed) {
      expect(namesOneOperation(r)).toBe(false);
      expect(plan.decide(r).fault).toBeUndefined();
    }
    const named = [
      upload('sha256:aa'),
      { method: 'POST', url: '/v2/ostock/app/blobs/uploads/?mount=sha256%3Aaa&from=ostock%2Fbase', hasBody: false },
      { method: 'HEAD', url: '/v2/ostock/app/blobs/sha256:aa', hasBody: false },
      { method: 'PUT', url: '/v2/ostock/app/manifests/v1', hasBody: true },
    ];
    for (const r of named) {
      expect(namesOneOperation(r)).toBe(true);
      expect(plan.decide(r).fault).toBeDefined();
    }
  });

  it('gives each concurrent blob upload the same faults whatever order their attempts arrive in', () => {
    // one attempt of a blob push is a POST (opens a session) then the PUT of the blob; the push of
    // a blob fails after 4 failed attempts in a row, as the registry client's retry budget says
    type Attempts = Record<string, (string | undefined)[][]>;
    const push = (seed: number, order: string[]): Attempts => {
      const plan = new FaultPlan({ seed, rate: 0.5, bodyRate: 0.5 });
      const attempts: Attempts = Object.fromEntries(order.map((d) => [d, []]));
      const done = new Set<string>();
      // round-robin over the blobs still uploading, in the given order: how concurrent uploads interleave
      for (let round = 0; round < 4 && done.size < order.length; round++) {
        for (const digest of order) {
          if (done.has(digest)) continue;
          const post = plan.decide({ method: 'POST', url: '/v2/ostock/app/blobs/uploads/', hasBody: false }).fault;
          const put = post === undefined || post === 'delay' ? plan.decide(upload(digest)).fault : undefined;
          attempts[digest]?.push([post, put]);
          if ((post === undefined || post === 'delay') && (put === undefined || put === 'delay')) done.add(digest);
        }
      }
      return attempts;
    };
    const blobs = ['sha256:aa', 'sha256:bb', 'sha256:cc'];
    for (const seed of [1, 2, 3, 7, 20261203]) {
      expect(push(seed, [...blobs].reverse()), `seed ${seed}`).toEqual(push(seed, blobs));
    }
  });

  it('counts occurrences per key, so a retry draws anew', () => {
    const plan = new FaultPlan({ seed: 3, rate: 0.5 });
    const r = { method: 'HEAD', url: '/v2/x/manifests/v1', hasBody: false };
    expect([1, 2, 3].map(() => plan.decide(r).occurrence)).toEqual([1, 2, 3]);
  });

  it('keys a watch apart from a read of the same path, and draws its faults from watchKinds', () => {
    const watch = { method: 'GET', url: '/api/v1/namespaces/dev/pods?labelSelector=app%3Dweb&watch=1', hasBody: false };
    const list = { method: 'GET', url: '/api/v1/namespaces/dev/pods?labelSelector=app%3Dweb', hasBody: false };
    expect(isWatch(watch.url)).toBe(true);
    expect(isWatch('/api/v1/pods?watch=true')).toBe(true);
    expect(isWatch('/api/v1/pods?watch=false')).toBe(false);
    expect(requestKey(watch)).toBe('GET /api/v1/namespaces/dev/pods watch');
    expect(requestKey(list)).toBe('GET /api/v1/namespaces/dev/pods');
    const log = { method: 'GET', url: '/api/v1/namespaces/dev/pods/web-7d9f8-x2k4q/log?container=app', hasBody: false };
    expect(requestKey(log)).toBe('GET /api/v1/namespaces/dev/pods/{pod}/log');
    const plan = new FaultPlan({ seed: 5, rate: 1, kinds: ['status-500'], watchKinds: ['cut-watch'] });
    expect(plan.decide(watch).fault).toBe('cut-watch');
    expect(plan.decide(list).fault).toBe('status-500');
    const watchesOnly = new FaultPlan({ seed: 5, rate: 0, watchRate: 1, watchKinds: ['cut-watch'] });
    expect(watchesOnly.decide(list).fault).toBeUndefined();
    expect(watchesOnly.decide(watch).fault).toBe('cut-watch');
  });

  it('faults a watch key on its first watchFaultLimit occurrences only', () => {
    const plan = new FaultPlan({ seed: 5, rate: 1, watchKinds: ['cut-watch'], watchFaultLimit: 2 });
    const watch = { method: 'GET', url: '/apis/apps/v1/namespaces/dev/deployments?watch=1', hasBody: false };
    expect([1, 2, 3, 4].map(() => plan.decide(watch).fault)).toEqual(['cut-watch', 'cut-watch', undefined, undefined]);
  });

  it('refuses a rate outside 0..1 and a seed that is not an integer', () => {
    expect(() => new FaultPlan({ seed: 1, rate: 1.5 })).toThrow('rate 1.5');
    expect(() => new FaultPlan({ seed: 0.5, rate: 0.1 })).toThrow('seed 0.5');
  });
});
