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

export const inferContractResponseSchema = z.object({
  /** The inferred JSON Schema. */
  schema: z.record(z.string(), z.unknown()),
  /** How many bodies the schema was inferred from. */
  sampleCount: z.number(),
});
export type InferContractResponse = z.infer<typeof inferContractResponseSchema>;

/** `GET /flows/:id/contract/violations?hours=24`: deliveries that broke the flow's contract in the window. */
export const contractViolationCountsSchema = z.object({
  from: z.string(),
  to: z.string(),
  rejected: z.number(),
  flagged: z.number(),
});
export type ContractViolationCounts = z.infer<typeof contractViolationCountsSchema>;
