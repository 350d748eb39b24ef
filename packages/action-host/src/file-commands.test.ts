import { describe, expect, it } from 'vitest';
import { parseKeyValueFile } from './file-commands.ts';
import { parseWorkflowCommands } from './workflow-commands.ts';

describe('parseKeyValueFile', () => {
  it('reads name=value lines and heredocs, keeping = and << inside values', () => {
    const text = 'a=1\nb=x=y\nc<<ghadelimiter_1\nline 1\n\nd=not a key\nghadelimiter_1\ne=a<<b\n';
    expect(parseKeyValueFile(text)).toEqual({ a: '1', b: 'x=y', c: 'line 1\n\nd=not a key', e: 'a<<b' });
  });

  it.each([
    ['unclosed<<EOF\nvalue\n', /not closed by 'EOF'/],
    ['no separator here\n', /line 1 is neither/],
    ['x<<\nvalue\n', /empty heredoc delimiter/],
  ])('refuses a malformed file: %j', (text, message) => {
    expect(() => parseKeyValueFile(text, 'GITHUB_OUTPUT')).toThrow(message);
  });
});

describe('parseWorkflowCommands', () => {
  it('parses annotations with escaped properties and data, masks, and flags disabled commands', () => {
    const out = [
      'plain line',
      '::notice file=a%2Cb.ts,line=3::done%25',
      '::add-mask::token%0Awith newline',
      '::set-output name=x::y',
      '::frobnicate::?',
    ].join('\n');
    const parsed = parseWorkflowCommands(out);
    expect(parsed.annotations).toEqual([{ level: 'notice', message: 'done%', file: 'a,b.ts', line: 3 }]);
    expect(parsed.masks).toEqual(['token\nwith newline']);
    expect(parsed.deprecated).toEqual(['::set-output name=x::y']);
    expect(parsed.unknown).toEqual(['::frobnicate::?']);
  });

  it('ignores commands between stop-commands and its token, and resumes on a token with digits', () => {
    const out = [
      '::stop-commands::bakeline-6db28ed7b2e5a586',
      '::error::from a container log',
      '::add-mask::nope',
      '::bakeline-6db28ed7b2e5a586::',
      '::error::after the resume',
    ].join('\n');
    const parsed = parseWorkflowCommands(out);
    expect(parsed.annotations).toEqual([{ level: 'error', message: 'after the resume' }]);
    expect(parsed.masks).toEqual([]);
  });
});
