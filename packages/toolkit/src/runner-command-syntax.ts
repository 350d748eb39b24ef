// How GitHub's runner finds workflow commands in a step's output, as its parser does it
// (actions/runner: src/Runner.Common/ActionCommand.cs TryParseV2 / TryParse, and
// src/Runner.Worker/ActionCommandManager.cs):
// - output is read line by line with StreamReader.ReadLine, so a line ends at `\r\n`, `\r` or `\n`;
// - `::name props::data` is a command when the line, after .NET's `TrimStart()`, starts with `::`.
//   TrimStart removes every character for which `char.IsWhiteSpace` is true: U+0085 is one of
//   them and JavaScript's `\s` does not match it (while `\s` matches U+FEFF, which .NET keeps);
// - the legacy `##[name props]data` is a command wherever `##[` stands in the line;
// - command names are compared without regard to case.

/** The separators at which the runner splits output into lines. */
export const RUNNER_LINE_BREAK = /\r\n|\r|\n/;

/** `char.IsWhiteSpace` of .NET: Zs, Zl, Zp, U+0009..U+000D and U+0085. */
const LEADING_DOTNET_WHITESPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/;

/** The line as the runner's `TrimStart()` leaves it before looking for `::`. */
export function trimStartLikeRunner(line: string): string {
  return line.replace(LEADING_DOTNET_WHITESPACE, '');
}

/** The prefix of the current workflow-command form. */
export const COMMAND_KEY = '::';

/** The prefix of the legacy form, honoured anywhere in a line. */
export const LEGACY_COMMAND_PREFIX = '##[';
