// Text bakeline does not control (a build's output, a container log, a response body, an event
// message) made safe to print: no line of it can be read by GitHub's runner as a workflow command.
// The rules are the runner's own (runner-command-syntax.ts). A zero-width space, which .NET's
// TrimStart keeps, goes between the two colons of a leading `::` and between the `#`s of `##[`.
import { COMMAND_KEY, LEGACY_COMMAND_PREFIX, trimStartLikeRunner } from './runner-command-syntax.ts';

const ZERO_WIDTH_SPACE = '\u200b';
const LEGACY_PREFIXES = /##\[/g;

function neutralizeLine(line: string): string {
  const lead = line.length - trimStartLikeRunner(line).length;
  const safeStart = line.startsWith(COMMAND_KEY, lead)
    ? `${line.slice(0, lead + 1)}${ZERO_WIDTH_SPACE}${line.slice(lead + 1)}`
    : line;
  return safeStart.includes(LEGACY_COMMAND_PREFIX)
    ? safeStart.replace(LEGACY_PREFIXES, `#${ZERO_WIDTH_SPACE}#[`)
    : safeStart;
}

/** Every line of `text` kept as it reads, with any workflow command in it made inert. */
export function neutralizeWorkflowCommands(text: string): string {
  // split with a capturing group keeps the separators at the odd indexes
  return text
    .split(/(\r\n|\r|\n)/)
    .map((part, index) => (index % 2 === 1 ? part : neutralizeLine(part)))
    .join('');
}
