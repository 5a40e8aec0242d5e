import type {
  CreateFlowBody,
  FlowDetail,
  FlowSummary,
  FlowVersionDetail,
  FlowVersionSummary,
  UpdateFlowBody,
} from '@pipewright/api-contract';
import { emptyFlowDocument, type FlowDocument, flowDocumentSchema } from '@pipewright/flow';
import type { CatalogService } from './catalog.service.ts';
import { ApiError, notFound } from './errors.ts';
import type {
  FlowVersionRecord,
  FlowVersionSummaryRecord,
  FlowVersionsRepository,
} from './flow-versions.repository.ts';
import type { DraftChanges, FlowRecord, FlowSummaryRecord, FlowsRepository } from './flows.repository.ts';
import { newFlowId, newWebhookToken } from './ids.ts';

/** Flow drafts and their published versions, scoped to one workspace per call. */
export class FlowsService {
  readonly #flows: FlowsRepository;
  readonly #versions: FlowVersionsRepository;
  readonly #catalog: CatalogService;

  constructor(deps: { flows: FlowsRepository; versions: FlowVersionsRepository; catalog: CatalogService }) {
    this.#flows = deps.flows;
    this.#versions = deps.versions;
    this.#catalog = deps.catalog;
  }

  async list(workspaceId: string): Promise<FlowSummary[]> {
    const records = await this.#flows.list(workspaceId);
    return records.map(toSummary);
  }

  async create(workspaceId: string, body: CreateFlowBody): Promise<FlowDetail> {
    const document = body.document ?? emptyFlowDocument();
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
      createdAt: now,
      updatedAt: now,
    };
    await this.#flows.insert(record);
    return toDetail(record);
  }

  async get(workspaceId: string, id: string): Promise<FlowDetail> {
    return toDetail(await this.getRecord(workspaceId, id));
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
      changes.documentJson = JSON.stringify(body.document);
      changes.nodeCount = body.document.nodes.length;
    }
    const saved = await this.#flows.updateDraft({ workspaceId, id, revision: body.revision, changes, now: new Date() });
    if (saved) return toDetail(saved);
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
  }

  /** Compiles the current draft into the next version; the unique (flow, version) index guards concurrent publishes. */
  async publish(workspaceId: string, id: string): Promise<FlowVersionSummary> {
    const flow = await this.getRecord(workspaceId, id);
    const document = parseDocument(flow.documentJson);
    const version = (flow.latestVersion ?? 0) + 1;
    const compiled = this.#catalog.compile(document, { flowId: flow._id, version });
    if (!compiled.ok) throw compileFailed(compiled.errors);
    const record: FlowVersionRecord = {
      _id: `${flow._id}:${version}`,
      workspaceId,
      flowId: flow._id,
      version,
      documentJson: flow.documentJson,
      planJson: JSON.stringify(compiled.plan),
      hash: compiled.plan.hash,
      createdAt: new Date(),
    };
    const inserted = await this.#versions.insert(record);
    const advanced =
      inserted &&
      (await this.#flows.advanceLatestVersion({ workspaceId, id, current: flow.latestVersion, next: version }));
    if (!advanced) {
      throw new ApiError(
        409,
        'publish_conflict',
        `Version ${version} of this flow was published by someone else just now; try again`,
      );
    }
    return toVersionSummary(record);
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
  };
}

function toDetail(record: FlowRecord): FlowDetail {
  return {
    ...toSummary(record),
    document: parseDocument(record.documentJson),
    createdAt: record.createdAt.toISOString(),
    webhookPath: `/hooks/${record.webhookToken}`,
  };
}

function toVersionSummary(record: FlowVersionSummaryRecord): FlowVersionSummary {
  return { version: record.version, hash: record.hash, createdAt: record.createdAt.toISOString() };
}
