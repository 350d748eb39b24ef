// A request body in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`), as
// kubectl's typed clients send creates: the magic `k8s\0`, then a runtime.Unknown whose typeMeta
// names the kind and whose raw bytes are that kind's message. The API server's protobuf
// serializer (k8s.io/apimachinery pkg/runtime/serializer/protobuf/protobuf.go) decodes it; a
// failure becomes a 400 worded as the handlers' transformDecodeError words it. The result is the
// object as JSON, which the rest of the API serves as if JSON had been sent.
import { badRequest, type KubeStatusError } from '../status.ts';
import { messageTypeOf, UNKNOWN_TYPE } from './kube-types.ts';
import { messageToJson } from './to-json.ts';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** kubectl's `%v` of a byte slice: `[107 56 115 0]`. */
const MAGIC_TEXT = `[${[...MAGIC].join(' ')}]`;

/** The first bytes of a body as the API server quotes them (summarizeData, 30 bytes, hex). */
function summarize(data: Buffer): string {
  if (data.length === 0) return '<empty>';
  const head = data.subarray(0, 30);
  const text = data[0] === 0x7b ? head.toString('utf8') : head.toString('hex');
  return data.length > 30 ? `${text} ...` : text;
}

function unrecognized(expectedKind: string, cause: string, body: Buffer): KubeStatusError {
  return badRequest(
    `the object provided is unrecognized (must be of type ${expectedKind}): ${cause} (${summarize(body)})`,
  );
}

/**
 * Decodes a protobuf body sent to an endpoint of `expectedKind` (the kind the endpoint serves;
 * the envelope's kind is decoded and checked later, as for JSON).
 */
export function decodeProtobufBody(body: Buffer, expectedKind: string): Record<string, unknown> {
  if (body.length === 0) throw unrecognized(expectedKind, 'empty data', body);
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw unrecognized(
      expectedKind,
      `provided data does not appear to be a protobuf message, expected prefix ${MAGIC_TEXT}`,
      body,
    );
  }
  if (body.length === MAGIC.length) throw unrecognized(expectedKind, 'empty body', body);
  let unknown: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  try {
    unknown = UNKNOWN_TYPE.decode(body.subarray(MAGIC.length)) as typeof unknown;
  } catch (error: unknown) {
    throw unrecognized(expectedKind, `proto: runtime.Unknown: ${(error as Error).message}`, body);
  }
  const apiVersion = unknown.typeMeta?.apiVersion ?? '';
  const kind = unknown.typeMeta?.kind ?? '';
  if (kind === '') {
    throw unrecognized(
      expectedKind,
      `Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"${apiVersion}", Kind:""}'`,
      body,
    );
  }
  const version = apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
  const head = `${kind} in version "${version}" cannot be handled as a ${expectedKind}`;
  const type = messageTypeOf(apiVersion, kind);
  if (!type) {
    throw badRequest(
      `${head}: no kind "${kind}" is registered for version "${apiVersion}" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"`,
    );
  }
  let message: Record<string, unknown>;
  try {
    message = type.decode(unknown.raw ?? new Uint8Array()) as unknown as Record<string, unknown>;
  } catch (error: unknown) {
    throw badRequest(`${head}: proto: ${type.name}: ${(error as Error).message}`);
  }
  try {
    return { apiVersion, kind, ...(messageToJson(type, message) as Record<string, unknown>) };
  } catch (error: unknown) {
    throw badRequest(`${head}: ${(error as Error).message}`);
  }
}
