/**
 * What a step needs at run time, for every worker that runs steps — the core worker and package workers alike: the
 * `runStep` and `evaluateNode` activities, credential resolution (and OAuth2 refresh), the SSRF-guarded HTTP port,
 * large values by reference, per-connector rate limits.  Workers wire these to Temporal; nothing here starts one.
 */

export { createGuardedHttpPort, type HttpPortOptions } from './activities/http-port.ts';
export { type EvaluateLoopChunkFn, evaluateLoopChunk } from './activities/loop-chunk.ts';
export {
  createStepActivities,
  type EvaluateNodeFn,
  formatZodIssues,
  type RunStepFn,
  type StepActivitiesOptions,
  type StepAttemptReport,
  type StepHttpOptions,
  type StepMetrics,
} from './activities/run-step.ts';
export { connectStepDeps, type StepDeps, type StepDepsOptions } from './activities/step-deps.ts';
export { type BlobStore, createGridFsBlobStore } from './blobs/blob-store.ts';
export {
  auditCredentialUse,
  type CredentialResolver,
  createMongoCredentialResolver,
} from './credentials/credential-resolver.ts';
export { createStepCredentials, takeCredentialRefs } from './credentials/step-credentials.ts';
export { createRateLimiter, parseRateLimits, type RateLimiter } from './limits/rate-limiter.ts';
export { createWorkspaceRateLimits } from './limits/workspace-rate-limits.ts';
export { classifyAddress } from './net/address-policy.ts';
/** `PIPEWRIGHT_HTTP_MAX_RESPONSE_BYTES`, read the same way by the core worker and package workers. */
export {
  type GuardedRequest,
  guardedRequest,
  parseMaxResponseBytes,
  type RequestNetworkPolicy,
  type ResolveHost,
} from './net/guarded-request.ts';
export { classifyHostName } from './net/host-names.ts';
export { createMongoStepPauses, type StepPauses } from './pauses/step-pauses.ts';
export { createWaitWhilePaused, type WaitWhilePausedFn } from './pauses/wait-while-paused.ts';
