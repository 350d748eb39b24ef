// How every AWS SDK client of bakeline sends: the SDK's node:http request handler over agents
// that honour HTTPS_PROXY, HTTP_PROXY and NO_PROXY (the same builder as the Kubernetes and
// registry clients use). The SDK turns this options object into its NodeHttpHandler.
import { proxyAwareAgents } from '@bakeline/toolkit';

export interface AwsRequestHandlerOptions {
  httpAgent: import('node:http').Agent;
  httpsAgent: import('node:https').Agent;
}

export function awsRequestHandler(env: Record<string, string | undefined> = process.env): AwsRequestHandlerOptions {
  const agents = proxyAwareAgents(env, { https: { maxSockets: 50 } });
  return { httpAgent: agents.http, httpsAgent: agents.https };
}
