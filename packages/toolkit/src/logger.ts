/** What packages log through; actions pass `coreLogger` (@bakeline/action-io), scripts `consoleLogger`, tests `silentLogger`. */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

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
