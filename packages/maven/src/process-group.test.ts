import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { execProcessGroup } from './process-group.ts';

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(procStatus(pid));
function procStatus(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}

describe('execProcessGroup', () => {
  it('resolves with the exit code and output, like toolkit’s exec', async () => {
    const result = await execProcessGroup('sh', ['-c', 'echo out; echo err >&2; exit 3']);
    expect(result).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('stops the whole group on abort, grandchildren included', async () => {
    const controller = new AbortController();
    let pids: number[] = [];
    const running = execProcessGroup('sh', ['-c', 'sleep 300 & echo $!; sleep 300 & echo $!; wait'], {
      signal: controller.signal,
      onStdout: (text) => {
        pids.push(...text.trim().split(/\s+/).map(Number));
        if (pids.length >= 2) controller.abort();
      },
    });
    await expect(running).rejects.toThrow(/sh: aborted/);
    pids = pids.filter((p) => p > 0);
    expect(pids).toHaveLength(2);
    const deadline = Date.now() + 5000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(pids.filter(alive)).toEqual([]);
  });
});
