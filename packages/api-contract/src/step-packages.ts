/**
 * Step packages: a developer registers a package's manifest (`POST /api/step-packages`, role developer, usually
 * through `pipewright-step publish` with an API token); a worker running the package polls its own task queue.
 */

import { z } from 'zod';
import { refuseUnsafeText } from './text.ts';

const jsonObject = z.record(z.string(), z.unknown());
const port = z.object({ id: z.string(), label: z.string() }).strict();

/** One step's manifest as the SDK's `toManifest` writes it; `taskQueue` and `package` are the server's to set. */
export const publishedStepManifest = z
  .object({
    type: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*)+$/, 'must look like "<package>.<name>"'),
    version: z.number().int().min(1),
    title: z.string().min(1).max(200).superRefine(refuseUnsafeText),
    description: z.string().max(2000),
    kind: z.enum(['action', 'transform', 'trigger']),
    category: z.string().max(100),
    keywords: z.array(z.string().max(100)).max(50),
    inputSchema: jsonObject,
    outputSchema: jsonObject,
    ui: z.record(z.string(), jsonObject),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).optional(),
        initialIntervalMs: z.number().min(0).optional(),
        backoffCoefficient: z.number().min(1).optional(),
        maxIntervalMs: z.number().min(0).optional(),
      })
      .strict(),
    timeoutMs: z.number().int().min(1).nullable(),
    outputs: z
      .union([
        z.array(port),
        z.object({ fromConfig: z.string(), idKey: z.string(), labelKey: z.string(), extra: z.array(port).optional() }),
        z.object({
          byConfigValue: z.string(),
          cases: z.record(z.string(), z.array(port)),
          otherwise: z.array(port),
        }),
      ])
      .optional(),
    credentials: z.record(z.string(), z.string()).optional(),
    runsIn: z.enum(['workflow', 'activity']),
    migratable: z.boolean().optional(),
  })
  .refine((step) => step.kind === 'action', {
    message: 'a package may only publish actions: triggers and transforms run inside the core engine',
    path: ['kind'],
  });

export const publishedCredentialManifest = z.object({
  type: z.string().min(1).max(200),
  version: z.number().int().min(1),
  title: z.string().min(1).max(200).superRefine(refuseUnsafeText),
  description: z.string().max(2000),
  fieldsSchema: jsonObject,
  secretFields: z.array(z.string()),
  ui: z.record(z.string(), jsonObject),
  testable: z.boolean(),
});

export const publishStepPackageBody = z
  .object({
    name: z
      .string()
      .max(214)
      .regex(/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/, 'must be an npm package name'),
    version: z
      .string()
      .max(100)
      .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'must be a semantic version'),
    steps: z.array(publishedStepManifest).min(1).max(500),
    credentialTypes: z.array(publishedCredentialManifest).max(100).default([]),
  })
  .strict();

export const migrateNodeBody = z
  .object({
    type: z.string().min(1),
    fromVersion: z.number().int().min(1),
    toVersion: z.number().int().min(1),
    config: jsonObject,
  })
  .strict();

export type PublishStepPackageBody = z.input<typeof publishStepPackageBody>;
export type MigrateNodeBody = z.infer<typeof migrateNodeBody>;

export const publishStepPackageResponseSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** The queue the package's worker must poll: `pkg.<workspaceId>.<name>`. */
  taskQueue: z.string(),
  /** False when this exact version was already registered with the same content (publishing is idempotent). */
  created: z.boolean(),
});
export type PublishStepPackageResponse = z.infer<typeof publishStepPackageResponseSchema>;

export const stepPackageViewSchema = z.object({
  name: z.string(),
  /** The current version: the last one published; its steps are what the palette offers. */
  version: z.string(),
  /** Every registered version, oldest first: flows pinned to their steps keep compiling. */
  versions: z.array(z.string()),
  taskQueue: z.string(),
  steps: z.array(z.object({ type: z.string(), version: z.number().int(), title: z.string() })),
  credentialTypes: z.array(z.string()),
  /** A worker polled the package's task queue within the last minute or so. */
  live: z.boolean(),
  publishedAt: z.string(),
});
export type StepPackageView = z.infer<typeof stepPackageViewSchema>;

/** `GET /api/step-packages`: the workspace's packages. */
export const stepPackageListResponseSchema = z.object({ items: z.array(stepPackageViewSchema) });
export type StepPackageListResponse = z.infer<typeof stepPackageListResponseSchema>;

export const migrateNodeResponseSchema = z.object({
  config: z.record(z.string(), z.unknown()),
});
export type MigrateNodeResponse = z.infer<typeof migrateNodeResponseSchema>;

/** A package worker asks the server for the values of the credential a node of a run uses in one slot. */
export const resolvePackageCredentialBody = z
  .object({
    workflowId: z.string().min(1).max(500),
    nodeId: z.string().min(1).max(200),
    slot: z.string().min(1).max(200),
  })
  .strict();
export type ResolvePackageCredentialBody = z.infer<typeof resolvePackageCredentialBody>;

/** The decrypted values: only ever sent to the package's worker, never logged. */
export const resolvePackageCredentialResponseSchema = z.object({
  values: z.record(z.string(), z.unknown()),
});
export type ResolvePackageCredentialResponse = z.infer<typeof resolvePackageCredentialResponseSchema>;
