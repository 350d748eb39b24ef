import { appendFileSync } from 'node:fs';
const question = process.env.INPUT_QUESTION ?? '';
appendFileSync(process.env.GITHUB_OUTPUT, `answer=${question === 'six times seven' ? 42 : 0}\n`);
