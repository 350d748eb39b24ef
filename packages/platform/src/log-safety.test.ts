import { describe, expect, it } from 'vitest';
import { maskSecrets, safeText } from './log-safety.ts';

describe('log safety', () => {
  it('masks every secret, longest first', () => {
    expect(maskSecrets('user=app pass=hunter2 url=jdbc://app:hunter2@db', ['hunter2', 'app:hunter2'])).toBe(
      'user=app pass=*** url=jdbc://***@db',
    );
  });

  it.each([
    ['::error::pwned', ':\u200b:error::pwned'],
    ['  ::add-mask::x', '  :\u200b:add-mask::x'],
    ['##[set-output name=a]b', '#\u200b#[set-output name=a]b'],
    ['text ::error:: in the middle', 'text ::error:: in the middle'],
    ['mid-line ##[error]pwned', 'mid-line #\u200b#[error]pwned'],
    ['\u0085::error::pwned', '\u0085:\u200b:error::pwned'],
  ])('neutralises a workflow command in %j', (line, safe) => {
    expect(safeText(`first\n${line}\nlast`, [])).toBe(`first\n${safe}\nlast`);
  });

  it('masks before neutralising', () => {
    expect(safeText('::add-mask::s3cret', ['s3cret'])).toBe(':\u200b:add-mask::***');
  });
});
