import { runAction } from '@bakeline/toolkit';
import { run } from './main.ts';

// The runner cancels with SIGINT, then SIGTERM: stop, remove the containers (run's cleanup), exit.
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => controller.abort());
await runAction(() => run(controller.signal));
