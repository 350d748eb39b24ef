// The images a benchmark leaves in the Docker engine: `docker build --no-cache` makes a new image
// (and new intermediate images) every run, and re-tagging leaves the previous one dangling. The
// benchmark notes what the engine held before it started and removes only what appeared since.
import { execChecked } from '@bakeline/toolkit';

async function imageIds(): Promise<string[]> {
  const { stdout } = await execChecked('docker', ['image', 'ls', '--all', '--quiet', '--no-trunc']);
  return [...new Set(stdout.split('\n').filter((line) => line.length > 0))];
}

/** Children before parents: the engine refuses to remove an image another one is built on. */
async function childrenFirst(ids: readonly string[]): Promise<string[]> {
  const { stdout } = await execChecked('docker', ['image', 'inspect', '--format', '{{.Id}} {{.Parent}}', ...ids]);
  const parentOf = new Map(
    stdout
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => line.split(' ') as [string, string]),
  );
  const order: string[] = [];
  const remaining = new Set(parentOf.keys());
  while (remaining.size > 0) {
    const parents = new Set([...remaining].map((id) => parentOf.get(id)));
    const leaves = [...remaining].filter((id) => !parents.has(id));
    if (leaves.length === 0) throw new Error(`engine images: a parent cycle among ${[...remaining].join(', ')}`);
    for (const id of leaves) {
      order.push(id);
      remaining.delete(id);
    }
  }
  return order;
}

export interface EngineSnapshot {
  /** Removes every image that appeared since the snapshot; returns how many. */
  removeNewImages(): Promise<number>;
}

export async function snapshotEngineImages(): Promise<EngineSnapshot> {
  const before = new Set(await imageIds());
  return {
    async removeNewImages() {
      const added = (await imageIds()).filter((id) => !before.has(id));
      if (added.length === 0) return 0;
      // one call: the engine removes them in the order given
      await execChecked('docker', ['image', 'rm', '--force', '--no-prune', ...(await childrenFirst(added))]);
      return added.length;
    },
  };
}
