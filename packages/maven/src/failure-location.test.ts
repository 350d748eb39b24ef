import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, scratch } from '../test/scratch.ts';
import { failureLocation, parseFrames } from './failure-location.ts';
import { parseReport } from './reports.ts';

/** A module tree holding the test sources the fixture reports name. */
const root = scratch({
  'pom.xml': '<project/>',
  'src/test/java/demo/OrderTest.java': 'class OrderTest {}',
  'src/test/java/demo/EdgeTest.java': 'class EdgeTest {}',
  'src/test/java/demo/Checks.java': 'class Checks {}',
  'lib/pom.xml': '<project/>',
  'lib/src/test/java/fixture/CalculatorTest.java': 'class CalculatorTest {}',
  'it/pom.xml': '<project/>',
  'it/src/it/java/it/OrderIT.java': 'class OrderIT {}',
});
const modules = [root, join(root, 'lib'), join(root, 'it')];

function failure(report: string, method: string) {
  const found = parseReport(fixture(report), report).failures.find((f) => f.method === method);
  if (!found) throw new Error(`${report} has no failure of ${method}`);
  return found;
}

describe('failureLocation', () => {
  it.each([
    // report, method, file (relative), line
    ['surefire-failing-01.xml', 'multiplies', 'lib/src/test/java/fixture/CalculatorTest.java', 17],
    ['surefire-nested-01.xml', 'failsWithSpecialCharacters', 'src/test/java/demo/OrderTest.java', 28],
    ['surefire-nested-01.xml', 'isPositive(int)[2]', 'src/test/java/demo/OrderTest.java', 45],
    ['surefire-nested-01.xml', 'throwsUnexpectedly', 'src/test/java/demo/OrderTest.java', 34],
    // @Nested class: the frame is demo.OrderTest$WhenEmpty, the source is OrderTest.java
    ['surefire-nested-01.xml', 'hasNoLines', 'src/test/java/demo/OrderTest.java', 53],
    // thrown in a helper: the test's own line, not the helper's
    ['surefire-edge-cases-01.xml', 'failsInAHelper', 'src/test/java/demo/EdgeTest.java', 20],
    ['surefire-edge-cases-01.xml', 'throwsWithoutMessage', 'src/test/java/demo/EdgeTest.java', 10],
    // an inner helper class of the test comes first in the trace; the test class frame is still the one
    ['failsafe-skipped-error-01.xml', 'talksToDb', 'it/src/it/java/it/OrderIT.java', 40],
  ])('%s %s -> %s:%i', (report, method, file, line) => {
    const f = failure(report, method);
    expect(failureLocation(f.className, f.stackTrace, modules)).toEqual({ file: join(root, file), line });
  });

  it('falls back to a frame in another test source (a shared base class) when the test class has none', () => {
    const trace =
      'java.lang.IllegalStateException: boom\n\tat demo.Checks.positive(Checks.java:6)\n\tat java.base/x.Y.z(Y.java:1)';
    expect(failureLocation('demo.SomeOtherTest', trace, modules)).toEqual({
      file: join(root, 'src/test/java/demo/Checks.java'),
      line: 6,
    });
  });

  it('prefers the module the report came from when two modules have the same test class', () => {
    const twin = scratch({ 'src/test/java/fixture/CalculatorTest.java': 'class CalculatorTest {}' });
    const f = failure('surefire-failing-01.xml', 'multiplies');
    const reportFile = join(twin, 'target', 'surefire-reports', 'TEST-fixture.CalculatorTest.xml');
    expect(failureLocation(f.className, f.stackTrace, [...modules, twin], reportFile)).toEqual({
      file: join(twin, 'src/test/java/fixture/CalculatorTest.java'),
      line: 17,
    });
  });

  it('gives no location when no frame is in the sources (e.g. a timeout in the framework)', () => {
    const trace = 'java.util.concurrent.TimeoutException\n\tat java.base/java.lang.Thread.sleep(Native Method)';
    expect(failureLocation('demo.OrderTest', trace, modules)).toBeUndefined();
  });
});

describe('parseFrames', () => {
  it.each([
    ['\tat demo.OrderTest.isPositive(OrderTest.java:45)', 'demo.OrderTest', 'OrderTest.java', 45],
    ['\tat demo.OrderTest$WhenEmpty.hasNoLines(OrderTest.java:53)', 'demo.OrderTest$WhenEmpty', 'OrderTest.java', 53],
    ['\tat java.base/java.util.ArrayList.forEach(ArrayList.java:1511)', 'java.util.ArrayList', 'ArrayList.java', 1511],
    ['\tat app//com.acme.FooTest.lambda$run$0(FooTest.kt:9)', 'com.acme.FooTest', 'FooTest.kt', 9],
  ])('%s', (line, className, fileName, lineNumber) => {
    expect(parseFrames(line)[0]).toMatchObject({ className, fileName, line: lineNumber });
  });

  it.each([['\tat sun.nio.ch.Net.connect0(Native Method)'], ['\t... 42 more'], ['Caused by: x.Y: z']])(
    'skips %s',
    (line) => {
      expect(parseFrames(line)).toEqual([]);
    },
  );
});
