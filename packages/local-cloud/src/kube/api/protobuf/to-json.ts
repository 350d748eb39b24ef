// A decoded Kubernetes protobuf message as the API server's JSON shows it. The generated.proto
// files name fields as the JSON does, except where the Go types say otherwise, and a few
// messages stand for JSON scalars:
// - embedded structs (`json:""`, e.g. Volume.volumeSource, Probe.handler) are inlined;
// - authentication.v1 UserInfo.uID is `uid`; ExtraValue is a list of strings;
// - meta.v1 Time and MicroTime are RFC 3339 strings (a zero time is null), Quantity a string,
//   IntOrString a number or a string, RawExtension and FieldsV1 the JSON they hold;
// - bytes are base64, int64 numbers.
// A scalar whose Go field is not a pointer and has `omitempty` (option `omitzero`, see
// scripts/kube-protobuf-types.ts) is left out when zero, as Go's JSON leaves it out.
// (Go tags read from k8s.io/api core/v1 and authentication/v1 types.go.)
import protobuf from 'protobufjs';

const INLINE = new Set([
  'k8s.io.api.core.v1.Volume.volumeSource',
  'k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource',
  'k8s.io.api.core.v1.SecretProjection.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapProjection.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference',
  'k8s.io.api.core.v1.SecretKeySelector.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference',
  'k8s.io.api.core.v1.SecretEnvSource.localObjectReference',
  'k8s.io.api.core.v1.Probe.handler',
  'k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon',
]);
const RENAMED: Readonly<Record<string, string>> = { 'k8s.io.api.authentication.v1.UserInfo.uID': 'uid' };
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** A value that the JSON cannot hold (RawExtension or FieldsV1 bytes that are not JSON). */
export class ProtobufJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufJsonError';
  }
}

type Decoded = Record<string, unknown>;

function int64(value: unknown): number {
  if (typeof value === 'number') return value;
  return Number(String(value));
}

function isZero(v: unknown): boolean {
  if (v === '' || v === 0 || v === false) return true;
  if (v instanceof Uint8Array) return v.length === 0;
  return typeof v === 'object' && v !== null && 'low' in v && 'high' in v && int64(v) === 0;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function rfc3339(seconds: number, nanos: number, micro: boolean): string | null {
  if (seconds === 0 && nanos === 0) return null;
  const d = new Date(seconds * 1000);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return micro ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`;
}

function rawJson(bytes: Uint8Array | undefined, what: string): unknown {
  if (!bytes || bytes.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error: unknown) {
    throw new ProtobufJsonError(`${what}: the raw bytes are not JSON: ${(error as Error).message}`);
  }
}

function scalar(field: protobuf.Field, value: unknown): unknown {
  if (field.type === 'bytes') return Buffer.from(value as Uint8Array).toString('base64');
  if (field.type === 'int64' || field.type === 'uint64' || field.type === 'sint64') return int64(value);
  return value;
}

function special(type: protobuf.Type, m: Decoded): { value: unknown } | undefined {
  const name = type.fullName.slice(1);
  switch (name) {
    case `${META}.Time`:
      return { value: rfc3339(int64(m.seconds ?? 0), Number(m.nanos ?? 0), false) };
    case `${META}.MicroTime`:
      return { value: rfc3339(int64(m.seconds ?? 0), Number(m.nanos ?? 0), true) };
    case `${META}.FieldsV1`:
      return { value: rawJson(m.Raw as Uint8Array | undefined, 'FieldsV1') };
    case 'k8s.io.apimachinery.pkg.runtime.RawExtension':
      return { value: rawJson(m.raw as Uint8Array | undefined, 'RawExtension') };
    case 'k8s.io.apimachinery.pkg.api.resource.Quantity':
      return { value: m.string ?? '' };
    case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return { value: int64(m.type ?? 0) === 1 ? (m.strVal ?? '') : Number(m.intVal ?? 0) };
    case 'k8s.io.api.authentication.v1.ExtraValue':
      return { value: [...((m.items as string[] | undefined) ?? [])] };
    default:
      return undefined;
  }
}

function value(field: protobuf.Field, v: unknown): unknown {
  const t = field.resolvedType;
  if (t instanceof protobuf.Type) return messageToJson(t, v as Decoded);
  return scalar(field, v);
}

/** The JSON form of a message decoded from `type` (without apiVersion and kind). */
export function messageToJson(type: protobuf.Type, message: Decoded): unknown {
  const s = special(type, message);
  if (s) return s.value;
  const out: Record<string, unknown> = {};
  const typeName = type.fullName.slice(1);
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(message, field.name)) continue;
    const v = message[field.name];
    const key = `${typeName}.${field.name}`;
    if (field.map) {
      const entries = Object.entries((v ?? {}) as Record<string, unknown>);
      if (entries.length === 0) continue;
      out[field.name] = Object.fromEntries(entries.map(([k, x]) => [k, value(field, x)]));
    } else if (field.repeated) {
      const items = (v ?? []) as unknown[];
      if (items.length === 0) continue;
      out[RENAMED[key] ?? field.name] = items.map((x) => value(field, x));
    } else if (INLINE.has(key)) {
      Object.assign(out, value(field, v) as object);
    } else {
      if (v === null || v === undefined) continue;
      if (field.options?.omitzero === true && isZero(v)) continue;
      out[RENAMED[key] ?? field.name] = value(field, v);
    }
  }
  return out;
}
