// Orders jobs by `needs`: a job comes after everything it needs; among jobs that are ready at the
// same time, file order. Cycles and unknown jobs are errors.

export interface GraphJob {
  id: string;
  needs: readonly string[];
}

export function orderJobs<T extends GraphJob>(jobs: readonly T[]): T[] {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  for (const job of jobs) {
    for (const need of job.needs) {
      if (!byId.has(need)) throw new Error(`job '${job.id}' needs unknown job '${need}'`);
    }
  }
  const done = new Set<string>();
  const ordered: T[] = [];
  while (ordered.length < jobs.length) {
    const ready = jobs.find((j) => !done.has(j.id) && j.needs.every((n) => done.has(n)));
    if (ready === undefined) {
      const left = jobs.filter((j) => !done.has(j.id)).map((j) => j.id);
      throw new Error(`jobs form a cycle through 'needs': ${left.join(', ')}`);
    }
    done.add(ready.id);
    ordered.push(ready);
  }
  return ordered;
}

/** Every job `id` depends on, directly or through other jobs. */
export function ancestors(jobs: readonly GraphJob[], id: string): Set<string> {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.needs ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(byId.get(next)?.needs ?? []));
  }
  return seen;
}
