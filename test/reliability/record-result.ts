// Where a reliability suite leaves its figures: test/reliability/results/<suite>.json, then the
// summary (summary.json) and the README's Reliability tables are regenerated from every suite's
// file, so what the suites measured and what the README says cannot drift apart.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SUITE_FILES } from '../../scripts/reliability/summary.ts';
import { RESULTS_DIR, writeFigures } from '../../scripts/reliability-figures.ts';

export function recordResult(file: (typeof SUITE_FILES)[keyof typeof SUITE_FILES], figures: object): void {
  writeFileSync(join(RESULTS_DIR, file), `${JSON.stringify(figures, null, 2)}\n`);
  writeFigures();
}
