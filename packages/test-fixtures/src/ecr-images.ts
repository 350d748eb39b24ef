// Images in the local cloud's ECR, as the integration tests of eks-promote, attest and the
// reliability suite set them up: a repository created with the cloud's admin keys through the
// real aws CLI, busybox images pushed to it with those keys (what the pipeline's ecr-push step
// leaves for eks-promote), and config-only images pushed through the registry API.
import { createHash } from 'node:crypto';
import type { LocalCloud } from '@bakeline/local-cloud';
import { execChecked } from '@bakeline/toolkit';
import { buildBusyboxImage } from './busybox-image.ts';

export async function createEcrRepository(cloud: LocalCloud, repository: string): Promise<void> {
  const { accessKeyId, secretAccessKey } = cloud.endpoints.credentials;
  await execChecked(
    '/usr/bin/aws',
    ['ecr', 'create-repository', '--repository-name', repository, '--endpoint-url', cloud.endpoints.ecr],
    {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        AWS_REGION: cloud.endpoints.region,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      timeoutMs: 60_000,
    },
  );
}

/** Builds a busybox image with `files` (and image config `labels`), pushes it as `tag`, returns its `repo@digest`. */
export type PushBusybox = (
  tag: string,
  files: Record<string, string>,
  labels?: Record<string, string>,
) => Promise<string>;

/** Pushes as the account's IAM user, who may push to any repository (Terraform's push role: only the example's). */
export function busyboxPusher(cloud: LocalCloud, repository: string): PushBusybox {
  const password = cloud.admin.registryPassword(cloud.endpoints.credentials.accessKeyId);
  return async (tag, files, labels = {}) =>
    (
      await buildBusyboxImage({
        registry: cloud.endpoints.registry.host,
        repository,
        tag,
        files,
        labels,
        login: { username: 'AWS', password },
      })
    ).ref;
}

/** A registry password of a holder of the bakeline-ecr-push role (what `aws ecr get-login-password` gives). */
export function pushRolePassword(cloud: LocalCloud, sessionName: string): string {
  const credentials = cloud.admin.roleCredentials('bakeline-ecr-push', { sessionName });
  return cloud.admin.registryPassword(credentials.accessKeyId);
}

/** A repository of the local ECR with the push role's registry login (attest's `OciRepository` shape). */
export interface PushableRepository {
  registry: string;
  repository: string;
  credentials: { username: string; password: string };
}

/** A repository that exists in the local ECR (Terraform's, in a cloud set up from its snapshot) with a push-role login. */
export function pushRoleRepository(cloud: LocalCloud, repository: string, sessionName: string): PushableRepository {
  return {
    registry: cloud.endpoints.registry.host,
    repository,
    credentials: { username: 'AWS', password: pushRolePassword(cloud, sessionName) },
  };
}

/**
 * Creates `repository` in the local ECR and returns it with a login of the account's IAM user, who
 * created it (Terraform's push role may push only to the example's repository).
 */
export async function pushableRepository(cloud: LocalCloud, repository: string): Promise<PushableRepository> {
  await createEcrRepository(cloud, repository);
  return {
    registry: cloud.endpoints.registry.host,
    repository,
    credentials: { username: 'AWS', password: cloud.admin.registryPassword(cloud.endpoints.credentials.accessKeyId) },
  };
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * Pushes an image of one config and no layers through the registry API (never run: for tests
 * that need a digest in the registry, not a container) as `seed`; returns its manifest digest.
 */
export async function pushConfigOnlyImage(
  cloud: LocalCloud,
  repo: { repository: string; credentials?: { username: string; password: string } },
  seed: string,
): Promise<string> {
  const base = `${cloud.endpoints.registry.url}/v2/${repo.repository}`;
  const login = repo.credentials;
  const auth: Record<string, string> = login
    ? { authorization: `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}` }
    : {};
  const put = async (url: string | URL, body: Buffer, contentType?: string): Promise<void> => {
    const res = await fetch(url, {
      method: 'PUT',
      headers: { ...auth, ...(contentType ? { 'content-type': contentType } : {}) },
      body: new Uint8Array(body),
    });
    if (res.status !== 201)
      throw new Error(`config-only image: PUT ${url} answered ${res.status}: ${await res.text()}`);
  };
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, seed }),
  );
  const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers: auth });
  if (start.status !== 202) throw new Error(`config-only image: upload start answered ${start.status}`);
  const location = new URL(start.headers.get('location') ?? '', cloud.endpoints.registry.url);
  location.searchParams.set('digest', sha256(config));
  await put(location, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [],
    }),
  );
  await put(`${base}/manifests/${seed}`, manifest, 'application/vnd.oci.image.manifest.v1+json');
  return sha256(manifest);
}
