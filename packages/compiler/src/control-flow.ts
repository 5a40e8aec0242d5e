import { type ConfigProblem, controlStepFor, type MergeWait } from '@pipewright/control-steps';
import { DEFAULT_PORT, ERROR_PORT, type FlowDocument, type FlowEdge, type FlowNode } from '@pipewright/flow';
import type { PlanOnError } from '@pipewright/run-contract';
import { outputPortsOf, type StepManifest } from '@pipewright/step-sdk';
import type { CompileError } from './compile-result.ts';

const PORT_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const onErrorOf = (node: FlowNode): PlanOnError => node.settings?.onError ?? 'fail';

/** Every output port id of a node: the step's ports (Switch: one per case) plus `error` when it routes failures. */
export function portIdsOf(node: FlowNode, manifest: StepManifest): string[] {
  const ids = outputPortsOf(manifest, node.config).map((port) => port.id);
  return onErrorOf(node) === 'errorOutput' ? [...ids, ERROR_PORT] : ids;
}

/**
 * How a node waits for its inputs: a join step (Merge) as its config says (templates or junk count as `all`), every
 * other node for all of them.
 */
export function mergeWaitOf(node: { type: string; config: Record<string, unknown> }): MergeWait {
  return controlStepFor(node.type, 'merge')?.joinOf(node.config).wait ?? 'all';
}

/**
 * Ports and joins: every edge leaves from a port its source node has; config-derived port ids (Switch cases) are
 * identifier-like and unique; a merge has at least two incoming connections (and `n` when it waits for anyN).
 */
export function checkControlFlow(
  doc: FlowDocument,
  edges: FlowEdge[],
  manifests: Map<string, StepManifest>,
): CompileError[] {
  const errors: CompileError[] = [];
  const byId = new Map(doc.nodes.map((node) => [node.id as string, node]));
  for (const node of doc.nodes) {
    const manifest = manifests.get(node.id);
    if (manifest) errors.push(...checkPortIds(node, manifest));
  }
  for (const edge of edges) {
    const source = byId.get(edge.source);
    const manifest = manifests.get(edge.source);
    if (!source || !manifest) continue;
    const ports = portIdsOf(source, manifest);
    if (ports.includes(edge.sourcePort)) continue;
    const hint =
      edge.sourcePort === ERROR_PORT
        ? ' (set its "On error" to "Take the error output" to get one)'
        : ` (its outputs: ${ports.join(', ')})`;
    errors.push({
      code: 'unknown_port',
      nodeId: edge.source,
      edgeId: edge.id,
      field: 'sourcePort',
      message: `Connection "${edge.id}" leaves node "${edge.source}" from output "${edge.sourcePort}", which that node does not have${hint}`,
    });
  }
  for (const node of doc.nodes) {
    const join = controlStepFor(node.type, 'merge');
    if (!join) continue;
    const incoming = edges.filter((edge) => edge.target === node.id).length;
    errors.push(...join.checkJoin(node.config, { nodeId: node.id, incoming }).map(locatedOn(node.id)));
  }
  return errors;
}

/** A control step's config problem, located on its node. */
export const locatedOn =
  (nodeId: string) =>
  ({ code, field, message }: ConfigProblem): CompileError => ({ code, nodeId, field, message });

function checkPortIds(node: FlowNode, manifest: StepManifest): CompileError[] {
  const outputs = manifest.outputs;
  if (outputs === undefined || Array.isArray(outputs) || !('fromConfig' in outputs)) return [];
  const items = node.config[outputs.fromConfig];
  if (!Array.isArray(items)) return [];
  const errors: CompileError[] = [];
  const taken = new Set<string>([...(outputs.extra ?? []).map((port) => port.id), ERROR_PORT]);
  items.forEach((item: unknown, index) => {
    const id: unknown = typeof item === 'object' && item !== null ? Reflect.get(item, outputs.idKey) : undefined;
    const field = `config.${outputs.fromConfig}.${index}.${outputs.idKey}`;
    const fail = (why: string) =>
      errors.push({ code: 'invalid_port_id', nodeId: node.id, field, message: `Node "${node.id}": ${why}` });
    if (typeof id !== 'string' || !PORT_ID_PATTERN.test(id)) {
      fail(
        `${outputs.fromConfig} #${index + 1} needs an id made of letters, digits and _ (not starting with a digit), got ${JSON.stringify(id ?? '')}`,
      );
    } else if (taken.has(id)) {
      fail(`${outputs.fromConfig} #${index + 1} reuses the id "${id}"; each output needs its own id`);
    } else {
      taken.add(id);
    }
  });
  return errors;
}

/**
 * Which nodes are certain to have finished whenever a given node runs (in a run that has not failed), so that a
 * `steps.X` reference there always has a value.  This is dominance (every path from the trigger passes through X)
 * widened by joins that wait for all their inputs: after a plain join or a merge waiting for `all`, a node on an
 * unconditional parallel branch has certainly finished too.  A node is *certain* when it runs in every run that does
 * not fail: one of its inputs leaves a certain node from a port that always fires (the only port of a node without
 * an error output).  Sets are bitsets over topological positions, so a 5,000-node chain stays small.
 */
export function createRunGuarantees(input: {
  order: string[];
  nodes: Map<string, FlowNode>;
  edges: FlowEdge[];
  manifests: Map<string, StepManifest>;
}): (nodeId: string, referenced: string) => boolean | undefined {
  const { order, nodes, edges, manifests } = input;
  const position = new Map(order.map((id, index) => [id, index]));
  const words = Math.ceil(order.length / 32) || 1;
  const guaranteed = new Map<string, Uint32Array>();
  const certain = new Set<string>();
  const incoming = new Map<string, FlowEdge[]>();
  for (const edge of edges) incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge]);

  const alwaysFires = (edge: FlowEdge): boolean => {
    const source = nodes.get(edge.source);
    const manifest = manifests.get(edge.source);
    if (!source || !manifest || !certain.has(edge.source)) return false;
    const ports = outputPortsOf(manifest, source.config);
    return (
      ports.length === 1 &&
      ports[0]?.id === DEFAULT_PORT &&
      edge.sourcePort === DEFAULT_PORT &&
      onErrorOf(source) !== 'errorOutput'
    );
  };
  const withSource = (edge: FlowEdge): Uint32Array => {
    const set = Uint32Array.from(guaranteed.get(edge.source) ?? new Uint32Array(words));
    const at = position.get(edge.source);
    if (at !== undefined) set[at >>> 5] = (set[at >>> 5] ?? 0) | (1 << (at & 31));
    return set;
  };

  for (const id of order) {
    const node = nodes.get(id);
    const into = incoming.get(id) ?? [];
    if (!node || into.length === 0) {
      certain.add(id);
      guaranteed.set(id, new Uint32Array(words));
      continue;
    }
    // Some input was active, so its source ran: what every source guarantees (plus itself) holds.
    const set = withSource(into[0] as FlowEdge);
    for (const edge of into.slice(1)) {
      const other = withSource(edge);
      for (let w = 0; w < words; w++) set[w] = (set[w] ?? 0) & (other[w] ?? 0);
    }
    // A join that waits for every input: each certain source has finished by then (it cannot have been skipped).
    if (mergeWaitOf(node) === 'all') {
      for (const edge of into) {
        if (!certain.has(edge.source)) continue;
        const other = withSource(edge);
        for (let w = 0; w < words; w++) set[w] = (set[w] ?? 0) | (other[w] ?? 0);
      }
    }
    guaranteed.set(id, set);
    if (into.some(alwaysFires)) certain.add(id);
  }

  return (nodeId, referenced) => {
    const set = guaranteed.get(nodeId);
    const at = position.get(referenced);
    if (!set || at === undefined) return undefined; // outside the ordered graph (a cycle): unknown
    return ((set[at >>> 5] ?? 0) & (1 << (at & 31))) !== 0;
  };
}
