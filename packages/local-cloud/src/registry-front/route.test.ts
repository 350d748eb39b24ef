import { expect, test } from 'vitest';
import { ecrActions, parseRoute } from './route.ts';

const D = `sha256:${'a'.repeat(64)}`;

test.each([
  ['/v2/', { kind: 'ping' }],
  ['/v2/_catalog', { kind: 'catalog' }],
  ['/v2/ostock/svc/manifests/v1', { kind: 'manifest', name: 'ostock/svc', reference: 'v1' }],
  [`/v2/ostock/svc/manifests/${D}`, { kind: 'manifest', name: 'ostock/svc', reference: D }],
  [`/v2/a/b/c/blobs/${D}`, { kind: 'blob', name: 'a/b/c', digest: D }],
  ['/v2/ostock/svc/blobs/uploads/', { kind: 'upload-start', name: 'ostock/svc' }],
  ['/v2/ostock/svc/blobs/uploads/6c1a-uuid', { kind: 'upload', name: 'ostock/svc', uuid: '6c1a-uuid' }],
  ['/v2/ostock/svc/tags/list', { kind: 'tags', name: 'ostock/svc' }],
  ['/v1/whatever', { kind: 'unknown' }],
])('routes %s', (path, route) => {
  expect(parseRoute(path)).toEqual(route);
});

test.each([
  ['manifest', 'GET', false, ['ecr:BatchGetImage']],
  ['manifest', 'HEAD', false, ['ecr:BatchGetImage']],
  ['manifest', 'PUT', true, ['ecr:PutImage']],
  ['blob', 'HEAD', false, ['ecr:BatchCheckLayerAvailability']],
  ['blob', 'GET', false, ['ecr:GetDownloadUrlForLayer']],
  ['upload-start', 'POST', false, ['ecr:InitiateLayerUpload']],
  ['upload', 'PATCH', true, ['ecr:UploadLayerPart']],
  ['upload', 'PUT', false, ['ecr:CompleteLayerUpload']],
  ['upload', 'PUT', true, ['ecr:UploadLayerPart', 'ecr:CompleteLayerUpload']],
])('%s %s (body: %s) needs %j', (kind, method, hasBody, actions) => {
  const route = { kind, name: 'x/y', reference: 'v1', digest: D, uuid: 'u' } as Parameters<typeof ecrActions>[0];
  expect(ecrActions(route, method, hasBody)).toEqual(actions);
});
