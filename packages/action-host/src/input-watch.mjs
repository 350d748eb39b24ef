// Preloaded into an action's process (node --import) by the action host: records every
// INPUT_* variable the action reads, so a test can fail when an action reads an input its
// action.yml does not declare. The names are appended to BAKELINE_INPUT_READS_FILE as they are read.
import { appendFileSync } from 'node:fs';

const file = process.env.BAKELINE_INPUT_READS_FILE;
if (file) {
  const seen = new Set();
  const target = process.env;
  const record = (key) => {
    if (typeof key === 'string' && key.startsWith('INPUT_') && !seen.has(key)) {
      seen.add(key);
      appendFileSync(file, `${key}\n`);
    }
  };
  process.env = new Proxy(target, {
    get(obj, key) {
      record(key);
      return Reflect.get(obj, key);
    },
    has(obj, key) {
      record(key);
      return Reflect.has(obj, key);
    },
    getOwnPropertyDescriptor(obj, key) {
      record(key);
      return Reflect.getOwnPropertyDescriptor(obj, key);
    },
  });
}
