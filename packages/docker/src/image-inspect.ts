// `docker image inspect --format '{{json .}}' <ref>`: the fields bakeline reads.

export interface ImageInspect {
  /** The image ID: the config digest on the classic store, the manifest digest on the containerd store. */
  id: string;
  repoTags: string[];
  /** The diff IDs of the image's layers, base first. */
  layers: string[];
}

export function parseImageInspect(json: string): ImageInspect {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error: unknown) {
    throw new Error(`docker image inspect: expected JSON, got: ${json.slice(0, 200)}`, { cause: error });
  }
  // `docker image inspect` without --format prints an array of one
  const one = Array.isArray(raw) ? raw[0] : raw;
  if (one === null || typeof one !== 'object') {
    throw new Error(`docker image inspect: expected a JSON object, got: ${json.slice(0, 200)}`);
  }
  const image = one as { Id?: unknown; RepoTags?: unknown; RootFS?: { Layers?: unknown } };
  if (typeof image.Id !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(image.Id)) {
    throw new Error(`docker image inspect: expected Id sha256:<64 hex>, got ${JSON.stringify(image.Id)}`);
  }
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return { id: image.Id, repoTags: strings(image.RepoTags), layers: strings(image.RootFS?.Layers) };
}
