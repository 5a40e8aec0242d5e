/** The runtime's writers of user-chosen keys use the same rules the compiler checks (`checkReservedKeys`). */
export {
  assertSafePath,
  assignOwn,
  defineOwn,
  deleteOwnPath,
  getOwn,
  isReservedKey,
  RESERVED_KEYS,
  ReservedKeyError,
  reservedKeyIn,
  setOwnPath,
} from '@pipewright/step-sdk';
export { canonicalJson } from './canonical-json.ts';
export { type CatalogLookup, type CompileOptions, compileFlow } from './compile.ts';
export * from './compile-result.ts';
export { PLATFORM_RETRY, PLATFORM_TIMEOUT_MS } from './plan-nodes.ts';
export { DEFAULT_RUN_TIMEOUT_MS, formatDuration, runTimeoutMessage } from './run-timeout.ts';
