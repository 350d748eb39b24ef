import { describe, expect, it } from 'vitest';
import { fixture } from '../test/scratch.ts';
import { findModule, missingArtifactReason, parseReactorSummary } from './reactor-summary.ts';

describe('parseReactorSummary', () => {
  it('reads each module and its outcome from Maven 3.8.7’s summary', () => {
    expect(parseReactorSummary(fixture('reactor-summary-01.txt'))).toEqual([
      { name: 'reactor-parent', status: 'SUCCESS' },
      { name: 'common', status: 'FAILURE' },
      { name: 'licensing-service', status: 'SKIPPED' },
    ]);
  });

  it('reads names with versions, colours and names too long for the dots', () => {
    expect(parseReactorSummary(fixture('reactor-summary-02.txt'))).toEqual([
      { name: 'Platform Parent 1.0.0', status: 'SUCCESS' },
      { name: 'common-models 2.0.0', status: 'FAILURE' },
      { name: 'A service with a name longer than the padded width of Maven 1.0.0', status: 'SKIPPED' },
      { name: 'licensing-service 1.0.0', status: 'SKIPPED' },
    ]);
  });

  it('gives nothing for a single-module build, and stops at the end of the block', () => {
    expect(parseReactorSummary('[INFO] BUILD SUCCESS\n')).toEqual([]);
    const text = `${fixture('reactor-summary-01.txt')}[INFO] other ............ SUCCESS\n`;
    expect(parseReactorSummary(text)).toHaveLength(3);
  });
});

describe('missingArtifactReason', () => {
  const modules = parseReactorSummary(fixture('reactor-summary-01.txt'));

  it('names the skipped module and the module that failed', () => {
    const target = findModule(modules, ['licensing-service'], '2.1.0');
    expect(target).toEqual({ name: 'licensing-service', status: 'SKIPPED' });
    expect(target && missingArtifactReason(modules, target)).toBe(
      'no artifact: module licensing-service was SKIPPED because module common FAILED',
    );
  });

  it('says when the module failed itself, and nothing when it succeeded', () => {
    const common = findModule(modules, ['common'], undefined);
    expect(common && missingArtifactReason(modules, common)).toBe('no artifact: module common FAILED');
    expect(missingArtifactReason(modules, { name: 'reactor-parent', status: 'SUCCESS' })).toBeUndefined();
  });

  it('finds a module printed with its version', () => {
    const versioned = parseReactorSummary(fixture('reactor-summary-02.txt'));
    expect(findModule(versioned, ['Licensing', 'licensing-service'], '1.0.0')?.name).toBe('licensing-service 1.0.0');
  });
});
