// The local equivalent of actions/setup-node: the Node the local runner runs actions with, when
// its major is the one asked for; any other version fails the step (nothing is downloaded).
// Puts that Node's directory first on PATH and gives `node-version`.
import { dirname } from 'node:path';
import { exec as defaultExec, type Exec } from '@bakeline/toolkit';

export async function setupNode(
  node: string,
  input: Record<string, string | undefined>,
  exec: Exec = defaultExec,
): Promise<{ outputs: Record<string, string>; addedPath: string[] }> {
  const action = 'actions/setup-node';
  if (input['node-version-file'] !== undefined) {
    throw new Error(`${action}: input 'node-version-file' is not supported by the local runner; give 'node-version'`);
  }
  if (input.cache !== undefined) {
    throw new Error(`${action}: input 'cache': the local runner has no Actions cache; leave it out`);
  }
  const spec = input['node-version'];
  if (spec === undefined) throw new Error(`${action}: input 'node-version' is required by the local runner`);
  const wanted = /^v?(\d+)(\.(\d+|x)){0,2}$/.exec(spec.trim());
  if (wanted === null) throw new Error(`${action}: input 'node-version': got '${spec}'; expected e.g. 24 or 24.x`);
  const version = (await exec(node, ['--version'])).stdout.trim();
  if (version.slice(1).split('.')[0] !== wanted[1]) {
    throw new Error(
      `${action}: node-version '${spec}' is not on this machine: the local runner has Node ${version} (${node}) and downloads none`,
    );
  }
  return { outputs: { 'node-version': version }, addedPath: [dirname(node)] };
}
