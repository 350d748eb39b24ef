// The credentials every AWS call of bakeline is signed with, and the provider shape the SDK
// clients accept (a function; the clients call it before each request and it caches).

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialsProvider = () => Promise<AwsCredentials>;

/** Credentials could not be had (OIDC token, STS, ambient variables); already says what to do. */
export class AwsCredentialsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AwsCredentialsError';
  }
}

/** Registers a secret with whatever prints logs (the action passes core.setSecret). */
export type MaskSecret = (secret: string) => void;
