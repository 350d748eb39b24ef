import { runAction } from '@bakeline/action-io';
import { run } from './main.ts';

await runAction(run);
