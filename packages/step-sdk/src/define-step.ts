import type { z } from 'zod';
import type { AnyCredentialTypeDefinition } from './define-credential.ts';
import type { StepContext } from './ports.ts';
import type { TriggerListenContext, TriggerListener, TriggerPollResult } from './trigger-ports.ts';
import type { FieldUiHint } from './ui-hints.ts';

export type { FieldUiHint } from './ui-hints.ts';

/** trigger: starts a run; action: I/O in an activity; transform: pure, evaluated by the runtime inside the workflow. */
export type StepKind = 'trigger' | 'action' | 'transform';

export interface StepRetryDefaults {
  maxAttempts?: number;
  initialIntervalMs?: number;
  backoffCoefficient?: number;
  maxIntervalMs?: number;
}

/** One output port of a node: edges leave from it (`edge.sourcePort === id`). */
export interface StepOutputPort {
  id: string;
  label: string;
}

/**
 * A step's output ports: a fixed list, or one port per item of an array in the node's config (Switch: one per case)
 * plus `extra` ports, or a list chosen by the value of one config field (Wait: `timeout` only in mode `event`).
 * Steps that declare nothing have the single port `{ id: 'out', label: '' }`.
 */
export type StepOutputs =
  | StepOutputPort[]
  | { fromConfig: string; idKey: string; labelKey: string; extra?: StepOutputPort[] }
  | { byConfigValue: string; cases: Record<string, StepOutputPort[]>; otherwise: StepOutputPort[] };

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
  /**
   * Credential slots: slot name → credential type, e.g. `{ db: postgresCredential }`.  The builder picks a stored
   * credential of that type for each slot; at run time `ctx.credentials.get('db')` (or `readCredential`) returns its
   * decrypted values.
   */
  credentials?: Record<string, AnyCredentialTypeDefinition>;
  input: Input;
  output: Output;
  ui?: Partial<Record<keyof z.infer<Input> & string, FieldUiHint>>;
  retry?: StepRetryDefaults;
  timeoutMs?: number;
  /** Output ports (default: the single port `out`). */
  outputs?: StepOutputs;
  /**
   * For actions: the I/O, run in an activity.  Triggers and transforms are run by the platform/runtime, so their
   * `run` is optional (the manifest still describes their inputs and outputs).
   */
  run?(input: z.infer<Input>, ctx: StepContext): Promise<z.infer<Output>>;
  /**
   * Polling triggers: fetch what is new since `cursor` (undefined on the first poll) and return the items plus the
   * next cursor.  The platform calls it every `config.intervalSeconds` (the input schema must declare that field),
   * keeps the cursor, drops item ids it has already seen and starts one run per new item (trigger output =
   * `item.data`).  Return every item you cannot rule out: duplicates are cheap, a missed item is not.
   */
  poll?(config: z.infer<Input>, cursor: unknown, ctx: StepContext): Promise<TriggerPollResult>;
  /**
   * Message (broker) triggers: subscribe and call `ctx.deliver(message)` for each message; acknowledge the message
   * to the broker only after `deliver` resolves (the run is then durably started) and let it be redelivered when
   * `deliver` rejects.  Resolves once subscribed; the platform calls `close()` when the flow is unpublished.
   */
  listen?(config: z.infer<Input>, ctx: TriggerListenContext): Promise<TriggerListener>;
  /**
   * Upgrades a node's config written for an older `version` of this step to this version's input shape (the editor's
   * "Upgrade" button, and pinned older nodes run by a newer package worker).  Pure: no I/O, no clock.  The config may
   * hold `{{ … }}` templates where values go, so move and rename fields rather than reinterpreting their values.
   *
   * @example
   * migrate(old, fromVersion) { return fromVersion < 2 ? { ...old, recipient: old.to, to: undefined } : old; }
   */
  migrate?(oldConfig: Record<string, unknown>, fromVersion: number): Record<string, unknown>;
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
  for (const slot of Object.keys(definition.credentials ?? {})) {
    if (!/^[a-zA-Z][a-zA-Z0-9_]*$/.test(slot)) {
      throw new Error(`step "${definition.type}": credential slot "${slot}" must be an identifier, e.g. "db"`);
    }
  }
  if (definition.kind === 'action' && typeof definition.run !== 'function') {
    throw new Error(`step "${definition.type}": an action needs a run(input, ctx) function`);
  }
  if ((definition.poll || definition.listen) && definition.kind !== 'trigger') {
    throw new Error(`step "${definition.type}": only triggers can poll or listen`);
  }
  if (definition.poll && !('intervalSeconds' in definition.input.shape)) {
    throw new Error(`step "${definition.type}": a polling trigger needs an intervalSeconds field in its input`);
  }
  return definition;
}

/** Any step definition, for registries (`run` uses method syntax, so concrete definitions fit without `any`). */
export type AnyStepDefinition = StepDefinition<z.ZodObject, z.ZodType>;
