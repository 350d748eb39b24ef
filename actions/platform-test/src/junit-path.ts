// The `junit-path` input: a file path inside the workspace (not a directory), whose parent exists
// as a directory or can be created there (the nearest existing ancestor is a writable directory
// that does not lead outside the workspace through a link). Checked before anything starts.
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, sep } from 'node:path';
import type { InputReader } from '@bakeline/action-io';
import { InputError } from '@bakeline/toolkit';

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The resolved path, or undefined when the input is not given. */
export function readJunitPath(reader: InputReader, workspace: string): string | undefined {
  const given = reader.getOptionalString('junit-path');
  if (given === undefined) return undefined;
  const show = JSON.stringify(given);
  const path = reader.getPath('junit-path', { workspace });
  if (given.endsWith('/') || (existsSync(path) && statSync(path).isDirectory())) {
    throw new InputError('junit-path', `got ${show}; expected a file path, found a directory`);
  }
  let ancestor = dirname(path);
  while (!existsSync(ancestor)) ancestor = dirname(ancestor);
  if (!statSync(ancestor).isDirectory()) {
    throw new InputError('junit-path', `got ${show}; its parent cannot be created: ${ancestor} is a file`);
  }
  const real = existsSync(path) ? realpathSync(path) : realpathSync(ancestor);
  if (!inside(realpathSync(workspace), real)) {
    throw new InputError('junit-path', `got ${show}; it resolves (through a link) outside the workspace ${workspace}`);
  }
  try {
    accessSync(ancestor, constants.W_OK);
  } catch {
    throw new InputError('junit-path', `got ${show}; ${ancestor} is not writable`);
  }
  return path;
}
