import type { FlowVersionSummary, StartRunResponse } from '@pipewright/api-contract';
import { diffFlows, type FlowDiff, type FlowDocument } from '@pipewright/flow';
import { parsePlan } from '@pipewright/run-contract/schema';
import type { CatalogService } from '../catalog/catalog.service.ts';
import { ApiError } from '../errors.ts';
import type { RunsService } from '../runs/runs.service.ts';
import { type FlowsService, parseDocument } from './flows.service.ts';

const DRAFT_UPDATE_ATTEMPTS = 3;

/** Version history operations: diff two versions, roll back, re-run an old run's trigger on the current version. */
export class VersionsService {
  readonly #flows: FlowsService;
  readonly #catalog: CatalogService;
  readonly #runs: RunsService;

  constructor(deps: { flows: FlowsService; catalog: CatalogService; runs: RunsService }) {
    this.#flows = deps.flows;
    this.#catalog = deps.catalog;
    this.#runs = deps.runs;
  }

  async diff(workspaceId: string, flowId: string, from: number, to: number): Promise<FlowDiff> {
    const [before, after] = await Promise.all([
      this.#flows.getVersionRecord(workspaceId, flowId, from),
      this.#flows.getVersionRecord(workspaceId, flowId, to),
    ]);
    return diffFlows(parseDocument(before.documentJson), parseDocument(after.documentJson));
  }

  /**
   * Publishes version `version`'s document again as the newest version (compiled against today's catalog), then
   * makes it the draft too, so the editor shows what is live.  Unsaved work in other editors is refused on their
   * next save (stale revision), as for any other draft change.  Versions hold no pinned sample data, so the draft
   * keeps its own pins of the nodes the old version has.
   */
  async rollback(workspaceId: string, flowId: string, version: number): Promise<FlowVersionSummary> {
    const old = await this.#flows.getVersionRecord(workspaceId, flowId, version);
    const flow = await this.#flows.getRecord(workspaceId, flowId);
    const published = await this.#flows.publishDocument(flow, old.documentJson);
    const restored = parseDocument(old.documentJson);
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.#flows.getRecord(workspaceId, flowId);
      const document = withPinsOf(parseDocument(current.documentJson), restored);
      try {
        await this.#flows.update(workspaceId, flowId, { document, revision: current.revision });
        return published;
      } catch (error) {
        // A save raced ours; the rollback is published, so retry the draft on the newer revision.
        const stale = error instanceof ApiError && error.code === 'stale_revision';
        if (!stale || attempt >= DRAFT_UPDATE_ATTEMPTS) throw error;
      }
    }
  }

  /** Starts the run's flow again, on its latest published version, with the trigger output the run started with. */
  async rerun(workspaceId: string, runId: string): Promise<StartRunResponse> {
    const run = await this.#runs.get(workspaceId, runId);
    const triggerTypes = new Set(
      this.#catalog.manifests.filter((manifest) => manifest.kind === 'trigger').map((manifest) => manifest.type),
    );
    const triggerNode = run.document?.nodes.find((node) => triggerTypes.has(node.type));
    const triggerState = triggerNode ? run.nodes[triggerNode.id] : undefined;
    if (!triggerState || triggerState.output === undefined) {
      throw new ApiError(
        409,
        'no_trigger_output',
        `Run ${runId} has no recorded trigger output to re-run (it may not have started yet)`,
      );
    }
    const flow = await this.#flows.getRecord(workspaceId, run.flowId);
    if (flow.latestVersion === null) {
      throw new ApiError(409, 'not_published', `Flow "${flow.name}" has no published version yet; publish it first`);
    }
    const version = await this.#flows.getVersionRecord(workspaceId, flow._id, flow.latestVersion);
    return this.#runs.start({
      workspaceId,
      flow: { id: flow._id, name: flow.name },
      plan: parsePlan(version.planJson),
      trigger: triggerState.output,
      kind: 'manual',
    });
  }
}

/** `target` with the pinned data `draft` has for nodes `target` also has (a rollback keeps the builder's samples). */
function withPinsOf(draft: FlowDocument, target: FlowDocument): FlowDocument {
  const nodeIds = new Set<string>(target.nodes.map((node) => node.id));
  const kept = Object.entries(draft.pinnedData ?? {}).filter(([nodeId]) => nodeIds.has(nodeId));
  const { pinnedData: _none, ...rest } = target;
  return kept.length > 0 ? { ...rest, pinnedData: Object.fromEntries(kept) } : rest;
}
