// The query parameters of a PATCH, checked as ValidatePatchOptions
// (k8s.io/apimachinery/pkg/apis/meta/v1/validation) checks them before the object is looked up:
// apply needs a fieldManager, `force` belongs to apply only, a fieldManager has at most 128
// printable characters. Errors are 422 `PatchOptions.meta.k8s.io "" is invalid`.
import { type FieldError, invalid } from '../status.ts';

export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

export interface PatchOptions {
  apply: boolean;
  fieldManager?: string;
  force: boolean;
}

export function isApplyPatch(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === APPLY_PATCH_TYPE;
}

export function fieldManagerErrors(fieldManager: string): FieldError[] {
  const errors: FieldError[] = [];
  if (fieldManager.length > 128) {
    errors.push({ type: 'FieldValueTooLong', field: 'fieldManager', detail: 'may not be more than 128 bytes' });
  }
  [...fieldManager].forEach((c, i) => {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(c)) {
      const code = `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
      errors.push({
        type: 'FieldValueInvalid',
        field: 'fieldManager',
        detail: `invalid character ${code} (at position ${i})`,
        value: JSON.stringify(fieldManager),
      });
    }
  });
  return errors;
}

/** Reads and validates `fieldManager` and `force` for a PATCH with `contentType`. */
export function patchOptionsOf(query: URLSearchParams, contentType: string | undefined): PatchOptions {
  const apply = isApplyPatch(contentType);
  const fieldManager = query.get('fieldManager') ?? '';
  const forceText = query.get('force');
  const errors: FieldError[] = [];
  if (!apply && forceText !== null) {
    errors.push({ type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' });
  }
  if (apply && fieldManager === '') {
    errors.push({ type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' });
  }
  errors.push(...fieldManagerErrors(fieldManager));
  if (errors.length > 0) throw invalid('PatchOptions', 'meta.k8s.io', '', errors);
  return { apply, force: forceText === 'true' || forceText === '1', ...(fieldManager ? { fieldManager } : {}) };
}
