import { z } from 'zod';
import type { CredentialsPort, HttpPort } from './ports.ts';
import { StepError } from './step-error.ts';
import type { FieldUiHint } from './ui-hints.ts';

/** What a credential's `test()` ("Test connection" button) receives: ports only, like a step's `ctx`. */
export interface CredentialTestContext {
  signal: AbortSignal;
  http: HttpPort;
}

export interface CredentialTypeDefinition<Fields extends z.ZodObject = z.ZodObject> {
  /** Stable id, never renamed, e.g. `postgres`, `apiKey`, `chat.webhook`. */
  type: string;
  version: number;
  title: string;
  description: string;
  /** The values an admin enters; validated when saved and again when a step reads them. */
  fields: Fields;
  /** Fields that are encrypted at rest, never sent back to the browser, and scrubbed from step outputs and errors. */
  secretFields: (keyof z.infer<Fields> & string)[];
  ui?: Partial<Record<keyof z.infer<Fields> & string, FieldUiHint>>;
  /**
   * Checks the values against the real service (the "Test connection" button).  Resolves when they work; throws a
   * `StepError` whose message says what to fix (and never contains a secret) when they do not.
   */
  test?(values: z.infer<Fields>, ctx: CredentialTestContext): Promise<void>;
}

/** Any credential type, for step definitions and registries (`test` uses method syntax, so concrete types fit). */
export type AnyCredentialTypeDefinition = CredentialTypeDefinition<z.ZodObject>;

/** JSON description of a credential type: what the server serves and the credentials form is built from. */
export interface CredentialManifest {
  type: string;
  version: number;
  title: string;
  description: string;
  fieldsSchema: Record<string, unknown>;
  secretFields: string[];
  ui: Record<string, FieldUiHint>;
  /** Whether the type has a `test()`, i.e. whether to show a "Test connection" button. */
  testable: boolean;
}

/**
 * Declares a credential type.  Step types name the credential types they need in `credentials: { slot: type }`.
 *
 * @example
 * export const todoApiCredential = defineCredential({
 *   type: 'todoApi', version: 1, title: 'Todo API key', description: 'A personal API key',
 *   fields: z.object({ apiKey: z.string().min(1) }),
 *   secretFields: ['apiKey'],
 * });
 */
export function defineCredential<Fields extends z.ZodObject>(
  definition: CredentialTypeDefinition<Fields>,
): CredentialTypeDefinition<Fields> {
  if (!/^[a-z][a-zA-Z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*)*$/.test(definition.type)) {
    throw new Error(`credential type "${definition.type}" must look like "postgres" or "<package>.<name>"`);
  }
  if (!Number.isInteger(definition.version) || definition.version < 1) {
    throw new Error(`credential type "${definition.type}": version must be a positive integer`);
  }
  const fieldNames = Object.keys(definition.fields.shape);
  for (const secret of definition.secretFields) {
    if (!fieldNames.includes(secret)) {
      throw new Error(`credential type "${definition.type}": secret field "${secret}" is not one of its fields`);
    }
  }
  return definition;
}

export function toCredentialManifest(definition: AnyCredentialTypeDefinition): CredentialManifest {
  return {
    type: definition.type,
    version: definition.version,
    title: definition.title,
    description: definition.description,
    fieldsSchema: z.toJSONSchema(definition.fields, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    secretFields: [...definition.secretFields],
    ui: { ...(definition.ui ?? {}) } as Record<string, FieldUiHint>,
    testable: typeof definition.test === 'function',
  };
}

/** The secret values among a credential's values, as strings: what `scrubSecrets` should hide. */
export function secretValuesOf(definition: AnyCredentialTypeDefinition, values: Record<string, unknown>): string[] {
  const secrets: string[] = [];
  for (const field of definition.secretFields) {
    const value = values[field];
    if (typeof value === 'string' && value !== '') secrets.push(value);
    else if (typeof value === 'number' || typeof value === 'bigint') secrets.push(String(value));
  }
  return secrets;
}

/**
 * Reads a credential slot and validates it with the credential type's fields (defaults applied), so a step gets
 * typed values.  Invalid values fail the step without retry, naming the fields (never their values).
 *
 * @example
 * const db = await readCredential(ctx.credentials, 'db', postgresCredential);
 */
export async function readCredential<Fields extends z.ZodObject>(
  credentials: CredentialsPort,
  slot: string,
  definition: CredentialTypeDefinition<Fields>,
): Promise<z.infer<Fields>> {
  const values = await credentials.get(slot);
  const parsed = definition.fields.safeParse(values);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))];
  throw new StepError(`credential "${slot}" (${definition.title}) is invalid: check ${fields.join(', ')}`, {
    retryable: false,
    details: { slot, credentialType: definition.type, fields },
  });
}
