// The registry alone, as GitHub's documentation states the rules (one running and one pending per
// group; the newest request takes the pending place; cancel-in-progress cancels the running one).
import { describe, expect, test } from 'vitest';
import { type Admission, ConcurrencyGroups, type GroupRequest } from './concurrency-groups.ts';

function request(label: string, group = 'deploy-dev', extra: Partial<GroupRequest> = {}): GroupRequest {
  return { repository: 'o/service', group, cancelInProgress: false, runKey: label, label, ...extra };
}

function lease(admission: Admission) {
  if (!admission.admitted) throw new Error(`not admitted: ${admission.reason}`);
  return admission.lease;
}

/** Whether a promise has settled, without waiting for it. */
async function settled<T>(promise: Promise<T>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([promise, new Promise((r) => setImmediate(() => r(marker)))])) !== marker;
}

describe('ConcurrencyGroups', () => {
  test('the first request of a group runs at once; the next waits until it is released', async () => {
    const groups = new ConcurrencyGroups();
    const first = lease(await groups.acquire(request('run 1')));
    const second = groups.acquire(request('run 2'));
    expect(await settled(second)).toBe(false);
    expect(groups.snapshot()).toEqual([{ group: 'deploy-dev', running: 'run 1', pending: 'run 2' }]);
    first.release();
    expect(lease(await second).signal.aborted).toBe(false);
    expect(groups.snapshot()).toEqual([{ group: 'deploy-dev', running: 'run 2' }]);
  });

  test('a pending request is replaced (cancelled) by a newer one, with GitHub’s message', async () => {
    const groups = new ConcurrencyGroups();
    const first = lease(await groups.acquire(request('run 1')));
    const second = groups.acquire(request('run 2'));
    const third = groups.acquire(request('run 3'));
    expect(await second).toEqual({
      admitted: false,
      reason: "Canceling since a higher priority waiting request for 'deploy-dev' exists",
    });
    expect(await settled(third)).toBe(false);
    expect(first.signal.aborted).toBe(false);
    first.release();
    expect((await third).admitted).toBe(true);
  });

  test('without cancel-in-progress the running one is never cancelled', async () => {
    const groups = new ConcurrencyGroups();
    const first = lease(await groups.acquire(request('run 1')));
    for (const n of [2, 3, 4]) void groups.acquire(request(`run ${n}`));
    expect(first.signal.aborted).toBe(false);
  });

  test('with cancel-in-progress the running one is cancelled, and the new one runs once it has stopped', async () => {
    const groups = new ConcurrencyGroups();
    const first = lease(await groups.acquire(request('run 1')));
    const second = groups.acquire(request('run 2', 'deploy-dev', { cancelInProgress: true }));
    expect(first.signal.aborted).toBe(true);
    expect((first.signal.reason as Error).message).toBe(
      "Canceling since a higher priority waiting request for 'deploy-dev' exists",
    );
    expect(await settled(second)).toBe(false);
    first.release();
    expect((await second).admitted).toBe(true);
  });

  test('different groups run in parallel; the same group in another repository is another group', async () => {
    const groups = new ConcurrencyGroups();
    const dev = groups.acquire(request('run 1', 'deploy-dev'));
    const test = groups.acquire(request('run 2', 'deploy-test'));
    const other = groups.acquire(request('run 3', 'deploy-dev', { repository: 'o/other' }));
    expect((await Promise.all([dev, test, other])).map((a) => a.admitted)).toEqual([true, true, true]);
  });

  test('group names are case-insensitive', async () => {
    const groups = new ConcurrencyGroups();
    lease(await groups.acquire(request('run 1', 'deploy-Prod')));
    expect(await settled(groups.acquire(request('run 2', 'DEPLOY-prod')))).toBe(false);
  });

  test('a run that asks for a group it already holds is cancelled as a deadlock', async () => {
    const groups = new ConcurrencyGroups();
    lease(await groups.acquire(request("workflow 'caller'", 'g', { runKey: 'run-a' })));
    expect(await groups.acquire(request("job 'deploy'", 'g', { runKey: 'run-a' }))).toEqual({
      admitted: false,
      reason:
        "Canceling since a deadlock for concurrency group 'g' was detected between 'workflow 'caller'' and 'job 'deploy''",
    });
  });

  test('releasing twice, or after being replaced, changes nothing', async () => {
    const groups = new ConcurrencyGroups();
    const first = lease(await groups.acquire(request('run 1')));
    first.release();
    const second = lease(await groups.acquire(request('run 2')));
    first.release();
    expect(groups.snapshot()).toEqual([{ group: 'deploy-dev', running: 'run 2' }]);
    second.release();
    expect(groups.snapshot()).toEqual([]);
  });

  test('an empty group name is refused', async () => {
    await expect(new ConcurrencyGroups().acquire(request("job 'deploy'", ' '))).rejects.toThrow(
      "job 'deploy': concurrency group is empty; expected a group name",
    );
  });
});
