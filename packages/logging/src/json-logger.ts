import { type DestinationStream, pino } from 'pino';

/** The levels Pipewright logs at: the same names as Temporal's `LogLevel`, so a JsonLogger is a Temporal Logger. */
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export type LogMetadata = Record<string | symbol, unknown>;

/** Structurally Temporal's `Logger`: the worker installs it as the Temporal runtime's logger. */
export interface JsonLogger {
  log(level: LogLevel, message: string, meta?: LogMetadata): void;
  trace(message: string, meta?: LogMetadata): void;
  debug(message: string, meta?: LogMetadata): void;
  info(message: string, meta?: LogMetadata): void;
  warn(message: string, meta?: LogMetadata): void;
  error(message: string, meta?: LogMetadata): void;
}

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
 * One JSON object a line (pino) with the process's name on each: `server`, `worker` or a package worker's.  An
 * `error` field that holds an Error is written as its type, message and stack (pino's serializer), never as `{}`.
 * Callers pass ids and enums as fields; secrets are scrubbed before a message gets here (the step host's `ctx.log`).
 */
export function createJsonLogger(process: string, level: LogLevel, destination?: DestinationStream): JsonLogger {
  const json = pino(
    { level: LEVELS[level], base: { process }, serializers: { error: pino.stdSerializers.err } },
    destination,
  );
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
