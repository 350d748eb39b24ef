import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDistribution } from './distribution.ts';

// a stand-in registry whose stdout closes at once and whose stderr goes on until it exits
const fixture = join(import.meta.dirname, '..', 'test', 'fixtures', 'registry-closing-stdout.mjs');

describe('startDistribution (the process and its log)', () => {
  it('keeps the log open until both streams are drained: every line is there, none written after the end', async () => {
    const registry = await startDistribution({ binary: fixture });
    expect(await (await fetch(`${registry.url}/v2/`)).text()).toBe('{}');
    await registry.stop();
    // the log as it was when the process had closed both streams (the file is gone with stop())
    const log = registry.readLog();
    expect(log).toContain('stdout: starting');
    expect(log).toContain('stderr: shutting down, line 1999');
    expect(log.trimEnd().endsWith('stderr: the last line')).toBe(true);
  });
});
