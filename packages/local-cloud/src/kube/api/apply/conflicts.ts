// The 409 an apply gets when it would change fields another manager owns, worded as
// k8s.io/apimachinery/pkg/util/managedfields/internal/conflict.go (NewConflictError,
// getConflictMessage) and errors.NewApplyConflict: reason Conflict, one cause of type
// FieldManagerConflict per field, no name/kind in details.
import { KubeStatusError } from '../status.ts';
import { type FieldPath, pathString } from './field-path.ts';
import { type ManagerEntry, printManager } from './managed-fields.ts';

export interface Conflict {
  manager: ManagerEntry;
  path: FieldPath;
}

export function conflictMessage(conflicts: readonly Conflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only) {
    return `Apply failed with 1 conflict: conflict with ${printManager(only.manager)}: ${pathString(only.path)}`;
  }
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) {
    const key = JSON.stringify({ manager: c.manager.manager, operation: c.manager.operation });
    byManager.set(key, [...(byManager.get(key) ?? []), c]);
  }
  const lines: string[] = [];
  for (const key of [...byManager.keys()].sort()) {
    const group = byManager.get(key) ?? [];
    const first = group[0];
    if (!first) continue;
    lines.push(`conflicts with ${printManager(first.manager)}:`);
    for (const c of group) lines.push(`- ${pathString(c.path)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

export function applyConflict(conflicts: readonly Conflict[]): KubeStatusError {
  return new KubeStatusError(409, 'Conflict', conflictMessage(conflicts), {
    causes: conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${printManager(c.manager)}`,
      field: pathString(c.path),
    })),
  });
}
