// `concurrency:` groups across runs, as GitHub enforces them (docs.github.com, "Control the
// concurrency of workflows and jobs"): at most one running and one pending job or workflow per
// group in a repository; a newly queued one takes the pending place and the one it replaces is
// cancelled; with `cancel-in-progress: true` the running one is cancelled too. Group names are
// case-insensitive. A run that waits for a group its own caller holds is cancelled as a deadlock.
//
// One registry is shared by every run in this process (runs in other processes are not seen).

export interface GroupRequest {
  /** The repository the group is scoped to (`github.repository`). */
  repository: string;
  /** The group name, evaluated. */
  group: string;
  cancelInProgress: boolean;
  /** Identifies one local run (a `runWorkflow` call): a group it already holds is a deadlock. */
  runKey: string;
  /** What asks, for messages: `workflow 'bakeline build'`, `job 'deploy-dev'`. */
  label: string;
}

/** Admitted: run, then `release()` (always). Not admitted: the job or workflow is cancelled with `reason`. */
export type Admission = { admitted: true; lease: Lease } | { admitted: false; reason: string };

export interface Lease {
  /** Aborted when a newer request with `cancel-in-progress: true` cancels this running one. */
  readonly signal: AbortSignal;
  release(): void;
}

interface Holder {
  request: GroupRequest;
  controller: AbortController;
}

interface Waiter {
  request: GroupRequest;
  settle: (admission: Admission) => void;
}

interface GroupState {
  running?: Holder;
  pending?: Waiter;
}

/** Seen by a test or a report: who holds and who waits, per group. */
export interface GroupSnapshot {
  group: string;
  running?: string;
  pending?: string;
}

function keyOf(repository: string, group: string): string {
  return `${repository.toLowerCase()}\n${group.toLowerCase()}`;
}

function higherPriority(group: string): string {
  // GitHub's own text, seen in run logs when a pending or running job is replaced
  return `Canceling since a higher priority waiting request for '${group}' exists`;
}

export class ConcurrencyGroups {
  private readonly groups = new Map<string, GroupState>();

  /** Waits until the request may run (resolves `admitted`), or it is replaced or deadlocked (not admitted). */
  acquire(request: GroupRequest): Promise<Admission> {
    if (request.group.trim() === '') {
      return Promise.reject(new Error(`${request.label}: concurrency group is empty; expected a group name`));
    }
    const key = keyOf(request.repository, request.group);
    let state = this.groups.get(key);
    if (state === undefined) {
      state = {};
      this.groups.set(key, state);
    }
    const running = state.running;
    if (running === undefined) return Promise.resolve(this.admit(key, state, request));
    if (running.request.runKey === request.runKey) {
      return Promise.resolve({
        admitted: false,
        reason: `Canceling since a deadlock for concurrency group '${request.group}' was detected between '${running.request.label}' and '${request.label}'`,
      });
    }
    if (state.pending !== undefined) {
      state.pending.settle({ admitted: false, reason: higherPriority(state.pending.request.group) });
    }
    if (request.cancelInProgress) running.controller.abort(new Error(higherPriority(running.request.group)));
    const current = state;
    return new Promise<Admission>((resolve) => {
      current.pending = { request, settle: resolve };
    });
  }

  /** The label of the one running in the group, if any. */
  runningIn(repository: string, group: string): string | undefined {
    return this.groups.get(keyOf(repository, group))?.running?.request.label;
  }

  snapshot(): GroupSnapshot[] {
    return [...this.groups.values()].map((s) => ({
      group: (s.running ?? s.pending)?.request.group ?? '',
      ...(s.running ? { running: s.running.request.label } : {}),
      ...(s.pending ? { pending: s.pending.request.label } : {}),
    }));
  }

  private admit(key: string, state: GroupState, request: GroupRequest): Admission {
    const holder: Holder = { request, controller: new AbortController() };
    state.running = holder;
    let released = false;
    const lease: Lease = {
      signal: holder.controller.signal,
      release: () => {
        if (released) return;
        released = true;
        if (state.running !== holder) return;
        delete state.running;
        const next = state.pending;
        if (next === undefined) {
          this.groups.delete(key);
          return;
        }
        delete state.pending;
        next.settle(this.admit(key, state, next.request));
      },
    };
    return { admitted: true, lease };
  }
}
