import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { type DestinationStream, pino } from 'pino';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** `PIPEWRIGHT_LOG_LEVEL`: trace, debug, info (default), warn or error. */
export function parseLogLevel(text: string | undefined): LogLevel {
  const level = (text ?? '').trim().toUpperCase() || 'INFO';
  if (!(level in LEVELS)) {
    throw new Error(`PIPEWRIGHT_LOG_LEVEL: "${text}" is not one of trace, debug, info, warn, error`);
  }
  return level as LogLevel;
}

/**
 * The worker's logger — Temporal's own lines and every step's — as one JSON object a line (pino), with the run's
 * attributes on every line of an activity (`runLogAttributes`).  Steps' messages and fields are scrubbed of the
 * secrets they read before they get here (the step host's `ctx.log`).
 */
export function createJsonLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const json = pino({ level: LEVELS[level], base: { process: 'worker' } }, destination);
  const log = (at: LogLevel, message: string, meta?: LogMetadata) => json[LEVELS[at]](meta ?? {}, message);
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/** What a step activity's input says about its run, for its log lines: ids only, never the step's input. */
function runAttributesOf(input: unknown): Record<string, string> {
  if (typeof input !== 'object' || input === null) return {};
  const request = input as Record<string, unknown>;
  const node = request.node as Record<string, unknown> | undefined;
  const attributes: Record<string, string> = {};
  for (const [key, value] of [
    ['workspaceId', request.workspaceId],
    ['flowId', request.flowId],
    ['nodeId', request.nodeId ?? node?.id],
    ['idempotencyKey', request.idempotencyKey],
  ] as const) {
    if (typeof value === 'string') attributes[key] = value;
  }
  return attributes;
}

/**
 * Adds the run's workspace, flow, node and idempotency key to every log line of a step activity; Temporal adds the
 * workflow id (the run id), activity type and attempt.  Read from the activity's input when it starts.
 */
export const runLogAttributes: ActivityInterceptorsFactory = () => {
  let attributes: Record<string, string> = {};
  return {
    inbound: {
      execute(input, next) {
        attributes = runAttributesOf(input.args[0]);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(input, next) {
        return next({ ...input, ...attributes });
      },
    },
  };
};
