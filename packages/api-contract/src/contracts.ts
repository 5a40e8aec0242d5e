import { z } from 'zod';

/** Most sample bodies one inference reads (`@pipewright/contracts` CONTRACT_LIMITS.maxSamples). */
export const MAX_INFER_SAMPLES = 50;

/**
 * `POST /flows/:id/contract/infer`: a JSON Schema inferred from `samples` when given, else from the bodies of the
 * flow's last `limit` webhook runs.
 */
export const inferContractBody = z
  .object({
    samples: z.array(z.unknown()).min(1).max(MAX_INFER_SAMPLES).optional(),
    limit: z.number().int().min(1).max(MAX_INFER_SAMPLES).default(20),
  })
  .strict();
export type InferContractBody = z.input<typeof inferContractBody>;

export interface InferContractResponse {
  schema: Record<string, unknown>;
  /** How many bodies the schema was inferred from. */
  sampleCount: number;
}

/** `GET /flows/:id/contract/violations?hours=24`: deliveries that broke the flow's contract in the window. */
export interface ContractViolationCounts {
  from: string;
  to: string;
  rejected: number;
  flagged: number;
}
