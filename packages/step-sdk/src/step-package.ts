import {
  type AnyCredentialTypeDefinition,
  type CredentialManifest,
  toCredentialManifest,
} from './define-credential.ts';
import type { AnyStepDefinition } from './define-step.ts';
import { type StepManifest, toManifest } from './manifest.ts';

/** What a step package's entry module exports by default: its steps and the credential types they use. */
export interface StepPackageDefinition {
  steps: AnyStepDefinition[];
  /** Credential types to register even when no step names them yet; those named in step slots are added anyway. */
  credentialTypes?: AnyCredentialTypeDefinition[];
}

/**
 * What a developer publishes: every step's manifest (JSON Schemas, UI hints, credential slots, version), the
 * credential types, and the package's name and version.  A published package version is immutable.
 */
export interface StepPackageManifest {
  name: string;
  version: string;
  steps: StepManifest[];
  credentialTypes: CredentialManifest[];
}

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
const PACKAGE_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * Declares a step package: the default export of its entry module (`src/index.ts`).  The package's name and version
 * come from its package.json when the `pipewright-step` CLI builds the manifest.
 *
 * @example
 * export default defineStepPackage({ steps: [greetStep], credentialTypes: [greeterApiCredential] });
 */
export function defineStepPackage(definition: StepPackageDefinition): StepPackageDefinition {
  if (definition.steps.length === 0) throw new Error('a step package needs at least one step');
  const seen = new Set<string>();
  for (const step of definition.steps) {
    const key = `${step.type}@${step.version}`;
    if (seen.has(key)) throw new Error(`step "${step.type}" v${step.version} is declared twice in this package`);
    seen.add(key);
  }
  return definition;
}

/** The package's manifest, as the server registers it (`POST /api/step-packages`). */
export function toPackageManifest(
  definition: StepPackageDefinition,
  identity: { name: string; version: string },
): StepPackageManifest {
  if (!PACKAGE_NAME.test(identity.name)) {
    throw new Error(`package name "${identity.name}" must be an npm package name, e.g. "my-steps" or "@acme/steps"`);
  }
  if (!PACKAGE_VERSION.test(identity.version)) {
    throw new Error(`package version "${identity.version}" must be a semantic version, e.g. "1.2.0"`);
  }
  const credentialTypes = new Map<string, AnyCredentialTypeDefinition>();
  for (const credential of definition.credentialTypes ?? []) credentialTypes.set(credential.type, credential);
  for (const step of definition.steps) {
    for (const credential of Object.values(step.credentials ?? {})) credentialTypes.set(credential.type, credential);
  }
  return {
    name: identity.name,
    version: identity.version,
    steps: definition.steps.map(toManifest),
    credentialTypes: [...credentialTypes.values()].map(toCredentialManifest),
  };
}

/**
 * Upgrades a node's config from `fromVersion` of a step to the step's own version with its `migrate`.  Throws, with
 * a message a builder can act on, when the step cannot do it.
 *
 * @example
 * const config = migrateStepConfig(greetV2, { to: 'Ada' }, 1); // { recipient: 'Ada' }
 */
export function migrateStepConfig(
  step: AnyStepDefinition,
  config: Record<string, unknown>,
  fromVersion: number,
): Record<string, unknown> {
  if (fromVersion === step.version) return config;
  if (!Number.isInteger(fromVersion) || fromVersion < 1 || fromVersion > step.version) {
    throw new Error(`step "${step.type}" is at version ${step.version}: it cannot migrate from version ${fromVersion}`);
  }
  if (!step.migrate) {
    throw new Error(
      `step "${step.type}" v${step.version} has no migrate, so nodes of version ${fromVersion} cannot be upgraded`,
    );
  }
  const migrated: unknown = step.migrate(structuredClone(config), fromVersion);
  if (typeof migrated !== 'object' || migrated === null || Array.isArray(migrated)) {
    throw new Error(`step "${step.type}": migrate must return the new config object`);
  }
  // `undefined` marks a removed field; JSON (the node's config) has no such value.
  return Object.fromEntries(Object.entries(migrated).filter(([, value]) => value !== undefined));
}
