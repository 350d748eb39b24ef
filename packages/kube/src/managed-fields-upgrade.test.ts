import { describe, expect, test } from 'vitest';
import { mergeFieldsV1 } from './managed-fields-upgrade.ts';

describe('mergeFieldsV1: the union of two FieldsV1 sets', () => {
  test('children of both sides are kept', () => {
    expect(mergeFieldsV1({ 'f:spec': { 'f:replicas': {} } }, { 'f:spec': { 'f:paused': {} } })).toEqual({
      'f:spec': { 'f:replicas': {}, 'f:paused': {} },
    });
  });

  test('a member on one side with children on the other becomes a member with children (".")', () => {
    const element = 'k:{"name":"app"}';
    expect(mergeFieldsV1({ [element]: {} }, { [element]: { 'f:image': {} } })).toEqual({
      [element]: { '.': {}, 'f:image': {} },
    });
    expect(mergeFieldsV1({ [element]: { '.': {}, 'f:name': {} } }, { [element]: { 'f:image': {} } })).toEqual({
      [element]: { '.': {}, 'f:name': {}, 'f:image': {} },
    });
  });

  test('two leaves stay a leaf', () => {
    expect(mergeFieldsV1({ 'f:a': {} }, { 'f:a': {} })).toEqual({ 'f:a': {} });
  });
});
