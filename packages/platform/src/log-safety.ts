// Text from outside (a container's log, a response body, a command's output) made safe to print:
// secret values replaced by ***, and no line can be read by the runner as a workflow command
// (toolkit's neutralizeWorkflowCommands: the runner's own rules for `::command::` and `##[command]`).
import { neutralizeWorkflowCommands } from '@bakeline/toolkit';

export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) out = out.split(secret).join('***');
  }
  return out;
}

export function safeText(text: string, secrets: readonly string[]): string {
  return neutralizeWorkflowCommands(maskSecrets(text, secrets));
}
