import {
  type AnyCredentialTypeDefinition,
  type AnyStepDefinition,
  type CredentialManifest,
  genericCredentialTypes,
  toCredentialManifest,
  validateJsonSchemaValues,
} from '@pipewright/step-sdk';

/** One issue of a credential's values: a path under the values and a message that never quotes a value. */
export interface CredentialValueIssue {
  path: string[];
  message: string;
}

/**
 * A credential type as the service uses it, whether built in (a zod definition, maybe with `test()`) or declared
 * by one of the workspace's step packages (a manifest: JSON Schema of the fields, secret fields, no `test()` — the
 * package's code never runs in the server).
 */
export interface CredentialType {
  type: string;
  version: number;
  title: string;
  secretFields: readonly string[];
  /** Values checked (unknown fields refused) with defaults applied. */
  parse(
    values: Record<string, unknown>,
  ): { success: true; data: Record<string, unknown> } | { success: false; issues: CredentialValueIssue[] };
  /** Built-in types only: the definition whose `test()` the "Test" button runs. */
  definition?: AnyCredentialTypeDefinition;
  /** Set for package types: the package declaring it. */
  packageName?: string;
}

/** A package's credential type manifest with the package that declares it. */
export interface PackageCredentialManifest extends CredentialManifest {
  packageName: string;
}

/** Where package credential types come from: StepPackagesService.credentialTypes. */
export type PackageCredentialTypesSource = (workspaceId: string) => Promise<PackageCredentialManifest[]>;

export interface WorkspaceCredentialTypes {
  manifests: CredentialManifest[];
  get(type: string): CredentialType | undefined;
}

/**
 * The credential types admins can create: the generic ones, every type a known step declares in a slot, and — per
 * workspace — the types the workspace's step packages declare.  A built-in type id always wins over a package's.
 */
export class CredentialTypeRegistry {
  readonly #builtin: Map<string, CredentialType>;
  readonly #builtinManifests: CredentialManifest[];
  readonly #packageTypes: PackageCredentialTypesSource | undefined;

  constructor(steps: readonly AnyStepDefinition[], packageTypes?: PackageCredentialTypesSource) {
    const byType = new Map<string, AnyCredentialTypeDefinition>();
    for (const definition of genericCredentialTypes) byType.set(definition.type, definition);
    for (const step of steps) {
      for (const definition of Object.values(step.credentials ?? {})) {
        const known = byType.get(definition.type);
        // Two packages declaring the same type id: the newer version describes the stored values.
        if (!known || known.version < definition.version) byType.set(definition.type, definition);
      }
    }
    this.#builtin = new Map([...byType.values()].map((definition) => [definition.type, fromDefinition(definition)]));
    this.#builtinManifests = [...byType.values()].map(toCredentialManifest);
    this.#packageTypes = packageTypes;
  }

  async forWorkspace(workspaceId: string): Promise<WorkspaceCredentialTypes> {
    const types = new Map(this.#builtin);
    const manifests = [...this.#builtinManifests];
    for (const manifest of this.#packageTypes ? await this.#packageTypes(workspaceId) : []) {
      if (types.has(manifest.type)) continue;
      const { packageName, ...view } = manifest;
      types.set(manifest.type, fromManifest(manifest));
      manifests.push({ ...view, testable: false });
    }
    manifests.sort((a, b) => a.title.localeCompare(b.title));
    return { manifests, get: (type) => types.get(type) };
  }
}

function fromDefinition(definition: AnyCredentialTypeDefinition): CredentialType {
  const known = new Set(Object.keys(definition.fields.shape));
  return {
    type: definition.type,
    version: definition.version,
    title: definition.title,
    secretFields: definition.secretFields,
    definition,
    parse(values) {
      const extra = Object.keys(values).filter((field) => !known.has(field));
      const parsed = definition.fields.safeParse(values);
      const issues: CredentialValueIssue[] = [
        ...extra.map((field) => ({ path: [field], message: `is not a field of ${definition.title} credentials` })),
        ...(parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }))),
      ];
      if (issues.length > 0 || !parsed.success) return { success: false, issues };
      return { success: true, data: parsed.data as Record<string, unknown> };
    },
  };
}

function fromManifest(manifest: PackageCredentialManifest): CredentialType {
  return {
    type: manifest.type,
    version: manifest.version,
    title: manifest.title,
    secretFields: manifest.secretFields,
    packageName: manifest.packageName,
    parse: (values) => validateJsonSchemaValues(manifest.fieldsSchema, values),
  };
}
