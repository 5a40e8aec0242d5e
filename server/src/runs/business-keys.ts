import { createHash } from 'node:crypto';
import { type ExecutionPlan, keyCoordinatorWorkflowId } from '@pipewright/run-contract';
import { runKeysOf } from '@pipewright/runtime';

/**
 * The coordinator a run of a flow with a business key is handed to (docs/adr/014), or undefined: the flow has no
 * key, or the key's value is missing or empty for this trigger (the run then starts directly, as an unkeyed run).
 * The value is evaluated like a searchable field's (`runKeysOf`: encoded, its first 100 characters) and hashed, so
 * no user string becomes part of a workflow id.
 */
export async function keyCoordinatorOf(
  workspaceId: string,
  plan: Pick<ExecutionPlan, 'flowId' | 'businessKey'>,
  trigger: unknown,
): Promise<string | undefined> {
  const key = plan.businessKey;
  if (!key) return undefined;
  const [item] = await runKeysOf({ searchable: [{ name: 'key', expression: key.expression }] }, trigger);
  if (item === undefined) return undefined;
  const hash = createHash('sha256').update(item).digest('hex').slice(0, 32);
  return keyCoordinatorWorkflowId(workspaceId, plan.flowId, hash);
}
