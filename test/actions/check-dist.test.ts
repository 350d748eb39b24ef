// The bundle drift check notices a source change that was not rebuilt.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { bundle, checkDist } from '../../scripts/build-bundles.ts';

describe('check-dist', () => {
  it('passes a freshly built bundle and fails once the source changes', () => {
    const action = mkdtempSync(join(tmpdir(), 'check-dist-'));
    onTestFinished(() => rmSync(action, { recursive: true, force: true }));
    mkdirSync(join(action, 'src'));
    writeFileSync(join(action, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(action, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022', strict: true },
      }),
    );
    writeFileSync(join(action, 'src', 'index.ts'), "const greeting: string = 'hello';\nconsole.log(greeting);\n");
    const built = join(action, 'built');
    bundle(action, built);
    cpSync(built, join(action, 'dist'), { recursive: true });
    expect(checkDist(action)).toEqual([]);
    writeFileSync(
      join(action, 'src', 'index.ts'),
      "const greeting: string = 'hello, world';\nconsole.log(greeting);\n",
    );
    expect(checkDist(action)).toEqual(['differs: index.js']);
  }, 180_000);
});
