import type { ContractViolationCounts, InferContractResponse, RunDetail } from '@pipewright/api-contract';
import { inferSchema } from '@pipewright/contracts';
import { webhookTrigger } from '@pipewright/steps-core';
import { ApiError } from '../errors.ts';
import type { ContractViolationsRepository } from './contract-violations.repository.ts';

/** The few reads of the runs feature an inference needs (app.ts passes the runs index and service). */
export interface RecentRuns {
  /** The flow's newest runs in the index, newest first. */
  list(workspaceId: string, flowId: string, limit: number): Promise<{ _id: string; trigger: string }[]>;
  get(workspaceId: string, runId: string): Promise<RunDetail>;
}

/** Contracts for a flow's webhook: a schema inferred from sample bodies, and the violations counted so far. */
export class ContractsService {
  readonly #runs: RecentRuns;
  readonly #violations: ContractViolationsRepository;
  /** Checks the flow exists in the workspace (404 otherwise) and names it. */
  readonly #flowName: (workspaceId: string, flowId: string) => Promise<string>;

  constructor(deps: {
    runs: RecentRuns;
    violations: ContractViolationsRepository;
    flowName: (workspaceId: string, flowId: string) => Promise<string>;
  }) {
    this.#runs = deps.runs;
    this.#violations = deps.violations;
    this.#flowName = deps.flowName;
  }

  /** A schema from the given bodies, else from the bodies of the flow's last `limit` webhook deliveries. */
  async infer(
    workspaceId: string,
    flowId: string,
    input: { samples?: unknown[] | undefined; limit: number },
  ): Promise<InferContractResponse> {
    const name = await this.#flowName(workspaceId, flowId);
    const samples = input.samples ?? (await this.#recentBodies(workspaceId, flowId, input.limit));
    if (samples.length === 0) {
      throw new ApiError(
        409,
        'no_samples',
        `Flow "${name}" has no recent webhook deliveries to infer a contract from; send one, or post sample bodies as "samples"`,
      );
    }
    return { schema: inferSchema(samples), sampleCount: samples.length };
  }

  async violations(workspaceId: string, flowId: string, hours: number, now: Date): Promise<ContractViolationCounts> {
    await this.#flowName(workspaceId, flowId);
    const from = new Date(now.getTime() - hours * 3_600_000);
    const { rejected, flagged } = await this.#violations.count({ workspaceId, flowId, from, to: now });
    return { from: from.toISOString(), to: now.toISOString(), rejected, flagged };
  }

  /** The request bodies of the newest webhook runs (a run whose trigger output is stored by reference is skipped). */
  async #recentBodies(workspaceId: string, flowId: string, limit: number): Promise<unknown[]> {
    const runs = (await this.#runs.list(workspaceId, flowId, limit)).filter((run) => run.trigger === 'webhook');
    const details = await Promise.all(runs.map((run) => this.#runs.get(workspaceId, run._id)));
    const bodies: unknown[] = [];
    for (const detail of details) {
      const trigger = detail.document?.nodes.find((node) => node.type === webhookTrigger.type);
      const output = trigger === undefined ? undefined : detail.nodes[trigger.id]?.output;
      if (typeof output !== 'object' || output === null || !Object.hasOwn(output, 'body')) continue;
      const body: unknown = Object.getOwnPropertyDescriptor(output, 'body')?.value;
      if (body !== undefined && body !== null) bodies.push(body);
    }
    return bodies;
  }
}
