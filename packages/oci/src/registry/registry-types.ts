import type { Logger } from '@bakeline/toolkit';

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  /** `host[:port]` */
  registry: string;
  /** Plain http; default true for 127.0.0.1, localhost and [::1]. */
  insecure?: boolean;
  credentials?: RegistryCredentials | (() => Promise<RegistryCredentials | undefined>);
  /**
   * Chunked uploads: blobs larger than this go up in PATCH chunks of this size (at least 64 KiB),
   * then an empty closing PUT. Default: none; every blob goes up monolithic, in one PUT after the
   * POST, streamed from the file (the fastest: one request, no per-chunk round trip, and ECR's
   * chunked quirks avoided). Either way the bytes are hashed as they are sent and the registry's
   * Docker-Content-Digest is checked.
   */
  chunkSize?: number;
  logger?: Logger;
  fetch?: typeof fetch;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read from (default process.env). */
  env?: Record<string, string | undefined>;
  retry?: { attempts: number; baseDelayMs: number };
  /** Token requests time out after this many milliseconds (default 30 000). */
  tokenTimeoutMs?: number;
  /** Aborts every request of this client: a cancelled push stops at once (re-running it is safe). */
  signal?: AbortSignal;
}
