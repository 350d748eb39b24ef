// Registry credentials the way docker finds them: `$DOCKER_CONFIG/config.json` (default
// `~/.docker/config.json`): a credential helper for the host (`credHelpers`), else the global
// `credsStore`, else the `auths` entry (`auth` = base64 of user:password). Login actions
// (docker/login-action, amazon-ecr-login) write exactly this file.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RegistryCredentials } from '@bakeline/oci';
import { exec as defaultExec, type Exec } from '@bakeline/toolkit';

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export function dockerConfigPath(env: Record<string, string | undefined>): string {
  return join(env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker'), 'config.json');
}

/** The keys `auths` may use for a host: `host`, `https://host`, `http://host`, with a `/v1/` or `/v2/` path. */
function matchesHost(key: string, registry: string): boolean {
  const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (host === registry) return true;
  const dockerHub = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];
  return dockerHub.includes(host) && dockerHub.includes(registry);
}

function decodeAuth(auth: string, registry: string): RegistryCredentials {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) throw new Error(`docker config: the auth entry for ${registry} is not base64 of user:password`);
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

async function fromHelper(helper: string, registry: string, run: Exec): Promise<RegistryCredentials | undefined> {
  const command = `docker-credential-${helper}`;
  const result = await run(command, ['get'], { input: registry, timeoutMs: 30_000 });
  if (result.exitCode !== 0) {
    if (/credentials not found/i.test(result.stdout + result.stderr)) return undefined;
    throw new Error(
      `docker config: ${command} get failed for ${registry} (exit ${result.exitCode}): ${result.stderr.trim()}`,
    );
  }
  const parsed = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
  if (!parsed.Username || !parsed.Secret) return undefined;
  return { username: parsed.Username, password: parsed.Secret };
}

/** Credentials for `registry` (host[:port]) from docker's config, or undefined (anonymous). */
export async function dockerConfigCredentials(
  registry: string,
  options: { configPath: string; exec?: Exec },
): Promise<RegistryCredentials | undefined> {
  if (!existsSync(options.configPath)) return undefined;
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(options.configPath, 'utf8')) as DockerConfig;
  } catch (error: unknown) {
    throw new Error(`docker config: cannot parse ${options.configPath}: ${(error as Error).message}`, { cause: error });
  }
  const run = options.exec ?? defaultExec;
  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => matchesHost(key, registry))?.[1];
  if (helper) return fromHelper(helper, registry, run);
  const entry = Object.entries(config.auths ?? {}).find(([key]) => matchesHost(key, registry))?.[1];
  if (entry?.auth) return decodeAuth(entry.auth, registry);
  if (entry?.username && entry.password) return { username: entry.username, password: entry.password };
  if (config.credsStore) return fromHelper(config.credsStore, registry, run);
  return undefined;
}
