import { describe, expect, it } from 'vitest';
import { errorMessage } from './errors.ts';
import { formatBytes, formatDuration } from './format.ts';
import { escapeHtml } from './html.ts';
import { silentLogger } from './logger.ts';
import { neutralizeWorkflowCommands } from './neutralize.ts';
import { ProgressReporter } from './progress.ts';

describe('formatting', () => {
  it.each([
    [0, '0 B'],
    [1536, '1.5 KiB'],
    [241 * 1024 * 1024, '241 MiB'],
  ])('formatBytes(%i) = %s', (n, text) => expect(formatBytes(n)).toBe(text));

  it.each([
    [250, '250ms'],
    [1500, '1.5s'],
    [65_000, '1m 5s'],
    [3_725_000, '1h 2m 5s'],
  ])('formatDuration(%i) = %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('escapes HTML for the job summary', () => {
    expect(escapeHtml('expected: <6> & "x"')).toBe('expected: &lt;6&gt; &amp; &quot;x&quot;');
  });

  it('errorMessage follows causes', () => {
    const error = new Error('push failed', { cause: new Error('connection reset') });
    expect(errorMessage(error)).toBe('push failed\n  caused by: connection reset');
    expect(errorMessage('plain')).toBe('plain');
  });

  it('neutralizes workflow commands at line starts only', () => {
    const text = 'ok\n::error::injected\n  ::set-output name=x::y\nkeep :: inside';
    const safe = neutralizeWorkflowCommands(text);
    expect(safe).not.toMatch(/^\s*::/m);
    expect(safe).toContain('keep :: inside');
  });
});

describe('ProgressReporter', () => {
  it('reports bytes, percent and rate at most once per interval', () => {
    const lines: string[] = [];
    let now = 0;
    const progress = new ProgressReporter({
      label: 'upload',
      total: 1000,
      intervalMs: 1000,
      now: () => now,
      logger: { ...silentLogger, info: (m) => lines.push(m) },
    });
    now = 500;
    progress.add(100);
    now = 1000;
    progress.add(400);
    now = 2000;
    progress.add(500);
    progress.done();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('upload: 500 B of 1000 B (50%), 500 B/s, 1s');
    expect(lines[2]).toContain('(100%)');
    expect(lines[2]).toContain('(done)');
  });
});
