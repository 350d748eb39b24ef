// The one place that turns HTTPS_PROXY, HTTP_PROXY and NO_PROXY (and their lowercase forms) into
// the settings of the node:http(s) agents every client of bakeline sends through: the AWS SDK
// clients (their node:http request handler), the Kubernetes client and the registry client.
// Node 24.5+ tunnels through a proxy itself when an agent is given `proxyEnv` (CONNECT for
// https, absolute-form requests for http; NO_PROXY entries as host, .domain, host:port or `*`),
// the same support NODE_USE_ENV_PROXY turns on for the global agent. Only the proxy variables
// are passed on, so nothing else of the environment reaches the agents.
import { Agent as HttpAgent, type AgentOptions as HttpAgentOptions } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'] as const;

export type ProxyEnv = Partial<Record<(typeof PROXY_VARIABLES)[number], string>>;

/** Whether this Node's http(s).Agent understands `proxyEnv` (added in 24.5.0, 22.21.0). */
export function agentsSupportProxy(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 24 || (major === 24 && minor >= 5) || (major === 22 && minor >= 21);
}

/** The proxy variables of `env` that are set (non-empty), or undefined when none is. */
export function proxyEnvFrom(env: Record<string, string | undefined>): ProxyEnv | undefined {
  const picked: ProxyEnv = {};
  let any = false;
  for (const key of PROXY_VARIABLES) {
    const value = env[key];
    if (value === undefined || value.trim() === '') continue;
    picked[key] = value.trim();
    if (!/no_proxy/i.test(key)) {
      const url = URL.canParse(picked[key]) ? new URL(picked[key]) : undefined;
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        // the value is not shown: a proxy URL may carry a password
        throw new Error(`${key} is not a proxy URL; expected http(s)://[user:password@]host:port`);
      }
    }
    any = true;
  }
  return any ? picked : undefined;
}

/**
 * The `proxyEnv` option for an agent, from the environment; {} when no proxy is set. Throws when
 * a proxy is set but this Node cannot use one: going around the proxy silently is worse.
 */
export function proxyAgentOptions(
  env: Record<string, string | undefined> = process.env,
  version: string = process.versions.node,
): { proxyEnv?: ProxyEnv } {
  const proxyEnv = proxyEnvFrom(env);
  if (!proxyEnv) return {};
  if (!agentsSupportProxy(version)) {
    throw new Error(
      `A proxy is set (${Object.keys(proxyEnv).join(', ')}) but Node ${version} cannot tunnel through one: run on Node 24.5 or later`,
    );
  }
  return { proxyEnv };
}

/** Keep-alive agents for http: and https: URLs that go through the environment's proxy, if any. */
export function proxyAwareAgents(
  env: Record<string, string | undefined> = process.env,
  options: { http?: HttpAgentOptions; https?: HttpsAgentOptions } = {},
): { http: HttpAgent; https: HttpsAgent } {
  const proxy = proxyAgentOptions(env);
  return {
    http: new HttpAgent({ keepAlive: true, ...options.http, ...proxy }),
    https: new HttpsAgent({ keepAlive: true, ...options.https, ...proxy }),
  };
}
