// The harness's parser and toolkit's neutralizer against the runner's rules, case by case: every
// hostile line below is a command to the runner (so the parser must see it), and none is once
// neutralized. The forms come from actions/runner's ActionCommand.cs (TryParseV2, TryParse).
import { neutralizeWorkflowCommands } from '@bakeline/toolkit';
import { describe, expect, it } from 'vitest';
import { parseWorkflowCommands } from './workflow-commands.ts';

const hostile: [label: string, text: string, expect: { annotations?: number; masks?: number; deprecated?: number }][] =
  [
    ['`::` at the start', '::error::injected', { annotations: 1 }],
    ['`::` after spaces and tabs', ' \t ::warning::injected', { annotations: 1 }],
    ['`::` after U+0085 (NEL: .NET trims it, JavaScript \\s does not)', '\u0085::error::injected', { annotations: 1 }],
    ['`::` after U+00A0, U+2000, U+3000', '\u00a0\u2000\u3000::notice::injected', { annotations: 1 }],
    ['`::` after a vertical tab and a form feed', '\v\f::error::injected', { annotations: 1 }],
    ['`::` after U+2028 and U+2029', '\u2028\u2029::error::injected', { annotations: 1 }],
    ['upper-case command name', '::ERROR::injected', { annotations: 1 }],
    ['an output set through the disabled command', '::set-output name=digest::sha256:0000', { deprecated: 1 }],
    ['a mask', '::add-mask::whatever', { masks: 1 }],
    ['`##[` at the start', '##[error]injected', { annotations: 1 }],
    ['`##[` in mid-line', 'Step 3/5 : RUN echo hi ##[error]injected', { annotations: 1 }],
    ['`##[` with properties', 'log: ##[warning file=a.ts;line=3]injected', { annotations: 1 }],
    ['`##[set-output` in mid-line', 'x ##[set-output name=digest;]sha256:0', { deprecated: 1 }],
    [
      'a `\\r` line break (the runner reads lines with ReadLine)',
      'progress 10%\r::error::injected',
      { annotations: 1 },
    ],
    ['a `\\r\\n` line break', 'line\r\n::error::injected', { annotations: 1 }],
    ['`%0A` in the data stays one line', '::error::first%0A::error::second', { annotations: 1 }],
    ['`::` after a run of mixed whitespace', '\t\u0085 \u205f::error::injected', { annotations: 1 }],
  ];

describe('the harness parses what the runner parses', () => {
  it.each(hostile)('%s', (_label, text, expected) => {
    const parsed = parseWorkflowCommands(text);
    expect(parsed.annotations).toHaveLength(expected.annotations ?? 0);
    expect(parsed.masks).toHaveLength(expected.masks ?? 0);
    expect(parsed.deprecated).toHaveLength(expected.deprecated ?? 0);
  });

  it('keeps a line that is no command as text', () => {
    const parsed = parseWorkflowCommands(
      'keep :: inside\n# [not legacy]\n::frobnicate::x\n\ufeff::error::bom is no space',
    );
    expect(parsed.annotations).toEqual([]);
    expect(parsed.unknown).toEqual(['::frobnicate::x']);
  });

  it('unescapes data and properties exactly as the runner does (ordinal, case-sensitive)', () => {
    const parsed = parseWorkflowCommands('::add-mask::a%25b%0Ac%0ad\n::error file=x%2Cy%3Az.ts::m');
    expect(parsed.masks).toEqual(['a%b\nc%0ad']);
    expect(parsed.annotations).toEqual([{ level: 'error', message: 'm', file: 'x,y:z.ts' }]);
  });

  it('ignores both forms between stop-commands and its token, matched without regard to case', () => {
    const out = ['::stop-commands::Tok3n', '##[error]quiet', '\u0085::error::quiet', '::tok3N::', '##[error]loud'];
    expect(parseWorkflowCommands(out.join('\n')).annotations).toEqual([{ level: 'error', message: 'loud' }]);
  });
});

describe('neutralizeWorkflowCommands', () => {
  it.each(hostile)('makes inert: %s', (_label, text) => {
    const parsed = parseWorkflowCommands(neutralizeWorkflowCommands(text));
    expect(parsed).toEqual({ annotations: [], masks: [], deprecated: [], groups: [], unknown: [] });
  });

  it('changes no line that is not a command, and keeps every line break', () => {
    const text = 'plain\r\nkeep :: inside\rnext\n  indented # [x]\n%0A stays';
    expect(neutralizeWorkflowCommands(text)).toBe(text);
  });

  it('keeps the text readable: only a zero-width space is added', () => {
    const safe = neutralizeWorkflowCommands('\u0085::error::x ##[warning]y');
    expect(safe.replaceAll('\u200b', '')).toBe('\u0085::error::x ##[warning]y');
  });
});
