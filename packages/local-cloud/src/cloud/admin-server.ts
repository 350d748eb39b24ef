// The admin endpoint of a local cloud started by the CLI (another process than the tests):
//   POST /roles            {name, subjects, policies?, maxSessionDurationSeconds?} -> {arn}
//   POST /users            {name, policies?} -> {arn, accessKeyId, secretAccessKey}
//   POST /role-credentials {role, sessionName?, durationSeconds?, expiration?} -> credentials
//   POST /id-token-grants  claims -> {requestUrl, requestToken}   (also on the OIDC issuer)
//   POST /id-tokens        {claims?, options?} -> {token}
//   PUT  /scan-findings    {repository, digest, findings}
//   GET  /registry-log     -> [{method, path, status, ...}]
//   GET  /endpoints        -> endpoints.json
//   POST /crash            {component} -> {}   (fault injection: that component stops serving)
//   POST /ecr/lifecycle-runs {repository} -> {byRule, withSubject}   (runs the lifecycle policy now;
//                          local only: ECR runs it on its own within 24 hours)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http/server.ts';
import type { LocalCloudAdmin } from './admin.ts';

type Json = Record<string, unknown>;

async function jsonBody(req: IncomingMessage): Promise<Json> {
  const parsed: unknown = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8') || '{}');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected a JSON object');
  return parsed as Json;
}

function str(body: Json, name: string): string {
  const v = body[name];
  if (typeof v !== 'string' || v === '') throw new Error(`'${name}': expected a non-empty string`);
  return v;
}

export function adminHandler(admin: LocalCloudAdmin, endpoints: () => unknown) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const route = `${req.method} ${new URL(req.url ?? '/', 'http://localhost').pathname}`;
    try {
      switch (route) {
        case 'GET /endpoints':
          sendJson(res, 200, endpoints());
          return;
        case 'GET /registry-log':
          sendJson(res, 200, admin.registryLog());
          return;
        case 'POST /roles': {
          const b = await jsonBody(req);
          const subjects = b.subjects;
          if (!Array.isArray(subjects) || subjects.some((s) => typeof s !== 'string')) {
            throw new Error("'subjects': expected a list of sub patterns");
          }
          const role = admin.createGithubRole({
            name: str(b, 'name'),
            subjects: subjects as string[],
            ...(b.policies !== undefined ? { policies: b.policies as Record<string, unknown> } : {}),
            ...(typeof b.maxSessionDurationSeconds === 'number'
              ? { maxSessionDurationSeconds: b.maxSessionDurationSeconds }
              : {}),
          });
          sendJson(res, 200, { arn: role.arn });
          return;
        }
        case 'POST /users': {
          const b = await jsonBody(req);
          sendJson(
            res,
            200,
            admin.createUser({
              name: str(b, 'name'),
              ...(b.policies !== undefined ? { policies: b.policies as Record<string, unknown> } : {}),
            }),
          );
          return;
        }
        case 'POST /role-credentials': {
          const b = await jsonBody(req);
          sendJson(
            res,
            200,
            admin.roleCredentials(str(b, 'role'), {
              ...(typeof b.sessionName === 'string' ? { sessionName: b.sessionName } : {}),
              ...(typeof b.durationSeconds === 'number' ? { durationSeconds: b.durationSeconds } : {}),
              ...(typeof b.expiration === 'string' ? { expiration: new Date(b.expiration) } : {}),
            }),
          );
          return;
        }
        case 'POST /id-token-grants': {
          const b = await jsonBody(req);
          sendJson(res, 200, admin.grantIdToken(b as never));
          return;
        }
        case 'POST /id-tokens': {
          const b = await jsonBody(req);
          sendJson(res, 200, {
            token: await admin.issueIdToken((b.claims ?? {}) as never, (b.options ?? {}) as never),
          });
          return;
        }
        case 'POST /crash': {
          const b = await jsonBody(req);
          await admin.crash(str(b, 'component'));
          sendJson(res, 200, {});
          return;
        }
        case 'POST /ecr/lifecycle-runs': {
          const b = await jsonBody(req);
          sendJson(res, 200, admin.runLifecyclePolicy(str(b, 'repository')));
          return;
        }
        case 'PUT /scan-findings': {
          const b = await jsonBody(req);
          if (!Array.isArray(b.findings)) throw new Error("'findings': expected a list");
          admin.setScanFindings(str(b, 'repository'), str(b, 'digest'), b.findings as never);
          sendJson(res, 200, {});
          return;
        }
        default:
          sendJson(res, 404, { message: `no admin route ${route}` });
      }
    } catch (error) {
      sendJson(res, 400, { message: error instanceof Error ? error.message : String(error) });
    }
  };
}
