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
}

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
    taskQueue: env.TASK_QUEUE || 'pipewright-core',
    webDistDir: env.WEB_DIST_DIR || undefined,
    publicBaseUrl: env.PUBLIC_BASE_URL || undefined,
    resumeUrlSecret: env.RESUME_URL_SECRET || undefined,
  };
}
