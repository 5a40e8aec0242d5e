import { createHash } from 'node:crypto';
import {
  type CatalogLookup,
  type CompileError,
  canonicalJson,
  compileFlow,
  type ExecutionPlan,
} from '@pipewright/compiler';
import { type AnyStepDefinition, type StepManifest, toManifest } from '@pipewright/step-sdk';
import { builtinSteps } from '@pipewright/steps-core';

export type CompileOutcome = { ok: true; plan: ExecutionPlan } | { ok: false; errors: CompileError[] };

/** The step catalog the server serves to the editor and compiles against. */
export class CatalogService {
  readonly manifests: StepManifest[];
  readonly #lookup: CatalogLookup;
  readonly #defaultTaskQueue: string;

  constructor(input: { steps?: AnyStepDefinition[]; defaultTaskQueue: string }) {
    this.manifests = (input.steps ?? builtinSteps).map(toManifest);
    const byType = new Map(this.manifests.map((manifest) => [manifest.type, manifest]));
    this.#lookup = { get: (type) => byType.get(type) };
    this.#defaultTaskQueue = input.defaultTaskQueue;
  }

  /** Compiles a document into a hashed plan: hash = sha256 hex of the canonical plan with an empty hash. */
  compile(document: unknown, target: { flowId: string; version: number }): CompileOutcome {
    const result = compileFlow(document, this.#lookup, { ...target, defaultTaskQueue: this.#defaultTaskQueue });
    if (!result.ok) return result;
    const unhashed: ExecutionPlan = { ...result.plan, version: target.version, hash: '' };
    const hash = createHash('sha256').update(canonicalJson(unhashed)).digest('hex');
    return { ok: true, plan: { ...unhashed, hash } };
  }
}
