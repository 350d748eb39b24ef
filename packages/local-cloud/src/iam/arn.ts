// Amazon Resource Names: arn:<partition>:<service>:<region>:<account>:<resource>. The resource part
// may itself contain colons and slashes.

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(text: string): Arn | undefined {
  const parts = text.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  if (partition === '' || service === '') return undefined;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

export function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`;
}

/** What an IAM principal ARN names. */
export type PrincipalRef =
  | { kind: 'role'; account: string; name: string; path: string }
  | { kind: 'assumed-role'; account: string; roleName: string; sessionName: string }
  | { kind: 'user'; account: string; name: string; path: string };

/**
 * Parses `arn:aws:iam::<acct>:role/<path/>name`, `arn:aws:iam::<acct>:user/<path/>name` and
 * `arn:aws:sts::<acct>:assumed-role/<role>/<session>`.
 */
export function parsePrincipalArn(text: string): PrincipalRef | undefined {
  const arn = parseArn(text);
  if (arn?.region !== '') return undefined;
  const slash = arn.resource.indexOf('/');
  if (slash < 0) return undefined;
  const type = arn.resource.slice(0, slash);
  const rest = arn.resource.slice(slash + 1);
  if (arn.service === 'sts' && type === 'assumed-role') {
    const [roleName, sessionName, ...extra] = rest.split('/');
    if (!roleName || !sessionName || extra.length > 0) return undefined;
    return { kind: 'assumed-role', account: arn.account, roleName, sessionName };
  }
  if (arn.service === 'iam' && (type === 'role' || type === 'user')) {
    const cut = rest.lastIndexOf('/');
    const name = rest.slice(cut + 1);
    if (name === '') return undefined;
    return { kind: type, account: arn.account, name, path: cut < 0 ? '/' : `/${rest.slice(0, cut + 1)}` };
  }
  return undefined;
}
