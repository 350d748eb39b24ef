// Writes the run page (index.html) into a run's directory and returns its path.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowResult } from '../run-types.ts';
import { renderRunPage } from './render-page.ts';
import type { RunRecorder } from './run-recorder.ts';

export function writeRunPage(runDir: string, result: WorkflowResult, recorder: RunRecorder): string {
  const file = join(runDir, 'index.html');
  writeFileSync(file, renderRunPage(result, recorder));
  return file;
}
