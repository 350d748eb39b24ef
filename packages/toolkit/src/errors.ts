/** The message of any thrown value, followed by its causes (`: cause`), on one line each. */
export function errorMessage(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    if (current instanceof Error) {
      if (current.message && !parts.some((p) => p.includes(current instanceof Error ? current.message : ''))) {
        parts.push(current.message);
      }
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.length > 0 ? parts.join('\n  caused by: ') : 'unknown error';
}

/** A bad action input: names the input, the value and what was expected. */
export class InputError extends Error {
  readonly input: string;
  constructor(input: string, message: string, options?: { cause?: unknown }) {
    super(`Input '${input}': ${message}`, options);
    this.name = 'InputError';
    this.input = input;
  }
}
