// `scripts/main.sh env`: the shell lines that point the real clients at the running local cloud.
//   eval "$(scripts/main.sh env)"
//   aws ecr describe-images --repository-name ostock/licensing-service
//   kubectl get deploy -A
//   bakeline_registry_login && skopeo inspect --tls-verify=false docker://$BAKELINE_REGISTRY/...
// Only `export` lines and function definitions go to stdout. It never starts the cloud: when none
// answers in the state directory it says so (on stderr, by the caller) and exits 1.
//
// AWS_ENDPOINT_URL_<SERVICE> is the SDKs' and aws CLI 2.13+'s per-service endpoint. Debian's
// awscli 2.9 ignores it, so the output also defines `aws` as a function that adds the matching
// `--endpoint-url` for ecr, sts and eks, and calls Debian's /usr/bin/aws when it is there (an
// older aws first on PATH is a trap on these machines).
import { isAlive, type RunningCloud, readEndpoints } from '../../packages/local-cloud/src/cloud/state-files.ts';

/** The services the local cloud serves, and the endpoint of each in endpoints.json. */
const SERVICES = ['ecr', 'sts', 'eks'] as const;

/** Quotes a value for POSIX shells: single quotes, with each `'` closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function exportLine(name: string, value: string): string {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`not a variable name: '${name}'`);
  return `export ${name}=${shellQuote(value)}`;
}

const AWS_FUNCTION = `aws() {
  local service="" arg endpoint=""
  for arg in "$@"; do
    case "$arg" in
      --endpoint-url|--endpoint-url=*) service=""; break ;;
      ecr|sts|eks) service="$arg"; break ;;
    esac
  done
  case "$service" in
    ecr) endpoint="$AWS_ENDPOINT_URL_ECR" ;;
    sts) endpoint="$AWS_ENDPOINT_URL_STS" ;;
    eks) endpoint="$AWS_ENDPOINT_URL_EKS" ;;
  esac
  local bin=/usr/bin/aws
  [ -x "$bin" ] || bin=$(type -P aws)
  if [ -n "$endpoint" ]; then "$bin" --endpoint-url "$endpoint" "$@"; else "$bin" "$@"; fi
}`;

const LOGIN_FUNCTION = `bakeline_registry_login() {
  local password
  password=$(aws ecr get-login-password) || return 1
  if command -v skopeo >/dev/null; then
    printf '%s' "$password" | skopeo login --tls-verify=false -u AWS --password-stdin "$BAKELINE_REGISTRY" >&2 || return 1
  fi
  if command -v docker >/dev/null; then
    printf '%s' "$password" | docker login -u AWS --password-stdin "$BAKELINE_REGISTRY" >&2 || return 1
  fi
}`;

/** The lines `eval` takes: exports for the AWS clients, kubectl and the registry, then the functions. */
export function envExports(cloud: RunningCloud): string {
  const kube = cloud.kube ?? {};
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const endpoints: Record<(typeof SERVICES)[number], string> = { ecr: cloud.ecr, sts: cloud.sts, eks: text(kube.eks) };
  const lines = [
    exportLine('AWS_ACCESS_KEY_ID', cloud.credentials.accessKeyId),
    exportLine('AWS_SECRET_ACCESS_KEY', cloud.credentials.secretAccessKey),
    exportLine('AWS_REGION', cloud.region),
    exportLine('AWS_DEFAULT_REGION', cloud.region),
    // no instance metadata lookups from a laptop, and no pager around the CLI's JSON
    exportLine('AWS_EC2_METADATA_DISABLED', 'true'),
    exportLine('AWS_PAGER', ''),
  ];
  for (const service of SERVICES) {
    if (endpoints[service]) lines.push(exportLine(`AWS_ENDPOINT_URL_${service.toUpperCase()}`, endpoints[service]));
  }
  if (text(kube.kubeconfig)) lines.push(exportLine('KUBECONFIG', text(kube.kubeconfig)));
  lines.push(exportLine('BAKELINE_REGISTRY', cloud.registry.host));
  // GitHub's attestations API of the local cloud (the hints list a digest's attestations with it)
  if (cloud.github) {
    lines.push(exportLine('BAKELINE_GITHUB_API_URL', cloud.github.apiUrl));
    lines.push(exportLine('BAKELINE_GITHUB_TOKEN', cloud.github.token));
  }
  return `${[...lines, AWS_FUNCTION, LOGIN_FUNCTION].join('\n')}\n`;
}

/** The cloud running in `stateDir`, if its process lives and its admin endpoint answers. */
export async function runningCloud(stateDir: string): Promise<RunningCloud | undefined> {
  const running = readEndpoints(stateDir);
  if (!running || !isAlive(running.pid)) return undefined;
  try {
    const res = await fetch(`${running.admin}/endpoints`, { signal: AbortSignal.timeout(3000) });
    return res.ok ? running : undefined;
  } catch {
    return undefined;
  }
}
