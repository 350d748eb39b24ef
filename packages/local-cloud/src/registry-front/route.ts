// Which distribution-API endpoint a request addresses, and the ECR action IAM checks for it.

export type Route =
  | { kind: 'ping' }
  | { kind: 'catalog' }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'upload-start'; name: string }
  | { kind: 'upload'; name: string; uuid: string }
  | { kind: 'tags'; name: string }
  | { kind: 'referrers'; name: string; digest: string }
  | { kind: 'unknown' };

export function parseRoute(pathname: string): Route {
  if (pathname === '/v2/' || pathname === '/v2') return { kind: 'ping' };
  if (pathname === '/v2/_catalog') return { kind: 'catalog' };
  let m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(pathname);
  if (m) return { kind: 'manifest', name: m[1] ?? '', reference: decodeURIComponent(m[2] ?? '') };
  m = /^\/v2\/(.+)\/blobs\/uploads\/?$/.exec(pathname);
  if (m) return { kind: 'upload-start', name: m[1] ?? '' };
  m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/.exec(pathname);
  if (m) return { kind: 'upload', name: m[1] ?? '', uuid: m[2] ?? '' };
  m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(pathname);
  if (m) return { kind: 'blob', name: m[1] ?? '', digest: decodeURIComponent(m[2] ?? '') };
  m = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(pathname);
  if (m) return { kind: 'referrers', name: m[1] ?? '', digest: decodeURIComponent(m[2] ?? '') };
  m = /^\/v2\/(.+)\/tags\/list$/.exec(pathname);
  if (m) return { kind: 'tags', name: m[1] ?? '' };
  return { kind: 'unknown' };
}

/** The IAM actions ECR evaluates for a registry request (all must be allowed). */
export function ecrActions(route: Route, method: string, hasBody: boolean): string[] {
  switch (route.kind) {
    case 'manifest':
      if (method === 'PUT') return ['ecr:PutImage'];
      if (method === 'DELETE') return ['ecr:BatchDeleteImage'];
      return ['ecr:BatchGetImage'];
    case 'blob':
      if (method === 'HEAD') return ['ecr:BatchCheckLayerAvailability'];
      if (method === 'DELETE') return ['ecr:BatchDeleteImage'];
      return ['ecr:GetDownloadUrlForLayer'];
    case 'upload-start':
      return ['ecr:InitiateLayerUpload'];
    case 'upload':
      if (method === 'PUT')
        return hasBody ? ['ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'] : ['ecr:CompleteLayerUpload'];
      return ['ecr:UploadLayerPart'];
    case 'tags':
      return ['ecr:ListImages'];
    case 'referrers':
      return ['ecr:BatchGetImage'];
    default:
      return [];
  }
}
