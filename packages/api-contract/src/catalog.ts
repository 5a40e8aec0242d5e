/**
 * The step catalog as the API answers it: the manifests `toManifest` (@pipewright/step-sdk) writes, with the
 * server's `taskQueue` and `package` on steps of published packages.  The schema is pinned to the SDK's type (each
 * must be assignable to the other), so the two cannot drift apart unnoticed.
 */

import type { StepManifest } from '@pipewright/step-sdk';
import { z } from 'zod';
import type { Equal } from './type-equal.ts';

const port = z.object({ id: z.string(), label: z.string() });

/** How the generated form shows one field (the step SDK's `FieldUiHint`): steps' and credential types' forms alike. */
export const fieldUiHintSchema = z.object({
  label: z.string().exactOptional(),
  help: z.string().exactOptional(),
  placeholder: z.string().exactOptional(),
  widget: z
    .enum(['text', 'textarea', 'code', 'expression', 'select', 'keyValue', 'fieldList', 'number', 'toggle', 'custom'])
    .exactOptional(),
  /** For a `code` widget: the language of the text (not a `{{ }}` template). */
  language: z.enum(['javascript']).exactOptional(),
  order: z.number().exactOptional(),
});

export const stepManifestSchema = z.object({
  type: z.string(),
  version: z.number().int(),
  title: z.string(),
  description: z.string(),
  kind: z.enum(['trigger', 'action', 'transform']),
  category: z.string(),
  keywords: z.array(z.string()),
  /** The step's input as JSON Schema: the inspector's form and the compiler's config check. */
  inputSchema: z.record(z.string(), z.unknown()),
  outputSchema: z.record(z.string(), z.unknown()),
  ui: z.record(z.string(), fieldUiHintSchema),
  retry: z.object({
    maxAttempts: z.number().exactOptional(),
    initialIntervalMs: z.number().exactOptional(),
    backoffCoefficient: z.number().exactOptional(),
    maxIntervalMs: z.number().exactOptional(),
  }),
  timeoutMs: z.number().nullable(),
  outputs: z
    .union([
      z.array(port),
      z.object({
        fromConfig: z.string(),
        idKey: z.string(),
        labelKey: z.string(),
        extra: z.array(port).exactOptional(),
      }),
      z.object({ byConfigValue: z.string(), cases: z.record(z.string(), z.array(port)), otherwise: z.array(port) }),
    ])
    .exactOptional(),
  credentials: z.record(z.string(), z.string()).exactOptional(),
  runsIn: z.enum(['workflow', 'activity']),
  polling: z.boolean().exactOptional(),
  listening: z.boolean().exactOptional(),
  migratable: z.boolean().exactOptional(),
  taskQueue: z.string().exactOptional(),
  package: z.object({ name: z.string(), version: z.string(), live: z.boolean() }).exactOptional(),
});
const _manifestMatchesSdk: Equal<z.infer<typeof stepManifestSchema>, StepManifest> = true;

/** `GET /api/catalog`: built-in steps, then the current steps of published packages. */
export const catalogResponseSchema = z.object({ steps: z.array(stepManifestSchema) });
export type CatalogResponse = z.infer<typeof catalogResponseSchema>;

/** `GET /api/catalog/steps/{type}/versions/{version}`. */
export const stepVersionResponseSchema = z.object({ step: stepManifestSchema });
export type StepVersionResponse = z.infer<typeof stepVersionResponseSchema>;
