import { createHash } from 'node:crypto';
import { builtinStepDefinitions } from '@pipewright/builtin-steps';
import { type CatalogLookup, type CompileError, canonicalJson, compileFlow } from '@pipewright/compiler';
import type { FlowDocument } from '@pipewright/flow';
import type { ExecutionPlan } from '@pipewright/run-contract';
import { type AnyStepDefinition, type StepManifest, toManifest } from '@pipewright/step-sdk';
import type { PackageCatalog } from '../step-packages/step-packages.service.ts';
import { checkNodeConfigs } from './config-check.ts';

export type CompileOutcome = { ok: true; plan: ExecutionPlan } | { ok: false; errors: CompileError[] };

/** Where the catalog finds the workspace's published step packages (StepPackagesService). */
export interface PackageCatalogSource {
  catalog(workspaceId: string, options: { live: boolean }): Promise<PackageCatalog>;
}

/**
 * The step catalog the server serves to the editor and compiles against: the built-in steps plus the steps of the
 * workspace's published packages (each on its package's task queue, older versions kept for pinned nodes).
 */
export class CatalogService {
  /** The built-in steps (the same in every workspace). */
  readonly manifests: StepManifest[];
  readonly #builtins: Map<string, StepManifest>;
  readonly #definitions: Map<string, AnyStepDefinition>;
  readonly #defaultTaskQueue: string;
  readonly #packages: PackageCatalogSource | undefined;

  constructor(input: { steps?: AnyStepDefinition[]; defaultTaskQueue: string; packages?: PackageCatalogSource }) {
    const steps = input.steps ?? builtinStepDefinitions;
    this.manifests = steps.map(toManifest);
    this.#definitions = new Map(steps.map((step) => [step.type, step]));
    this.#builtins = new Map(this.manifests.map((manifest) => [manifest.type, manifest]));
    this.#defaultTaskQueue = input.defaultTaskQueue;
    this.#packages = input.packages;
  }

  /** What the palette offers in a workspace: built-ins, then each package's current steps with live status. */
  async forWorkspace(workspaceId: string): Promise<StepManifest[]> {
    const packages = await this.#packages?.catalog(workspaceId, { live: true });
    return [...this.manifests, ...(packages?.current ?? [])];
  }

  /**
   * One version of a step type, as a node pinned to it needs it (the inspector draws that version's form): the
   * built-in step when its version matches, else that version from the workspace's published packages (newest
   * package version holding it first).  Undefined when no such version is registered here.
   */
  async stepVersion(workspaceId: string, type: string, version: number): Promise<StepManifest | undefined> {
    const builtin = this.#builtins.get(type);
    if (builtin) return builtin.version === version ? builtin : undefined;
    const packages = await this.#packages?.catalog(workspaceId, { live: false });
    return packages?.all.find((entry) => entry.type === type && entry.version === version);
  }

  /** Looks a type up for the compiler: built-ins, then the node's pinned package version, then the current one. */
  async lookupFor(workspaceId: string): Promise<CatalogLookup> {
    const packages = await this.#packages?.catalog(workspaceId, { live: false });
    const current = new Map((packages?.current ?? []).map((manifest) => [manifest.type, manifest]));
    const all = packages?.all ?? [];
    return {
      get: (type, version) =>
        this.#builtins.get(type) ??
        (version === undefined ? undefined : all.find((entry) => entry.type === type && entry.version === version)) ??
        current.get(type),
    };
  }

  /** Every node's config checked against its built-in step's own schema, as the worker will (publish only). */
  checkConfigs(document: FlowDocument): CompileError[] {
    return checkNodeConfigs(document, this.#definitions);
  }

  /** Compiles a document into a hashed plan: hash = sha256 hex of the canonical plan with an empty hash. */
  async compile(
    document: unknown,
    target: { flowId: string; version: number; workspaceId: string },
  ): Promise<CompileOutcome> {
    const lookup = await this.lookupFor(target.workspaceId);
    const result = compileFlow(document, lookup, {
      flowId: target.flowId,
      version: target.version,
      defaultTaskQueue: this.#defaultTaskQueue,
    });
    if (!result.ok) return result;
    const unhashed: ExecutionPlan = { ...result.plan, version: target.version, hash: '' };
    const hash = createHash('sha256').update(canonicalJson(unhashed)).digest('hex');
    return { ok: true, plan: { ...unhashed, hash } };
  }
}
