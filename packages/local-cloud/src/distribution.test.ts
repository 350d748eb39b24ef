import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDistribution } from './distribution.ts';

// a stand-in registry whose stdout closes at once and whose stderr goes on until it exits
const fixture = join(import.meta.dirname, '..', 'test', 'fixtures', 'registry-closing-stdout.mjs');

describe('startDistribution (the process and its log)', () => {
  it('keeps the log open until both streams are drained: every line is there, none written after the end', async () => {
    // a storage directory of the caller's keeps the work directory (and the log) after stop()
    const storageDir = mkdtempSync(join(tmpdir(), 'registry-log-'));
    const registry = await startDistribution({ binary: fixture, storageDir });
    expect(await (await fetch(`${registry.url}/v2/`)).text()).toBe('{}');
    await registry.stop();
    const log = readFileSync(registry.logFile, 'utf8');
    expect(log).toContain('stdout: starting');
    expect(log).toContain('stderr: shutting down, line 1999');
    expect(log.trimEnd().endsWith('stderr: the last line')).toBe(true);
  });
});
