/**
 * Upgrading a node to a newer version of a package step runs the step's `migrate` — third-party code, so it runs in
 * the package's own worker, never in the server or the core worker.  The server executes the short `migrateConfig`
 * workflow on the core queue (only core workers carry workflow code); it calls the `migrateStep` activity on the
 * package's task queue and returns the new config.
 */
export const MIGRATE_CONFIG_WORKFLOW = 'migrateConfig';
export const MIGRATE_STEP_ACTIVITY = 'migrateStep';
/** How long a migration waits for a package worker to pick it up before the server answers "no live worker". */
export const MIGRATE_SCHEDULE_TO_START_MS = 10_000;

export interface MigrateStepRequest {
  type: string;
  fromVersion: number;
  toVersion: number;
  config: Record<string, unknown>;
}

export interface MigrateConfigInput extends MigrateStepRequest {
  /** The package's task queue, where its worker polls for `migrateStep`. */
  taskQueue: string;
}

export type MigrateStepFn = (request: MigrateStepRequest) => Promise<Record<string, unknown>>;
