import { expect, test } from 'vitest';
import { loadParser } from './parser-loader.ts';

test('loads the workflow parser under vitest', async () => {
  const { parser, convert } = await loadParser();
  const parsed = parser.parseWorkflow(
    { name: 'w.yml', content: 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n' },
    new parser.NoOperationTraceWriter(),
  );
  expect(parsed.context.errors.getErrors()).toEqual([]);
  expect(convert.ErrorPolicy.TryConversion).toBe(1);
});
