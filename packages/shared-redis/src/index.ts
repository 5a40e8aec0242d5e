import { createClient } from '@redis/client';

/** How long a Redis reconnect waits at most between tries. */
const MAX_RECONNECT_DELAY_MS = 5_000;

export interface SharedRedis {
  /** The node-redis client, for rate-limiter-flexible (which takes any client it knows). */
  client: unknown;
  close(): Promise<void>;
}

/**
 * The Redis that servers and workers share counts in (PIPEWRIGHT_REDIS_URL).  Connecting is not awaited and failures
 * only log: while Redis is unreachable, callers count in their own process (rate-limiter-flexible's insurance
 * limiter) and go on; the client keeps reconnecting in the background.
 */
export function connectSharedRedis(url: string, log: (message: string, error: unknown) => void): SharedRedis {
  const client = createClient({
    url,
    // Commands are not queued while disconnected: the limiter falls back at once instead of waiting on them.
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS) },
  });
  let lastError = '';
  client.on('error', (error: unknown) => {
    // One line per distinct failure, not one per reconnect attempt.
    const message = error instanceof Error ? error.message : String(error);
    if (message !== lastError) log('shared Redis unreachable: limits are counted per process meanwhile', error);
    lastError = message;
  });
  client.on('ready', () => {
    lastError = '';
  });
  client.connect().catch(() => {});
  return {
    client,
    async close() {
      // quit() waits for a reply: only a connected client gets one.  One still reconnecting is dropped at once.
      if (client.isReady) await client.quit().catch(() => client.destroy());
      else if (client.isOpen) client.destroy();
    },
  };
}
