// Runs Maven in a process group of its own, so that stopping it stops everything it started: the
// launcher script, Maven's JVM and the JVMs Surefire forks for the tests (toolkit's exec with
// `processGroup`). The grace between SIGTERM and SIGKILL fits inside the runner's 7.5 s from
// SIGINT to SIGTERM.
import { type Exec, exec } from '@bakeline/toolkit';

export const KILL_GRACE_MS = 3000;

export const execProcessGroup: Exec = (command, args, options = {}) =>
  exec(command, args, { killGraceMs: KILL_GRACE_MS, ...options, processGroup: true });
