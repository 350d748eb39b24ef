// IAM resource tags (roles, OIDC providers, managed policies): at most 50 per resource, keys
// 1..128 and values 0..256 characters of IAM's tag alphabet, keys unique ignoring case.
import { IamError } from './iam-error.ts';

export interface Tag {
  Key: string;
  Value: string;
}

const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const MAX_TAGS = 50;

/** Checks tags as IAM does (ValidationError / InvalidInput / LimitExceeded). */
export function checkTags(tags: readonly Tag[]): void {
  const seen = new Set<string>();
  for (const [i, tag] of tags.entries()) {
    const member = `tags.${i + 1}.member`;
    if (tag.Key.length < 1 || tag.Key.length > 128 || !TAG_TEXT.test(tag.Key)) {
      throw new IamError(
        'ValidationError',
        `1 validation error detected: Value '${tag.Key}' at '${member}.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+`,
      );
    }
    if (tag.Value.length > 256 || !TAG_TEXT.test(tag.Value)) {
      throw new IamError(
        'ValidationError',
        `1 validation error detected: Value '${tag.Value}' at '${member}.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*`,
      );
    }
    const lower = tag.Key.toLowerCase();
    if (seen.has(lower))
      throw new IamError('InvalidInput', 'Duplicate tag keys found. Please remove them and try again.');
    seen.add(lower);
  }
}

/** The tags after TagX: new keys added, existing keys (case-insensitive) overwritten. */
export function mergeTags(current: readonly Tag[], added: readonly Tag[]): Tag[] {
  checkTags(added);
  const out = current.filter((t) => !added.some((a) => a.Key.toLowerCase() === t.Key.toLowerCase()));
  out.push(...added.map((t) => ({ ...t })));
  if (out.length > MAX_TAGS) {
    throw new IamError('LimitExceeded', `The number of tags has reached the maximum limit of ${MAX_TAGS}.`);
  }
  return out;
}

/** The tags after UntagX: keys named removed (missing keys are no error, as on IAM). */
export function removeTags(current: readonly Tag[], keys: readonly string[]): Tag[] {
  return current.filter((t) => !keys.includes(t.Key));
}
