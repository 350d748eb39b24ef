import * as core from '@actions/core';

/** What packages log through; actions pass `coreLogger`, scripts `consoleLogger`, tests `silentLogger`. */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export const coreLogger: Logger = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  debug: (m) => core.debug(m),
  group: (name, fn) => core.group(name, fn),
};

export const consoleLogger: Logger = {
  info: (m) => console.log(m),
  warning: (m) => console.warn(`warning: ${m}`),
  error: (m) => console.error(`error: ${m}`),
  debug: (m) => {
    if (process.env.BAKELINE_DEBUG === '1') console.log(`debug: ${m}`);
  },
  group: async (name, fn) => {
    console.log(`── ${name}`);
    return fn();
  },
};

export const silentLogger: Logger = {
  info: () => {},
  warning: () => {},
  error: () => {},
  debug: () => {},
  group: (_name, fn) => fn(),
};

/** Registers a secret with the runner so it is masked in every later log line. */
export function maskSecret(value: string): void {
  if (value.length > 0) core.setSecret(value);
}
