import { createHash } from 'node:crypto';
import { type ExecutionPlan, flowCoordinatorWorkflowId, keyCoordinatorWorkflowId } from '@pipewright/run-contract';
import { runKeysOf } from '@pipewright/runtime';

/**
 * The coordinator a run is handed to, or undefined (the run starts directly): a published flow with "at most N runs
 * at once" has one for the flow (docs/adr/020; a draft run from the editor is not counted, as in n8n); a flow with a
 * business key one per key (docs/adr/014) — none when the key's value is missing or empty for this trigger.  The
 * compiler refuses both settings at once.  A key's value is evaluated like a searchable field's (`runKeysOf`:
 * encoded, its first 100 characters) and hashed, so no user string becomes part of a workflow id.
 */
export async function keyCoordinatorOf(
  workspaceId: string,
  plan: Pick<ExecutionPlan, 'flowId' | 'businessKey' | 'maxConcurrentRuns'> & { version?: number },
  trigger: unknown,
): Promise<string | undefined> {
  if (plan.maxConcurrentRuns !== undefined) {
    return plan.version === 0 ? undefined : flowCoordinatorWorkflowId(workspaceId, plan.flowId);
  }
  const key = plan.businessKey;
  if (!key) return undefined;
  const [item] = await runKeysOf({ searchable: [{ name: 'key', expression: key.expression }] }, trigger);
  if (item === undefined) return undefined;
  const hash = createHash('sha256').update(item).digest('hex').slice(0, 32);
  return keyCoordinatorWorkflowId(workspaceId, plan.flowId, hash);
}
