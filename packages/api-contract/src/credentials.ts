/**
 * Credentials: request bodies and response types.  No response ever carries a secret value: an admin enters
 * secrets once; afterwards the API shows names, types, timestamps and the non-secret fields only.
 */

import { z } from 'zod';
import { nameText } from './text.ts';

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
export interface CredentialSummary {
  id: string;
  name: string;
  type: string;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
}

/** GET /api/credentials/:id (admins): also the non-secret field values, to prefill the edit form. */
export interface CredentialDetail extends CredentialSummary {
  publicValues: Record<string, unknown>;
  /** The secret fields that hold a value (shown as "••• saved"), never the value. */
  secretFieldsSet: string[];
  /** Set by an admin: the private networks requests using this credential may reach (absent: public only). */
  network?: CredentialNetwork;
}

/** POST /api/credentials/:id/test: the type's own check against the real service. */
export interface CredentialTestResult {
  ok: boolean;
  /** Why it failed, with every secret value of the credential replaced by `[redacted]`. */
  message?: string;
}

/** GET /api/credential-types items: from the credential declarations of the installed step packages. */
export interface CredentialTypeView {
  type: string;
  version: number;
  title: string;
  description: string;
  /** JSON Schema of the values (the form is generated from it). */
  fieldsSchema: Record<string, unknown>;
  secretFields: string[];
  ui: Record<string, { label?: string; help?: string; placeholder?: string; widget?: string; order?: number }>;
  testable: boolean;
}
