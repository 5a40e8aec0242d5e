import type { StartRunResponse } from '@pipewright/api-contract';
import type { ExecutionPlan } from '@pipewright/compiler';
import type { CatalogService } from './catalog.service.ts';
import { ApiError } from './errors.ts';
import type { FlowRecord, FlowsRepository } from './flows.repository.ts';
import { compileFailed, type FlowsService, parseDocument } from './flows.service.ts';
import { parsePlan } from './plan.schema.ts';
import type { RunsService } from './runs.service.ts';

/** An HTTP request as the webhook trigger outputs it. */
export interface WebhookRequest {
  method: string;
  headers: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

const WEBHOOK_TYPE = 'core.webhook';

/** Turns the ways a run can start (Run button/API, webhook delivery) into a plan + trigger output for RunsService. */
export class TriggersService {
  readonly #flows: FlowsService;
  readonly #flowRecords: FlowsRepository;
  readonly #catalog: CatalogService;
  readonly #runs: RunsService;

  constructor(deps: { flows: FlowsService; flowRecords: FlowsRepository; catalog: CatalogService; runs: RunsService }) {
    this.#flows = deps.flows;
    this.#flowRecords = deps.flowRecords;
    this.#catalog = deps.catalog;
    this.#runs = deps.runs;
  }

  async startManual(
    workspaceId: string,
    flowId: string,
    body: { payload?: unknown; source: 'draft' | 'published' },
  ): Promise<StartRunResponse> {
    const flow = await this.#flows.getRecord(workspaceId, flowId);
    if (body.source === 'published') {
      const plan = await this.#latestPlan(flow);
      return this.#runs.start({
        workspaceId,
        flow: { id: flow._id, name: flow.name },
        plan,
        trigger: manualTriggerOutput(plan, body.payload),
        kind: 'manual',
      });
    }
    const compiled = this.#catalog.compile(parseDocument(flow.documentJson), { flowId: flow._id, version: 0 });
    if (!compiled.ok) throw compileFailed(compiled.errors);
    const plan = compiled.plan;
    return this.#runs.start({
      workspaceId,
      flow: { id: flow._id, name: flow.name },
      plan,
      trigger: manualTriggerOutput(plan, body.payload),
      kind: 'manual',
      draftDocumentJson: flow.documentJson,
    });
  }

  /** Looks up the flow by its webhook token; its latest published version handles the request. */
  async findWebhookTarget(
    token: string,
  ): Promise<{ flow: FlowRecord; plan: ExecutionPlan; acceptedMethods: string[] }> {
    const flow = await this.#flowRecords.findByWebhookToken(token);
    if (!flow) throw new ApiError(404, 'not_found', 'No flow listens on this webhook URL');
    const plan = await this.#latestPlan(flow, 404);
    const trigger = plan.nodes.find((node) => node.id === plan.triggerNodeId);
    const configured =
      trigger?.type === WEBHOOK_TYPE && typeof trigger.config.method === 'string' ? trigger.config.method : 'POST';
    return { flow, plan, acceptedMethods: [...new Set(['POST', configured.toUpperCase()])] };
  }

  async startWebhook(
    target: { flow: FlowRecord; plan: ExecutionPlan },
    request: WebhookRequest,
  ): Promise<StartRunResponse> {
    const { flow, plan } = target;
    return this.#runs.start({
      workspaceId: flow.workspaceId,
      flow: { id: flow._id, name: flow.name },
      plan,
      trigger: request,
      kind: 'webhook',
    });
  }

  async #latestPlan(flow: FlowRecord, statusWhenUnpublished = 409): Promise<ExecutionPlan> {
    if (flow.latestVersion === null) {
      throw new ApiError(
        statusWhenUnpublished,
        'not_published',
        `Flow "${flow.name}" has no published version yet; publish it first`,
      );
    }
    const version = await this.#flows.getVersionRecord(flow.workspaceId, flow._id, flow.latestVersion);
    return parsePlan(version.planJson);
  }
}

/** What the trigger node outputs for a run started by hand: a webhook trigger sees a synthetic POST. */
export function manualTriggerOutput(plan: ExecutionPlan, payload: unknown): unknown {
  const body = payload ?? null;
  const trigger = plan.nodes.find((node) => node.id === plan.triggerNodeId);
  if (trigger?.type === WEBHOOK_TYPE) return { method: 'POST', headers: {}, query: {}, body } satisfies WebhookRequest;
  return { body };
}
