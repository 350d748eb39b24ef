// The reliability figures (issue #15, item 6): summary.json and the README's tables are what the
// suites' result files say, so neither can drift from what the suites measured.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { renderReadme, renderSection, summarize } from '../../scripts/reliability/summary.ts';
import { README_FILE, SUMMARY_FILE, staleFigures } from '../../scripts/reliability-figures.ts';

const push = {
  suite: 'push-faults',
  seed: 7,
  pushes: 30,
  succeeded: 29,
  faultsByKind: { 'status-503': 2, 'drop-mid-body': 11 },
};

describe('reliability figures', () => {
  test('summary.json is the sum of the suites’ result files, and the README’s tables are generated from it', () => {
    expect(staleFigures()).toEqual([]);
  });

  test('the README’s Reliability tables are generated from summary.json', () => {
    const summary = JSON.parse(readFileSync(SUMMARY_FILE, 'utf8'));
    const readme = readFileSync(README_FILE, 'utf8');
    expect(readme).toBe(renderReadme(readme, summary));
  });

  test('a README whose table says something else is noticed', () => {
    const summary = summarize({ 'push-faults.json': push });
    const readme = renderReadme('# x\n<!-- reliability -->\n<!-- /reliability -->\n', summary);
    const edited = readme.replace('29 of 30 pushes', '30 of 30 pushes');
    expect(edited).not.toBe(readme);
    expect(renderReadme(edited, summary)).toBe(readme);
  });

  test('counts faults by kind, pushes survived and seeds; a suite that did not run is "not measured", not zero', () => {
    const summary = summarize({ 'push-faults.json': push });
    expect(summary.faults.pushes).toEqual({ seed: 7, total: 13, byKind: { 'drop-mid-body': 11, 'status-503': 2 } });
    expect(summary.survived.pushes).toEqual({ succeeded: 29, of: 30 });
    expect(summary.seeds).toEqual({ 'push-faults': 7 });
    for (const figure of [summary.faults.promotions, summary.survived.promotions]) {
      expect(figure).toEqual({ notMeasured: 'not measured: promote-faults.json not written by its suite' });
    }
    expect(summary.hostileInputs).toEqual({
      notMeasured: 'not measured: hostile-inputs.json not written by its suite',
    });
    expect(renderSection(summary)).toContain('| promotions survived ');
    expect(renderSection(summary)).not.toMatch(/\| promotions survived +\| 0/);
  });

  test('reads every suite', () => {
    const summary = summarize({
      'push-faults.json': push,
      'promote-faults.json': { seed: 9, promotions: 20, succeeded: 20, faultsByKind: { 'status-409': 4 } },
      'hostile-inputs.json': { rows: 66, refused: 66 },
      'secret-scan.json': { secretsSearched: 25, files: 400, secretsFound: 0 },
    });
    expect(summary.seeds).toEqual({ 'push-faults': 7, 'promote-faults': 9 });
    expect(summary.survived.promotions).toEqual({ succeeded: 20, of: 20 });
    expect(summary.hostileInputs).toEqual({ refused: 66, of: 66 });
    expect(summary.secrets).toEqual({ found: 0, searched: 25, files: 400 });
    expect(renderSection(summary)).toMatch(/\| status-409 +\| 0 +\| 4 +\|/);
  });

  test('a result file without a figure is refused, naming the file and the field', () => {
    expect(() => summarize({ 'push-faults.json': { ...push, succeeded: '29' } })).toThrow(
      `push-faults.json: 'succeeded' is "29"; expected a count (an integer >= 0)`,
    );
    expect(() => summarize({ 'promote-faults.json': { seed: 1, promotions: 3, succeeded: 3 } })).toThrow(
      "promote-faults.json: 'faultsByKind' is undefined; expected an object of counts by kind",
    );
  });

  test('a README without the Reliability block is refused', () => {
    expect(() => renderReadme('# x\n', summarize({}))).toThrow(
      'README.md: no <!-- reliability --> ... <!-- /reliability --> block',
    );
  });
});
