import { runAction } from '@bakeline/toolkit';
import { run } from './main.ts';

await runAction(run);
