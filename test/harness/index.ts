// The action test harness: runs an action's bundled dist/ under Node 24 exactly as a runner does
// (through @bakeline/action-host) and fails the test when the action reads an input or writes an
// output that its action.yml does not declare, is given an input it does not declare, or uses a
// disabled workflow command.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActionRunOptions, type ActionRunResult, inputVariableNameOf, runActionStep } from './host.ts';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface HarnessOptions extends Omit<ActionRunOptions, 'actionDir' | 'workspace'> {
  workspace?: string;
  /** Only for the harness's own tests: return instead of throwing on contract violations. */
  allowContractViolations?: boolean;
}

export interface HarnessResult extends ActionRunResult {
  contractViolations: string[];
}

export class ActionContractError extends Error {
  readonly violations: string[];
  constructor(violations: string[]) {
    super(`action contract violated:\n  ${violations.join('\n  ')}`);
    this.name = 'ActionContractError';
    this.violations = violations;
  }
}

/** Finds what an action did that its action.yml does not allow. */
export function contractViolations(result: ActionRunResult): string[] {
  const declaredVariables = new Map(Object.keys(result.metadata.inputs).map((n) => [inputVariableNameOf(n), n]));
  const violations: string[] = [];
  for (const variable of result.inputsRead) {
    if (!declaredVariables.has(variable)) violations.push(`reads undeclared input ${variable}`);
  }
  for (const name of Object.keys(result.outputs)) {
    if (!(name in result.metadata.outputs)) violations.push(`writes undeclared output '${name}'`);
  }
  for (const name of result.unexpectedInputs) violations.push(`is given undeclared input '${name}'`);
  for (const line of result.deprecatedCommands) violations.push(`uses a disabled workflow command: ${line}`);
  return violations;
}

/** Runs `actions/<name>` (or an action directory) and checks its contract. */
export async function runBundledAction(nameOrDir: string, options: HarnessOptions = {}): Promise<HarnessResult> {
  const actionDir = nameOrDir.includes('/') ? nameOrDir : join(repoRoot, 'actions', nameOrDir);
  const workspace = options.workspace ?? mkdtempSync(join(tmpdir(), 'bakeline-ws-'));
  const { allowContractViolations, ...rest } = options;
  const result = await runActionStep({ ...rest, actionDir, workspace });
  const violations = contractViolations(result);
  if (violations.length > 0 && !allowContractViolations) {
    throw new ActionContractError(violations);
  }
  return { ...result, contractViolations: violations };
}
