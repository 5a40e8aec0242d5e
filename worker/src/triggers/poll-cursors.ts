import type { Collection, Db } from 'mongodb';
import { POLL_CURSORS_COLLECTION, type PollCommit } from './contract.ts';

/** How many item ids a flow remembers for dedupe (older ids are forgotten; their runs' ids still dedupe). */
export const SEEN_LIMIT = 1000;

interface CursorDoc {
  _id: string;
  workspaceId: string;
  /** JSON text: the cursor is step-defined data and may hold keys MongoDB cannot store (DESIGN §8). */
  cursorJson: string;
  seen: string[];
  version: number;
}

/** A claim of version `n` of a flow's cursor, `_id` = `<flowId>:<n>`; it holds the new state (roll-forward). */
interface ClaimDoc {
  _id: string;
  flowId: string;
  workspaceId: string;
  version: number;
  cursorJson: string;
  seen: string[];
}

export interface PollCursorState {
  version: number;
  cursor: unknown;
  seen: Set<string>;
}

/**
 * The cursor and seen ids of each polling flow.  FerretDB v1 does not apply a version-filtered update atomically
 * under concurrency, so a commit first claims `<flowId>:<version + 1>` with a unique insert (the claim holds the new
 * state), then applies it; a reader that finds an unapplied claim rolls it forward, so a crash between the two
 * never wedges the flow.
 */
export class PollCursors {
  readonly #cursors: Collection<CursorDoc>;
  readonly #claims: Collection<ClaimDoc>;

  constructor(db: Db) {
    this.#cursors = db.collection<CursorDoc>(POLL_CURSORS_COLLECTION);
    this.#claims = db.collection<ClaimDoc>(`${POLL_CURSORS_COLLECTION}_claims`);
  }

  async read(flowId: string): Promise<PollCursorState> {
    for (;;) {
      const doc = await this.#cursors.findOne({ _id: flowId });
      const version = doc?.version ?? 0;
      const claim = await this.#claims.findOne({ _id: `${flowId}:${version + 1}` });
      if (!claim) {
        return {
          version,
          cursor: doc ? (JSON.parse(doc.cursorJson) as unknown) : undefined,
          seen: new Set(doc?.seen ?? []),
        };
      }
      await this.#apply(claim);
    }
  }

  /** False when another commit claimed this version first (its state wins; our runs are deduped by id anyway). */
  async commit(commit: PollCommit): Promise<boolean> {
    const current = await this.read(commit.flowId);
    if (current.version !== commit.version) return false;
    const seen = [...current.seen, ...commit.newIds.filter((id) => !current.seen.has(id))].slice(-SEEN_LIMIT);
    const claim: ClaimDoc = {
      _id: `${commit.flowId}:${commit.version + 1}`,
      flowId: commit.flowId,
      workspaceId: commit.workspaceId,
      version: commit.version + 1,
      cursorJson: commit.cursorJson,
      seen,
    };
    try {
      await this.#claims.insertOne(claim);
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    await this.#apply(claim);
    return true;
  }

  async delete(flowId: string): Promise<void> {
    await this.#cursors.deleteOne({ _id: flowId });
    await this.#claims.deleteMany({ flowId });
  }

  async #apply(claim: ClaimDoc): Promise<void> {
    const { workspaceId } = claim;
    await this.#cursors.updateOne(
      { _id: claim.flowId, version: { $lt: claim.version } },
      { $set: { cursorJson: claim.cursorJson, seen: claim.seen, version: claim.version, workspaceId } },
    );
    const applied = await this.#cursors.findOne({ _id: claim.flowId });
    if (!applied) {
      try {
        await this.#cursors.insertOne({
          _id: claim.flowId,
          workspaceId,
          cursorJson: claim.cursorJson,
          seen: claim.seen,
          version: claim.version,
        });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    // Older claims are history now.
    await this.#claims.deleteMany({ flowId: claim.flowId, version: { $lt: claim.version } });
  }
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 11000;
}
