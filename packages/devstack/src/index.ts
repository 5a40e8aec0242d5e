export { COMPOSE_VERSION, ensureComposeCli, ensureFerretDb, ensureTemporalCli, FERRETDB_VERSION, TEMPORAL_CLI_VERSION } from './binaries.ts';
export { freePort, isPortOpen } from './ports.ts';
export { startProcess, type ManagedProcess } from './processes.ts';
export { SEARCH_ATTRIBUTES, startStack, type Stack, type StackOptions } from './stack.ts';
export { getTestStack, uniqueName } from './test-stack.ts';
