// The session tags an AssumeRole from the credential chain carries, as
// aws-actions/configure-aws-credentials sends them: GitHub=Actions and where the session comes
// from (repository, workflow, action, actor, commit, branch), then convenience tags that are
// dropped when STS answers PackedPolicyTooLarge. Values are cut to AWS's tag value alphabet and
// length. AssumeRoleWithWebIdentity takes no tags (the token's claims are the tags there).

export interface SessionTag {
  Key: string;
  Value: string;
}

const KEPT: readonly (readonly [string, string])[] = [
  ['Repository', 'GITHUB_REPOSITORY'],
  ['Workflow', 'GITHUB_WORKFLOW'],
  ['Action', 'GITHUB_ACTION'],
  ['Actor', 'GITHUB_ACTOR'],
  ['Commit', 'GITHUB_SHA'],
  ['Branch', 'GITHUB_REF'],
];

const DROPPABLE: readonly (readonly [string, string])[] = [
  ['EventName', 'GITHUB_EVENT_NAME'],
  ['BaseRef', 'GITHUB_BASE_REF'],
  ['HeadRef', 'GITHUB_HEAD_REF'],
  ['RunId', 'GITHUB_RUN_ID'],
  ['Job', 'GITHUB_JOB'],
  ['TriggeringActor', 'GITHUB_TRIGGERING_ACTOR'],
];

const MAX_TAG_VALUE_LENGTH = 256;

/** A value in the alphabet STS accepts for tag values (others become `_`), at most 256 characters. */
export function tagValue(value: string): string {
  return value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, MAX_TAG_VALUE_LENGTH);
}

function tags(pairs: readonly (readonly [string, string])[], env: Record<string, string | undefined>): SessionTag[] {
  return pairs.flatMap(([key, variable]) => {
    const value = env[variable];
    return value ? [{ Key: key, Value: tagValue(value) }] : [];
  });
}

/** All session tags; with `droppable: false` only those that identify the run. */
export function githubSessionTags(env: Record<string, string | undefined>, droppable = true): SessionTag[] {
  return [{ Key: 'GitHub', Value: 'Actions' }, ...tags(KEPT, env), ...(droppable ? tags(DROPPABLE, env) : [])];
}
