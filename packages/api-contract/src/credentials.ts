/**
 * Credentials: request bodies and response schemas.  No response ever carries a secret value: an admin enters
 * secrets once; afterwards the API shows names, types, timestamps and the non-secret fields only.
 */

import type { CredentialManifest } from '@pipewright/step-sdk';
import { z } from 'zod';
import { fieldUiHintSchema } from './catalog.ts';
import { nameText } from './text.ts';
import type { Equal } from './type-equal.ts';

const credentialName = nameText(120);
/** Field values; validated against the credential type's own schema by the server (errors name fields). */
const credentialValues = z.record(z.string(), z.unknown());

export const createCredentialBody = z
  .object({ name: credentialName, type: z.string().min(1).max(200), values: credentialValues })
  .strict();

/**
 * Rename and/or change values.  `values` is merged over the stored ones: a secret field left out keeps its value,
 * so an admin can change a host without re-typing the password.
 */
export const updateCredentialBody = z
  .object({ name: credentialName.optional(), values: credentialValues.optional() })
  .strict()
  .refine((body) => body.name !== undefined || body.values !== undefined, 'send a new name, new values, or both');

/** Replace the secret (e.g. a new API key): every secret field of the type must be sent. */
export const rotateCredentialBody = z.object({ values: credentialValues }).strict();

/**
 * PUT /api/credentials/:id/network (admins): which non-public networks HTTP requests of nodes using this credential
 * may reach.  `allowPrivate`: loopback, RFC 1918, link-local, in-cluster names (`*.svc.cluster.local`)…;
 * `allowMetadata`: cloud metadata (169.254.169.254, `metadata.google.internal`, `instance-data`…) and the Kubernetes
 * API server (`kubernetes.default.svc`), separately because they hand out cloud or cluster credentials; `allowedHosts`: only these host names (`*.corp.example`) —
 * without it, any host.  Public addresses are always reachable.
 */
export const credentialNetworkBody = z
  .object({
    allowPrivate: z.boolean(),
    allowMetadata: z.boolean().optional(),
    allowedHosts: z.array(z.string().min(1).max(253)).max(100).optional(),
  })
  .strict();

export type CredentialNetwork = z.infer<typeof credentialNetworkBody>;
export type CreateCredentialBody = z.infer<typeof createCredentialBody>;
export type UpdateCredentialBody = z.infer<typeof updateCredentialBody>;
export type RotateCredentialBody = z.infer<typeof rotateCredentialBody>;

/** GET /api/credentials items (builders and up). */
export const credentialSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type CredentialSummary = z.infer<typeof credentialSummarySchema>;

/** GET /api/credentials, by name. */
export const credentialSummariesResponseSchema = z.object({ items: z.array(credentialSummarySchema) });

/** GET /api/credentials/:id (admins): also the non-secret field values, to prefill the edit form. */
export const credentialDetailSchema = credentialSummarySchema.extend({
  publicValues: z.record(z.string(), z.unknown()),
  /** The secret fields that hold a value (shown as "••• saved"), never the value. */
  secretFieldsSet: z.array(z.string()),
  /** Set by an admin: the private networks requests using this credential may reach (absent: public only). */
  network: z.object(credentialNetworkBody.shape).exactOptional(),
});
export type CredentialDetail = z.infer<typeof credentialDetailSchema>;

/** POST /api/credentials/:id/test: the type's own check against the real service. */
export const credentialTestResultSchema = z.object({
  ok: z.boolean(),
  /** Why it failed, with every secret value of the credential replaced by `[redacted]`. */
  message: z.string().exactOptional(),
});
export type CredentialTestResult = z.infer<typeof credentialTestResultSchema>;

/** POST /api/credentials/:id/oauth2/start: where to send the browser to authorize the app. */
export const oauth2StartResponseSchema = z.object({ authorizeUrl: z.string() });

/** GET /api/credential-types items: from the credential declarations of the installed step packages. */
export const credentialTypeViewSchema = z.object({
  type: z.string(),
  version: z.number(),
  title: z.string(),
  description: z.string(),
  /** JSON Schema of the values (the form is generated from it). */
  fieldsSchema: z.record(z.string(), z.unknown()),
  secretFields: z.array(z.string()),
  ui: z.record(z.string(), fieldUiHintSchema),
  testable: z.boolean(),
});
export type CredentialTypeView = z.infer<typeof credentialTypeViewSchema>;
// The server answers the SDK's manifests as they are: the schema is pinned to their type.
const _sameAsManifest: Equal<CredentialTypeView, CredentialManifest> = true;

/** GET /api/credential-types, by title. */
export const credentialTypesResponseSchema = z.object({ items: z.array(credentialTypeViewSchema) });
