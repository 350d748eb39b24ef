// The local equivalent of actions/create-github-app-token: it does what GitHub does with the app
// credentials it is given. It signs the app JWT (RS256, iss = app id) with `private-key`, and
// GitHub verifies the JWT with the public key of the app named by `app-id` (an unknown id is
// "Integration not found", a key of another app "A JSON web token could not be decoded"). Then
// it mints an installation token limited to the `permission-*` inputs (all the installation
// has when none is given); asking for more than the installation has is refused with GitHub's
// 422 text. The token is masked and registered with its permissions (token-grants.ts).
import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';
import type { GithubApp, TokenGrants } from './token-grants.ts';

const ACTION = 'actions/create-github-app-token';

/** The permission scopes the action takes as `permission-<scope>` inputs (v3 action.yml). */
export const APP_PERMISSION_SCOPES = [
  'actions',
  'administration',
  'checks',
  'codespaces',
  'contents',
  'dependabot-secrets',
  'deployments',
  'environments',
  'issues',
  'metadata',
  'packages',
  'pages',
  'pull-requests',
  'repository-custom-properties',
  'repository-hooks',
  'secret-scanning-alerts',
  'secrets',
  'security-events',
  'statuses',
  'vulnerability-alerts',
  'workflows',
] as const;

const RANK: Record<string, number> = { read: 1, write: 2, admin: 3 };

export interface AppTokenContext {
  repository: string;
  apps: readonly GithubApp[];
  tokens: TokenGrants;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function privateKeyOf(pem: string): KeyObject {
  try {
    // the action accepts a key whose newlines were written as \n
    return createPrivateKey(pem.replace(/\\n/g, '\n'));
  } catch (error) {
    throw new Error(
      `${ACTION}: input 'private-key' is not a PEM-encoded private key (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** Signs the app JWT as @octokit/auth-app does and verifies it as GitHub does. */
function authenticateApp(appId: string, pem: string, apps: readonly GithubApp[]): GithubApp {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iat: now - 30, exp: now + 570, iss: appId }));
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${payload}`);
  const signature = signer.sign(privateKeyOf(pem));
  const app = apps.find((a) => a.appId === appId);
  if (app === undefined) throw new Error(`${ACTION}: HttpError: Integration not found (app-id '${appId}')`);
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(createPublicKey(app.publicKeyPem), signature)) {
    throw new Error(`${ACTION}: HttpError: A JSON web token could not be decoded`);
  }
  return app;
}

export function createAppToken(
  ctx: AppTokenContext,
  input: Record<string, string | undefined>,
): { outputs: Record<string, string>; masks: string[] } {
  const appId = input['app-id'];
  const key = input['private-key'];
  if (appId === undefined) throw new Error(`${ACTION}: Input required and not supplied: app-id`);
  if (key === undefined) throw new Error(`${ACTION}: Input required and not supplied: private-key`);
  const [owner] = ctx.repository.split('/');
  if (input.owner !== undefined && input.owner !== owner) {
    throw new Error(`${ACTION}: owner '${input.owner}': the local runner knows only ${owner}'s installation`);
  }
  const repositories = (input.repositories ?? '')
    .split(/[\n,]/)
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const name = ctx.repository.split('/')[1];
  for (const r of repositories) {
    if (r !== name) throw new Error(`${ACTION}: repositories: '${r}' is not the run's repository ${ctx.repository}`);
  }
  const app = authenticateApp(appId, key, ctx.apps);
  const asked: Record<string, string> = {};
  for (const scope of APP_PERMISSION_SCOPES) {
    const level = input[`permission-${scope}`];
    if (level === undefined) continue;
    if (RANK[level] === undefined) {
      throw new Error(`${ACTION}: input 'permission-${scope}': got '${level}'; expected read or write`);
    }
    asked[scope] = level;
  }
  const wanted = Object.keys(asked).length > 0 ? asked : { ...app.permissions };
  for (const [scope, level] of Object.entries(wanted)) {
    if ((RANK[app.permissions[scope] ?? ''] ?? 0) < (RANK[level] ?? 0)) {
      throw new Error(
        `${ACTION}: HttpError: The permissions requested are not granted to this installation. (${scope}: ${level}; the app has ${app.permissions[scope] ?? 'none'})`,
      );
    }
  }
  const grant = ctx.tokens.issue('github-app', app.appId, wanted);
  return {
    outputs: { token: grant.token, 'installation-id': String(app.installationId), 'app-slug': app.slug },
    masks: [grant.token],
  };
}
