import { assignOwn, getOwn, isReservedKey } from '@pipewright/step-sdk/safe-object';
import { isRecord } from './transform.ts';

/**
 * The built-in flow-control steps (If, Switch, Merge), evaluated inside the workflow.  Their configs have already been
 * evaluated against the run context.  Each returns its output and the output ports it fires.
 */
export interface ControlResult {
  output: unknown;
  ports: string[];
}

export type MergeWait = 'all' | 'first' | 'anyN';
export type MergeCombine = 'append' | 'byPosition' | 'byKey';

/** JSONata-like truthiness: false, null, undefined, 0, NaN, "" and [] are false; everything else is true. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

/** If: `true` or `false`; its output is its input, so both branches see the same data. */
export function runIf(config: unknown, input: unknown): ControlResult {
  const condition = isRecord(config) ? config.condition : undefined;
  return { output: input, ports: [isTruthy(condition) ? 'true' : 'false'] };
}

/** Switch: the first matching case (mode `first`) or every matching case (`all`), else `default`. */
export function runSwitch(config: unknown, input: unknown): ControlResult {
  if (!isRecord(config)) throw new Error('config must be an object');
  const cases = config.cases ?? [];
  if (!Array.isArray(cases)) throw new Error('cases: must be a list');
  const matching: string[] = [];
  for (const [index, entry] of cases.entries()) {
    if (!isRecord(entry) || typeof entry.id !== 'string' || entry.id === '') {
      throw new Error(`cases.${index}.id: must be a non-empty text`);
    }
    if (isTruthy(entry.condition)) matching.push(entry.id);
  }
  const ports = config.mode === 'all' ? matching : matching.slice(0, 1);
  return { output: input, ports: ports.length > 0 ? ports : ['default'] };
}

/** How a merge waits for its inputs (anything unexpected counts as `all`), and for anyN how many. */
export function mergeWaitOf(config: Record<string, unknown>): { wait: MergeWait; n: number } {
  const wait = config.wait === 'first' || config.wait === 'anyN' ? config.wait : 'all';
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
