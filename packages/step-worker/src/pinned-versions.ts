import { type AnyStepDefinition, migrateStepConfig, StepError, z } from '@pipewright/step-sdk';

/**
 * The package's steps plus, for each step with a `migrate`, a stand-in for every older version: a node still pinned
 * to v1 (its flow was published before v2) keeps running after the package moves on — its input is migrated to
 * the current version, then the current step runs.  Older versions the package still declares itself win.
 */
export function withPinnedVersions(steps: AnyStepDefinition[]): AnyStepDefinition[] {
  const declared = new Set(steps.map((step) => `${step.type}@${step.version}`));
  const standIns: AnyStepDefinition[] = [];
  for (const step of steps) {
    const { migrate: _migrate, ...current } = step;
    const run = step.run;
    if (!step.migrate || !run) continue;
    for (let version = 1; version < step.version; version += 1) {
      if (declared.has(`${step.type}@${version}`)) continue;
      const fromVersion = version;
      standIns.push({
        ...current,
        version: fromVersion,
        // The current schema validates the migrated input below.
        input: z.looseObject({}),
        async run(input, ctx) {
          let migrated: Record<string, unknown>;
          try {
            migrated = migrateStepConfig(step, input, fromVersion);
          } catch (error) {
            throw new StepError(error instanceof Error ? error.message : String(error), { retryable: false });
          }
          const parsed = step.input.safeParse(migrated);
          if (!parsed.success) {
            throw new StepError(
              `input of "${step.type}" v${fromVersion} does not fit v${step.version} after migrate: ${parsed.error.message}`,
              { retryable: false },
            );
          }
          return run.call(step, parsed.data, ctx);
        },
      });
    }
  }
  return [...steps, ...standIns];
}
