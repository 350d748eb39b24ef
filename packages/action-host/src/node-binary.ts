import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

/** The Node the runner uses for `using: node24`: this process's if it is 24+, else the repo's .tools/bin/node. */
export function resolveNode(using: string, explicit?: string): string {
  if (explicit) return explicit;
  const wanted = Number(/^node(\d+)$/.exec(using)?.[1]);
  if (!Number.isInteger(wanted)) throw new Error(`action host: runs.using '${using}' is not a Node runtime (nodeNN)`);
  const major = (bin: string) => Number(/^v(\d+)/.exec(spawnSync(bin, ['-v'], { encoding: 'utf8' }).stdout ?? '')?.[1]);
  if (Number(process.versions.node.split('.')[0]) === wanted) return process.execPath;
  const tools = join(repoRoot, '.tools', 'bin', 'node');
  if (existsSync(tools) && major(tools) === wanted) return tools;
  throw new Error(`action host: Node ${wanted} is needed for runs.using '${using}'; run scripts/setup.sh`);
}
