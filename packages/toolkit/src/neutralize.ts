/**
 * Makes text from outside (a container log, a tool's output) safe to print: a line that starts
 * with `::` would be read by the runner as a workflow command, so it is prefixed.
 */
export function neutralizeWorkflowCommands(text: string): string {
  return text.replace(/^(\s*)::/gm, '$1:\u200b:');
}
