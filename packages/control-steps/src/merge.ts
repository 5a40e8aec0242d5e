import { assignOwn, getOwn, isReservedKey } from '@pipewright/step-sdk/safe-object';
import type {
  ConfigProblem,
  ControlResult,
  MergeControlStep,
  MergeJoin,
  MergeWait,
  WrittenName,
} from './control-step.ts';
import { isRecord } from './records.ts';

export const CORE_MERGE_TYPE = 'core.merge';

export type MergeCombine = 'append' | 'byPosition' | 'byKey';

/** How a merge waits for its inputs (anything unexpected counts as `all`), and for anyN how many. */
export function mergeWaitOf(config: Record<string, unknown>): MergeJoin {
  const wait: MergeWait = config.wait === 'first' || config.wait === 'anyN' ? config.wait : 'all';
  const n = typeof config.n === 'number' && Number.isInteger(config.n) && config.n >= 1 ? config.n : 1;
  return { wait, n };
}

/**
 * Merge: `inputs` are the outputs of the paths that arrived, in edge order (for `all`) or arrival order.  `first`
 * passes its one input through; otherwise they are combined.
 */
export function runMerge(config: unknown, inputs: unknown[]): ControlResult {
  if (!isRecord(config)) throw new Error('config must be an object');
  if (mergeWaitOf(config).wait === 'first') return { output: inputs[0] ?? null, ports: ['out'] };
  const combine = config.combine ?? 'append';
  switch (combine) {
    case 'append':
      return { output: inputs.flatMap((value) => (Array.isArray(value) ? value : [value])), ports: ['out'] };
    case 'byPosition':
      return { output: combineByPosition(inputs), ports: ['out'] };
    case 'byKey': {
      if (typeof config.key !== 'string' || config.key === '') throw new Error('key: name the field to join on');
      if (isReservedKey(config.key)) {
        throw new Error(`key: "${config.key}" is reserved (it names the object prototype, not data); use another name`);
      }
      return { output: combineByKey(inputs, config.key), ports: ['out'] };
    }
    default:
      throw new Error(`combine: must be append, byPosition or byKey, got ${JSON.stringify(combine)}`);
  }
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** Item i of every input, shallow-merged (objects) or the first present value (anything else). */
function combineByPosition(inputs: unknown[]): unknown[] {
  const lists = inputs.map(asList);
  const length = Math.max(0, ...lists.map((list) => list.length));
  const out: unknown[] = [];
  for (let i = 0; i < length; i++) {
    const items = lists.map((list) => list[i]).filter((item) => item !== undefined);
    const objects = items.filter(isRecord);
    // assignOwn, not Object.assign: an item's own `__proto__` key (JSON.parse makes one) stays data.
    out.push(objects.length > 0 ? assignOwn({}, ...objects) : (items[0] ?? null));
  }
  return out;
}

/**
 * Objects with the same `key` value, across every input, shallow-merged into one (a full outer join), in order of
 * first appearance; items without the key are kept as they are.
 */
function combineByKey(inputs: unknown[], key: string): unknown[] {
  const out: unknown[] = [];
  const slots = new Map<string, number>();
  for (const item of inputs.flatMap(asList)) {
    const value = isRecord(item) ? getOwn(item, key) : undefined;
    if (!isRecord(item) || value === undefined) {
      out.push(item);
      continue;
    }
    const id = JSON.stringify(value);
    const slot = slots.get(id);
    const existing = slot === undefined ? undefined : out[slot];
    if (slot !== undefined && isRecord(existing)) out[slot] = assignOwn({}, existing, item);
    else {
      slots.set(id, out.length);
      out.push(assignOwn({}, item));
    }
  }
  return out;
}

/** A merge has at least two incoming connections, and for anyN an `n` it can reach. */
function checkJoin(config: Record<string, unknown>, join: { nodeId: string; incoming: number }): ConfigProblem[] {
  const { nodeId, incoming } = join;
  const problems: ConfigProblem[] = [];
  if (incoming < 2) {
    problems.push({
      code: 'merge_needs_inputs',
      field: 'inputs',
      message: `Merge "${nodeId}" has ${incoming} incoming connection${incoming === 1 ? '' : 's'}; connect at least two paths to merge`,
    });
  }
  const n = config.n;
  if (mergeWaitOf(config).wait === 'anyN' && (typeof n !== 'number' || n > incoming)) {
    problems.push({
      code: 'invalid_config',
      field: 'config.n',
      message:
        typeof n === 'number'
          ? `Merge "${nodeId}" waits for ${n} paths but has only ${incoming} incoming connections`
          : `Merge "${nodeId}" waits for "any N" paths: say how many in "Number of paths"`,
    });
  }
  return problems;
}

/** byKey joins on `key`: the field name becomes a key of the merged objects. */
function writtenNames(config: Record<string, unknown>): WrittenName[] {
  const { key } = config;
  return typeof key === 'string' ? [{ field: 'config.key', what: 'the key field', name: key, isPath: false }] : [];
}

/** Joins parallel or alternative paths, inside the workflow. */
export const mergeControlStep: MergeControlStep = {
  kind: 'merge',
  type: CORE_MERGE_TYPE,
  awaitsOutside: false,
  joinOf: mergeWaitOf,
  checkJoin,
  writtenNames,
  evaluate(config, input) {
    // The scheduler gives a merge the list of what arrived; a single value is a list of one.
    return runMerge(config, asList(input));
  },
};
