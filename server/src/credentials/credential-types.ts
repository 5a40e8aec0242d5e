import {
  type AnyCredentialTypeDefinition,
  type AnyStepDefinition,
  type CredentialManifest,
  genericCredentialTypes,
  toCredentialManifest,
} from '@pipewright/step-sdk';

/** The credential types admins can create: the generic ones plus every type a known step declares in a slot. */
export class CredentialTypeRegistry {
  readonly manifests: CredentialManifest[];
  readonly #byType: Map<string, AnyCredentialTypeDefinition>;

  constructor(steps: readonly AnyStepDefinition[]) {
    this.#byType = new Map();
    for (const definition of genericCredentialTypes) this.#byType.set(definition.type, definition);
    for (const step of steps) {
      for (const definition of Object.values(step.credentials ?? {})) {
        const known = this.#byType.get(definition.type);
        // Two packages declaring the same type id: the newer version describes the stored values.
        if (!known || known.version < definition.version) this.#byType.set(definition.type, definition);
      }
    }
    this.manifests = [...this.#byType.values()]
      .map(toCredentialManifest)
      .sort((a, b) => a.title.localeCompare(b.title));
  }

  get(type: string): AnyCredentialTypeDefinition | undefined {
    return this.#byType.get(type);
  }
}
