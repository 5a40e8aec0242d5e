import { type Collection, type Db, MongoServerError } from 'mongodb';
import { z } from 'zod';

/** The runs index: what Temporal does not know about a run (its flow's name, the draft it ran). */
const runRecordSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  flowId: z.string(),
  flowName: z.string(),
  version: z.number().int(),
  trigger: z.enum(['webhook', 'manual', 'schedule', 'poll', 'message', 'error']),
  startedAt: z.date(),
  /** Only for draft runs (version 0): the document that was compiled. */
  documentJson: z.string().optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

const DUPLICATE_KEY = 11000;

export class RunsRepository {
  readonly #runs: Collection<RunRecord>;

  constructor(db: Db) {
    this.#runs = db.collection<RunRecord>('runs');
  }

  async ensureIndexes(): Promise<void> {
    await this.#runs.createIndex({ workspaceId: 1, startedAt: -1 }, { name: 'workspace_startedAt' });
    await this.#runs.createIndex({ workspaceId: 1, flowId: 1, startedAt: -1 }, { name: 'workspace_flow_startedAt' });
  }

  /** Idempotent: a run is recorded once (a duplicate webhook delivery, a scheduled run seen twice); false if it was. */
  async insert(record: RunRecord): Promise<boolean> {
    try {
      await this.#runs.insertOne(record);
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  async findById(workspaceId: string, id: string): Promise<RunRecord | null> {
    const found = await this.#runs.findOne({ _id: id, workspaceId });
    return found === null ? null : runRecordSchema.parse(found);
  }

  async list(workspaceId: string, filter: { flowId?: string; limit: number }): Promise<RunRecord[]> {
    const query = filter.flowId === undefined ? { workspaceId } : { workspaceId, flowId: filter.flowId };
    const found = await this.#runs
      .find(query, { projection: { documentJson: 0 } })
      .sort({ startedAt: -1, _id: 1 })
      .limit(filter.limit)
      .toArray();
    return found.map((item) => runRecordSchema.parse(item));
  }
}
