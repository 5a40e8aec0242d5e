import { MIGRATE_SCHEDULE_TO_START_MS, type MigrateConfigInput, type MigrateStepFn } from '@pipewright/run-contract';
import { proxyActivities } from '@temporalio/workflow';

/** Runs a package step's `migrate` in the package's worker (see `@pipewright/run-contract`, migrate-config.ts) and returns the new config. */
export async function migrateConfig(input: MigrateConfigInput): Promise<Record<string, unknown>> {
  const { migrateStep } = proxyActivities<{ migrateStep: MigrateStepFn }>({
    taskQueue: input.taskQueue,
    scheduleToStartTimeout: MIGRATE_SCHEDULE_TO_START_MS,
    startToCloseTimeout: 10_000,
    // A migrate is pure: if it threw once it throws again.
    retry: { maximumAttempts: 1 },
  });
  const { taskQueue: _queue, ...request } = input;
  return migrateStep(request);
}
