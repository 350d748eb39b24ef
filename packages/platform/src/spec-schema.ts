// The platform-test spec: what to start, how to know it is ready, and the checks. Strict: an
// unknown key or a wrong type is an error (reported with file, line and key by spec.ts).
import { z } from 'zod';

const duration = z.string().regex(/^(\d+(\.\d+)?(ms|s|m))+$/, 'expected a duration such as 500ms, 2s or 1m');
const regex = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'expected a valid regular expression');

const jsonAssertion = z.union([
  z.strictObject({
    path: z.string().startsWith('$'),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  }),
  z.strictObject({ path: z.string().startsWith('$'), matches: regex }),
  z.strictObject({ path: z.string().startsWith('$'), exists: z.boolean() }),
]);

export const httpCheck = z.strictObject({
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  path: z.string().startsWith('/'),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  expect: z.strictObject({
    status: z.number().int().min(100).max(599).default(200),
    json: z.array(jsonAssertion).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    headersMatch: z.record(z.string(), regex).optional(),
    bodyContains: z.array(z.string()).optional(),
    bodyMatches: regex.optional(),
    maxLatency: duration.optional(),
  }),
});

export const metadataCheck = z.strictObject({
  user: z
    .strictObject({ notRoot: z.literal(true) })
    .or(z.strictObject({ equals: z.string() }))
    .optional(),
  exposedPorts: z.array(z.union([z.number().int(), z.string()])).optional(),
  labels: z
    .strictObject({ present: z.array(z.string()).optional(), equals: z.record(z.string(), z.string()).optional() })
    .optional(),
  entrypoint: z.array(z.string()).optional(),
  noSecretEnv: z.boolean().optional(),
});

export const fileCheck = z.strictObject({
  path: z.string().startsWith('/'),
  exists: z.boolean().default(true),
  mode: z
    .string()
    .regex(/^[0-7]{3,4}$/, 'expected an octal mode such as 0644')
    .optional(),
  owner: z
    .string()
    .regex(/^\d+:\d+$/, 'expected uid:gid')
    .optional(),
  contentMatches: regex.optional(),
});

export const commandCheck = z.strictObject({
  run: z.array(z.string()).min(1),
  expect: z
    .strictObject({
      exitCode: z.number().int().default(0),
      stdoutMatches: regex.optional(),
      stderrMatches: regex.optional(),
    })
    .default({ exitCode: 0 }),
});

export const check = z.union([
  z.strictObject({ name: z.string().min(1), http: httpCheck }),
  z.strictObject({ name: z.string().min(1), metadata: metadataCheck }),
  z.strictObject({ name: z.string().min(1), file: fileCheck }),
  z.strictObject({ name: z.string().min(1), command: commandCheck }),
]);

export const spec = z.strictObject({
  target: z
    .strictObject({
      port: z.number().int().min(1).max(65535).default(8080),
      readiness: z
        .union([
          z.strictObject({ http: z.string().startsWith('/') }),
          z.strictObject({ tcp: z.literal(true) }),
          z.strictObject({ healthcheck: z.literal(true) }),
        ])
        .default({ tcp: true }),
    })
    .default({ port: 8080, readiness: { tcp: true } }),
  services: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a DNS label'),
        image: z.string().min(1),
        env: z.record(z.string(), z.string()).optional(),
      }),
    )
    .default([]),
  checks: z.array(check).min(1),
});

export type Spec = z.infer<typeof spec>;
export type Check = z.infer<typeof check>;
export type HttpCheck = z.infer<typeof httpCheck>;
export type MetadataCheck = z.infer<typeof metadataCheck>;
export type FileCheck = z.infer<typeof fileCheck>;
export type CommandCheck = z.infer<typeof commandCheck>;
export type CheckKind = 'http' | 'metadata' | 'file' | 'command';

export function kindOf(c: Check): CheckKind {
  if ('http' in c) return 'http';
  if ('metadata' in c) return 'metadata';
  if ('file' in c) return 'file';
  return 'command';
}
