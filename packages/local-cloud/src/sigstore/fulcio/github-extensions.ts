// The certificate extensions Fulcio writes for a GitHub Actions identity (Fulcio's
// docs/oid-info.md, 1.3.6.1.4.1.57264.1.*): the legacy raw-string ones (.2 to .6) and the
// DER UTF8String ones from .8 on, plus the subject alternative name, the job's workflow URI.
// Every claim Fulcio's GitHub principal requires must be present; a token without one is refused.
import { derUtf8String } from '../der.ts';

export const FULCIO_OID = {
  issuerV1: '1.3.6.1.4.1.57264.1.1',
  githubWorkflowTrigger: '1.3.6.1.4.1.57264.1.2',
  githubWorkflowSha: '1.3.6.1.4.1.57264.1.3',
  githubWorkflowName: '1.3.6.1.4.1.57264.1.4',
  githubWorkflowRepository: '1.3.6.1.4.1.57264.1.5',
  githubWorkflowRef: '1.3.6.1.4.1.57264.1.6',
  issuer: '1.3.6.1.4.1.57264.1.8',
  buildSignerUri: '1.3.6.1.4.1.57264.1.9',
  buildSignerDigest: '1.3.6.1.4.1.57264.1.10',
  runnerEnvironment: '1.3.6.1.4.1.57264.1.11',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  sourceRepositoryIdentifier: '1.3.6.1.4.1.57264.1.15',
  sourceRepositoryOwnerUri: '1.3.6.1.4.1.57264.1.16',
  sourceRepositoryOwnerIdentifier: '1.3.6.1.4.1.57264.1.17',
  buildConfigUri: '1.3.6.1.4.1.57264.1.18',
  buildConfigDigest: '1.3.6.1.4.1.57264.1.19',
  buildTrigger: '1.3.6.1.4.1.57264.1.20',
  runInvocationUri: '1.3.6.1.4.1.57264.1.21',
  sourceRepositoryVisibilityAtSigning: '1.3.6.1.4.1.57264.1.22',
} as const;

/** Claims Fulcio's GitHub workflow principal reads; a token missing one is refused. */
export const REQUIRED_GITHUB_CLAIMS = [
  'sub',
  'job_workflow_ref',
  'job_workflow_sha',
  'sha',
  'event_name',
  'repository',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'repository_visibility',
  'workflow',
  'workflow_ref',
  'workflow_sha',
  'ref',
  'run_id',
  'run_attempt',
  'runner_environment',
] as const;

export type GithubWorkflowClaims = Record<(typeof REQUIRED_GITHUB_CLAIMS)[number], string>;

export interface FulcioExtension {
  oid: string;
  /** The extnValue bytes. */
  value: Buffer;
}

export interface GithubIdentity {
  /** Subject alternative name (URI): `<server>/<job_workflow_ref>`. */
  san: string;
  extensions: FulcioExtension[];
}

/** Reads the claims Fulcio requires, or names the first missing or non-string one. */
export function githubWorkflowClaims(claims: Record<string, unknown>): GithubWorkflowClaims {
  const out: Partial<GithubWorkflowClaims> = {};
  for (const name of REQUIRED_GITHUB_CLAIMS) {
    const value = claims[name];
    if (typeof value !== 'string' || value === '') throw new Error(`token has no '${name}' claim`);
    out[name] = value;
  }
  return out as GithubWorkflowClaims;
}

export function githubIdentity(issuer: string, claims: GithubWorkflowClaims, serverUrl: string): GithubIdentity {
  const server = serverUrl.replace(/\/$/, '');
  const raw = (oid: string, text: string): FulcioExtension => ({ oid, value: Buffer.from(text, 'utf8') });
  const utf8 = (oid: string, text: string): FulcioExtension => ({ oid, value: derUtf8String(text) });
  const repositoryUri = `${server}/${claims.repository}`;
  return {
    san: `${server}/${claims.job_workflow_ref}`,
    extensions: [
      raw(FULCIO_OID.issuerV1, issuer),
      raw(FULCIO_OID.githubWorkflowTrigger, claims.event_name),
      raw(FULCIO_OID.githubWorkflowSha, claims.sha),
      raw(FULCIO_OID.githubWorkflowName, claims.workflow),
      raw(FULCIO_OID.githubWorkflowRepository, claims.repository),
      raw(FULCIO_OID.githubWorkflowRef, claims.ref),
      utf8(FULCIO_OID.issuer, issuer),
      utf8(FULCIO_OID.buildSignerUri, `${server}/${claims.job_workflow_ref}`),
      utf8(FULCIO_OID.buildSignerDigest, claims.job_workflow_sha),
      utf8(FULCIO_OID.runnerEnvironment, claims.runner_environment),
      utf8(FULCIO_OID.sourceRepositoryUri, repositoryUri),
      utf8(FULCIO_OID.sourceRepositoryDigest, claims.sha),
      utf8(FULCIO_OID.sourceRepositoryRef, claims.ref),
      utf8(FULCIO_OID.sourceRepositoryIdentifier, claims.repository_id),
      utf8(FULCIO_OID.sourceRepositoryOwnerUri, `${server}/${claims.repository_owner}`),
      utf8(FULCIO_OID.sourceRepositoryOwnerIdentifier, claims.repository_owner_id),
      utf8(FULCIO_OID.buildConfigUri, `${server}/${claims.workflow_ref}`),
      utf8(FULCIO_OID.buildConfigDigest, claims.workflow_sha),
      utf8(FULCIO_OID.buildTrigger, claims.event_name),
      utf8(
        FULCIO_OID.runInvocationUri,
        `${repositoryUri}/actions/runs/${claims.run_id}/attempts/${claims.run_attempt}`,
      ),
      utf8(FULCIO_OID.sourceRepositoryVisibilityAtSigning, claims.repository_visibility),
    ],
  };
}
