import type { ConfigProblem, LoopControlStep, NodeSurroundings } from './control-step.ts';

export const CORE_LOOP_TYPE = 'core.loop';

/** Most iterations running at once; more would only queue activities behind each other. */
export const LOOP_MAX_CONCURRENCY = 50;

/**
 * The type of the synthetic node a loop body's plan starts from (it outputs the current item): made by the runtime
 * for each iteration, never part of a flow or a stored plan.
 */
export const LOOP_ITEM_TYPE = 'core.loopItem';

/** Read inside the body after each iteration (against `item`, `index` and `result`), not where the Loop runs. */
const STOP_WHEN = 'stopWhen';

function nodeConfigOf(config: Record<string, unknown>): Record<string, unknown> {
  const { [STOP_WHEN]: _readInBody, ...rest } = config;
  return rest;
}

function bodySettingsOf(config: Record<string, unknown>): { stopWhen?: string; resultNode?: string } {
  const { stopWhen, resultNode } = config;
  return {
    ...(typeof stopWhen === 'string' ? { stopWhen } : {}),
    ...(typeof resultNode === 'string' ? { resultNode } : {}),
  };
}

function iterationsOf(config: Record<string, unknown>): { items: unknown[]; concurrency: number } {
  const items = config.items;
  if (!Array.isArray(items)) {
    throw new Error(`items: must evaluate to a list, got ${items === null ? 'null' : typeof items}`);
  }
  const concurrency =
    typeof config.concurrency === 'number' && Number.isInteger(config.concurrency) && config.concurrency > 0
      ? config.concurrency
      : 1;
  return { items, concurrency };
}

/** A Loop's `resultNode` is one of its body nodes. */
function checkConfig(config: Record<string, unknown>, surroundings: NodeSurroundings): ConfigProblem[] {
  const { resultNode } = config;
  const { nodeId, bodyNodeIds } = surroundings;
  if (resultNode === undefined || bodyNodeIds.length === 0) return [];
  if (bodyNodeIds.some((id) => id === resultNode)) return [];
  return [
    {
      code: 'invalid_config',
      field: 'config.resultNode',
      message: `Loop "${nodeId}": result node ${JSON.stringify(resultNode)} is not inside the loop (its steps: ${bodyNodeIds.join(', ')})`,
    },
  ];
}

/**
 * Runs its body — the nodes placed inside it — once per item, inside the workflow (long loops in chunks elsewhere).
 * The output is the list of iteration results, in item order.
 */
export const loopControlStep: LoopControlStep = {
  kind: 'loop',
  type: CORE_LOOP_TYPE,
  // Its body decides: a body with a Wait or an activity adds events, one that only transforms does not.
  awaitsOutside: false,
  nodeConfigOf,
  bodySettingsOf,
  iterationsOf,
  checkConfig,
};
