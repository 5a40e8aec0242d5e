import type { SubflowControlStep } from './control-step.ts';

export const CORE_SUBFLOW_TYPE = 'core.subflow';

/**
 * Runs another published flow as a child run and waits for it (the server embeds that flow's plan at publish).
 * `input` becomes the child's trigger output; the result is the child's `outputNodeId` output, or its last node's.
 */
export const subflowControlStep: SubflowControlStep = {
  kind: 'subflow',
  type: CORE_SUBFLOW_TYPE,
  // Its child run may wait as long as any flow.
  awaitsOutside: true,
  childCallOf: (config) => ({
    flowId: config.flowId ?? null,
    trigger: config.input ?? null,
    outputNodeId: typeof config.outputNodeId === 'string' ? config.outputNodeId : undefined,
  }),
};
