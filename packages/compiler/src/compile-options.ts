import type { PlanRetryPolicy } from '@pipewright/run-contract';
import type { StepManifest } from '@pipewright/step-sdk';

/**
 * The step catalog as the compiler sees it.  `get(type)` is the current version; `get(type, version)` may answer an
 * older version a node is pinned to (published step packages keep them), or the current one.
 */
export interface CatalogLookup {
  get(type: string, version?: number): StepManifest | undefined;
}

export interface CompileOptions {
  flowId: string;
  /** Published version number; 0 for a draft run. */
  version: number;
  defaultTaskQueue: string;
  defaults?: { retry?: Partial<PlanRetryPolicy>; timeoutMs?: number };
}
