// What the eks-promote integration tests set up alike in the local cloud: an ECR repository
// created with the cloud's admin keys through the real aws CLI, and busybox images pushed to it
// as the bakeline-ecr-push role (what the pipeline's ecr-push step leaves for eks-promote).
import { buildBusyboxImage, type LocalCloud } from '@bakeline/local-cloud';
import { execChecked } from '@bakeline/toolkit';

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

export function busyboxPusher(cloud: LocalCloud, repository: string): PushBusybox {
  const pushCreds = cloud.admin.roleCredentials('bakeline-ecr-push', { sessionName: 'busybox' });
  return async (tag, files, labels = {}) =>
    (
      await buildBusyboxImage({
        registry: cloud.endpoints.registry.host,
        repository,
        tag,
        files,
        labels,
        login: { username: 'AWS', password: cloud.admin.registryPassword(pushCreds.accessKeyId) },
      })
    ).ref;
}
