import type { z } from 'zod';
import type { StepContext } from './ports.ts';

/** trigger: starts a run; action: I/O in an activity; transform: pure, evaluated by the runtime inside the workflow. */
export type StepKind = 'trigger' | 'action' | 'transform';

/** Per-field hints for the generated inspector form, kept apart from the data schema. */
export interface FieldUiHint {
  label?: string;
  help?: string;
  placeholder?: string;
  /** `expression` fields accept `{{ … }}` templates and get a preview. */
  widget?: 'text' | 'textarea' | 'code' | 'expression' | 'select' | 'keyValue' | 'fieldList' | 'number' | 'toggle';
  order?: number;
}

export interface StepRetryDefaults {
  maxAttempts?: number;
  initialIntervalMs?: number;
  backoffCoefficient?: number;
  maxIntervalMs?: number;
}

export interface StepDefinition<Input extends z.ZodObject = z.ZodObject, Output extends z.ZodType = z.ZodType> {
  /** Stable id, never renamed: `<package>.<name>`, e.g. `http.request`. */
  type: string;
  version: number;
  title: string;
  description: string;
  kind: StepKind;
  category?: string;
  /** Keyword list for the palette search. */
  keywords?: string[];
  input: Input;
  output: Output;
  ui?: Partial<Record<keyof z.infer<Input> & string, FieldUiHint>>;
  retry?: StepRetryDefaults;
  timeoutMs?: number;
  /**
   * For actions: the I/O, run in an activity.  Triggers and transforms are run by the platform/runtime, so their
   * `run` is optional (the manifest still describes their inputs and outputs).
   */
  run?(input: z.infer<Input>, ctx: StepContext): Promise<z.infer<Output>>;
}

/**
 * Declares a step type.  One object literal: schemas give types, validation and the editor's form at once.
 *
 * @example
 * export const hello = defineStep({
 *   type: 'demo.hello', version: 1, kind: 'action', title: 'Say hello', description: 'Greets someone',
 *   input: z.object({ name: z.string() }),
 *   output: z.object({ greeting: z.string() }),
 *   async run(input) { return { greeting: `Hello ${input.name}` }; },
 * });
 */
export function defineStep<Input extends z.ZodObject, Output extends z.ZodType>(
  definition: StepDefinition<Input, Output>,
): StepDefinition<Input, Output> {
  if (!/^[a-z][a-z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*)+$/.test(definition.type)) {
    throw new Error(`step type "${definition.type}" must look like "<package>.<name>", e.g. "http.request"`);
  }
  if (!Number.isInteger(definition.version) || definition.version < 1) {
    throw new Error(`step "${definition.type}": version must be a positive integer`);
  }
  if (definition.kind === 'action' && typeof definition.run !== 'function') {
    throw new Error(`step "${definition.type}": an action needs a run(input, ctx) function`);
  }
  return definition;
}

/** Any step definition, for registries (`run` uses method syntax, so concrete definitions fit without `any`). */
export type AnyStepDefinition = StepDefinition<z.ZodObject, z.ZodType>;
