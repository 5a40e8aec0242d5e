import { isIP } from 'node:net';
import { DEFAULT_PINNED_DATA_LIMITS, type PinnedDataLimits } from '@pipewright/flow';
import { DEFAULT_TASK_QUEUE } from '@pipewright/run-contract';
import { type AdmissionSettings, DEFAULT_ADMISSION } from './fairness/waiting-runs.ts';

/** A flow's pins travel inside one save request (5 MB of JSON at most), so a limit stays well below it. */
const MAX_PINNED_BYTES_SETTING = 4 * 1024 * 1024;

/** How deep JSON may nest (arrays and objects, the outermost counting as 1) before it is refused with a 400. */
export interface RequestLimits {
  /** Flow documents (with their node configs), counted from the document. */
  maxDocumentDepth: number;
  /** Any JSON request body — manual-run and resume payloads, step-test inputs, webhook bodies — counted from the body. */
  maxPayloadDepth: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { maxDocumentDepth: 64, maxPayloadDepth: 256 };
/** Deeper values overflow the stack of recursive JSON code downstream (JSON.stringify, Temporal's payload converter). */
const MAX_DEPTH_SETTING = 1_000;

/**
 * Express's `trust proxy`: which peers may set X-Forwarded-For / X-Forwarded-Proto.  `false` (default): none, the
 * client is the TCP peer; a hop count; or addresses/subnets/`loopback`/`linklocal`/`uniquelocal`.
 */
export type TrustProxySetting = false | number | string[];

/** Everything main.ts reads from the environment, with defaults for the dev stack. */
export interface ServerConfig {
  port: number;
  mongoUri: string;
  mongoDb: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  webDistDir: string | undefined;
  publicBaseUrl: string | undefined;
  resumeUrlSecret: string | undefined;
  /** PIPEWRIGHT_TRUST_PROXY */
  trustProxy: TrustProxySetting;
  /** PIPEWRIGHT_MAX_DOCUMENT_DEPTH, PIPEWRIGHT_MAX_PAYLOAD_DEPTH */
  limits: RequestLimits;
  /**
   * PIPEWRIGHT_MAX_PINNED_BYTES_PER_NODE, PIPEWRIGHT_MAX_PINNED_BYTES_PER_FLOW: how much sample data a draft may pin
   * (UTF-8 JSON bytes); a save over either is refused with a 413 naming the node.  Default 256 KiB / 1 MiB.
   */
  pinnedDataLimits: PinnedDataLimits;
  /**
   * PIPEWRIGHT_DB_WAIT_MS: how long a request waits for an unreachable database before it is answered 503 with
   * Retry-After (the driver's server selection timeout).  Short, so a sender is told to come back instead of held.
   */
  dbWaitMs: number;
  /**
   * PIPEWRIGHT_ENGINE_WAIT_MS: how long a run start that a caller waits for (Run button, API) tries an unreachable
   * Temporal before the run is left queued for the run starter.
   */
  engineWaitMs: number;
  /**
   * PIPEWRIGHT_PAUSED_RETRY_AFTER_SECONDS: the Retry-After a paused flow's webhook (mode `reject`) answers its 503
   * with; default 60.
   */
  pausedRetryAfterSeconds: number;
  /** PIPEWRIGHT_ALERTS_EVERY_MS: how often each server evaluates the alert rules; default 30 s (100 ms to 10 min). */
  alertsEveryMs: number;
  /**
   * PIPEWRIGHT_REDIS_URL: where server instances share counts (failed sign-ins per e-mail; workers keep rate limits
   * there); unset: each server counts alone.
   */
  redisUrl: string | undefined;
  /**
   * PIPEWRIGHT_DRAIN_MS: after SIGTERM, how long the server goes on answering while its readiness check
   * (`/api/health/ready`) says 503, so that a load balancer takes it out of rotation before it stops listening.
   * Default 0 (a lone server stops at once); behind a proxy, more than the proxy's check interval × failures.
   */
  drainMs: number;
  /**
   * PIPEWRIGHT_SHUTDOWN_TIMEOUT_MS: how long requests still running after the drain may take before their
   * connections are cut; default 30 s.
   */
  shutdownTimeoutMs: number;
  /** Lanes and fair shares (docs/adr/027): `PIPEWRIGHT_FAIRNESS` on (default) or off. */
  fairness: FairnessSettings;
  /**
   * PIPEWRIGHT_INSTANCE_ADMINS: comma-separated e-mail addresses of the instance's operators — who may give a
   * workspace more than an equal share (docs/adr/027).  Default none.
   */
  instanceAdmins: string[];
  /** Admission control at the webhook ingress: ceilings of runs waiting to start (fairness/waiting-runs.ts). */
  admission: AdmissionSettings;
}

export interface FairnessSettings {
  /** Off: runs start without a Priority, first in, first out (what the fairness bench compares with). */
  enabled: boolean;
  /** `PIPEWRIGHT_INTERACTIVE_RUNS_PER_MINUTE` (default 60): a workspace's interactive-lane starts a minute, per server. */
  interactivePerMinute: number;
}

export const DEFAULT_FAIRNESS: FairnessSettings = { enabled: true, interactivePerMinute: 60 };

export function readServerConfig(env: Record<string, string | undefined>): ServerConfig {
  const port = Number(env.PORT ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  return {
    port,
    mongoUri: env.MONGODB_URI || 'mongodb://127.0.0.1:27017',
    mongoDb: env.MONGODB_DB || 'pipewright',
    temporalAddress: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TASK_QUEUE || DEFAULT_TASK_QUEUE,
    webDistDir: env.WEB_DIST_DIR || undefined,
    publicBaseUrl: env.PUBLIC_BASE_URL || undefined,
    resumeUrlSecret: env.RESUME_URL_SECRET || undefined,
    trustProxy: readTrustProxy(env.PIPEWRIGHT_TRUST_PROXY),
    limits: readRequestLimits(env),
    pinnedDataLimits: readPinnedDataLimits(env),
    dbWaitMs: readMilliseconds(env, 'PIPEWRIGHT_DB_WAIT_MS', 2_000),
    engineWaitMs: readMilliseconds(env, 'PIPEWRIGHT_ENGINE_WAIT_MS', 3_000),
    pausedRetryAfterSeconds: readPausedRetryAfter(env.PIPEWRIGHT_PAUSED_RETRY_AFTER_SECONDS),
    alertsEveryMs: readAlertsEvery(env.PIPEWRIGHT_ALERTS_EVERY_MS),
    redisUrl: env.PIPEWRIGHT_REDIS_URL || undefined,
    drainMs: readWholeMs(env, 'PIPEWRIGHT_DRAIN_MS', 0, 120_000),
    shutdownTimeoutMs: readWholeMs(env, 'PIPEWRIGHT_SHUTDOWN_TIMEOUT_MS', 30_000, 600_000),
    instanceAdmins: (env.PIPEWRIGHT_INSTANCE_ADMINS ?? '')
      .split(',')
      .map((email) => email.trim().toLowerCase())
      .filter(Boolean),
    admission: {
      perWorkspace: readWhole(
        env,
        'PIPEWRIGHT_MAX_WAITING_RUNS_PER_WORKSPACE',
        DEFAULT_ADMISSION.perWorkspace,
        10_000_000,
      ),
      perFlow: readWhole(env, 'PIPEWRIGHT_MAX_WAITING_RUNS_PER_FLOW', DEFAULT_ADMISSION.perFlow, 10_000_000),
      retryAfterSeconds: readWhole(
        env,
        'PIPEWRIGHT_WAITING_RETRY_AFTER_SECONDS',
        DEFAULT_ADMISSION.retryAfterSeconds,
        3_600,
      ),
      windowMinutes: Math.max(
        1,
        readWhole(env, 'PIPEWRIGHT_WAITING_WINDOW_MINUTES', DEFAULT_ADMISSION.windowMinutes, 1_440),
      ),
    },
    fairness: {
      enabled: readOnOff(env, 'PIPEWRIGHT_FAIRNESS', DEFAULT_FAIRNESS.enabled),
      interactivePerMinute: readWhole(
        env,
        'PIPEWRIGHT_INTERACTIVE_RUNS_PER_MINUTE',
        DEFAULT_FAIRNESS.interactivePerMinute,
        100_000,
      ),
    },
  };
}

function readOnOff(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const text = env[name]?.trim().toLowerCase() ?? '';
  if (text === '') return fallback;
  if (text === 'on') return true;
  if (text === 'off') return false;
  throw new Error(`${name} must be "on" or "off", got "${text}"`);
}

function readWhole(env: Record<string, string | undefined>, name: string, fallback: number, max: number): number {
  const text = env[name]?.trim() ?? '';
  if (text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(`${name} must be a whole number from 0 to ${max}, got "${text}"`);
  }
  return value;
}

function readWholeMs(env: Record<string, string | undefined>, name: string, fallback: number, max: number): number {
  const text = env[name]?.trim() ?? '';
  if (text === '') return fallback;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0 || ms > max) {
    throw new Error(`${name} must be a whole number of milliseconds from 0 to ${max}, got "${text}"`);
  }
  return ms;
}

function readAlertsEvery(value: string | undefined): number {
  const text = value?.trim() ?? '';
  if (text === '') return 30_000;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 100 || ms > 600_000) {
    throw new Error(
      `PIPEWRIGHT_ALERTS_EVERY_MS must be a whole number of milliseconds from 100 to 600000, got "${text}"`,
    );
  }
  return ms;
}

function readPausedRetryAfter(value: string | undefined): number {
  const text = value?.trim() ?? '';
  if (text === '') return 60;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
    throw new Error(`PIPEWRIGHT_PAUSED_RETRY_AFTER_SECONDS must be a whole number from 1 to 86400, got "${text}"`);
  }
  return seconds;
}

function readMilliseconds(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 100 || value > 60_000) {
    throw new Error(`${name} must be a whole number of milliseconds from 100 to 60000, got "${text}"`);
  }
  return value;
}

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `PIPEWRIGHT_TRUST_PROXY`: unset, empty or `false` → trust no proxy (`./pw dev`, a server reached directly); a
 * number → that many proxy hops in front; otherwise a comma list of the proxies' addresses or subnets
 * (`10.0.0.0/8`, `loopback`, `uniquelocal`…).  `true` (trust every peer) is refused: anyone reaching the server
 * directly could then choose their own address and make the session cookie `Secure` over plain HTTP.
 */
export function readTrustProxy(value: string | undefined): TrustProxySetting {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops < 1 || hops > 10) throw new Error(`PIPEWRIGHT_TRUST_PROXY: a hop count must be 1 to 10, got ${text}`);
    return hops;
  }
  if (text === 'true') {
    throw new Error(
      'PIPEWRIGHT_TRUST_PROXY=true would trust X-Forwarded-For from anybody; name the proxies (addresses, subnets, ' +
        '"loopback", "uniquelocal") or their hop count',
    );
  }
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!NAMED_RANGES.has(entry) && (family === 0 || !validBits || extra !== undefined)) {
      throw new Error(
        `PIPEWRIGHT_TRUST_PROXY: "${entry}" is not an address, a subnet or one of loopback, linklocal, uniquelocal`,
      );
    }
  }
  return entries;
}

function readRequestLimits(env: Record<string, string | undefined>): RequestLimits {
  const depth = (name: string, fallback: number): number => {
    const text = env[name]?.trim();
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > MAX_DEPTH_SETTING) {
      throw new Error(`${name} must be a whole number from 1 to ${MAX_DEPTH_SETTING}, got "${text}"`);
    }
    return value;
  };
  const limits = {
    maxDocumentDepth: depth('PIPEWRIGHT_MAX_DOCUMENT_DEPTH', DEFAULT_REQUEST_LIMITS.maxDocumentDepth),
    maxPayloadDepth: depth('PIPEWRIGHT_MAX_PAYLOAD_DEPTH', DEFAULT_REQUEST_LIMITS.maxPayloadDepth),
  };
  // A document arrives inside a request body, so the body limit must leave room for it.
  if (limits.maxDocumentDepth >= limits.maxPayloadDepth) {
    throw new Error(
      `PIPEWRIGHT_MAX_DOCUMENT_DEPTH (${limits.maxDocumentDepth}) must be below PIPEWRIGHT_MAX_PAYLOAD_DEPTH (${limits.maxPayloadDepth})`,
    );
  }
  return limits;
}

function readPinnedDataLimits(env: Record<string, string | undefined>): PinnedDataLimits {
  const bytes = (name: string, fallback: number): number => {
    const text = env[name]?.trim();
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0 || value > MAX_PINNED_BYTES_SETTING) {
      throw new Error(`${name} must be a whole number of bytes from 0 to ${MAX_PINNED_BYTES_SETTING}, got "${text}"`);
    }
    return value;
  };
  return {
    maxBytesPerNode: bytes('PIPEWRIGHT_MAX_PINNED_BYTES_PER_NODE', DEFAULT_PINNED_DATA_LIMITS.maxBytesPerNode),
    maxBytesPerFlow: bytes('PIPEWRIGHT_MAX_PINNED_BYTES_PER_FLOW', DEFAULT_PINNED_DATA_LIMITS.maxBytesPerFlow),
  };
}
