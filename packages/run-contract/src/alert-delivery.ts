/**
 * The contract between the server's alerts and the worker's `deliverAlert` workflow: one alert to one channel, sent
 * by running a built-in step (`smtp.send`, `chat.sendMessage`, `http.request`) as the `runStep` activity — the same
 * credential resolution, SSRF guard, secret scrubbing and retries as in a flow, without being a run of any flow (so
 * a failed delivery is never counted as one, nor alerted on).
 */

export const DELIVER_ALERT_WORKFLOW = 'deliverAlert';

export interface DeliverAlertInput {
  workspaceId: string;
  /** The step to run; `input` names credentials by id only (`credentials: { slot: id }`), like a node's config. */
  step: { type: string; typeVersion: number; input: unknown };
  /** Stable per alert and channel: an SMTP Message-ID and the webhook's Idempotency-Key derive from it. */
  idempotencyKey: string;
}

export interface DeliverAlertResult {
  /** The attempt that succeeded (1 = first try). */
  attempts: number;
}

/** Attempts per delivery, and the backoff between them (a mail server or webhook briefly down is retried). */
export const ALERT_DELIVERY_RETRY = {
  maxAttempts: 4,
  initialIntervalMs: 2_000,
  backoffCoefficient: 2,
  maxIntervalMs: 30_000,
  /** One attempt's limit. */
  timeoutMs: 60_000,
} as const;
