import { expect, test } from 'vitest';
import { checkWithin, compact, parsePermissions } from './permissions.ts';
import type { WorkflowNode } from './workflow-node.ts';

const pos = { line: 1, col: 1 };
const map = (entries: Record<string, string>): WorkflowNode => ({
  kind: 'map',
  pos,
  entries: Object.entries(entries).map(([key, value]) => ({ key, pos, value: { kind: 'literal', value, pos } })),
});

test('a mapping grants only what it names', () => {
  expect(compact(parsePermissions(map({ contents: 'read', 'id-token': 'write' }), 'p'))).toEqual({
    contents: 'read',
    'id-token': 'write',
  });
});

test('read-all does not grant id-token', () => {
  expect(parsePermissions({ kind: 'literal', value: 'read-all', pos }, 'p')['id-token']).toBe('none');
});

test.each([
  [map({ contents: 'admin' }), /p\.contents: expected read, write or none/],
  [map({ secrets: 'read' }), /unknown permission 'secrets'/],
  [{ kind: 'literal' as const, value: 'all', pos }, /'all' is not read-all, write-all or a mapping/],
])('rejects %j', (node, message) => {
  expect(() => parsePermissions(node, 'p')).toThrow(message);
});

test('a nested job may not exceed its caller', () => {
  const caller = parsePermissions(map({ contents: 'read' }), 'c');
  expect(() => checkWithin(parsePermissions(map({ contents: 'write' }), 'n'), caller, 'deploy')).toThrow(
    "the nested job 'deploy' is requesting 'contents: write', but is only allowed 'contents: read' by its caller",
  );
  expect(() => checkWithin(parsePermissions(map({ contents: 'read' }), 'n'), caller, 'deploy')).not.toThrow();
});
