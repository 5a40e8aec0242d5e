import { randomInt } from 'node:crypto';
import type { StartRunResponse, WebhookSecretResponse } from '@pipewright/api-contract';
import { withoutPinnedData } from '@pipewright/flow';
import type { ExecutionPlan } from '@pipewright/run-contract';
import { asRunState } from '@pipewright/run-contract/schema';
import { scheduleTrigger, webhookTrigger } from '@pipewright/steps-core';
import { type Client, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import type { z } from 'zod';
import type { CatalogService } from '../catalog/catalog.service.ts';
import { ApiError } from '../errors.ts';
import type { FlowRecord, FlowSummaryRecord, FlowsRepository } from '../flows/flows.repository.ts';
import { compileFailed, type FlowsService, parseDocument } from '../flows/flows.service.ts';
import { PublishedPlans } from '../flows/published-plans.ts';
import { newWebhookSecret } from '../ids.ts';
import type { RunsService, StartedRun, StartRunInput } from '../runs/runs.service.ts';
import { bodyDeliveryRunIds, deliveryIdOf, deliveryRunId, verifyWebhook } from '../webhook-verify.ts';

/** An HTTP request as the webhook trigger outputs it. */
export interface WebhookRequest {
  method: string;
  headers: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** Contract in `flag` mode: whether the body kept it (ingress-contracts.ts). */
  contract?: { valid: boolean; violations: { path: string; message: string }[] };
}

export type WebhookConfig = z.output<typeof webhookTrigger.input>;

export interface WebhookTarget {
  /** The flow's record without its document (flows.repository.ts caches it for a second). */
  flow: FlowSummaryRecord;
  /** Null while the flow has never been published. */
  plan: ExecutionPlan | null;
  config: WebhookConfig;
  acceptedMethods: string[];
  /**
   * Set when the published trigger's config does not parse (a version published before publish checked configs):
   * deliveries are refused rather than checked with defaults — the default signature check is `none`.
   */
  configError?: string;
}

/** How a waitForRun delivery ended, as far as the sender waited. */
export type WebhookOutcome =
  | { status: 'succeeded'; output: unknown }
  | { status: 'failed'; message: string }
  | { status: 'running' };

type ParsedWebhookConfig = ReturnType<typeof webhookTrigger.input.safeParse>;

const WEBHOOK_TYPE = webhookTrigger.type;
const SCHEDULE_TYPE = scheduleTrigger.type;
const DEFAULT_CONFIG: WebhookConfig = webhookTrigger.input.parse({});

/** Turns the ways a run can start (Run button/API, webhook delivery) into a plan + trigger output for RunsService. */
export class TriggersService {
  readonly #flows: FlowsService;
  readonly #flowRecords: FlowsRepository;
  readonly #catalog: CatalogService;
  readonly #runs: RunsService;
  readonly #temporal: Client;
  readonly #plans: PublishedPlans;
  readonly #parsedConfigs = new WeakMap<ExecutionPlan, ParsedWebhookConfig>();

  constructor(deps: {
    flows: FlowsService;
    flowRecords: FlowsRepository;
    catalog: CatalogService;
    runs: RunsService;
    temporal: Client;
  }) {
    this.#flows = deps.flows;
    this.#flowRecords = deps.flowRecords;
    this.#catalog = deps.catalog;
    this.#runs = deps.runs;
    this.#temporal = deps.temporal;
    this.#plans = new PublishedPlans((workspaceId, flowId, version) =>
      deps.flows.getVersionRecord(workspaceId, flowId, version),
    );
  }

  async startManual(
    workspaceId: string,
    flowId: string,
    body: { payload?: unknown; source: 'draft' | 'published' },
  ): Promise<StartRunResponse> {
    const flow = await this.#flows.getRecord(workspaceId, flowId);
    if (body.source === 'published') {
      const plan = await this.#planForNewRun(flow);
      return this.#runs.start({
        workspaceId,
        flow: { id: flow._id, name: flow.name },
        plan,
        trigger: manualTriggerOutput(plan, body.payload),
        kind: 'manual',
      });
    }
    // A draft run runs the draft's steps; its pinned sample data is for the editor and never travels with the run.
    const parsed = parseDocument(flow.documentJson);
    const draft = withoutPinnedData(parsed);
    const compiled = await this.#catalog.compile(draft, {
      flowId: flow._id,
      version: 0,
      workspaceId,
    });
    if (!compiled.ok) throw compileFailed(compiled.errors);
    const plan = await this.#flows.withSubflows(workspaceId, flow._id, compiled.plan);
    return this.#runs.start({
      workspaceId,
      flow: { id: flow._id, name: flow.name },
      plan,
      trigger: manualTriggerOutput(plan, body.payload),
      kind: 'manual',
      draftDocumentJson: draft === parsed ? flow.documentJson : JSON.stringify(draft),
    });
  }

  /** Looks up the flow by its webhook token, with the webhook config of its latest published version. */
  async findWebhookTarget(token: string): Promise<WebhookTarget> {
    const flow = await this.#flowRecords.findByWebhookToken(token);
    if (!flow) throw new ApiError(404, 'not_found', 'No flow listens on this webhook URL');
    const plan = flow.latestVersion === null ? null : await this.#planForNewRun(flow, 404);
    const trigger = plan?.nodes.find((node) => node.id === plan.triggerNodeId);
    if (trigger?.type === SCHEDULE_TYPE) {
      throw new ApiError(409, 'not_a_webhook_flow', `Flow "${flow.name}" is started by its schedule, not by webhooks`);
    }
    // Plans published before a config field existed parse with its default.
    const parsed =
      trigger?.type === WEBHOOK_TYPE && plan !== null ? this.#parseWebhookConfig(plan, trigger) : undefined;
    const config = parsed?.success ? parsed.data : DEFAULT_CONFIG;
    const target: WebhookTarget = {
      flow,
      plan,
      config,
      acceptedMethods: [...new Set(['POST', config.method.toUpperCase()])],
    };
    const issue = parsed?.success === false ? parsed.error.issues[0] : undefined;
    if (issue !== undefined) target.configError = `${issue.path.map(String).join('.') || 'config'}: ${issue.message}`;
    return target;
  }

  /**
   * The trigger's config parsed once per published plan (plans are cached and frozen, published-plans.ts): parsing
   * checks the body contract's JSON Schema, which is too costly to repeat on every delivery.
   */
  #parseWebhookConfig(plan: ExecutionPlan, trigger: { config: unknown }): ParsedWebhookConfig {
    const known = this.#parsedConfigs.get(plan);
    if (known) return known;
    const parsed = webhookTrigger.input.safeParse(trigger.config);
    this.#parsedConfigs.set(plan, parsed);
    return parsed;
  }

  /** Refuses a delivery whose signature or timestamp does not check out (401, naming the header). */
  async verify(target: WebhookTarget, headers: Record<string, string>, rawBody: Buffer): Promise<void> {
    if (target.config.verification === 'none') return;
    const secret = target.flow.webhookSecret ?? (await this.#ensureWebhookSecret(target.flow));
    const result = verifyWebhook({
      scheme: target.config.verification,
      secret,
      headers,
      body: rawBody,
      nowSeconds: Math.floor(Date.now() / 1000),
      signatureHeader: target.config.signatureHeader,
    });
    if (!result.ok) throw new ApiError(401, result.code, result.message);
  }

  /**
   * Starts the run; a repeated delivery id gets the first run's id back (`duplicate`), never a second run.  Without
   * a delivery id, and with the trigger's duplicate window set, the same method, query and body within the window
   * count as the same delivery (webhook-verify.ts `bodyDeliveryRunIds`).
   */
  async startWebhook(target: WebhookTarget & { plan: ExecutionPlan }, request: WebhookRequest): Promise<StartedRun> {
    const { flow, plan, config } = target;
    const deliveryId = deliveryIdOf(config.verification, request.headers);
    let dedupe: Pick<StartRunInput, 'dedupeRunId' | 'dedupeEarlier'> = {};
    if (deliveryId !== undefined) dedupe = { dedupeRunId: deliveryRunId(flow._id, deliveryId) };
    else if (config.duplicateWindowSeconds > 0) {
      const { current, earlier } = bodyDeliveryRunIds(flow._id, request, config.duplicateWindowSeconds, Date.now());
      dedupe = { dedupeRunId: current, dedupeEarlier: earlier };
    }
    const hold = flow.paused?.mode === 'queue';
    const started = await this.#runs.start(
      {
        workspaceId: flow.workspaceId,
        flow: { id: flow._id, name: flow.name },
        plan,
        trigger: request,
        kind: 'webhook',
        ...dedupe,
      },
      { queue: config.responseMode === 'immediate', hold },
    );
    if (started.held) {
      // The flow may have resumed since its record was read (this server's second-long cache, or a resume racing
      // this delivery): a resume moves only the runs held when it looks, so a run held after that moves itself.
      const now = await this.#flowRecords.findById(flow.workspaceId, flow._id);
      if (now?.paused === undefined) await this.#runs.releaseHeld(flow.workspaceId, flow._id);
    }
    return started;
  }

  /** waitForRun: the chosen node's output (default: the last node in plan order), unless the timeout comes first. */
  async awaitWebhookOutcome(
    target: { plan: ExecutionPlan; config: WebhookConfig },
    runId: string,
  ): Promise<WebhookOutcome> {
    const { plan, config } = target;
    const handle = this.#temporal.workflow.getHandle(runId);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), config.responseTimeoutMs);
    try {
      const result = await this.#temporal.connection.withAbortSignal(abort.signal, () => handle.result());
      const nodeId = config.responseNodeId ?? plan.nodes.at(-1)?.id ?? plan.triggerNodeId;
      return { status: 'succeeded', output: asRunState(result)?.nodes[nodeId]?.output ?? null };
    } catch (error) {
      // Not started yet (queued while Temporal is away, or a duplicate of a queued delivery): it is on its way.
      if (abort.signal.aborted || error instanceof WorkflowNotFoundError) return { status: 'running' };
      if (error instanceof WorkflowFailedError) {
        return { status: 'failed', message: error.cause?.message ?? error.message };
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A new secret for the flow, returned this once (201); deliveries signed with the old one are refused from now. */
  async rotateWebhookSecret(workspaceId: string, flowId: string): Promise<WebhookSecretResponse> {
    await this.#flows.getRecord(workspaceId, flowId);
    const secret = newWebhookSecret();
    await this.#flowRecords.setWebhookSecret({ workspaceId, id: flowId, secret, onlyIfMissing: false });
    return { secret };
  }

  /** Flows created before secrets existed get one on first use; a concurrent first use keeps whichever won. */
  async #ensureWebhookSecret(flow: FlowSummaryRecord): Promise<string> {
    const secret = newWebhookSecret();
    await this.#flowRecords.setWebhookSecret({
      workspaceId: flow.workspaceId,
      id: flow._id,
      secret,
      onlyIfMissing: true,
    });
    const stored = await this.#flowRecords.findById(flow.workspaceId, flow._id);
    return stored?.webhookSecret ?? secret;
  }

  /**
   * The plan a new run takes: a rollout's version for its share of runs, chosen at random per run (docs/adr/017), else
   * the flow's version.  The whole run goes with it, its webhook settings included.
   */
  #planForNewRun(flow: FlowSummaryRecord, statusWhenUnpublished = 409): Promise<ExecutionPlan> {
    const { rollout } = flow;
    if (rollout && randomInt(100) < rollout.percent)
      return this.#plans.get(flow.workspaceId, flow._id, rollout.version);
    return this.#latestPlan(flow, statusWhenUnpublished);
  }

  async #latestPlan(flow: FlowSummaryRecord, statusWhenUnpublished = 409): Promise<ExecutionPlan> {
    if (flow.latestVersion === null) throw notPublished(flow, statusWhenUnpublished);
    return this.#plans.get(flow.workspaceId, flow._id, flow.latestVersion);
  }
}

export function notPublished(flow: Pick<FlowRecord, 'name'>, status: number): ApiError {
  return new ApiError(status, 'not_published', `Flow "${flow.name}" has no published version yet; publish it first`);
}

/** What the trigger node outputs for a run started by hand: a webhook trigger sees a synthetic POST. */
export function manualTriggerOutput(plan: ExecutionPlan, payload: unknown): unknown {
  const body = payload ?? null;
  const trigger = plan.nodes.find((node) => node.id === plan.triggerNodeId);
  if (trigger?.type === WEBHOOK_TYPE) return { method: 'POST', headers: {}, query: {}, body } satisfies WebhookRequest;
  if (trigger?.type === SCHEDULE_TYPE) return { scheduledAt: new Date().toISOString() };
  return { body };
}
