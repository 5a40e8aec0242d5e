import { flowDocumentSchema } from '@pipewright/flow';
import { z } from 'zod';
import { nameText } from './text.ts';

/** The `format` of a flow file (`GET /api/flows/:id/export`). */
export const FLOW_FILE_FORMAT = 'pipewright.flow';
/** The version of the file's layout; a file of another version is refused naming `formatVersion`. */
export const FLOW_FILE_VERSION = 1;

/**
 * A flow file: one flow's document, downloaded with `GET /api/flows/:id/export` and imported with
 * `POST /api/flows/import`.  It never holds a credential reference (`config.credentials` is removed from every node
 * and undo step) nor a secret; flow ids it names (`settings.errorFlowId`, a sub-flow's `flowId`) are kept.
 * `exportedAt`: when the exported document was last saved, so exporting an unchanged flow twice gives the same bytes.
 */
export const flowFileSchema = z
  .object({
    format: z.literal(FLOW_FILE_FORMAT),
    formatVersion: z.literal(FLOW_FILE_VERSION),
    name: nameText(200),
    exportedAt: z.string().max(100),
    /** The published version exported; absent: the draft. */
    version: z.number().int().min(1).optional(),
    document: flowDocumentSchema,
  })
  .strict();

/** `POST /api/flows/import`: the file as is, or `{ file, name? }` to name the new flow (default: the file's name). */
export const flowImportEnvelope = z
  .object({
    file: z.record(z.string(), z.unknown()),
    name: nameText(200).optional(),
  })
  .strict();

/** The flow file as `GET /api/flows/:id/export` writes it (the same schema the import checks it with). */
export type FlowFile = z.infer<typeof flowFileSchema>;

/** Something of the imported flow a builder has to look at: a credential to pick, a flow it names that is missing. */
export const flowImportProblemSchema = z.object({
  /** The node's id (absent: a flow setting). */
  node: z.string().exactOptional(),
  /** The field, e.g. `credentials.auth` or `settings.errorFlowId`. */
  field: z.string().exactOptional(),
  problem: z.string(),
});
export type FlowImportProblem = z.infer<typeof flowImportProblemSchema>;
