// Every action's committed bundle starts under Node 24 as the runner starts it, and, given no
// inputs in an empty workspace, fails before acting with an error that names an input.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runBundledAction } from '../harness/index.ts';

const actions = readdirSync(join(repoRoot, 'actions')).filter((a) =>
  existsSync(join(repoRoot, 'actions', a, 'action.yml')),
);

describe('bundles', () => {
  it('finds the actions', () => {
    expect(actions.length).toBeGreaterThan(0);
  });

  it.each(actions)('%s: dist/ runs under Node 24 and refuses empty inputs naming one', async (name) => {
    const result = await runBundledAction(name, { timeoutMs: 60_000 });
    expect(result.stderr).not.toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND|SyntaxError/);
    expect(result.exitCode).toBe(1);
    const firstError = result.annotations.find((a) => a.level === 'error');
    expect(firstError?.message).toMatch(/^Input '[a-z-]+'/);
  });
});
