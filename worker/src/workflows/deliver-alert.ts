// Workflow code (deterministic): one alert to one channel, as one `runStep` activity with retries.
import {
  ALERT_DELIVERY_RETRY,
  type DeliverAlertInput,
  type DeliverAlertResult,
  STEP_HEARTBEAT_TIMEOUT_MS,
} from '@pipewright/run-contract';
import type { RunStepFn } from '@pipewright/step-host';
import { proxyActivities } from '@temporalio/workflow';

const { runStep } = proxyActivities<{ runStep: RunStepFn }>({
  startToCloseTimeout: ALERT_DELIVERY_RETRY.timeoutMs,
  heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT_MS,
  retry: {
    maximumAttempts: ALERT_DELIVERY_RETRY.maxAttempts,
    initialInterval: ALERT_DELIVERY_RETRY.initialIntervalMs,
    backoffCoefficient: ALERT_DELIVERY_RETRY.backoffCoefficient,
    maximumInterval: ALERT_DELIVERY_RETRY.maxIntervalMs,
  },
});

/**
 * Sends an alert of the server's alert rules (server/src/alerts): the step runs on the worker, where credentials are
 * decrypted, so the server never holds an SMTP password or a chat webhook URL.  Not a `runFlow`: no flow metrics,
 * no failed-runs entry, no alert about a failed alert.
 */
export async function deliverAlert(input: DeliverAlertInput): Promise<DeliverAlertResult> {
  const result = await runStep({
    nodeId: 'alert',
    type: input.step.type,
    typeVersion: input.step.typeVersion,
    input: input.step.input,
    idempotencyKey: input.idempotencyKey,
    workspaceId: input.workspaceId,
  });
  return { attempts: result.attempts };
}
