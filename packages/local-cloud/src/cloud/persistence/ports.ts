// The ports a local cloud with a state directory listened on, in <state-dir>/ports.json, so that
// a restart comes back at the same addresses: image references name the registry's host:port,
// roles trust the OIDC issuer's URL, kubeconfigs name the API server.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.ts';

export const PORT_NAMES = [
  'oidcIssuer',
  'oidcGrants',
  'distribution',
  'registry',
  'layerBucket',
  'sts',
  'ecr',
  'iam',
  'admin',
  'kubeApi',
  'eks',
  'kubeletHealthz',
] as const;

export type PortName = (typeof PORT_NAMES)[number];
export type SavedPorts = Partial<Record<PortName, number>>;

function portsFile(stateDir: string): string {
  return join(stateDir, 'ports.json');
}

/** The ports of the previous run (an unreadable file counts as none: ports are only a preference). */
export function readSavedPorts(stateDir: string): SavedPorts {
  const file = portsFile(stateDir);
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const ports: SavedPorts = {};
    for (const name of PORT_NAMES) {
      const port = parsed[name];
      if (typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536) ports[name] = port;
    }
    return ports;
  } catch {
    return {};
  }
}

export function writeSavedPorts(stateDir: string, ports: SavedPorts): void {
  writeFileAtomic(portsFile(stateDir), `${JSON.stringify(ports, null, 2)}\n`);
}

/** The port of a `http(s)://127.0.0.1:<port>` URL. */
export function portOf(url: string): number {
  return Number(new URL(url).port);
}
