// The platform-test spec: what to start, how to know it is ready, which dependency containers
// to start beside it, and the checks. Strict: an unknown key or a wrong type is an error
// (spec.ts reports it with the file, line and key). Check kinds follow container-structure-test
// (metadata, file existence/content, commands) and goss (http, file, command), plus the HTTP
// behaviour checks a service needs (JSON paths, headers, latency).
import { parseDuration } from '@bakeline/toolkit';
import { z } from 'zod';
import { parseJsonPath } from './json-path.ts';

const duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, 'expected a duration such as 500ms, 2s or 1m')
  .transform((s) => parseDuration(s) ?? 0);

const regex = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'expected a valid regular expression');

const port = z.number().int().min(1).max(65535);
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');
const envMap = z.record(envName, z.string());

/** Exactly one of `keys` is present (the kinds of a check, the forms of readiness, JSON operators). */
function exactlyOne(value: object, keys: readonly string[], ctx: z.RefinementCtx, what: string): void {
  const present = keys.filter((k) => k in value && (value as Record<string, unknown>)[k] !== undefined);
  if (present.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: `${what} needs exactly one of ${keys.join(', ')}${present.length > 1 ? ` (got ${present.join(', ')})` : ''}`,
    });
  }
}

const JSON_OPERATORS = ['equals', 'notEquals', 'matches', 'exists'] as const;
const jsonAssertion = z
  .strictObject({
    path: z.string().superRefine((path, ctx) => {
      try {
        parseJsonPath(path);
      } catch (error: unknown) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
    equals: z.json().optional(),
    notEquals: z.json().optional(),
    matches: regex.optional(),
    exists: z.boolean().optional(),
  })
  .superRefine((a, ctx) => exactlyOne(a, JSON_OPERATORS, ctx, 'a JSON assertion'));

export const httpCheck = z.strictObject({
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  path: z.string().startsWith('/', "expected a path starting with '/'"),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  timeout: duration.default(30_000),
  expect: z
    .strictObject({
      status: z
        .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)])
        .default(200),
      headers: z.record(z.string(), z.string()).optional(),
      headersMatch: z.record(z.string(), regex).optional(),
      bodyContains: z.array(z.string()).optional(),
      bodyNotContains: z.array(z.string()).optional(),
      bodyMatches: regex.optional(),
      json: z.array(jsonAssertion).optional(),
      maxLatency: duration.optional(),
    })
    .default({ status: 200 }),
});

export const metadataCheck = z.strictObject({
  user: z
    .strictObject({ notRoot: z.literal(true).optional(), equals: z.string().optional() })
    .superRefine((u, ctx) => exactlyOne(u, ['notRoot', 'equals'], ctx, 'user'))
    .optional(),
  exposedPorts: z
    .array(z.union([port, z.string().regex(/^\d+(\/(tcp|udp|sctp))?$/, 'expected 8080 or 8080/tcp')]))
    .optional(),
  unexposedPorts: z
    .array(z.union([port, z.string().regex(/^\d+(\/(tcp|udp|sctp))?$/, 'expected 22 or 22/tcp')]))
    .optional(),
  labels: z
    .strictObject({
      present: z.array(z.string()).optional(),
      equals: z.record(z.string(), z.string()).optional(),
      matches: z.record(z.string(), regex).optional(),
    })
    .optional(),
  env: z
    .strictObject({
      present: z.array(envName).optional(),
      absent: z.array(envName).optional(),
      equals: envMap.optional(),
    })
    .optional(),
  entrypoint: z.array(z.string()).optional(),
  cmd: z.array(z.string()).optional(),
  workdir: z.string().optional(),
  volumes: z.array(z.string().startsWith('/')).optional(),
  healthcheck: z.boolean().optional(),
  noSecretEnv: z.boolean().optional(),
});

export const fileCheck = z.strictObject({
  path: z.string().startsWith('/', 'expected an absolute path'),
  exists: z.boolean().default(true),
  type: z.enum(['file', 'directory', 'symlink']).optional(),
  mode: z
    .string({ error: "expected an octal mode in quotes, such as '0644'" })
    .regex(/^[0-7]{3,4}$/, "expected an octal mode such as '0644' (quoted)")
    .optional(),
  owner: z
    .string()
    .regex(/^[^:\s]+:[^:\s]+$/, 'expected uid:gid or user:group')
    .optional(),
  contentMatches: regex.optional(),
  contentNotMatches: regex.optional(),
});

export const commandCheck = z.strictObject({
  run: z.array(z.string()).min(1),
  env: envMap.optional(),
  user: z.string().optional(),
  workdir: z.string().startsWith('/').optional(),
  timeout: duration.default(60_000),
  expect: z
    .strictObject({
      exitCode: z.number().int().min(0).max(255).default(0),
      stdoutMatches: regex.optional(),
      stdoutNotMatches: regex.optional(),
      stderrMatches: regex.optional(),
      stderrNotMatches: regex.optional(),
    })
    .default({ exitCode: 0 }),
});

const CHECK_KINDS = ['http', 'metadata', 'file', 'command'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

const check = z
  .strictObject({
    name: z.string().trim().min(1, 'a check needs a name'),
    http: httpCheck.optional(),
    metadata: metadataCheck.optional(),
    file: fileCheck.optional(),
    command: commandCheck.optional(),
  })
  .superRefine((c, ctx) => exactlyOne(c, CHECK_KINDS, ctx, 'a check'))
  .transform((c): Check => {
    if (c.http) return { name: c.name, kind: 'http', http: c.http };
    if (c.metadata) return { name: c.name, kind: 'metadata', metadata: c.metadata };
    if (c.file) return { name: c.name, kind: 'file', file: c.file };
    return { name: c.name, kind: 'command', command: c.command as CommandCheck };
  });

const readiness = z
  .strictObject({
    http: z
      .union([
        z.string().startsWith('/', "expected a path starting with '/'"),
        z.strictObject({ path: z.string().startsWith('/'), status: z.number().int().min(100).max(599).optional() }),
      ])
      .optional(),
    tcp: z.union([z.literal(true), port]).optional(),
    healthcheck: z.literal(true).optional(),
  })
  .superRefine((r, ctx) => exactlyOne(r, ['http', 'tcp', 'healthcheck'], ctx, 'readiness'))
  .transform((r): Readiness => {
    if (r.http !== undefined) {
      return typeof r.http === 'string'
        ? { kind: 'http', path: r.http }
        : { kind: 'http', path: r.http.path, ...(r.http.status ? { status: r.http.status } : {}) };
    }
    if (r.tcp !== undefined) return r.tcp === true ? { kind: 'tcp' } : { kind: 'tcp', port: r.tcp };
    return { kind: 'healthcheck' };
  });

const service = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a DNS label (lowercase letters, digits, -)'),
  image: z.string().min(1),
  env: envMap.optional(),
  command: z.array(z.string()).optional(),
  /** Wait for the service's HEALTHCHECK to report healthy before the target starts. */
  healthcheck: z.boolean().default(false),
});

export const spec = z.strictObject({
  target: z
    .strictObject({
      port: port.default(8080),
      readiness: readiness.optional(),
    })
    .default({ port: 8080 }),
  services: z
    .array(service)
    .default([])
    .superRefine((services, ctx) => {
      const seen = new Set<string>();
      for (const [i, s] of services.entries()) {
        if (seen.has(s.name))
          ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate service name '${s.name}'` });
        seen.add(s.name);
      }
    }),
  checks: z.array(check).min(1, 'expected at least one check'),
});

export type Readiness =
  | { kind: 'http'; path: string; status?: number }
  | { kind: 'tcp'; port?: number }
  | { kind: 'healthcheck' };
export type HttpCheck = z.output<typeof httpCheck>;
export type MetadataCheck = z.output<typeof metadataCheck>;
export type FileCheck = z.output<typeof fileCheck>;
export type CommandCheck = z.output<typeof commandCheck>;
export type Check =
  | { name: string; kind: 'http'; http: HttpCheck }
  | { name: string; kind: 'metadata'; metadata: MetadataCheck }
  | { name: string; kind: 'file'; file: FileCheck }
  | { name: string; kind: 'command'; command: CommandCheck };
export type Service = z.output<typeof service>;
export type Spec = z.output<typeof spec>;
