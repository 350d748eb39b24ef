import { runAction } from '@bakeline/action-io';
import { run } from './main.ts';

// The runner cancels with SIGINT, then SIGTERM: stop waiting, report the rollout's state, leave it.
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => controller.abort());
await runAction(() => run(controller.signal));
