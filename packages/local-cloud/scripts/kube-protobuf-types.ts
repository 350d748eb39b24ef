// Regenerates packages/local-cloud/src/kube/api/protobuf/kube-types.json: the protobuf message
// definitions the local Kubernetes API decodes, taken from Kubernetes' published generated.proto
// files and cut down to the messages the served kinds reach (plus runtime.Unknown). Scalar fields
// that Go's JSON leaves out when zero (not a pointer, `omitempty`, read from types.go) carry the
// option `omitzero`.
//
//   node packages/local-cloud/scripts/kube-protobuf-types.ts <kubernetes/api checkout> <kubernetes/apimachinery checkout>
//
// Both arguments are git directories (a clone or a bare mirror); the files are read at HEAD and
// the commits are recorded in the output.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import protobuf from 'protobufjs';

const API_FILES = ['core/v1', 'apps/v1', 'rbac/v1', 'authorization/v1', 'authentication/v1', 'autoscaling/v2'];
const MACHINERY_FILES = [
  'pkg/apis/meta/v1',
  'pkg/runtime',
  'pkg/runtime/schema',
  'pkg/util/intstr',
  'pkg/api/resource',
];

/** The messages the stand-in decodes; everything they reference comes along. */
const ROOT_MESSAGES = [
  'k8s.io.apimachinery.pkg.runtime.Unknown',
  'k8s.io.api.core.v1.Namespace',
  'k8s.io.api.core.v1.Pod',
  'k8s.io.api.core.v1.Service',
  'k8s.io.api.core.v1.ConfigMap',
  'k8s.io.api.core.v1.Secret',
  'k8s.io.api.core.v1.Event',
  'k8s.io.api.apps.v1.Deployment',
  'k8s.io.api.apps.v1.ReplicaSet',
  'k8s.io.api.rbac.v1.Role',
  'k8s.io.api.rbac.v1.RoleBinding',
  'k8s.io.api.rbac.v1.ClusterRole',
  'k8s.io.api.rbac.v1.ClusterRoleBinding',
  'k8s.io.api.authorization.v1.SelfSubjectAccessReview',
  'k8s.io.api.authorization.v1.SelfSubjectRulesReview',
  'k8s.io.api.authentication.v1.SelfSubjectReview',
  'k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler',
  'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
];

function show(gitDir: string, path: string): string {
  return execFileSync('git', ['--git-dir', gitDir, 'show', `HEAD:${path}`], { encoding: 'utf8' });
}

function head(gitDir: string): string {
  return execFileSync('git', ['--git-dir', gitDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
}

function gitDirOf(dir: string): string {
  return execFileSync('git', ['-C', dir, 'rev-parse', '--absolute-git-dir'], { encoding: 'utf8' }).trim();
}

const SCALARS = new Set(['string', 'bool', 'int32', 'int64', 'double', 'float', 'uint32', 'uint64', 'bytes']);

/**
 * `<package>.<Message>.<field>` of every Go field that is not a pointer and carries `omitempty`:
 * its zero value is left out of the JSON, while a pointer field's zero value is kept.
 */
function omitZeroFields(pkg: string, typesGo: string): Set<string> {
  const out = new Set<string>();
  let struct = '';
  for (const line of typesGo.split('\n')) {
    const start = /^type (\w+) struct \{/.exec(line);
    if (start?.[1]) {
      struct = start[1];
      continue;
    }
    if (line.startsWith('}')) struct = '';
    const m = /^\s+\w+\s+(\*?)[\w.[\]*]+\s+`json:"[^",]*((?:,\w+)*)".*protobuf:"[^"]*name=(\w+)/.exec(line);
    if (struct === '' || !m) continue;
    if (m[1] !== '*' && (m[2] ?? '').split(',').includes('omitempty')) out.add(`${pkg}.${struct}.${m[3]}`);
  }
  return out;
}

function main(): void {
  const [apiArg, machineryArg] = process.argv.slice(2);
  if (!apiArg || !machineryArg) {
    throw new Error(
      'usage: node packages/local-cloud/scripts/kube-protobuf-types.ts <kubernetes/api git dir> <kubernetes/apimachinery git dir>',
    );
  }
  const api = gitDirOf(apiArg);
  const machinery = gitDirOf(machineryArg);
  const sources = new Map<string, string>();
  for (const p of API_FILES) sources.set(`k8s.io/api/${p}/generated.proto`, show(api, `${p}/generated.proto`));
  for (const p of MACHINERY_FILES) {
    sources.set(`k8s.io/apimachinery/${p}/generated.proto`, show(machinery, `${p}/generated.proto`));
  }
  const omitZero = new Set<string>();
  for (const p of API_FILES) {
    for (const f of omitZeroFields(`k8s.io.api.${p.replace('/', '.')}`, show(api, `${p}/types.go`))) omitZero.add(f);
  }
  for (const f of omitZeroFields(
    'k8s.io.apimachinery.pkg.apis.meta.v1',
    show(machinery, 'pkg/apis/meta/v1/types.go'),
  )) {
    omitZero.add(f);
  }
  const root = new protobuf.Root();
  for (const text of sources.values()) protobuf.parse(text, root, { keepCase: true, alternateCommentMode: false });
  root.resolveAll();

  const keep = new Set<protobuf.Type>();
  const visit = (t: protobuf.Type): void => {
    if (keep.has(t)) return;
    keep.add(t);
    for (const f of t.fieldsArray) if (f.resolvedType instanceof protobuf.Type) visit(f.resolvedType);
  };
  for (const name of ROOT_MESSAGES) visit(root.lookupType(name));

  const out = new protobuf.Root();
  for (const t of [...keep].sort((a, b) => a.fullName.localeCompare(b.fullName))) {
    const ns = t.fullName.slice(1, t.fullName.lastIndexOf('.'));
    const json = t.toJSON() as protobuf.IType;
    // Absolute type names, so the cut-down tree resolves without the packages' relative lookups.
    for (const [fieldName, field] of Object.entries(json.fields)) {
      const resolved = t.fields[fieldName]?.resolvedType;
      if (resolved) field.type = resolved.fullName.slice(1);
      // Marks what Go's JSON encoding leaves out when zero (see omitZeroFields).
      if (SCALARS.has(field.type) && omitZero.has(`${t.fullName.slice(1)}.${fieldName}`)) {
        field.options = { ...field.options, omitzero: true };
      }
    }
    out.define(ns).add(protobuf.Type.fromJSON(t.name, json));
  }
  out.resolveAll();
  const document = {
    source: {
      'kubernetes/api': { commit: head(api), files: API_FILES.map((p) => `${p}/generated.proto`) },
      'kubernetes/apimachinery': { commit: head(machinery), files: MACHINERY_FILES.map((p) => `${p}/generated.proto`) },
      messages: keep.size,
      goTypes: 'types.go of the same packages (fields that are not pointers and have omitempty: option omitzero)',
    },
    ...(out.toJSON() as object),
  };
  const target = new URL('../src/kube/api/protobuf/kube-types.json', import.meta.url);
  writeFileSync(target, `${JSON.stringify(document)}\n`);
  console.log(`wrote ${keep.size} messages to ${target.pathname.split('/').slice(-6).join('/')}`);
}

main();
