// The main job: runs bakeline's actions from their bundles, as the runner would, on the example
// service (examples/licensing-service), and prints each action's outputs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runActionStep } from '@bakeline/action-host';

const root = join(import.meta.dirname, '..');

async function main(): Promise<number> {
  const runnerTemp = mkdtempSync(join(tmpdir(), 'bakeline-main-'));
  console.log('== maven-build on examples/licensing-service');
  const build = await runActionStep({
    actionDir: join(root, 'actions', 'maven-build'),
    workspace: root,
    runnerTemp,
    inputs: {
      'working-directory': 'examples/licensing-service',
      arguments: '-o',
      'source-date-epoch': '1700000000',
      cache: 'false',
    },
    onLine: (line) => console.log(`  ${line}`),
  });
  if (build.exitCode !== 0) {
    console.error(`maven-build failed (exit ${build.exitCode})`);
    return 1;
  }
  console.log('\nmaven-build outputs:');
  for (const [name, value] of Object.entries(build.outputs)) console.log(`  ${name.padEnd(16)} ${value}`);
  return 0;
}

process.exitCode = await main();
