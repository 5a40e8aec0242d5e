import { type CompiledContract, type ContractViolation, compileContract } from '@pipewright/contracts';
import type { IngressMetrics } from '@pipewright/metrics';
import type { ExecutionPlan } from '@pipewright/run-contract';
import type { ContractViolationsRepository } from '../contracts/contract-violations.repository.ts';
import { ApiError } from '../errors.ts';
import type { WebhookConfig } from './triggers.service.ts';

/** What the ingress does with a delivery's body: go on (maybe with a flag for the trigger output) or refuse it. */
export type ContractOutcome =
  | { action: 'none' }
  | { action: 'flag'; contract: { valid: boolean; violations: ContractViolation[] } }
  | { action: 'reject'; violations: ContractViolation[] };

interface Target {
  flow: { _id: string; workspaceId: string };
  plan: ExecutionPlan;
  config: WebhookConfig;
}

/**
 * Checks webhook bodies against their flow's contract. The compiled contract is kept per published plan object —
 * the plans are cached and frozen (published-plans.ts), so each published version compiles once and its contract
 * goes when its plan leaves the cache.
 */
export class IngressContracts {
  readonly #compiled = new WeakMap<ExecutionPlan, CompiledContract | null>();
  readonly #violations: ContractViolationsRepository;
  readonly #metrics: IngressMetrics | undefined;
  readonly #log: (message: string, error: unknown) => void;

  constructor(deps: {
    violations: ContractViolationsRepository;
    metrics?: IngressMetrics | undefined;
    log: (message: string, error: unknown) => void;
  }) {
    this.#violations = deps.violations;
    this.#metrics = deps.metrics;
    this.#log = deps.log;
  }

  check(target: Target, body: unknown): ContractOutcome {
    const { mode } = target.config.contract;
    if (mode === 'off') return { action: 'none' };
    const contract = this.#contractOf(target);
    // A published config always holds a schema that compiles (the trigger's config refuses others at publish).
    if (contract === null) return { action: 'none' };
    const verdict = contract.check(body);
    if (mode === 'reject')
      return verdict.valid ? { action: 'none' } : { action: 'reject', violations: verdict.violations };
    return {
      action: 'flag',
      contract: verdict.valid ? { valid: true, violations: [] } : { valid: false, violations: verdict.violations },
    };
  }

  /** Counts a violation (metrics and the `contract_violations` buckets); failing to store it never changes the answer. */
  async count(target: Pick<Target, 'flow'>, outcome: 'rejected' | 'flagged'): Promise<void> {
    const { workspaceId, _id: flowId } = target.flow;
    this.#metrics?.contractViolation({ workspaceId, outcome });
    try {
      await this.#violations.record({ workspaceId, flowId, outcome, at: new Date() });
    } catch (error) {
      this.#log(`could not count a contract violation of flow ${flowId}`, error);
    }
  }

  #contractOf(target: Target): CompiledContract | null {
    const known = this.#compiled.get(target.plan);
    if (known !== undefined) return known;
    const compiled = compileContract(target.config.contract.schema);
    const contract = compiled.ok ? compiled.contract : null;
    this.#compiled.set(target.plan, contract);
    return contract;
  }
}

/** 422 naming the first failing field: `body.order.id: must be string`. */
export function contractRejected(violations: ContractViolation[]): ApiError {
  const first = violations[0] ?? { path: 'body', message: 'does not match the contract' };
  return new ApiError(422, 'contract_violation', `${first.path}: ${first.message}`, {
    issues: violations.map(({ path, message }) => ({ path, message })),
  });
}
