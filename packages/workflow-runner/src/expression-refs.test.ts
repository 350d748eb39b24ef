import { expect, test } from 'vitest';
import { referencePaths } from './expression-refs.ts';

test.each([
  ['steps.bake.outputs.digest', [['steps', 'bake', 'outputs', 'digest']]],
  ["steps['bake'].outputs['image-uri']", [['steps', 'bake', 'outputs', 'image-uri']]],
  [
    "needs.a.outputs.x == 'y' && inputs.z",
    [
      ['needs', 'a', 'outputs', 'x'],
      ['inputs', 'z'],
    ],
  ],
  ["format('{0}', fromJSON(needs.a.outputs.j).k)", [['needs', 'a', 'outputs', 'j']]],
  ["vars[format('X_{0}', inputs.env)]", [['vars'], ['inputs', 'env']]],
  ['success() && !cancelled()', []],
  ['github.event.inputs.dry-run', [['github', 'event', 'inputs', 'dry-run']]],
  ['steps.*.outputs', [['steps']]],
])('%s reads %j', (expression, paths) => {
  expect(referencePaths(expression)).toEqual(paths);
});

test('a syntax error throws', () => {
  expect(() => referencePaths('steps.a.outputs.')).toThrow();
});
