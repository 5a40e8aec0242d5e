import { createHash } from 'node:crypto';
import type {
  CompileErrorView,
  CreateFlowBody,
  FlowDetail,
  FlowPauseView,
  FlowSummary,
  FlowVersionDetail,
  FlowVersionSummary,
  UpdateFlowBody,
} from '@pipewright/api-contract';
import { type CompileError, canonicalJson } from '@pipewright/compiler';
import {
  emptyFlowDocument,
  type FlowDocument,
  flowDocumentSchema,
  type PinnedDataLimits,
  pinnedDataProblems,
  withoutPinnedData,
} from '@pipewright/flow';
import type { ExecutionPlan } from '@pipewright/run-contract';
import { parsePlan } from '@pipewright/run-contract/schema';
import type { CatalogService } from '../catalog/catalog.service.ts';
import { ApiError, notFound } from '../errors.ts';
import { newFlowId, newWebhookSecret, newWebhookToken } from '../ids.ts';
import { webhookSecretHint } from '../webhook-verify.ts';
import type {
  FlowVersionRecord,
  FlowVersionSummaryRecord,
  FlowVersionsRepository,
} from './flow-versions.repository.ts';
import type { DraftChanges, FlowPause, FlowRecord, FlowSummaryRecord, FlowsRepository } from './flows.repository.ts';
import { embedSubflows } from './subflow-embedding.ts';

/**
 * What must happen around a publish besides storing the version (schedules live in Temporal): `check` may refuse
 * the compiled plan with located errors before anything is stored; `afterPublish` syncs triggers once it is live.
 * Rollback publishes through `publishDocument` too, so it gets both.
 */
export interface PublishHooks {
  check(plan: ExecutionPlan): CompileError[];
  afterPublish(workspaceId: string, flowId: string, version: number): Promise<void>;
  /** A deleted flow's schedule must stop firing (its plan travels inside the schedule). */
  afterDelete(flowId: string): Promise<void>;
}

/** Flow drafts and their published versions, scoped to one workspace per call. */
export class FlowsService {
  readonly #flows: FlowsRepository;
  readonly #versions: FlowVersionsRepository;
  readonly #catalog: CatalogService;
  readonly #pinnedDataLimits: PinnedDataLimits;
  #publishHooks: PublishHooks | undefined;

  constructor(deps: {
    flows: FlowsRepository;
    versions: FlowVersionsRepository;
    catalog: CatalogService;
    /** How much sample data a draft may pin (config.ts, `PIPEWRIGHT_MAX_PINNED_BYTES_PER_*`). */
    pinnedDataLimits: PinnedDataLimits;
  }) {
    this.#flows = deps.flows;
    this.#versions = deps.versions;
    this.#catalog = deps.catalog;
    this.#pinnedDataLimits = deps.pinnedDataLimits;
  }

  /** Set once at wiring time (the schedules service needs this service, so it cannot be a constructor dep). */
  setPublishHooks(hooks: PublishHooks): void {
    this.#publishHooks = hooks;
  }

  async list(workspaceId: string): Promise<FlowSummary[]> {
    const records = await this.#flows.list(workspaceId);
    return records.map(toSummary);
  }

  async create(workspaceId: string, body: CreateFlowBody): Promise<FlowDetail> {
    const document = body.document ?? emptyFlowDocument();
    this.#refuseOversizedPins(document);
    const now = new Date();
    const record: FlowRecord = {
      _id: newFlowId(),
      workspaceId,
      name: body.name,
      documentJson: JSON.stringify(document),
      nodeCount: document.nodes.length,
      revision: 0,
      latestVersion: null,
      webhookToken: newWebhookToken(),
      webhookSecret: newWebhookSecret(),
      createdAt: now,
      updatedAt: now,
    };
    await this.#flows.insert(record);
    return this.#toDetail(record);
  }

  async get(workspaceId: string, id: string): Promise<FlowDetail> {
    return this.#toDetail(await this.getRecord(workspaceId, id));
  }

  /**
   * Pinned sample data over a limit is refused before anything is stored: 413, naming the node (and the field
   * `document.pinnedData.<node>`) and the limit, so the editor can say why the pin was not saved.
   */
  #refuseOversizedPins(document: FlowDocument): void {
    const problems = pinnedDataProblems(document, this.#pinnedDataLimits);
    const first = problems[0];
    if (!first) return;
    throw new ApiError(413, 'pinned_data_too_large', first.message, {
      issues: problems.map((problem) => ({
        path: problem.scope === 'node' ? `document.pinnedData.${problem.nodeId}` : 'document.pinnedData',
        message: problem.message,
      })),
    });
  }

  #toDetail(record: FlowRecord): FlowDetail {
    return { ...toDetail(record), pinnedDataLimits: this.#pinnedDataLimits };
  }

  async getRecord(workspaceId: string, id: string): Promise<FlowRecord> {
    const record = await this.#flows.findById(workspaceId, id);
    if (!record) throw notFound('Flow', id);
    return record;
  }

  async update(workspaceId: string, id: string, body: UpdateFlowBody): Promise<FlowDetail> {
    const changes: DraftChanges = {};
    if (body.name !== undefined) changes.name = body.name;
    if (body.document !== undefined) {
      this.#refuseOversizedPins(body.document);
      changes.documentJson = JSON.stringify(body.document);
      changes.nodeCount = body.document.nodes.length;
    }
    const saved = await this.#flows.updateDraft({ workspaceId, id, revision: body.revision, changes, now: new Date() });
    if (saved) return this.#toDetail(saved);
    const current = await this.getRecord(workspaceId, id);
    throw new ApiError(
      409,
      'stale_revision',
      `This flow was changed since you loaded it (revision ${current.revision}); reload to get the latest`,
    );
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    const deleted = await this.#flows.delete(workspaceId, id);
    if (!deleted) throw notFound('Flow', id);
    await this.#versions.deleteForFlow(workspaceId, id);
    await this.#publishHooks?.afterDelete(id);
  }

  /** Compiles the current draft into the next version; the unique (flow, version) index guards concurrent publishes. */
  async publish(workspaceId: string, id: string): Promise<FlowVersionSummary> {
    const flow = await this.getRecord(workspaceId, id);
    return this.publishDocument(flow, flow.documentJson);
  }

  /**
   * Publishes the draft as a new version that runs `percent` % of new runs beside the current one (docs/adr/017).
   * Schedules and triggers the worker runs keep the current version until the rollout is promoted.
   */
  async publishRollout(
    workspaceId: string,
    id: string,
    rollout: { percent: number; startedBy: string },
  ): Promise<FlowVersionSummary> {
    const flow = await this.getRecord(workspaceId, id);
    const current = flow.latestVersion;
    if (current === null) {
      throw new ApiError(
        409,
        'not_published',
        `Flow "${flow.name}" has no published version to roll out beside; publish it first`,
      );
    }
    return this.publishDocument(flow, flow.documentJson, async (version) => {
      const started = await this.#flows.startRollout({
        workspaceId,
        id,
        current,
        rollout: { version, percent: rollout.percent, startedAt: new Date(), startedBy: rollout.startedBy },
      });
      return started;
    });
  }

  /** Ends the flow's rollout: `promote` makes its version the flow's; otherwise it runs no more. */
  async endRollout(workspaceId: string, id: string, promote: boolean): Promise<FlowVersionSummary> {
    const flow = await this.getRecord(workspaceId, id);
    const rollout = flow.rollout;
    if (!rollout) throw new ApiError(409, 'no_rollout', `Flow "${flow.name}" has no rollout in progress`);
    const ended = await this.#flows.endRollout({ workspaceId, id, version: rollout.version, promote });
    if (!ended) throw new ApiError(409, 'no_rollout', `The rollout of version ${rollout.version} has just ended`);
    if (promote) await this.#publishHooks?.afterPublish(workspaceId, id, rollout.version);
    return toVersionSummary(await this.getVersionRecord(workspaceId, id, rollout.version));
  }

  /**
   * Compiles `documentJson` (the draft, or an old version's document on rollback) into the flow's next version.
   * `goLive` makes it the flow's version (default), or starts its rollout; false: another publish got there first.
   */
  async publishDocument(
    flow: FlowRecord,
    documentJson: string,
    goLive?: (version: number) => Promise<boolean>,
  ): Promise<FlowVersionSummary> {
    const { workspaceId, _id: id } = flow;
    if (flow.rollout) {
      throw new ApiError(
        409,
        'rollout_in_progress',
        `Version ${flow.rollout.version} of this flow is being rolled out (${flow.rollout.percent} % of new runs); promote it or roll it back first`,
      );
    }
    // Pinned sample data is the draft's test data: a version (what runs, is diffed and rolled back to) never holds it.
    const parsed = parseDocument(documentJson);
    const document = withoutPinnedData(parsed);
    const version = Math.max(flow.latestVersion ?? 0, flow.lastVersion ?? 0) + 1;
    const checked = await this.#planForPublish(flow, document, version);
    if ('errors' in checked) throw compileFailed(checked.errors);
    const { plan } = checked;
    const record: FlowVersionRecord = {
      _id: `${flow._id}:${version}`,
      workspaceId,
      flowId: flow._id,
      version,
      documentJson: document === parsed ? documentJson : JSON.stringify(document),
      planJson: JSON.stringify(plan),
      hash: plan.hash,
      createdAt: new Date(),
    };
    const inserted = await this.#versions.insert(record);
    const live =
      goLive ??
      ((next: number) => this.#flows.advanceLatestVersion({ workspaceId, id, current: flow.latestVersion, next }));
    const advanced = inserted && (await live(version));
    if (!advanced) {
      throw new ApiError(
        409,
        'publish_conflict',
        `Version ${version} of this flow was published by someone else just now; try again`,
      );
    }
    // A rollout's version is not the flow's yet: schedules and worker triggers move when it is promoted.
    if (!goLive) await this.#publishHooks?.afterPublish(workspaceId, id, version);
    return toVersionSummary(record);
  }

  /**
   * Live validation (the editor, as the builder edits): every problem publishing `document` would find, without
   * storing anything.  A draft may hold problems; this says which, node by node.
   */
  async check(workspaceId: string, id: string, document: FlowDocument): Promise<CompileErrorView[]> {
    const flow = await this.getRecord(workspaceId, id);
    const version = Math.max(flow.latestVersion ?? 0, flow.lastVersion ?? 0) + 1;
    const checked = await this.#planForPublish(flow, document, version);
    return 'errors' in checked ? checked.errors : [];
  }

  /**
   * Everything publishing checks, in its order: the compiler, the steps' own config checks, the error handler,
   * sub-flows, then the trigger hooks (schedules).  The plan, or every problem found at the first stage that has one.
   */
  async #planForPublish(
    flow: FlowRecord,
    document: FlowDocument,
    version: number,
  ): Promise<{ plan: ExecutionPlan } | { errors: CompileErrorView[] }> {
    const { workspaceId } = flow;
    const compiled = await this.#catalog.compile(document, { flowId: flow._id, version, workspaceId });
    // Drafts may hold configs their steps refuse; a published version may not.
    const configErrors = this.#catalog.checkConfigs(document);
    const handler = await this.#errorHandlerFor(workspaceId, flow._id, document);
    const handlerErrors = 'error' in handler ? [handler.error] : [];
    if (!compiled.ok || configErrors.length > 0) {
      const compileErrors = compiled.ok ? [] : compiled.errors;
      return { errors: [...compileErrors, ...notLocatedIn(compileErrors, configErrors), ...handlerErrors] };
    }
    const withSubflows = await embedSubflows({
      plan: compiled.plan,
      flowId: flow._id,
      lookup: (target) => this.#latestPlanOf(workspaceId, target),
    });
    const subflowErrors = withSubflows.ok ? [] : withSubflows.errors;
    if (!withSubflows.ok || handlerErrors.length > 0) return { errors: [...subflowErrors, ...handlerErrors] };
    const plan = 'embedded' in handler ? withErrorHandler(withSubflows.plan, handler.embedded) : withSubflows.plan;
    const triggerErrors = this.#publishHooks?.check(plan) ?? [];
    return triggerErrors.length > 0 ? { errors: triggerErrors } : { plan };
  }

  /**
   * The flow-level error handler named by `settings.errorFlowId`: the latest published plan of another flow of this
   * workspace, embedded so runs need no lookup.  Its own handler is dropped (handlers do not chain).
   */
  async #errorHandlerFor(
    workspaceId: string,
    flowId: string,
    document: FlowDocument,
  ): Promise<{ embedded: ErrorHandler } | { error: HandlerError } | { none: true }> {
    const handlerId = document.settings?.errorFlowId;
    if (handlerId === undefined) return { none: true };
    const refuse = (why: string) => ({
      error: { code: 'invalid_error_handler', field: 'settings.errorFlowId', message: `Error handler: ${why}` },
    });
    if (handlerId === flowId) return refuse('a flow cannot be its own error handler; choose another flow');
    const handlerFlow = await this.#flows.findById(workspaceId, handlerId);
    if (!handlerFlow) return refuse(`there is no flow "${handlerId}" in this workspace`);
    if (handlerFlow.latestVersion === null) {
      return refuse(`flow "${handlerFlow.name}" has no published version yet; publish it first`);
    }
    const version = await this.#versions.find(workspaceId, handlerId, handlerFlow.latestVersion);
    if (!version) return refuse(`flow "${handlerFlow.name}" has no published version yet; publish it first`);
    const { errorHandler: _chained, ...plan } = parsePlan(version.planJson);
    return { embedded: { flowId: handlerId, version: version.version, plan } };
  }

  /** A draft's plan with its sub-flows embedded (draft runs from the editor call published children too). */
  async withSubflows(workspaceId: string, flowId: string, plan: ExecutionPlan): Promise<ExecutionPlan> {
    const embedded = await embedSubflows({ plan, flowId, lookup: (target) => this.#latestPlanOf(workspaceId, target) });
    if (!embedded.ok) throw compileFailed(embedded.errors);
    return embedded.plan;
  }

  /** A flow's latest published plan, for embedding as a sub-flow. */
  async #latestPlanOf(
    workspaceId: string,
    flowId: string,
  ): Promise<{ name: string; version: number; plan: ExecutionPlan } | { error: string }> {
    const target = await this.#flows.findById(workspaceId, flowId);
    if (!target) return { error: `there is no flow "${flowId}" in this workspace` };
    const version =
      target.latestVersion === null ? null : await this.#versions.find(workspaceId, flowId, target.latestVersion);
    if (!version) return { error: `flow "${target.name}" has no published version yet; publish it first` };
    return { name: target.name, version: version.version, plan: parsePlan(version.planJson) };
  }

  async listVersions(workspaceId: string, flowId: string): Promise<FlowVersionSummary[]> {
    await this.getRecord(workspaceId, flowId);
    const records = await this.#versions.list(workspaceId, flowId);
    return records.map(toVersionSummary);
  }

  async getVersion(workspaceId: string, flowId: string, version: number): Promise<FlowVersionDetail> {
    const record = await this.getVersionRecord(workspaceId, flowId, version);
    return {
      ...toVersionSummary(record),
      document: parseDocument(record.documentJson),
      plan: JSON.parse(record.planJson),
    };
  }

  async getVersionRecord(workspaceId: string, flowId: string, version: number): Promise<FlowVersionRecord> {
    const record = await this.#versions.find(workspaceId, flowId, version);
    if (!record) throw notFound('Version', `${flowId}@${version}`);
    return record;
  }
}

type ErrorHandler = NonNullable<ExecutionPlan['errorHandler']>;
type HandlerError = { code: string; field: string; message: string };

/** The plan with its error handler embedded, re-hashed (the hash covers everything a run executes). */
function withErrorHandler(plan: ExecutionPlan, errorHandler: ErrorHandler): ExecutionPlan {
  const unhashed: ExecutionPlan = { ...plan, errorHandler, hash: '' };
  return { ...unhashed, hash: createHash('sha256').update(canonicalJson(unhashed)).digest('hex') };
}

/** The errors of `extra` on a node field none of `located` already names (one message per field). */
function notLocatedIn(located: CompileError[], extra: CompileError[]): CompileError[] {
  const keyOf = (error: CompileError) => JSON.stringify([error.nodeId ?? null, error.field ?? null]);
  const seen = new Set(located.map(keyOf));
  return extra.filter((error) => !seen.has(keyOf(error)));
}

export function compileFailed(
  errors: { code: string; message: string; nodeId?: string; edgeId?: string; field?: string }[],
): ApiError {
  const count = errors.length;
  return new ApiError(422, 'compile_failed', `The flow has ${count} ${count === 1 ? 'problem' : 'problems'}`, {
    compileErrors: errors,
  });
}

/** Stored documents were validated on the way in; parsing again keeps the Mongo boundary honest. */
export function parseDocument(json: string): FlowDocument {
  return flowDocumentSchema.parse(JSON.parse(json));
}

function toSummary(record: FlowSummaryRecord): FlowSummary {
  return {
    id: record._id,
    name: record.name,
    revision: record.revision,
    latestVersion: record.latestVersion,
    updatedAt: record.updatedAt.toISOString(),
    nodeCount: record.nodeCount,
    ...(record.paused ? { paused: toFlowPauseView(record.paused) } : {}),
  };
}

/** A stored flow pause as the API shows it. */
export function toFlowPauseView(paused: FlowPause): FlowPauseView {
  return {
    mode: paused.mode,
    by: paused.by,
    at: paused.at.toISOString(),
    ...(paused.reason === undefined ? {} : { reason: paused.reason }),
  };
}

function toDetail(record: FlowRecord): FlowDetail {
  return {
    ...toSummary(record),
    document: parseDocument(record.documentJson),
    createdAt: record.createdAt.toISOString(),
    webhookPath: `/hooks/${record.webhookToken}`,
    ...(record.webhookSecret === undefined ? {} : { webhookSecretHint: webhookSecretHint(record.webhookSecret) }),
    ...(record.rollout
      ? {
          rollout: {
            version: record.rollout.version,
            percent: record.rollout.percent,
            startedAt: record.rollout.startedAt.toISOString(),
          },
        }
      : {}),
  };
}

function toVersionSummary(record: FlowVersionSummaryRecord): FlowVersionSummary {
  return { version: record.version, hash: record.hash, createdAt: record.createdAt.toISOString() };
}
