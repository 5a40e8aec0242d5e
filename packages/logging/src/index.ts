export { createJsonLogger, type JsonLogger, type LogLevel, type LogMetadata, parseLogLevel } from './json-logger.ts';
