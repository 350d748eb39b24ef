// The ECR API client of bakeline: region, credentials and an endpoint override (the local cloud,
// LocalStack-like setups). The SDK's standard retry covers throttling and 5xx here. Requests go
// through HTTPS_PROXY / HTTP_PROXY unless NO_PROXY names the host.
import { ECRClient } from '@aws-sdk/client-ecr';
import type { CredentialsProvider } from './aws-credentials.ts';
import { awsRequestHandler } from './aws-http.ts';

export interface EcrClientOptions {
  region: string;
  credentials: CredentialsProvider;
  /** ECR API endpoint override. */
  endpoint?: string;
  /** Attempts per call, including the first (default 5). */
  maxAttempts?: number;
  /** Where the proxy variables are read from (default process.env). */
  env?: Record<string, string | undefined>;
}

export function createEcrClient(options: EcrClientOptions): ECRClient {
  return new ECRClient({
    region: options.region,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts ?? 5,
    requestHandler: awsRequestHandler(options.env),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
}
