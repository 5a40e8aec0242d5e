import type { CredentialsPort, StepLogger } from './ports.ts';

/** One thing a polling trigger found: `id` identifies it across polls (dedupe), `data` becomes the trigger output. */
export interface TriggerItem {
  id: string;
  data: unknown;
}

export interface TriggerPollResult {
  items: TriggerItem[];
  /** Passed to the next poll; any JSON value (last id, timestamp, ETag…). */
  cursor: unknown;
}

/** One broker message: `id` is stable across redeliveries of the same message (it names the run). */
export interface TriggerMessage {
  id: string;
  data: unknown;
}

export interface TriggerListenContext {
  /** Stable per flow across restarts: for broker-side durable names (MQTT client id, JetStream durable consumer). */
  subscriptionId: string;
  /**
   * This worker among those listening to the same subscription, stable across its restarts (`PIPEWRIGHT_WORKER_ID`,
   * else the host name): for per-worker broker sessions a restarted worker takes back (MQTT client ids).
   */
  memberId: string;
  credentials: CredentialsPort;
  log: StepLogger;
  /** Aborted when the platform stops listening. */
  signal: AbortSignal;
  /** Starts the run for `message`; resolves once it is durably started (then ack), rejects when it could not be. */
  deliver(message: TriggerMessage): Promise<void>;
}

export interface TriggerListener {
  close(): Promise<void>;
  /** Settles when the subscription ends by itself (connection lost): the platform subscribes again. */
  closed?: Promise<void>;
}
