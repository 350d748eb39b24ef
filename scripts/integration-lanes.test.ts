// The parallel lane names real integration files, and none of the kinds that must stay serial.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PARALLEL_INTEGRATION_FILES } from './integration-lanes.ts';

const root = join(import.meta.dirname, '..');

/** The argument text of every call `name(...)` in `text` (parentheses balanced). */
function callArguments(text: string, name: string): string[] {
  const calls: string[] = [];
  for (let at = text.indexOf(`${name}(`); at >= 0; at = text.indexOf(`${name}(`, at + 1)) {
    let depth = 0;
    let end = at + name.length;
    for (; end < text.length; end++) {
      if (text[end] === '(') depth++;
      else if (text[end] === ')' && --depth === 0) break;
    }
    calls.push(text.slice(at + name.length + 1, end));
  }
  return calls;
}

it('lists existing integration files that start no kubelet and inject no faults', () => {
  expect(PARALLEL_INTEGRATION_FILES.length).toBeGreaterThan(0);
  for (const file of PARALLEL_INTEGRATION_FILES) {
    expect(file).toMatch(/\.int\.test\.ts$/);
    expect(existsSync(join(root, file)), file).toBe(true);
    expect(file).not.toMatch(/^(test\/(reliability|cancellation)|bench)\//);
    const text = readFileSync(join(root, file), 'utf8');
    // a local cloud with a kubelet runs containers on the shared Docker engine
    for (const args of [...callArguments(text, 'startLocalCloud'), ...callArguments(text, 'startKubeCloud')]) {
      expect(args, file).toMatch(/kube: false|node: false/);
    }
    expect(text, file).not.toMatch(/startFaultProxy|execChecked\('docker'|\bdocker\(\[/);
  }
});
