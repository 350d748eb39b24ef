import { describe, expect, test } from 'vitest';
import type { JobResult } from '../run-types.ts';
import { columns, digestOf } from './render-graph.ts';
import { renderLog } from './render-log.ts';

function job(id: string, needs: string[] = [], outputs: Record<string, string> = {}): JobResult {
  return { id, name: id, needs, result: 'success', outputs, steps: [], permissions: {}, summary: '', durationMs: 1 };
}

describe('the graph', () => {
  test('a job stands one column right of the furthest job it needs', () => {
    const jobs = [job('build'), job('lint'), job('test', ['build']), job('deploy', ['test', 'lint'])];
    expect(Object.fromEntries(columns(jobs))).toEqual({ build: 0, lint: 0, test: 1, deploy: 2 });
  });

  test('a cycle is drawn flat instead of looping', () => {
    expect(Object.fromEntries(columns([job('a', ['b']), job('b', ['a'])]))).toEqual({ a: 2, b: 1 });
  });

  test('the digest on an edge is the first sha256 in the upstream job’s outputs', () => {
    const digest = `sha256:${'0'.repeat(64)}`;
    expect(digestOf(job('b', [], { size: '3', 'image-uri': `r/app@${digest}` }))).toBe(digest);
    expect(digestOf(job('b', [], { size: '3' }))).toBeUndefined();
  });
});

describe('a step log as HTML', () => {
  test('groups fold with their count, text is escaped, commands are hidden, annotations collected', () => {
    const log = renderLog([
      '::group::build <x>',
      'a & b',
      '::endgroup::',
      '::set-output name=x::y',
      '::error file=a.ts,line=2::boom',
    ]);
    expect(log.html).toBe(
      '<details class="group"><summary>build &lt;x&gt; <span class="count">(1 line)</span></summary>' +
        '<div class="line">a &amp; b</div></details>' +
        '<div class="annotation error"><b>error</b> <code>a.ts:2</code> boom</div>',
    );
    expect(log.annotations).toEqual([{ level: 'error', where: 'a.ts:2', message: 'boom' }]);
  });
});
