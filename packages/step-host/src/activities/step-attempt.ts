import { type EarlierAttempt, STEP_HEARTBEAT_EVERY_MS } from '@pipewright/run-contract';
import { ApplicationFailure, Context } from '@temporalio/activity';

/** The most earlier attempts an attempt carries, and the most of each message: the trail stays a few KB. */
const MAX_TRAIL = 20;
const MAX_TRAIL_MESSAGE = 300;

/**
 * Runs one attempt of a step activity and records it for the run view (server/src/runs/run-history.ts):
 * - its start and duration (and, for a local attempt, whose marker names no node, its node) are stamped on its result
 *   or its failure's details (RunStepFailureDetails);
 * - Temporal keeps a retried activity's last failure only, so a regular attempt that fails hands its record on to the
 *   next in the activity's heartbeat details (kept across retries), and each attempt carries the records of the
 *   earlier ones (`earlier`) on its result or failure.  Only retries pay for it: a heartbeat and a few KB.
 * A regular attempt also heartbeats while it runs, so a worker that dies is noticed within the heartbeat timeout
 * (contract.ts STEP_HEARTBEAT_TIMEOUT_MS) and the step tried again; heartbeats also deliver a cancelled run's
 * cancellation.  The first goes after STEP_HEARTBEAT_EVERY_MS: a short step sends none.  A local one cannot.
 */
export async function runAttempt<T extends object>(nodeId: string | undefined, work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const startedAt = Date.now();
  const isLocal = context.info.isLocal;
  const local = isLocal && nodeId !== undefined ? { nodeId } : {};
  const earlier = isLocal ? [] : trailOf(context.info.heartbeatDetails);
  const trail = earlier.length > 0 ? { earlier } : {};
  const timer = isLocal
    ? undefined
    : setInterval(() => context.heartbeat(heartbeatOf(earlier)), STEP_HEARTBEAT_EVERY_MS);
  try {
    const result = await work();
    return { ...result, ...trail, startedAt, durationMs: Date.now() - startedAt, ...local };
  } catch (error) {
    const durationMs = Date.now() - startedAt;
    const first: unknown = error instanceof ApplicationFailure ? error.details?.[0] : undefined;
    if (typeof first === 'object' && first !== null && 'attempt' in first) {
      Object.assign(first, { ...trail, startedAt, durationMs, ...local });
      if (!isLocal && error instanceof ApplicationFailure && !error.nonRetryable) {
        // The worker flushes this last heartbeat before it reports the failure: the next attempt reads it.
        const attempt = typeof first.attempt === 'number' ? first.attempt : context.info.attempt;
        context.heartbeat(heartbeatOf([...earlier, recordOf(attempt, startedAt, durationMs, error)]));
      }
    }
    throw error;
  } finally {
    if (timer !== undefined) clearInterval(timer);
  }
}

/** Heartbeat details: the trail, or nothing when there is none (as before trails existed). */
const heartbeatOf = (earlier: EarlierAttempt[]): unknown => (earlier.length > 0 ? { attempts: earlier } : undefined);

function recordOf(attempt: number, startedAt: number, durationMs: number, error: ApplicationFailure): EarlierAttempt {
  const message =
    error.message.length > MAX_TRAIL_MESSAGE ? `${error.message.slice(0, MAX_TRAIL_MESSAGE - 1)}…` : error.message;
  return {
    attempt,
    startedAt,
    durationMs,
    message,
    ...(error.type ? { type: error.type } : {}),
    retryable: !error.nonRetryable,
  };
}

/** The earlier attempts a previous attempt left in the heartbeat details (anything else is ignored). */
function trailOf(details: unknown): EarlierAttempt[] {
  const attempts =
    typeof details === 'object' && details !== null && 'attempts' in details ? details.attempts : undefined;
  if (!Array.isArray(attempts)) return [];
  const trail: EarlierAttempt[] = [];
  for (const item of attempts) {
    if (typeof item !== 'object' || item === null) continue;
    const { attempt, startedAt, durationMs, message, type, retryable } = item as Record<string, unknown>;
    if (typeof attempt !== 'number' || typeof startedAt !== 'number' || typeof durationMs !== 'number') continue;
    if (typeof message !== 'string') continue;
    trail.push({
      attempt,
      startedAt,
      durationMs,
      message,
      ...(typeof type === 'string' ? { type } : {}),
      retryable: retryable === true,
    });
  }
  return trail.slice(-MAX_TRAIL);
}
