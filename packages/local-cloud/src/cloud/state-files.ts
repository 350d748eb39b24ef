// The files a CLI-started local cloud keeps in its state directory: endpoints.json (every URL,
// the account, the roles, the pid of the serving process) and the log of that process.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalCloudEndpoints } from './start-local-cloud.ts';

export interface RunningCloud extends LocalCloudEndpoints {
  pid: number;
  startedAt: string;
}

export function endpointsFile(stateDir: string): string {
  return join(stateDir, 'endpoints.json');
}

export function logFile(stateDir: string): string {
  return join(stateDir, 'local-cloud.log');
}

export function writeEndpoints(stateDir: string, running: RunningCloud): void {
  const file = endpointsFile(stateDir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(running, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function readEndpoints(stateDir: string): RunningCloud | undefined {
  const file = endpointsFile(stateDir);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as RunningCloud;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function removeEndpoints(stateDir: string): void {
  rmSync(endpointsFile(stateDir), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
