import { evaluateTemplate } from '@pipewright/expression';
import { type ExecutionPlan, runKeyItem } from '@pipewright/run-contract';

/**
 * A run's `RunKeys` items: each searchable field of the plan evaluated over `{ trigger }`.  A field whose value is
 * missing, empty or cannot be evaluated is left out (a search for it finds nothing, and the run is not failed for
 * it); objects are stored as JSON.
 *
 * @example
 * await runKeysOf({ ...plan, searchable: [{ name: 'orderId', expression: '{{ trigger.body.id }}' }] }, { body: { id: 7 } });
 * // ['orderId=7']
 */
export async function runKeysOf(plan: Pick<ExecutionPlan, 'searchable'>, trigger: unknown): Promise<string[]> {
  const items: string[] = [];
  for (const field of plan.searchable ?? []) {
    let value: unknown;
    try {
      value = await evaluateTemplate(field.expression, { trigger });
    } catch {
      continue;
    }
    if (value === undefined || value === null || value === '') continue;
    items.push(runKeyItem(field.name, typeof value === 'string' ? value : JSON.stringify(value)));
  }
  return items;
}
