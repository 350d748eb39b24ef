// Loads GitHub's workflow parser. @actions/workflow-parser is ESM-only and imports its JSON schema
// without an import attribute, which Node 24 refuses (ERR_IMPORT_ATTRIBUTE_MISSING). A synchronous
// module hook (node:module registerHooks) adds `type: "json"` to those imports only; then the
// parser is imported dynamically, after the hook is in place.
import { registerHooks } from 'node:module';
import type * as WorkflowParser from '@actions/workflow-parser';
import type * as Convert from '@actions/workflow-parser/model/convert';

export interface ParserModules {
  parser: typeof WorkflowParser;
  convert: typeof Convert;
}

let hookRegistered = false;
let loading: Promise<ParserModules> | undefined;

function registerJsonAttributeHook(): void {
  if (hookRegistered) return;
  hookRegistered = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      if (
        resolved.url.endsWith('.json') &&
        resolved.url.includes('/@actions/workflow-parser/') &&
        context.importAttributes.type === undefined
      ) {
        return { ...resolved, importAttributes: { ...context.importAttributes, type: 'json' } };
      }
      return resolved;
    },
  });
}

/** The workflow parser and its converter, loaded once per process. */
export function loadParser(): Promise<ParserModules> {
  if (loading === undefined) {
    registerJsonAttributeHook();
    loading = Promise.all([import('@actions/workflow-parser'), import('@actions/workflow-parser/model/convert')]).then(
      ([parser, convert]) => ({ parser, convert }),
    );
  }
  return loading;
}
