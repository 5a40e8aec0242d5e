import { createHash, randomBytes } from 'node:crypto';
import type { DraftTestView, StartDraftTestBody } from '@pipewright/api-contract';
import { canonicalJson } from '@pipewright/compiler';
import {
  DEFAULT_DRAFT_TEST_RUNS,
  type DraftTestInput,
  type DraftTestReport,
  type DraftTestRunInput,
  type ExecutionPlan,
  type PlanNode,
  TEST_DRAFT_WORKFLOW,
} from '@pipewright/run-contract';
import { parsePlan } from '@pipewright/run-contract/schema';
import { type Client, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import type { CatalogService } from '../catalog/catalog.service.ts';
import { ApiError, notFound } from '../errors.ts';
import type { FlowRecord } from '../flows/flows.repository.ts';
import { compileFailed, type FlowsService, parseDocument } from '../flows/flows.service.ts';
import type { RunRecord, RunsRepository } from '../runs/runs.repository.ts';
import type { DraftTestRecord, DraftTestsRepository } from './draft-tests.repository.ts';

/** A test replays at most this many runs for this long; past it Temporal ends it and it shows as failed. */
const TEST_TIMEOUT_MS = 15 * 60_000;

/**
 * "Test against recent runs" (docs/adr/016): picks the runs, compiles the saved draft, and starts the worker's
 * `testDraft` workflow — the server runs no flow code.  Reads a test back from its record and its workflow, and
 * refuses a publish the flow's `publishRequiresDraftTest` setting does not allow.
 */
export interface DraftTestsDeps {
  flows: FlowsService;
  catalog: CatalogService;
  runs: RunsRepository;
  tests: DraftTestsRepository;
  temporal: Client;
  taskQueue: string;
}

export class DraftTestsService {
  readonly #deps: DraftTestsDeps;
  /** Parsed plans of the versions tested against, by flow and version (versions never change). */
  readonly #plans = new Map<string, Promise<ExecutionPlan>>();

  constructor(deps: DraftTestsDeps) {
    this.#deps = deps;
  }

  async start(
    auth: { workspaceId: string; userId: string },
    flowId: string,
    body: StartDraftTestBody,
  ): Promise<DraftTestView> {
    const { flows, catalog, tests, temporal, taskQueue } = this.#deps;
    const { workspaceId } = auth;
    const flow = await flows.getRecord(workspaceId, flowId);
    const compiled = await catalog.compile(parseDocument(flow.documentJson), { flowId, version: 0, workspaceId });
    if (!compiled.ok) throw compileFailed(compiled.errors);
    const plan = await flows.withSubflows(workspaceId, flowId, compiled.plan);
    const draftNodes = new Set(plan.nodes.map((node) => node.id));
    const realCalls = body.realCalls ?? [];
    realCalls.forEach((nodeId, index) => {
      if (!draftNodes.has(nodeId)) {
        throw new ApiError(
          400,
          'invalid_request',
          `realCalls[${index}]: the draft has no node ${JSON.stringify(nodeId)}`,
        );
      }
    });
    const records = await this.#runsToTest(workspaceId, flow, body);
    const runs = await Promise.all(records.map((record) => this.#runInput(workspaceId, plan, record)));
    const record: DraftTestRecord = {
      _id: `drt_${randomBytes(12).toString('hex')}`,
      workspaceId,
      flowId,
      documentHash: documentHashOf(flow.documentJson),
      createdBy: auth.userId,
      createdAt: new Date(),
      runIds: records.map((run) => run._id),
      realCalls,
    };
    await tests.insert(record);
    const input: DraftTestInput = { plan, workspaceId, runs, realCalls };
    // No search attributes: a test is not a run, and never listed among them.
    await temporal.workflow.start(TEST_DRAFT_WORKFLOW, {
      taskQueue,
      workflowId: record._id,
      workflowExecutionTimeout: TEST_TIMEOUT_MS,
      args: [input],
    });
    return toView(record, { status: 'running' }, flow);
  }

  async get(workspaceId: string, flowId: string, testId: string): Promise<DraftTestView> {
    const flow = await this.#deps.flows.getRecord(workspaceId, flowId);
    const record = await this.#deps.tests.find(workspaceId, testId);
    if (!record || record.flowId !== flowId) throw notFound('Draft test', testId);
    return toView(record, await this.#outcomeOf(record), flow);
  }

  async list(workspaceId: string, flowId: string): Promise<DraftTestView[]> {
    const flow = await this.#deps.flows.getRecord(workspaceId, flowId);
    const records = await this.#deps.tests.listOf(workspaceId, flowId);
    return Promise.all(records.map(async (record) => toView(record, await this.#outcomeOf(record), flow)));
  }

  /**
   * Refuses (409 naming the setting) to publish the flow's draft when its published version or its draft requires a
   * passing test, and the newest test of this very draft is missing, running, failed, or would break runs.
   */
  async checkPublish(workspaceId: string, flowId: string): Promise<void> {
    const flow = await this.#deps.flows.getRecord(workspaceId, flowId);
    if (!(await this.#requiresTest(workspaceId, flow))) return;
    const hash = documentHashOf(flow.documentJson);
    const latest = (await this.#deps.tests.listOf(workspaceId, flowId)).find((test) => test.documentHash === hash);
    const refuse = (why: string) =>
      new ApiError(
        409,
        'draft_test_required',
        `This flow's settings require a passing "Test against recent runs" of the draft before publishing (settings.publishRequiresDraftTest): ${why}`,
      );
    if (!latest) throw refuse('this draft has not been tested');
    const outcome = await this.#outcomeOf(latest);
    if (outcome.status === 'running') throw refuse('its test is still running');
    if (outcome.status === 'failed') throw refuse(`its test failed: ${outcome.error}`);
    if (!outcome.report.passed) {
      const broken = outcome.report.counts.now_fails;
      throw refuse(`the draft would make ${broken} ${broken === 1 ? 'run' : 'runs'} that succeeded fail`);
    }
  }

  async #requiresTest(workspaceId: string, flow: FlowRecord): Promise<boolean> {
    if (parseDocument(flow.documentJson).settings?.publishRequiresDraftTest === true) return true;
    if (flow.latestVersion === null) return false;
    const published = await this.#deps.flows.getVersionRecord(workspaceId, flow._id, flow.latestVersion);
    return parseDocument(published.documentJson).settings?.publishRequiresDraftTest === true;
  }

  /** The runs picked (each must be this flow's), or the newest of the published version. */
  async #runsToTest(workspaceId: string, flow: FlowRecord, body: StartDraftTestBody): Promise<RunRecord[]> {
    const { runs } = this.#deps;
    const { runIds } = body;
    if (runIds !== undefined) {
      // A run picked twice is tested once.
      return Promise.all(
        [...new Set(runIds)].map(async (runId) => {
          const index = runIds.indexOf(runId);
          const run = await runs.findById(workspaceId, runId);
          if (!run || run.flowId !== flow._id) {
            throw new ApiError(
              400,
              'invalid_request',
              `runIds[${index}]: there is no run ${JSON.stringify(runId)} of this flow`,
            );
          }
          return run;
        }),
      );
    }
    if (flow.latestVersion === null) {
      throw new ApiError(
        409,
        'no_runs_to_test',
        'The flow has no published version whose runs the draft could be tested against; pick runs (runIds)',
      );
    }
    const found = await runs.list(workspaceId, {
      flowId: flow._id,
      version: flow.latestVersion,
      limit: body.count ?? DEFAULT_DRAFT_TEST_RUNS,
    });
    const startable = found.filter((run) => run.startError === undefined);
    if (startable.length === 0) {
      throw new ApiError(
        409,
        'no_runs_to_test',
        `Version ${flow.latestVersion} of this flow has no runs yet to test the draft against`,
      );
    }
    return startable;
  }

  /** What the test needs of one run: its version's trigger node, and the draft's nodes that version does not have. */
  async #runInput(workspaceId: string, draft: ExecutionPlan, run: RunRecord): Promise<DraftTestRunInput> {
    const plan = await this.#planOf(workspaceId, run);
    const before = new Map(plan.nodes.map((node) => [node.id, stepIdentity(node)]));
    const changed = draft.nodes.filter((node) => before.get(node.id) !== stepIdentity(node)).map((node) => node.id);
    return { runId: run._id, version: run.version, triggerNodeId: plan.triggerNodeId, changed };
  }

  /** The plan a run ran: its published version's, or for a draft run (version 0) its recorded document compiled. */
  #planOf(workspaceId: string, run: RunRecord): Promise<ExecutionPlan> {
    const { flows, catalog } = this.#deps;
    if (run.version === 0) {
      return (async () => {
        const compiled = await catalog.compile(parseDocument(run.documentJson ?? '{}'), {
          flowId: run.flowId,
          version: 0,
          workspaceId,
        });
        if (!compiled.ok)
          throw new ApiError(409, 'no_runs_to_test', `Run ${run._id} ran a draft that no longer compiles`);
        return compiled.plan;
      })();
    }
    const key = `${workspaceId}/${run.flowId}/${run.version}`;
    let plan = this.#plans.get(key);
    if (!plan) {
      plan = flows.getVersionRecord(workspaceId, run.flowId, run.version).then((record) => parsePlan(record.planJson));
      plan.catch(() => this.#plans.delete(key));
      this.#plans.set(key, plan);
    }
    return plan;
  }

  /** How the test stands: from its record once it ended, else from its workflow (and kept, once it has ended). */
  async #outcomeOf(record: DraftTestRecord): Promise<Outcome> {
    if (record.outcome === 'done' && record.reportJson !== undefined) {
      return { status: 'done', report: JSON.parse(record.reportJson) as DraftTestReport };
    }
    if (record.outcome === 'failed') return { status: 'failed', error: record.error ?? 'the test failed' };
    const handle = this.#deps.temporal.workflow.getHandle(record._id);
    let status: Awaited<ReturnType<typeof handle.describe>>['status'];
    try {
      ({ status } = await handle.describe());
    } catch (error) {
      // Never read while Temporal kept it (its retention passed): nothing is left to show.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      return { status: 'failed', error: 'the test is no longer kept by Temporal; run it again' };
    }
    if (status.name === 'RUNNING') return { status: 'running' };
    let outcome: Outcome;
    try {
      outcome = { status: 'done', report: (await handle.result()) as DraftTestReport };
    } catch (error) {
      const cause = error instanceof WorkflowFailedError && error.cause ? error.cause.message : String(error);
      outcome = { status: 'failed', error: `${status.name.toLowerCase()}: ${cause}` };
    }
    await this.#deps.tests.recordOutcome(
      record._id,
      outcome.status === 'done'
        ? { outcome: 'done', reportJson: JSON.stringify(outcome.report) }
        : { outcome: 'failed', error: outcome.error },
    );
    return outcome;
  }
}

type Outcome =
  | { status: 'running' }
  | { status: 'done'; report: DraftTestReport }
  | { status: 'failed'; error: string };

/** What makes a step the same step: its type, version and config (expressions included). */
const stepIdentity = (node: PlanNode): string => canonicalJson([node.type, node.typeVersion, node.config]);

/** The draft's identity for "is this test current": pinned sample data is test data, so pinning keeps a test current. */
export const documentHashOf = (documentJson: string): string => {
  const document: unknown = JSON.parse(documentJson);
  const hashed =
    typeof document === 'object' && document !== null && 'pinnedData' in document
      ? Object.fromEntries(Object.entries(document).filter(([key]) => key !== 'pinnedData'))
      : document;
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex');
};

function toView(record: DraftTestRecord, outcome: Outcome, flow: FlowRecord): DraftTestView {
  return {
    id: record._id,
    flowId: record.flowId,
    status: outcome.status,
    createdAt: record.createdAt.toISOString(),
    createdBy: record.createdBy,
    runIds: record.runIds,
    realCalls: record.realCalls,
    current: record.documentHash === documentHashOf(flow.documentJson),
    ...(outcome.status === 'done' ? { report: outcome.report } : {}),
    ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
  };
}
