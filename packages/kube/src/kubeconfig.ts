// Reads a kubeconfig (the `kubeconfig` input of eks-promote, for clusters other than EKS) into a
// ClusterConnection. Supports what a CI secret usually holds: CA data or file, a static token,
// or client certificate data. Exec plugins are refused with what to use instead. Every credential
// in the file (token, client key, password, auth-provider and exec secrets) is masked first, and a
// YAML error names the position, never the line.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { ClusterConnection } from './client.ts';
import { yamlSyntaxError } from './yaml-errors.ts';

export interface KubeconfigOptions {
  /** the context to use (default current-context) */
  context?: string;
  /** setSecret: called with every credential of every user before anything else happens */
  mask: (secret: string) => void;
}

interface Named<T> {
  name: string;
  [key: string]: unknown;
  value?: T;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function find(list: unknown, name: string, key: string, what: string, file: string): Record<string, unknown> {
  const items = Array.isArray(list) ? (list as Named<unknown>[]) : [];
  const item = items.find((i) => record(i).name === name);
  if (!item) throw new Error(`kubeconfig ${file}: no ${what} named '${name}'`);
  return record(record(item)[key]);
}

function decode(b64: unknown): string | undefined {
  return typeof b64 === 'string' && b64 !== '' ? Buffer.from(b64, 'base64').toString('utf8') : undefined;
}

/** Masks a secret, its base64 decoding (a PEM key) and each line of that decoding. */
function maskValue(mask: (secret: string) => void, value: unknown, base64 = false): void {
  if (typeof value !== 'string' || value === '') return;
  mask(value);
  if (!base64) return;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  mask(decoded);
  for (const line of decoded.split(/\r?\n/)) if (line.trim().length >= 8 && !/^-----/.test(line)) mask(line.trim());
}

/** Every credential a kubeconfig user can carry, masked, whichever user the context names. */
function maskCredentials(doc: Record<string, unknown>, mask: (secret: string) => void): void {
  for (const entry of Array.isArray(doc.users) ? doc.users : []) {
    const user = record(record(entry).user);
    maskValue(mask, user.token);
    maskValue(mask, user.password);
    maskValue(mask, user['client-key-data'], true);
    for (const value of Object.values(record(record(user['auth-provider']).config))) maskValue(mask, value);
    const exec = record(user.exec);
    for (const env of Array.isArray(exec.env) ? exec.env : []) maskValue(mask, record(env).value);
  }
}

export function readKubeconfig(file: string, options: KubeconfigOptions): ClusterConnection & { namespace?: string } {
  const parsed = parseDocument(readFileSync(file, 'utf8'), { uniqueKeys: true });
  const [syntax] = parsed.errors;
  if (syntax) throw yamlSyntaxError(`kubeconfig ${file}`, syntax);
  let doc: Record<string, unknown>;
  try {
    doc = record(parsed.toJS({ maxAliasCount: 100 }));
  } catch (error: unknown) {
    throw new Error(`kubeconfig ${file}: invalid YAML (${error instanceof Error ? error.name : 'error'})`);
  }
  maskCredentials(doc, options.mask);
  const contextName = options.context;
  const name = contextName ?? (typeof doc['current-context'] === 'string' ? doc['current-context'] : '');
  if (name === '') throw new Error(`kubeconfig ${file}: no context given and no current-context set`);
  const context = find(doc.contexts, name, 'context', 'context', file);
  const cluster = find(doc.clusters, String(context.cluster ?? ''), 'cluster', 'cluster', file);
  const user = find(doc.users, String(context.user ?? ''), 'user', 'user', file);
  if (typeof cluster.server !== 'string')
    throw new Error(`kubeconfig ${file}: cluster '${context.cluster}' has no server`);
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    throw new Error(
      `kubeconfig ${file}: user '${context.user}' uses an exec plugin or auth provider, which is not run here; use 'cluster-name' with 'role-to-assume' for EKS, or a kubeconfig with a token or client certificate`,
    );
  }
  const base = dirname(resolve(file));
  const connection: ClusterConnection & { namespace?: string } = { server: cluster.server };
  const ca =
    decode(cluster['certificate-authority-data']) ??
    (typeof cluster['certificate-authority'] === 'string'
      ? readFileSync(resolve(base, cluster['certificate-authority']), 'utf8')
      : undefined);
  if (ca) connection.caPem = ca;
  if (cluster['insecure-skip-tls-verify'] === true) connection.insecureSkipTlsVerify = true;
  if (typeof user.token === 'string' && user.token !== '') {
    const token = user.token;
    connection.token = async () => token;
  }
  const cert = decode(user['client-certificate-data']);
  const key = decode(user['client-key-data']);
  if (cert && key) {
    connection.clientCertPem = cert;
    connection.clientKeyPem = key;
  }
  if (typeof context.namespace === 'string') connection.namespace = context.namespace;
  return connection;
}
