import type { StepTestResult } from '@pipewright/api-contract';
import { asEdgeId, asNodeId, type FlowDocument } from '@pipewright/flow';
import { asRunState, type ParsedRunState } from '@pipewright/run-contract/schema';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { CatalogService } from '../catalog/catalog.service.ts';
import { ApiError, notFound } from '../errors.ts';
import type { RunsService } from '../runs/runs.service.ts';
import { compileFailed, type FlowsService, parseDocument } from './flows.service.ts';

const MANUAL_TRIGGER = 'core.manual';
const TEST_TIMEOUT_MS = 30_000;

/**
 * "Test this step": runs one node of the draft on its own, with an input the editor already evaluated against its
 * sample data.  It is a real `runFlow` workflow (a manual trigger → that node, version 0), so the step runs exactly
 * as in a flow — same activity, retries and timeout — but it is not listed among the flow's runs.
 */
export class StepTestService {
  readonly #flows: FlowsService;
  readonly #catalog: CatalogService;
  readonly #runs: RunsService;
  readonly #temporal: Client;

  constructor(deps: { flows: FlowsService; catalog: CatalogService; runs: RunsService; temporal: Client }) {
    this.#flows = deps.flows;
    this.#catalog = deps.catalog;
    this.#runs = deps.runs;
    this.#temporal = deps.temporal;
  }

  async test(input: {
    workspaceId: string;
    flowId: string;
    nodeId: string;
    config: Record<string, unknown>;
    timeoutMs?: number;
  }): Promise<StepTestResult> {
    const flow = await this.#flows.getRecord(input.workspaceId, input.flowId);
    const node = parseDocument(flow.documentJson).nodes.find((candidate) => candidate.id === input.nodeId);
    if (!node) throw notFound('Node', `${input.flowId}/${input.nodeId}`);
    const manifest = (await this.#catalog.lookupFor(input.workspaceId)).get(node.type, node.typeVersion);
    if (manifest?.kind === 'trigger') {
      throw new ApiError(422, 'not_testable', `Node "${node.id}" is a trigger; test the steps after it instead`);
    }
    const triggerId = asNodeId(node.id === 'test_trigger' ? 'test_trigger_2' : 'test_trigger');
    const document: FlowDocument = {
      schemaVersion: 1,
      nodes: [
        { id: triggerId, type: MANUAL_TRIGGER, typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
        { ...node, config: input.config },
      ],
      edges: [
        {
          id: asEdgeId(`${triggerId}__${node.id}`),
          source: triggerId,
          sourcePort: 'out',
          target: node.id,
          targetPort: 'in',
        },
      ],
    };
    const compiled = await this.#catalog.compile(document, {
      flowId: flow._id,
      version: 0,
      workspaceId: input.workspaceId,
    });
    if (!compiled.ok) throw compileFailed(compiled.errors.filter((error) => error.nodeId !== triggerId));
    const { runId } = await this.#runs.start({
      workspaceId: input.workspaceId,
      flow: { id: flow._id, name: flow.name },
      plan: compiled.plan,
      trigger: { body: null },
      kind: 'manual',
      unlisted: true,
    });
    const state = await this.#awaitState(runId, input.timeoutMs ?? TEST_TIMEOUT_MS);
    if (state === 'timed_out') {
      return {
        status: 'timed_out',
        output: null,
        error: { message: `The step did not finish within ${(input.timeoutMs ?? TEST_TIMEOUT_MS) / 1000} s` },
        attempts: 0,
        durationMs: null,
      };
    }
    const result = state?.nodes[node.id];
    if (!result) {
      return {
        status: 'failed',
        output: null,
        error: { message: state?.error?.message ?? 'The test run ended without running the step' },
        attempts: 0,
        durationMs: null,
      };
    }
    return {
      status: result.status === 'succeeded' ? 'succeeded' : 'failed',
      output: result.output ?? null,
      error: result.error ?? (result.status === 'succeeded' ? null : { message: `The step ended ${result.status}` }),
      attempts: result.attempts,
      durationMs:
        result.startedAt !== undefined && result.endedAt !== undefined ? result.endedAt - result.startedAt : null,
    };
  }

  /** The closed run's state; 'timed_out' (and the workflow terminated) when it takes longer than `timeoutMs`. */
  async #awaitState(runId: string, timeoutMs: number): Promise<ParsedRunState | undefined | 'timed_out'> {
    const handle = this.#temporal.workflow.getHandle(runId);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<'timed_out'>((resolve) => {
      timer = setTimeout(() => resolve('timed_out'), timeoutMs);
    });
    const outcome = handle.result().then(
      (value: unknown) => asRunState(value),
      (error: unknown) => {
        if (error instanceof WorkflowFailedError && error.cause instanceof ApplicationFailure) {
          return asRunState(error.cause.details?.[0]);
        }
        throw error;
      },
    );
    try {
      const settled = await Promise.race([outcome, deadline]);
      if (settled === 'timed_out') {
        await handle.terminate('step test timed out').catch(() => {});
        outcome.catch(() => {});
      }
      return settled;
    } finally {
      clearTimeout(timer);
    }
  }
}
