import { describe, expect, test } from 'vitest';
import { JobLogView, type LogViewOptions } from './log-view.ts';

function render(lines: string[], options: Partial<LogViewOptions> = {}, failed = false): string[] {
  const out: string[] = [];
  const view = new JobLogView((line) => out.push(line), { verbose: false, debug: false, failureTail: 3, ...options });
  for (const line of lines) view.line(line);
  view.stepEnd(failed);
  return out;
}

const MAVEN = [
  '::group::mvn -B verify',
  '[INFO] a',
  '[INFO] b',
  '[INFO] c',
  '[INFO] d',
  '::endgroup::',
  'jar: app.jar',
];

describe('the terminal log reads like GitHub’s log viewer', () => {
  test('a group folds to one line with its line count', () => {
    expect(render(MAVEN)).toEqual(['▸ mvn -B verify (4 lines)', 'jar: app.jar']);
  });

  test('--verbose expands it', () => {
    expect(render(MAVEN, { verbose: true })).toEqual([
      '▾ mvn -B verify',
      '  [INFO] a',
      '  [INFO] b',
      '  [INFO] c',
      '  [INFO] d',
      'jar: app.jar',
    ]);
  });

  test('::debug:: is hidden unless debug is on', () => {
    expect(render(['::debug::cache key abc', 'done'])).toEqual(['done']);
    expect(render(['::debug::cache key abc', 'done'], { debug: true })).toEqual(['debug: cache key abc', 'done']);
  });

  test('annotations show with file and line, and are never folded away', () => {
    const out = render([
      '::group::compile',
      'x',
      '::error file=src/Main.java,line=12,col=5,title=javac::cannot find symbol',
      '::warning::deprecated API',
      '::notice file=pom.xml::a note',
    ]);
    expect(out).toEqual([
      '▸ compile (1 line)',
      'Error: src/Main.java:12:5: javac: cannot find symbol',
      'Warning: deprecated API',
      'Notice: pom.xml: a note',
    ]);
  });

  test('other commands are not shown; lines between stop-commands and its token are plain text', () => {
    const out = render([
      '::add-matcher::x.json',
      '::stop-commands::tok123',
      '::group::not a group',
      '::error::not an annotation',
      '::tok123::',
      '::set-output name=a::b',
    ]);
    expect(out).toEqual(['::group::not a group', '::error::not an annotation']);
  });

  test('the runner’s parser decides: the legacy ##[group] form and a trimmed U+0085 prefix are commands too', () => {
    expect(render(['\u0085::group::g', 'x', '##[endgroup]'])).toEqual(['▸ g (1 line)']);
  });

  test('a step that fails inside a group shows that group expanded (its last lines)', () => {
    const out = render(['::group::mvn -B verify', '[INFO] a', '[INFO] b', '[ERROR] c', '[ERROR] d'], {}, true);
    expect(out).toEqual(['▾ mvn -B verify (last 3 of 4 lines)', '  [INFO] b', '  [ERROR] c', '  [ERROR] d']);
  });

  test('a step that fails after its group closed shows the last folded group again', () => {
    const out = render([...MAVEN, 'error: tests failed'], {}, true);
    expect(out).toEqual([
      '▸ mvn -B verify (4 lines)',
      'jar: app.jar',
      'error: tests failed',
      '▾ mvn -B verify (last 3 of 4 lines, shown because the step failed)',
      '  [INFO] b',
      '  [INFO] c',
      '  [INFO] d',
    ]);
  });

  test('a step that succeeds with a group left open folds it at the end', () => {
    expect(render(['::group::g', 'x', 'y'])).toEqual(['▸ g (2 lines)']);
  });
});
