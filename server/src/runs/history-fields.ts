/**
 * Reading Temporal history events without trusting their shape: the client's protobuf objects (Long ids, `{ seconds,
 * nanos }` times, byte arrays) and the proto-JSON of recorded histories (string ids, ISO times, base64) alike.
 * Payloads are measured, and only the few small fields the run view needs are read from them.
 */

/** A history event as the client returns it (or as proto-JSON). */
export type HistoryEvent = Record<string, unknown>;

export const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  // A protobuf Long.
  if (asRecord(value) && typeof (value as { toNumber?: unknown }).toNumber === 'function') {
    const parsed = Number(String(value));
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

export const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Epoch ms of a protobuf Timestamp, an ISO string or a Date. */
export function timeMs(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  const record = asRecord(value);
  if (!record) return undefined;
  const seconds = asNumber(record.seconds) ?? 0;
  const nanos = asNumber(record.nanos) ?? 0;
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

/** Milliseconds of a protobuf Duration (`{ seconds, nanos }`) or its JSON form (`"0.100s"`). */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const match = /^(-?\d+(?:\.\d+)?)s$/.exec(value);
    return match ? Math.round(Number(match[1]) * 1000) : undefined;
  }
  const record = asRecord(value);
  if (!record) return undefined;
  return (asNumber(record.seconds) ?? 0) * 1000 + Math.round((asNumber(record.nanos) ?? 0) / 1e6);
}

/** The type of an event (`ActivityTaskStarted`) and its attributes, from whichever `…EventAttributes` field is set. */
export function eventKind(event: HistoryEvent): { type: string; attributes: Record<string, unknown> } {
  for (const key of Object.keys(event)) {
    if (!key.endsWith('EventAttributes')) continue;
    const attributes = asRecord(event[key]);
    if (!attributes) continue;
    const name = key.slice(0, -'EventAttributes'.length);
    return { type: name.charAt(0).toUpperCase() + name.slice(1), attributes };
  }
  return { type: 'Unknown', attributes: {} };
}

function payloadData(payload: unknown): Uint8Array | undefined {
  const data = asRecord(payload)?.data;
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return Buffer.from(data, 'base64');
  return undefined;
}

/** The payloads of a `Payloads` message (`{ payloads: [...] }`). */
export const payloadsOf = (value: unknown): unknown[] => {
  const list = asRecord(value)?.payloads;
  return Array.isArray(list) ? list : [];
};

/** Bytes of the payloads a field holds (`Payloads`, or a map of them such as a marker's details). */
export function payloadBytes(value: unknown): number {
  let total = 0;
  for (const payload of payloadsOf(value)) total += payloadData(payload)?.length ?? 0;
  return total;
}

/** A small JSON payload's value (a failure's details, a marker's data); undefined when larger or not JSON. */
export function smallJson(payload: unknown, maxBytes = 64 * 1024): unknown {
  const data = payloadData(payload);
  if (!data || data.length > maxBytes) return undefined;
  try {
    return JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The leading and trailing text of a payload: where the ids and timings the run view reads sit, whatever its size. */
export function payloadEnds(payload: unknown, bytes = 512): { head: string; tail: string } | undefined {
  const data = payloadData(payload);
  if (!data) return undefined;
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.length);
  return {
    head: buffer.subarray(0, bytes).toString('utf8'),
    tail: buffer.subarray(Math.max(0, data.length - bytes)).toString('utf8'),
  };
}

const JSON_STRING = String.raw`"((?:[^"\\]|\\.)*)"`;
const STEP_INPUT_NODE = new RegExp(String.raw`^\{"nodeId":${JSON_STRING}`);
const REMOTE_NODE = new RegExp(String.raw`^\{"node":\{"id":${JSON_STRING}`);
const ATTEMPTS_BEFORE = /"attemptsBefore":(\d+)\}$/;

const unquote = (text: string | undefined): string | undefined => {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(`"${text}"`);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The node and earlier attempts of a step activity, from its input's first and last bytes: `runStep`'s input starts
 * with `{"nodeId":…` and ends with `"attemptsBefore":N}` when there is one; `evaluateNode`'s starts `{"node":{"id":…`.
 * Never the step's data: it may be large, and it is the builder's.
 */
export function stepActivityInput(input: unknown): { nodeId?: string; attemptsBefore: number } {
  const ends = payloadEnds(payloadsOf(input)[0]);
  if (!ends) return { attemptsBefore: 0 };
  const nodeId = unquote((STEP_INPUT_NODE.exec(ends.head) ?? REMOTE_NODE.exec(ends.head))?.[1]);
  const attemptsBefore = Number(ATTEMPTS_BEFORE.exec(ends.tail)?.[1] ?? 0);
  return nodeId === undefined ? { attemptsBefore } : { nodeId, attemptsBefore };
}

/** The most of a failure message the run view shows. */
export const MAX_MESSAGE_CHARS = 1000;

const clip = (text: string): string =>
  text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text;

const RESULT_TIMING = new RegExp(String.raw`"startedAt":(\d+),"durationMs":(\d+)(?:,"nodeId":${JSON_STRING})?\}$`);
const TRAIL_KEY = ',"earlier":';
/** Enough of a result's end for its timing and a full trail of earlier attempts (20, 300-character messages). */
const RESULT_TAIL_BYTES = 16 * 1024;

/** A failed attempt an activity's later attempt carried (step-host step-attempt.ts, run-contract EarlierAttempt). */
export interface EarlierAttemptRecord {
  attempt: number;
  startedAt: number;
  durationMs: number;
  message: string;
  type?: string;
  retryable: boolean;
}

/** The `earlier` trail of a result or failure details; anything malformed is left out. */
export function parseTrail(value: unknown): EarlierAttemptRecord[] {
  if (!Array.isArray(value)) return [];
  const trail: EarlierAttemptRecord[] = [];
  for (const item of value) {
    const record = asRecord(item);
    const attempt = asNumber(record?.attempt);
    const startedAt = asNumber(record?.startedAt);
    const took = asNumber(record?.durationMs);
    const message = asString(record?.message);
    if (attempt === undefined || startedAt === undefined || took === undefined || message === undefined) continue;
    const type = asString(record?.type);
    trail.push({
      attempt,
      startedAt,
      durationMs: took,
      message: clip(message),
      ...(type === undefined ? {} : { type }),
      retryable: record?.retryable === true,
    });
  }
  return trail;
}

/**
 * A step result's own timing, (local attempts) node and trail of earlier failed attempts, stamped at its end by the
 * activity (step-host step-attempt.ts): `…,"earlier":[…],"startedAt":N,"durationMs":N(,"nodeId":"…")}`.  Read from
 * the payload's last bytes, never its output.
 */
export function stepResultTiming(result: unknown): {
  startedAt?: number;
  durationMs?: number;
  nodeId?: string;
  earlier?: EarlierAttemptRecord[];
} {
  const tail = payloadEnds(payloadsOf(result)[0], RESULT_TAIL_BYTES)?.tail;
  const match = tail === undefined ? null : RESULT_TIMING.exec(tail);
  if (tail === undefined || !match) return {};
  const nodeId = unquote(match[3]);
  const timing = {
    startedAt: Number(match[1]),
    durationMs: Number(match[2]),
    ...(nodeId === undefined ? {} : { nodeId }),
  };
  // The trail, when there is one, ends right before the timing (`],"startedAt"`).
  const end = match.index - 1;
  const key = tail.lastIndexOf(TRAIL_KEY, end);
  if (key < 0 || tail.charAt(end) !== ',' || tail.charAt(end - 1) !== ']') return timing;
  try {
    const earlier = parseTrail(JSON.parse(tail.slice(key + TRAIL_KEY.length, end)));
    return earlier.length > 0 ? { ...timing, earlier } : timing;
  } catch {
    return timing;
  }
}

export interface FailureSummary {
  message: string;
  type?: string;
  retryable: boolean;
  /** From the step's failure details (RunStepFailureDetails), when it sent them. */
  attempt?: number;
  startedAt?: number;
  durationMs?: number;
  nodeId?: string;
  /** The activity's failed attempts before this one (step-host step-attempt.ts). */
  earlier?: EarlierAttemptRecord[];
}

/**
 * A Temporal failure as the run view shows it: the innermost message (an activity's ApplicationFailure, not the
 * "Activity task failed" around it), its type and whether another attempt may fix it — never its stack or details.
 */
export function summarizeFailure(value: unknown): FailureSummary | undefined {
  let failure = asRecord(value);
  if (!failure) return undefined;
  for (let depth = 0; depth < 5; depth++) {
    const cause = asRecord(failure.cause);
    if (!cause || !asRecord(failure.activityFailureInfo ?? failure.childWorkflowExecutionFailureInfo)) break;
    failure = cause;
  }
  const message = clip(asString(failure.message) ?? 'no message');
  const app = asRecord(failure.applicationFailureInfo);
  const timeout = asRecord(failure.timeoutFailureInfo);
  const summary: FailureSummary = { message, retryable: app ? app.nonRetryable !== true : timeout !== undefined };
  const type = asString(app?.type) ?? (timeout ? 'Timeout' : undefined);
  if (type !== undefined && type !== '') summary.type = type;
  const details = asRecord(smallJson(payloadsOf(app?.details)[0]));
  if (details) {
    const attempt = asNumber(details.attempt);
    const startedAt = asNumber(details.startedAt);
    const took = asNumber(details.durationMs);
    const nodeId = asString(details.nodeId);
    if (attempt !== undefined) summary.attempt = attempt;
    if (startedAt !== undefined) summary.startedAt = startedAt;
    if (took !== undefined) summary.durationMs = took;
    if (nodeId !== undefined) summary.nodeId = nodeId;
    const earlier = parseTrail(details.earlier);
    if (earlier.length > 0) summary.earlier = earlier;
  }
  return summary;
}
