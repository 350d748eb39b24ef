// JUnit XML of a platform test run, one testcase per check.
import type { CheckResult } from './check-result.ts';

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}

export function junitXml(suite: string, results: CheckResult[]): string {
  const failures = results.filter((r) => r.status === 'failed').length;
  const skipped = results.filter((r) => r.status === 'skipped').length;
  const time = (results.reduce((t, r) => t + r.durationMs, 0) / 1000).toFixed(3);
  const cases = results.map((r) => {
    const open = `  <testcase classname="${xml(`${suite}.${r.kind}`)}" name="${xml(r.name)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
    if (r.status === 'passed') return `${open}/>`;
    if (r.status === 'skipped') return `${open}>\n    <skipped message="${xml(r.message)}"/>\n  </testcase>`;
    return `${open}>\n    <failure message="${xml(r.message)}" type="${r.kind}">${xml(r.message)}</failure>\n  </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="${xml(suite)}" tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}">`,
    ...cases,
    '</testsuite>',
    '',
  ].join('\n');
}
