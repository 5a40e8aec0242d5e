import { alertChannelSchema, alertConditionSchema } from '@pipewright/api-contract';
import type { Collection, Db, Filter, UpdateFilter } from 'mongodb';
import { z } from 'zod';
import type { RuleState } from './alert-evaluation.ts';

const stateSchema = z.object({
  status: z.enum(['ok', 'firing']),
  version: z.number().int(),
  lastFiredAt: z.date().optional(),
  lastEvaluatedAt: z.date().optional(),
  checkedUntil: z.date().optional(),
  suppressed: z.number().int().optional(),
});

/**
 * One rule (`alert_rules`), with its evaluation state in the same document, written by `_id` after each evaluation
 * (the claim of a firing is the insert of its event, alert-events.repository.ts).  Condition and channels have fixed
 * keys (strict schemas): no user string becomes a field name.
 */
const ruleSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  flowId: z.string(),
  name: z.string(),
  condition: alertConditionSchema,
  channels: z.array(alertChannelSchema),
  cooldownMinutes: z.number().int(),
  enabled: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
  /** Since when the condition is watched (created, re-enabled or changed): earlier runs do not count. */
  activeSince: z.date(),
  state: stateSchema,
});
export type AlertRuleRecord = z.infer<typeof ruleSchema>;

/** What a builder may change (server-owned fields — state, ids, times — are never taken from a request). */
export type AlertRuleChanges = Partial<
  Pick<AlertRuleRecord, 'name' | 'condition' | 'channels' | 'cooldownMinutes' | 'enabled'>
>;

export class AlertRulesRepository {
  readonly #rules: Collection<AlertRuleRecord>;

  constructor(db: Db) {
    this.#rules = db.collection<AlertRuleRecord>('alert_rules');
  }

  async ensureIndexes(): Promise<void> {
    await this.#rules.createIndex({ workspaceId: 1, flowId: 1 }, { name: 'workspace_flow' });
  }

  async insert(record: AlertRuleRecord): Promise<void> {
    await this.#rules.insertOne(record);
  }

  countInWorkspace(workspaceId: string): Promise<number> {
    return this.#rules.countDocuments({ workspaceId });
  }

  async list(workspaceId: string, flowId: string | undefined): Promise<AlertRuleRecord[]> {
    const filter: Filter<AlertRuleRecord> = flowId === undefined ? { workspaceId } : { workspaceId, flowId };
    const found = await this.#rules.find(filter).sort({ createdAt: 1, _id: 1 }).toArray();
    return found.map((record) => ruleSchema.parse(record));
  }

  async get(workspaceId: string, id: string): Promise<AlertRuleRecord | null> {
    const found = await this.#rules.findOne({ _id: id, workspaceId });
    return found === null ? null : ruleSchema.parse(found);
  }

  /** Every enabled rule, of every workspace (the evaluator's round). */
  async listForEvaluation(): Promise<AlertRuleRecord[]> {
    const found = await this.#rules.find({ enabled: true }).toArray();
    return found.map((record) => ruleSchema.parse(record));
  }

  /**
   * Applies a builder's change.  `restart`: the condition changed or the rule was switched on — it starts afresh
   * (`ok`, watching from now); the version goes up, so an evaluation that read the old rule cannot claim a firing.
   */
  async update(
    workspaceId: string,
    id: string,
    changes: AlertRuleChanges,
    options: { now: Date; restart: boolean },
  ): Promise<AlertRuleRecord | null> {
    const update: UpdateFilter<AlertRuleRecord> = {
      $set: {
        ...changes,
        updatedAt: options.now,
        ...(options.restart ? { activeSince: options.now, 'state.status': 'ok', 'state.suppressed': 0 } : {}),
      },
      $inc: { 'state.version': 1 },
      ...(options.restart ? { $unset: { 'state.checkedUntil': '' } } : {}),
    };
    const updated = await this.#rules.findOneAndUpdate({ _id: id, workspaceId }, update, { returnDocument: 'after' });
    return updated === null ? null : ruleSchema.parse(updated);
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    return (await this.#rules.deleteOne({ _id: id, workspaceId })).deletedCount === 1;
  }

  /**
   * Writes the evaluation's next state unless the rule was written since it was read (`state.version`: an edit, or
   * another server's evaluation).  Atomic on MongoDB; FerretDB v1 may let two concurrent writes through, which is
   * why a firing is claimed by inserting its event instead.
   */
  async saveState(id: string, readVersion: number, state: RuleState): Promise<boolean> {
    const result = await this.#rules.updateOne(
      { _id: id, 'state.version': readVersion },
      { $set: { state: storedState(state) } },
    );
    return result.modifiedCount === 1;
  }
}

/** Absent fields stay absent: the driver would store an `undefined` as null. */
function storedState(state: RuleState): z.infer<typeof stateSchema> {
  return {
    status: state.status,
    version: state.version,
    ...(state.lastFiredAt === undefined ? {} : { lastFiredAt: state.lastFiredAt }),
    ...(state.lastEvaluatedAt === undefined ? {} : { lastEvaluatedAt: state.lastEvaluatedAt }),
    ...(state.checkedUntil === undefined ? {} : { checkedUntil: state.checkedUntil }),
    ...(state.suppressed === undefined ? {} : { suppressed: state.suppressed }),
  };
}
