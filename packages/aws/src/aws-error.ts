// What an AWS SDK error is, independent of the service: its error code, HTTP status, and whether
// a retry is safe (throttling, the identity provider's hiccups, server faults, dropped connections).
import { isTransientNetworkError, type RetryDecision } from '@bakeline/toolkit';

interface SdkErrorShape {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
]);

/** STS answers these when it could not reach, or was refused by, the OIDC issuer for a moment. */
const IDP_TRANSIENT = new Set(['IDPCommunicationError', 'IDPCommunicationErrorException']);

/** The AWS error code: the SDK puts it in `name` (modelled errors carry the shape's name). */
export function awsErrorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const shape = error as SdkErrorShape;
  for (const candidate of [shape.Code, shape.name, shape.code]) {
    if (typeof candidate === 'string' && candidate !== '' && candidate !== 'Error') return candidate;
  }
  return '';
}

export function awsHttpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as SdkErrorShape).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

export function isThrottlingError(error: unknown): boolean {
  return THROTTLING.has(awsErrorCode(error)) || awsHttpStatus(error) === 429;
}

/** Retry throttling, STS's IDPCommunicationError, 5xx faults and dropped connections; nothing else. */
export function classifyAwsError(error: unknown): RetryDecision {
  if (isThrottlingError(error) || IDP_TRANSIENT.has(awsErrorCode(error))) return 'retry';
  const status = awsHttpStatus(error);
  if (status !== undefined && status >= 500) return 'retry';
  if ((error as SdkErrorShape | null)?.$fault === 'server') return 'retry';
  return isTransientNetworkError(error) ? 'retry' : 'stop';
}

/** The error's own message without the SDK's "UnknownError" filler. */
export function awsErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || awsErrorCode(error) || 'unknown error';
  return String(error);
}
