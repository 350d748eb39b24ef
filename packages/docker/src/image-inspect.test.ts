import { describe, expect, test } from 'vitest';
import { parseImageInspect } from './image-inspect.ts';

const ID = `sha256:${'a'.repeat(64)}`;

describe('parseImageInspect', () => {
  test('reads the ID, the tags and the layers from --format json and from the plain array', () => {
    const one = { Id: ID, RepoTags: ['x:1'], RootFS: { Type: 'layers', Layers: [`sha256:${'b'.repeat(64)}`] } };
    for (const text of [JSON.stringify(one), JSON.stringify([one])]) {
      expect(parseImageInspect(text)).toEqual({ id: ID, repoTags: ['x:1'], layers: [`sha256:${'b'.repeat(64)}`] });
    }
  });

  test('refuses an ID that is not a digest', () => {
    expect(() => parseImageInspect('{"Id":"abc"}')).toThrow(/expected Id sha256:<64 hex>, got "abc"/);
    expect(() => parseImageInspect('[]')).toThrow(/expected a JSON object/);
  });
});
