import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from './check-result.ts';
import { junitXml } from './junit.ts';

const results: CheckResult[] = [
  { name: 'a <b>', kind: 'http', status: 'passed', durationMs: 12, message: '' },
  { name: 'c', kind: 'file', status: 'failed', durationMs: 3, message: 'x & "y"\nsecond line\u0007' },
  { name: 'd', kind: 'command', status: 'skipped', durationMs: 0, message: 'not applicable' },
  { name: 'ready', kind: 'readiness', status: 'failed', durationMs: 6000, message: 'not ready within 6 s' },
];

describe('junitXml', () => {
  const xml = junitXml(results, {
    suite: 'platform-test',
    timestamp: '2026-01-02T03:04:05.000Z',
    systemOut: 'line 1 ]]> <tag>\u0000\n::error::x',
  });

  it('is well-formed XML whose counts match its test cases', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (n) => n === 'testcase',
    }).parse(xml);
    const suite = doc.testsuites.testsuite;
    const cases = suite.testcase as Record<string, unknown>[];
    expect(cases).toHaveLength(4);
    for (const counts of [doc.testsuites, suite]) {
      expect(counts).toMatchObject({ tests: '4', failures: '2', errors: '0', skipped: '1', time: '6.015' });
    }
    expect(cases.filter((c) => 'failure' in c)).toHaveLength(2);
    expect(cases.filter((c) => 'skipped' in c)).toHaveLength(1);
    expect(cases[1]).toMatchObject({ classname: 'platform-test.file', name: 'c', time: '0.003' });
    expect(suite.timestamp).toBe('2026-01-02T03:04:05.000Z');
  });

  it('escapes names and messages, keeps newlines in attributes, drops what XML cannot carry', () => {
    expect(xml).toContain('name="a &lt;b&gt;"');
    expect(xml).toContain(
      '<failure message="x &amp; &quot;y&quot;&#10;second line" type="file">x &amp; &quot;y&quot;\nsecond line</failure>',
    );
    expect(xml).toContain('<system-out>line 1 ]]&gt; &lt;tag&gt;\n::error::x</system-out>');
  });

  it('writes an empty suite when nothing ran', () => {
    const empty = junitXml([], { suite: 'platform-test' });
    expect(XMLValidator.validate(empty)).toBe(true);
    expect(empty).toContain(
      '<testsuite name="platform-test" tests="0" failures="0" errors="0" skipped="0" time="0.000">',
    );
  });
});
