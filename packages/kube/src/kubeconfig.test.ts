import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readKubeconfig } from './kubeconfig.ts';
import { readManifests } from './manifests.ts';

const dir = mkdtempSync(join(tmpdir(), 'bakeline-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = 'kubeconfigBearerToken-0123456789';
const KEY_PEM =
  '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIKeyMaterialLineOne0123456789abcdef\n-----END EC PRIVATE KEY-----\n';
const KEY_DATA = Buffer.from(KEY_PEM).toString('base64');

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function kubeconfig(user: string): string {
  return `apiVersion: v1
kind: Config
current-context: c
contexts:
  - name: c
    context: { cluster: k, user: u, namespace: dev }
clusters:
  - name: k
    cluster: { server: 'https://127.0.0.1:6443' }
users:
  - name: u
    user:
${user}
  - name: other
    user:
      password: otherUsersPassword-42
`;
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error: unknown) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('readKubeconfig', () => {
  it('masks the token, the client key (base64, PEM and its lines) and every user’s password before anything else', () => {
    const masked: string[] = [];
    const path = file(
      'ok.yaml',
      kubeconfig(
        `      token: ${TOKEN}\n      client-certificate-data: ${Buffer.from('CERT').toString('base64')}\n      client-key-data: ${KEY_DATA}`,
      ),
    );
    const connection = readKubeconfig(path, { mask: (s) => masked.push(s) });
    expect(connection.server).toBe('https://127.0.0.1:6443');
    expect(masked).toEqual(
      expect.arrayContaining([
        TOKEN,
        KEY_DATA,
        KEY_PEM,
        'MHcCAQEEIKeyMaterialLineOne0123456789abcdef',
        'otherUsersPassword-42',
      ]),
    );
  });

  it('masks an exec plugin’s env and an auth provider’s secrets although it refuses them', () => {
    const masked: string[] = [];
    const path = file(
      'exec.yaml',
      kubeconfig(
        '      exec:\n        apiVersion: client.authentication.k8s.io/v1\n        command: get-token\n        env: [{ name: SECRET, value: execEnvSecret-9 }]\n      auth-provider:\n        name: oidc\n        config: { id-token: idTokenSecret-7, refresh-token: refreshSecret-8 }',
      ),
    );
    expect(thrown(() => readKubeconfig(path, { mask: (s) => masked.push(s) })).message).toMatch(/exec plugin/);
    expect(masked).toEqual(expect.arrayContaining(['execEnvSecret-9', 'idTokenSecret-7', 'refreshSecret-8']));
  });

  it.each([
    ['a token line that breaks the YAML', `      token: ${TOKEN}: "x`],
    ['a tab before the token', `\ttoken: ${TOKEN}`],
    ['a duplicated token key', `      token: ${TOKEN}\n      token: ${TOKEN}`],
  ])('reports %s by file, line and column, never the line', (_what, user) => {
    const path = file('bad.yaml', kubeconfig(user));
    const error = thrown(() => readKubeconfig(path, { mask: () => {} }));
    expect(error.message).toMatch(new RegExp(`^kubeconfig ${path}:\\d+:\\d+: invalid YAML \\([A-Z_]+\\)`));
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(TOKEN.slice(0, 12));
  });
});

describe('readManifests', () => {
  const SECRET = 'stringDataSecretValue-1234';
  it('masks a Secret’s stringData and data (and its decoding)', () => {
    const masked: string[] = [];
    const data = Buffer.from('dataSecretValue-5678').toString('base64');
    const path = file(
      'secret.yaml',
      `apiVersion: v1\nkind: Secret\nmetadata: { name: s }\nstringData: { password: ${SECRET} }\ndata: { key: ${data} }\n`,
    );
    readManifests([path], (s) => masked.push(s));
    expect(masked).toEqual([SECRET, data, 'dataSecretValue-5678']);
  });

  it('reports a YAML error of a Secret by file, document, line and column, never the line', () => {
    const path = file(
      'broken.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: s }\nstringData:\n  password: ${SECRET}: "\n`,
    );
    const error = thrown(() => readManifests([path]));
    expect(error.message).toMatch(/^.*broken\.yaml \(document 2\):\d+:\d+: invalid YAML \([A-Z_]+\)/);
    expect(error.message).not.toContain(SECRET);
  });
});
