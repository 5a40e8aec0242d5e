import { z } from 'zod';
import { nameText } from './text.ts';

/**
 * `POST /api/flows/import/n8n`: the body is an n8n workflow export as is, or `{ workflow, name? }` to name the new
 * flow (default: the n8n workflow's name).  The export itself is checked by `@pipewright/n8n-import`.
 */
export const n8nImportEnvelope = z
  .object({
    workflow: z.record(z.string(), z.unknown()),
    name: nameText(200).optional(),
  })
  .strict();

/** One node, connection or expression the import did not translate (or only approximately), and why. */
export const n8nImportProblemSchema = z.object({
  /** The n8n node's name. */
  node: z.string(),
  /** The n8n parameter path, e.g. `assignments.assignments.3.value`. */
  field: z.string().exactOptional(),
  problem: z.string(),
});
export type N8nImportProblem = z.infer<typeof n8nImportProblemSchema>;
