// ECR's rules for repository names and image tags.

const NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** The InvalidParameterException message for a bad name, or undefined when it is valid. */
export function repositoryNameProblem(name: string): string | undefined {
  if (name.length < 2 || name.length > 256) {
    return `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater than or equal to 2 and less than or equal to 256'`;
  }
  if (!NAME.test(name)) {
    return `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`;
  }
  return undefined;
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

export function isDigest(reference: string): boolean {
  return /^sha256:[0-9a-f]{64}$/.test(reference);
}
