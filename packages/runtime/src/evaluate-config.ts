import { ExpressionLimitError, type ExpressionLimits, evaluateTemplate, isTemplate } from '@pipewright/expression';
import { defineOwn, isReservedKey } from '@pipewright/step-sdk/safe-object';
import { errorMessage } from './describe-node.ts';

/**
 * The expression budget of a node evaluated in an activity (on plain Node, where a JSONata step costs microseconds,
 * not the workflow sandbox's fraction of a millisecond): a few seconds of work at most, still bounded.
 */
export const OUTSIDE_WORKFLOW_LIMITS: Readonly<ExpressionLimits> = Object.freeze({ maxSteps: 200_000, maxDepth: 500 });

/** A config field whose expression failed: `field` is its path (`config.fields.0.value`). */
export class ConfigFieldError extends Error {
  readonly field: string;
  /** The expression ran out of evaluation steps (not depth): more work than the budget, maybe legitimately. */
  readonly overBudget: boolean;
  constructor(field: string, message: string, overBudget = false) {
    super(message);
    this.name = 'ConfigFieldError';
    this.field = field;
    this.overBudget = overBudget;
  }
}

/** A failed evaluation as a message: the field path when known. */
export const locatedMessage = (error: unknown): string =>
  error instanceof ConfigFieldError ? `${error.field}: ${error.message}` : errorMessage(error);

/**
 * Evaluates every template in a node's config, like `@pipewright/expression`'s `evaluateDeep`, on purpose not with
 * it: an error names the field path where it happened (`config.fields.0.value`) and says whether the budget ran out
 * (the node is then evaluated again in an activity); a reserved key (`__proto__`, `constructor`, `prototype`) fails
 * the node and every key is written as an own property, where `evaluateDeep`'s plain assignment would let a
 * `__proto__` key of a hand-built plan replace the result's prototype.
 */
export async function evaluateConfig(
  value: unknown,
  context: Record<string, unknown>,
  path: string,
  limits?: ExpressionLimits,
): Promise<unknown> {
  if (typeof value === 'string') {
    if (!isTemplate(value)) return value;
    try {
      return await evaluateTemplate(value, context, limits);
    } catch (error) {
      const overBudget = error instanceof ExpressionLimitError && error.limit === 'steps';
      throw new ConfigFieldError(path, errorMessage(error), overBudget);
    }
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const [index, item] of value.entries()) {
      out.push(await evaluateConfig(item, context, `${path}.${index}`, limits));
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // The compiler refuses these keys; a plan that did not come from it is refused here.
      if (isReservedKey(key)) {
        throw new ConfigFieldError(`${path}.${key}`, 'this key is reserved (it names the object prototype, not data)');
      }
      defineOwn(out, key, await evaluateConfig(item, context, `${path}.${key}`, limits));
    }
    return out;
  }
  return value;
}
