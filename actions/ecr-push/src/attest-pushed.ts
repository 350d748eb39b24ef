// After the push: sign the provenance, the SBOM and the platform-test result about the pushed
// digest and store them as OCI referrers in the same repository (with the push's ECR login) and
// in GitHub's attestations API (GITHUB_API_URL, `github-token`).
import { attestImage, fetchSigstoreToken, type StoredAttestation } from '@bakeline/attest';
import { type CredentialsProvider, createEcrClient, EcrLogin } from '@bakeline/aws';
import type { Logger } from '@bakeline/toolkit';
import type { AttestInputs } from './attest-inputs.ts';

export async function attestPushed(options: {
  pushed: { registry: string; repository: string; repositoryUri: string; digest: string };
  attest: AttestInputs;
  region: string;
  credentials: CredentialsProvider;
  ecrEndpoint: string | undefined;
  env: Record<string, string | undefined>;
  mask: (secret: string) => void;
  logger: Logger;
}): Promise<StoredAttestation[]> {
  const { pushed, attest, env } = options;
  const login = new EcrLogin(
    createEcrClient({
      region: options.region,
      credentials: options.credentials,
      ...(options.ecrEndpoint ? { endpoint: options.ecrEndpoint } : {}),
    }),
    { mask: options.mask },
  );
  const { username, password } = await login.get();
  const apiUrl = env.GITHUB_API_URL;
  const repository = env.GITHUB_REPOSITORY;
  return attestImage({
    image: { name: pushed.repositoryUri, digest: pushed.digest },
    registry: { registry: pushed.registry, repository: pushed.repository, credentials: { username, password } },
    idToken: () => fetchSigstoreToken(attest.idTokenRequest),
    sigstore: attest.sigstore,
    github:
      attest.githubToken && apiUrl && repository
        ? { apiUrl: apiUrl.replace(/\/$/, ''), repository, token: attest.githubToken }
        : undefined,
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, ''),
    materials: attest.materials,
    sbom: attest.sbom,
    testResult: attest.testResult,
    logger: options.logger,
  });
}
