// A resumable watch: re-opens the stream from the last resourceVersion when the server ends it
// or the connection drops (bounded consecutive failures), and starts afresh on 410 Gone.
import type { Logger } from '@bakeline/toolkit';
import type { KubeClient } from './client.ts';
import { KubeApiError } from './errors.ts';
import { retryAfterMs } from './request-retry.ts';
import type { WatchEvent } from './types.ts';

export interface WatchOptions {
  client: KubeClient;
  path: string;
  query?: Record<string, string | undefined>;
  signal: AbortSignal;
  logger: Logger;
  /** Consecutive failed re-opens before giving up (default 5). */
  maxFailures?: number;
  /** Server-side lifetime of one watch request (default 60 s). */
  timeoutSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function watchResumable<T extends { metadata?: { resourceVersion?: string } }>(
  options: WatchOptions,
  onEvent: (event: WatchEvent<T>) => void,
): Promise<void> {
  const sleep = options.sleep ?? defaultSleep;
  let resourceVersion: string | undefined;
  let failures = 0;
  while (!options.signal.aborted) {
    try {
      for await (const event of options.client.watchOnce<T>(
        options.path,
        { ...options.query, resourceVersion, timeoutSeconds: options.timeoutSeconds ?? 60 },
        options.signal,
      )) {
        failures = 0;
        if (event.type === 'ERROR') {
          const status = event.object as unknown as { code?: number; message?: string };
          if (status.code === 410) {
            resourceVersion = undefined;
            break;
          }
          throw new KubeApiError(status.code ?? 500, `watch ${options.path}: ${status.message ?? 'error event'}`);
        }
        resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
        if (event.type !== 'BOOKMARK') onEvent(event);
      }
    } catch (error: unknown) {
      if (options.signal.aborted) return;
      if (error instanceof KubeApiError && error.status === 410) {
        resourceVersion = undefined;
        continue;
      }
      if (error instanceof KubeApiError && error.status >= 400 && error.status < 500 && error.status !== 429)
        throw error;
      failures++;
      if (failures > (options.maxFailures ?? 5)) throw error;
      options.logger.debug(
        `watch ${options.path} dropped (${String(error)}); resuming from ${resourceVersion ?? 'now'}`,
      );
      // a 429 says when to ask again (capped); otherwise back off
      const asked = error instanceof KubeApiError && error.status === 429 ? retryAfterMs(error.retryAfter) : undefined;
      await sleep(asked !== undefined ? Math.min(asked, 10_000) : Math.min(200 * 2 ** failures, 3000));
    }
  }
}
