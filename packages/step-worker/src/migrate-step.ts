import type { MigrateStepFn } from '@pipewright/run-contract';
import { type AnyStepDefinition, migrateStepConfig } from '@pipewright/step-sdk';
import { ApplicationFailure } from '@temporalio/activity';

/**
 * The `migrateStep` activity of a package worker: runs the current step's `migrate` (see
 * `@pipewright/run-contract`, migrate-config.ts).  A worker whose step is not at `toVersion` is outdated: it says so.
 */
export function createMigrateStepActivity(steps: AnyStepDefinition[]): MigrateStepFn {
  return async (request) => {
    const step = steps.find((candidate) => candidate.type === request.type && candidate.version === request.toVersion);
    if (!step) {
      throw ApplicationFailure.nonRetryable(
        `this worker does not have "${request.type}" v${request.toVersion}; restart it on the published version`,
        'UnknownStep',
      );
    }
    try {
      return migrateStepConfig(step, request.config, request.fromVersion);
    } catch (error) {
      throw ApplicationFailure.nonRetryable(error instanceof Error ? error.message : String(error), 'MigrateFailed');
    }
  };
}
