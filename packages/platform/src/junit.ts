// JUnit XML of a platform test run: one testcase per check (and one for readiness when the
// target did not become ready), counts that match the cases, the container log as system-out.
import type { CheckResult } from './check-result.ts';

/** Escaped for XML 1.0 text and attributes; characters XML cannot carry are dropped. */
function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
  );
}

const attr = (text: string) => xml(text).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
const seconds = (ms: number) => (ms / 1000).toFixed(3);

export interface JunitOptions {
  suite: string;
  /** ISO time the run started. */
  timestamp?: string;
  /** Shown by JUnit viewers beside the suite (the container log). */
  systemOut?: string;
}

export function junitXml(results: readonly CheckResult[], options: JunitOptions): string {
  const failures = results.filter((r) => r.status === 'failed').length;
  const skipped = results.filter((r) => r.status === 'skipped').length;
  const time = seconds(results.reduce((t, r) => t + r.durationMs, 0));
  const counts = `tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}"`;
  const cases = results.map((r) => {
    const open = `    <testcase classname="${attr(`${options.suite}.${r.kind}`)}" name="${attr(r.name)}" time="${seconds(r.durationMs)}"`;
    if (r.status === 'passed') return `${open}/>`;
    if (r.status === 'skipped') return `${open}>\n      <skipped message="${attr(r.message)}"/>\n    </testcase>`;
    return `${open}>\n      <failure message="${attr(r.message)}" type="${attr(r.kind)}">${xml(r.message)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(options.suite)}" ${counts}>`,
    `  <testsuite name="${attr(options.suite)}" ${counts}${options.timestamp ? ` timestamp="${attr(options.timestamp)}"` : ''}>`,
    ...cases,
    ...(options.systemOut ? [`    <system-out>${xml(options.systemOut)}</system-out>`] : []),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
