import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** What a step activity's input says about its run, for its log lines: ids only, never the step's input. */
function runAttributesOf(input: unknown): Record<string, string> {
  if (typeof input !== 'object' || input === null) return {};
  const request = input as Record<string, unknown>;
  const node = request.node as Record<string, unknown> | undefined;
  const attributes: Record<string, string> = {};
  for (const [key, value] of [
    ['workspaceId', request.workspaceId],
    ['flowId', request.flowId],
    ['nodeId', request.nodeId ?? node?.id],
    ['idempotencyKey', request.idempotencyKey],
  ] as const) {
    if (typeof value === 'string') attributes[key] = value;
  }
  return attributes;
}

/**
 * Adds the run's workspace, flow, node and idempotency key to every log line of a step activity; Temporal adds the
 * workflow id (the run id), activity type and attempt.  Read from the activity's input when it starts.
 */
export const runLogAttributes: ActivityInterceptorsFactory = () => {
  let attributes: Record<string, string> = {};
  return {
    inbound: {
      execute(input, next) {
        attributes = runAttributesOf(input.args[0]);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(input, next) {
        return next({ ...input, ...attributes });
      },
    },
  };
};
