export { APP_MAIN_ARGS, APP_NODE_FLAGS } from './app-process.ts';
export {
  COMPOSE_VERSION,
  ensureComposeCli,
  ensureFerretDb,
  ensureTemporalCli,
  ensureTemporalServer,
  FERRETDB_VERSION,
  TEMPORAL_CLI_VERSION,
  TEMPORAL_SERVER_VERSION,
} from './binaries.ts';
export { type Cluster, type ClusterOptions, type Replica, startCluster } from './cluster.ts';
export { ensureDebianPackage } from './debian-packages.ts';
export { HAPROXY_PATH, SERVED_BY_HEADER } from './haproxy.ts';
export { hostAndPort, type OutageProxy, startOutageProxy } from './outage-proxy.ts';
export { freePort, isPortOpen } from './ports.ts';
export { type ManagedProcess, startProcess } from './processes.ts';
export { SEARCH_ATTRIBUTES, type Stack, type StackOptions, startEmbeddedService, startStack } from './stack.ts';
export { getTestStack, uniqueName } from './test-stack.ts';
export { type WaitDescription, waitFor, within } from './waiting.ts';
